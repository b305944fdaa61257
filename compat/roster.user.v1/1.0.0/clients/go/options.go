package roster

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// DefaultTimeout bounds every unary call whose context carries no deadline.
const DefaultTimeout = 10 * time.Second

// Option configures Dial.
type Option func(*settings)

// settings collects the options; Dial turns them into grpc.DialOptions.
type settings struct {
	insecure    bool
	caFile      string
	certFile    string
	keyFile     string
	serverName  string
	timeout     time.Duration
	dialOptions []grpc.DialOption
}

// WithInsecure connects in plaintext, without TLS.
func WithInsecure() Option {
	return func(s *settings) { s.insecure = true }
}

// WithCAFile verifies the server's certificate against the PEM CA bundle in
// path instead of the system roots.
func WithCAFile(path string) Option {
	return func(s *settings) { s.caFile = path }
}

// WithClientCertificate presents the PEM certificate and key to the server
// (mutual TLS).
func WithClientCertificate(certFile, keyFile string) Option {
	return func(s *settings) { s.certFile, s.keyFile = certFile, keyFile }
}

// WithServerName overrides the name the server's certificate must carry.
func WithServerName(name string) Option {
	return func(s *settings) { s.serverName = name }
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
	if s.insecure {
		if s.caFile != "" || s.certFile != "" {
			return nil, fmt.Errorf("roster: WithInsecure cannot be combined with TLS options")
		}
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
