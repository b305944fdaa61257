package roster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// DefaultTimeout bounds every unary call whose context carries no deadline; it
// is the client policy's timeout (see ServiceConfigJSON). WatchUsers has none.
var DefaultTimeout = defaultPolicy.timeout

// TokenSource returns the bearer token for one call; it is called before every
// call, so it may refresh an expiring token (and should cache a valid one).
type TokenSource func(ctx context.Context) (string, error)

// Option configures Dial.
type Option func(*settings)

// settings collects the options; Dial turns them into grpc.DialOptions.
type settings struct {
	insecure    bool
	useTLS      bool
	tokens      TokenSource
	caFile      string
	certFile    string
	keyFile     string
	serverName  string
	timeout     time.Duration
	dialOptions []grpc.DialOption
}

// WithInsecure connects in plaintext, without TLS. Plaintext is also what Dial
// does without any TLS option, as every Roster client does; this option states
// it, and makes Dial fail if a TLS option is given too.
func WithInsecure() Option {
	return func(s *settings) { s.insecure = true }
}

// WithTLS connects over TLS, verifying the server against the system roots
// (or WithCAFile).
func WithTLS() Option {
	return func(s *settings) { s.useTLS = true }
}

// WithCAFile connects over TLS, verifying the server's certificate against the
// PEM CA bundle in path instead of the system roots.
func WithCAFile(path string) Option {
	return func(s *settings) { s.useTLS, s.caFile = true, path }
}

// WithClientCertificate connects over TLS and presents the PEM certificate and
// key to the server (mutual TLS).
func WithClientCertificate(certFile, keyFile string) Option {
	return func(s *settings) { s.useTLS, s.certFile, s.keyFile = true, certFile, keyFile }
}

// WithServerName connects over TLS and overrides the name the server's
// certificate must carry.
func WithServerName(name string) Option {
	return func(s *settings) { s.useTLS, s.serverName = true, name }
}

// WithToken sends token as `authorization: Bearer <token>` on every call.
func WithToken(token string) Option {
	return WithTokenSource(func(context.Context) (string, error) { return token, nil })
}

// WithTokenSource sends the token source's answer as a bearer token on every
// call; its error fails the call.
func WithTokenSource(source TokenSource) Option {
	return func(s *settings) { s.tokens = source }
}

// WithDefaultTimeout replaces DefaultTimeout for calls whose context has no
// deadline; zero or negative disables it.
func WithDefaultTimeout(d time.Duration) Option {
	return func(s *settings) { s.timeout = d }
}

// WithDialOptions appends raw gRPC dial options, for example interceptors.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(s *settings) { s.dialOptions = append(s.dialOptions, opts...) }
}

// transportCredentials builds plaintext or TLS credentials from the settings.
func (s *settings) transportCredentials() (credentials.TransportCredentials, error) {
	if s.insecure && s.useTLS {
		return nil, fmt.Errorf("roster: WithInsecure cannot be combined with TLS options")
	}
	if !s.useTLS {
		return insecure.NewCredentials(), nil
	}
	config := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: s.serverName}
	if s.caFile != "" {
		pem, err := os.ReadFile(s.caFile)
		if err != nil {
			return nil, fmt.Errorf("roster: reading CA file: %w", err)
		}
		config.RootCAs = x509.NewCertPool()
		if !config.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("roster: no PEM certificate in CA file %s", s.caFile)
		}
	}
	if s.certFile != "" || s.keyFile != "" {
		pair, err := tls.LoadX509KeyPair(s.certFile, s.keyFile)
		if err != nil {
			return nil, fmt.Errorf("roster: loading client certificate: %w", err)
		}
		config.Certificates = []tls.Certificate{pair}
	}
	return credentials.NewTLS(config), nil
}

// bearer is per-call credentials from a TokenSource.
type bearer struct {
	source TokenSource
}

// GetRequestMetadata asks the source for the token of this call.
func (b bearer) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	token, err := b.source(ctx)
	if err != nil {
		return nil, fmt.Errorf("roster: token source: %w", err)
	}
	return map[string]string{"authorization": "Bearer " + token}, nil
}

// RequireTransportSecurity is false so that tokens also work on plaintext
// connections (local runs, a TLS-terminating proxy), as in every Roster client.
func (bearer) RequireTransportSecurity() bool {
	return false
}
