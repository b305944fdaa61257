package roster

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ServiceConfigJSON is the client policy every Roster client embeds: a gRPC
// service config holding the default timeout and the retry policy, copied from
// the contract (proto/roster/user/v1/user_grpc_service_config.json) by `make gen`.
// Dial installs it as the connection's default service config.
//
//go:embed service_config.json
var ServiceConfigJSON string

// serviceConfig is the part of the service config the client reads itself.
type serviceConfig struct {
	MethodConfig []struct {
		Name []struct {
			Service string `json:"service"`
			Method  string `json:"method"`
		} `json:"name"`
		Timeout     string `json:"timeout"`
		RetryPolicy *struct {
			InitialBackoff    string  `json:"initialBackoff"`
			MaxBackoff        string  `json:"maxBackoff"`
			BackoffMultiplier float64 `json:"backoffMultiplier"`
		} `json:"retryPolicy"`
	} `json:"methodConfig"`
}

// Backoff is the pause between attempts: exponential, capped, with full jitter.
type Backoff struct {
	Initial, Max time.Duration
	Multiplier   float64
}

// cap is the longest pause before retry number attempt (1-based).
func (b Backoff) cap(attempt int) time.Duration {
	d := float64(b.Initial)
	for i := 1; i < attempt && d < float64(b.Max); i++ {
		d *= b.Multiplier
	}
	return time.Duration(min(d, float64(b.Max)))
}

// policy is what the client takes from the service config: the service-wide
// default timeout and the retry back-off, which the resuming watch reuses.
type policy struct {
	timeout time.Duration
	backoff Backoff
}

// loadPolicy reads the service-wide entry of the embedded service config.
func loadPolicy() (policy, error) {
	var config serviceConfig
	if err := json.Unmarshal([]byte(ServiceConfigJSON), &config); err != nil {
		return policy{}, fmt.Errorf("roster: embedded service config: %w", err)
	}
	for _, entry := range config.MethodConfig {
		for _, name := range entry.Name {
			if name.Service != serviceName || name.Method != "" || entry.RetryPolicy == nil {
				continue
			}
			timeout, err1 := duration(entry.Timeout)
			initial, err2 := duration(entry.RetryPolicy.InitialBackoff)
			maxBackoff, err3 := duration(entry.RetryPolicy.MaxBackoff)
			for _, err := range []error{err1, err2, err3} {
				if err != nil {
					return policy{}, err
				}
			}
			return policy{timeout, Backoff{initial, maxBackoff, entry.RetryPolicy.BackoffMultiplier}}, nil
		}
	}
	return policy{}, fmt.Errorf("roster: the embedded service config has no entry for %s", serviceName)
}

// duration parses a service-config duration such as "0.1s".
func duration(text string) (time.Duration, error) {
	seconds, err := strconv.ParseFloat(strings.TrimSuffix(text, "s"), 64)
	if err != nil || !strings.HasSuffix(text, "s") {
		return 0, fmt.Errorf("roster: not a service-config duration: %q", text)
	}
	return time.Duration(seconds * float64(time.Second)), nil
}

// defaultPolicy is the embedded policy, read once; a malformed file is a build defect.
var defaultPolicy = func() policy {
	p, err := loadPolicy()
	if err != nil {
		panic(err)
	}
	return p
}()
