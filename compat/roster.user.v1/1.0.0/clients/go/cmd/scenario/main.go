// Command scenario runs the cross-language interop scenario (HELPERS.md)
// against the plaintext server at $ROSTER_ADDRESS with the Go client. It
// prints "ok <step>" or "FAIL <step>: <why>" per step and exits 0 only when
// every step passes.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc/health/grpc_health_v1"

	roster "roster.dev/clients/go"
)

// language is this implementation's name in user ids and labels.
const language = "go"

// stepTimeout bounds waits for stream messages, which have no call deadline.
const stepTimeout = 10 * time.Second

func main() {
	address := os.Getenv("ROSTER_ADDRESS")
	if address == "" {
		fmt.Println("FAIL setup: ROSTER_ADDRESS is not set")
		os.Exit(2)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, err := roster.Dial(ctx, address, roster.WithInsecure())
	if err != nil {
		fmt.Printf("FAIL setup: %v\n", err)
		os.Exit(2)
	}
	defer client.Close()
	s := &scenario{ctx: ctx, client: client, health: grpc_health_v1.NewHealthClient(client.Conn()), prefix: language + "-" + runID()}
	if !s.run() {
		os.Exit(1)
	}
}

// runID is 8 random lowercase hex characters, unique per run.
func runID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// step is one numbered check of the scenario; later steps use what earlier
// ones stored on the scenario, so the run stops at the first failure.
type step struct {
	name string
	run  func() error
}

func (s *scenario) run() bool {
	steps := []step{
		{"health", s.checkHealth},
		{"watch-open", s.openWatch},
		{"create", s.create},
		{"get", s.get},
		{"batch-get", s.batchGet},
		{"list", s.list},
		{"update", s.update},
		{"delete", s.delete},
		{"undelete", s.undelete},
		{"watch-events", s.watchEvents},
		{"deadline", s.deadline},
	}
	for i, st := range steps {
		if err := st.run(); err != nil {
			fmt.Printf("FAIL %s: %v\n", st.name, err)
			for _, skipped := range steps[i+1:] {
				fmt.Printf("FAIL %s: not run after an earlier failure\n", skipped.name)
			}
			return false
		}
		fmt.Printf("ok %s\n", st.name)
	}
	return true
}
