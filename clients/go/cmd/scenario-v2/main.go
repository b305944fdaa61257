// Command scenario-v2 runs the roster.user.v2 interop scenario
// (tests/interop/scenario_v2.py) against the plaintext server at
// $ROSTER_ADDRESS with the Go ClientV2. It prints "ok <step>" or
// "FAIL <step>: <why>" per step and exits 0 only when every step passes.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	roster "roster.dev/clients/go"
	userv2 "roster.dev/gen/go/roster/user/v2"
)

// language is this implementation's name in user ids and labels.
const language = "go-v2"

// eventTimeout bounds waits for stream messages, which have no call deadline.
const eventTimeout = 15 * time.Second

func main() {
	address := os.Getenv("ROSTER_ADDRESS")
	if address == "" {
		fmt.Println("FAIL setup: ROSTER_ADDRESS is not set")
		os.Exit(2)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, err := roster.DialV2(ctx, address, roster.WithInsecure())
	if err != nil {
		fmt.Printf("FAIL setup: %v\n", err)
		os.Exit(2)
	}
	defer client.Close()
	s := &scenario{ctx: ctx, client: client, tag: language + "-" + runID()}
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

// step is one check of the scenario; later steps use what earlier ones
// stored on the scenario, so the run stops at the first failure.
type step struct {
	name string
	run  func() error
}

func (s *scenario) run() bool {
	steps := []step{
		{"watch-open", s.openWatch},
		{"create", s.create},
		{"get", s.get},
		{"batch-create", s.batchCreate},
		{"list", s.list},
		{"suspend", s.suspend},
		{"activate", s.activate},
		{"update", s.update},
		{"delete", s.delete},
		{"purge", s.purge},
		{"undelete", s.undelete},
		{"watch-events", s.watchEvents},
	}
	for i, st := range steps {
		if err := st.run(); err != nil {
			fmt.Printf("FAIL %s: %v\n", st.name, err)
			for _, skipped := range steps[i+1:] {
				fmt.Printf("FAIL %s: not run, %s failed\n", skipped.name, st.name)
			}
			return false
		}
		fmt.Printf("ok %s\n", st.name)
	}
	return true
}

// watched is one message of the filtered watch, or the error that ended it.
type watched struct {
	event *userv2.WatchUsersResponse
	err   error
}

// startWatch opens WatchUsers with filter and forwards its messages to a
// channel, so a step can wait for the next one with a timeout.
func startWatch(ctx context.Context, client *roster.ClientV2, filter string) (<-chan watched, error) {
	stream, err := client.WatchUsers(ctx, &userv2.WatchUsersRequest{Filter: filter})
	if err != nil {
		return nil, err
	}
	events := make(chan watched, 64)
	go func() {
		for {
			event, err := stream.Recv()
			events <- watched{event: event, err: err}
			if err != nil {
				return
			}
		}
	}()
	return events, nil
}

// next waits for the watch's next message.
func next(events <-chan watched) (*userv2.WatchUsersResponse, error) {
	select {
	case got := <-events:
		return got.event, got.err
	case <-time.After(eventTimeout):
		return nil, fmt.Errorf("no watch message within %s", eventTimeout)
	}
}
