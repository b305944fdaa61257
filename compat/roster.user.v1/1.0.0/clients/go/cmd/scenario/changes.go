package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	userv1 "roster.dev/gen/go/roster/user/v1"

	roster "roster.dev/clients/go"
)

// 7. update: the etag from get works once; reusing it is ABORTED with
// ERROR_REASON_ETAG_MISMATCH.
func (s *scenario) update() error {
	req := &userv1.UpdateUserRequest{
		User:       &userv1.User{Name: s.userName("a"), DisplayName: "Ann Updated", Etag: s.got.GetEtag()},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
	}
	resp, err := s.client.UpdateUser(s.ctx, req)
	if err != nil {
		return fmt.Errorf("first UpdateUser: %w", err)
	}
	if resp.GetUser().GetEtag() == "" || resp.GetUser().GetEtag() == s.got.GetEtag() {
		return fmt.Errorf("etag after update %q, want a new one (old %q)", resp.GetUser().GetEtag(), s.got.GetEtag())
	}
	s.current = resp.GetUser()
	_, err = s.client.UpdateUser(s.ctx, req)
	var rerr *roster.Error
	if !errors.As(err, &rerr) || rerr.Code != codes.Aborted || rerr.Reason != "ERROR_REASON_ETAG_MISMATCH" {
		return fmt.Errorf("update with the old etag returned %v, want ABORTED with ERROR_REASON_ETAG_MISMATCH", err)
	}
	return nil
}

// 8a. delete: with the current etag; delete_time is set.
func (s *scenario) delete() error {
	resp, err := s.client.DeleteUser(s.ctx, &userv1.DeleteUserRequest{Name: s.userName("a"), Etag: s.current.GetEtag()})
	if err != nil {
		return err
	}
	if resp.GetUser().GetDeleteTime() == nil {
		return errors.New("delete_time is not set")
	}
	s.current = resp.GetUser()
	return nil
}

// 8b. undelete: delete_time is cleared.
func (s *scenario) undelete() error {
	resp, err := s.client.UndeleteUser(s.ctx, &userv1.UndeleteUserRequest{Name: s.userName("a")})
	if err != nil {
		return err
	}
	if resp.GetUser().GetDeleteTime() != nil {
		return fmt.Errorf("delete_time is still %v", resp.GetUser().GetDeleteTime().AsTime())
	}
	s.current = resp.GetUser()
	return nil
}

// 9. watch-events: prefix-a went CREATED, UPDATED, DELETED, UNDELETED with
// strictly increasing revisions.
func (s *scenario) watchEvents() error {
	events, err := s.watch.eventsFor(s.userName("a"), userv1.WatchUsersResponse_EVENT_TYPE_UNDELETED)
	if err != nil {
		return err
	}
	want := []userv1.WatchUsersResponse_EventType{
		userv1.WatchUsersResponse_EVENT_TYPE_CREATED,
		userv1.WatchUsersResponse_EVENT_TYPE_UPDATED,
		userv1.WatchUsersResponse_EVENT_TYPE_DELETED,
		userv1.WatchUsersResponse_EVENT_TYPE_UNDELETED,
	}
	var got []userv1.WatchUsersResponse_EventType
	for i, event := range events {
		got = append(got, event.GetEventType())
		if i > 0 && event.GetRevision() <= events[i-1].GetRevision() {
			return fmt.Errorf("revision %d after %d", event.GetRevision(), events[i-1].GetRevision())
		}
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("events %v, want %v", got, want)
	}
	return nil
}

// 10. deadline: a 1µs deadline ends GetUser with DEADLINE_EXCEEDED.
func (s *scenario) deadline() error {
	ctx, cancel := context.WithTimeout(s.ctx, time.Microsecond)
	defer cancel()
	_, err := s.client.GetUser(ctx, &userv1.GetUserRequest{Name: s.userName("a")})
	var rerr *roster.Error
	if !errors.As(err, &rerr) || rerr.Code != codes.DeadlineExceeded {
		return fmt.Errorf("got %v, want DEADLINE_EXCEEDED", err)
	}
	return nil
}
