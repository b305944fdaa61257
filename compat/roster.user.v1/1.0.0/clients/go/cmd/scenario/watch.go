package main

import (
	"errors"
	"fmt"
	"time"

	userv1 "roster.dev/gen/go/roster/user/v1"

	roster "roster.dev/clients/go"
)

// watcher receives a WatchUsers stream in the background and hands each
// message over on a channel, so steps can wait for events with a deadline.
type watcher struct {
	events chan *userv1.WatchUsersResponse
	failed chan error
}

// startWatcher forwards every message of w until the stream ends.
func startWatcher(w *roster.Watch) *watcher {
	wt := &watcher{
		// Roomy so the receiver never stalls on events for other users.
		events: make(chan *userv1.WatchUsersResponse, 1024),
		failed: make(chan error, 1),
	}
	go func() {
		for {
			event, err := w.Recv()
			if err != nil {
				wt.failed <- err
				return
			}
			wt.events <- event
		}
	}()
	return wt
}

// next returns the next message, or an error when the stream ended or
// nothing arrived before the deadline.
func (wt *watcher) next(deadline <-chan time.Time) (*userv1.WatchUsersResponse, error) {
	select {
	case event := <-wt.events:
		return event, nil
	case err := <-wt.failed:
		return nil, fmt.Errorf("stream ended: %w", err)
	case <-deadline:
		return nil, errors.New("timed out waiting for a watch message")
	}
}

// waitBookmark checks that the first message is a bookmark.
func (wt *watcher) waitBookmark() error {
	event, err := wt.next(time.After(stepTimeout))
	if err != nil {
		return err
	}
	if event.GetEventType() != userv1.WatchUsersResponse_EVENT_TYPE_BOOKMARK {
		return fmt.Errorf("first message is %s, want EVENT_TYPE_BOOKMARK", event.GetEventType())
	}
	return nil
}

// eventsFor collects the events for user name until one of type last
// arrives, ignoring other users and later bookmarks.
func (wt *watcher) eventsFor(name string, last userv1.WatchUsersResponse_EventType) ([]*userv1.WatchUsersResponse, error) {
	deadline := time.After(stepTimeout)
	var seen []*userv1.WatchUsersResponse
	for {
		event, err := wt.next(deadline)
		if err != nil {
			return seen, fmt.Errorf("after %d events for %s: %w", len(seen), name, err)
		}
		if event.GetUser().GetName() != name {
			continue
		}
		seen = append(seen, event)
		if event.GetEventType() == last {
			return seen, nil
		}
	}
}
