package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	roster "roster.dev/clients/go"
	userv2 "roster.dev/gen/go/roster/user/v2"
)

// The scenario's fixed values, the same in every language.
const (
	suspendReason  = "interop suspend"
	activateReason = "interop activate"
	updatedName    = "Ann Updated"
)

// watchedV2 is what the filtered watch must see, per user letter, by the time
// user a is undeleted: d has another label and b's purge is not sent.
var watchedV2 = map[string][]string{
	"a": {"CREATED", "UPDATED", "UPDATED", "UPDATED", "DELETED", "UNDELETED"},
	"b": {"CREATED", "DELETED"},
	"c": {"CREATED"},
}

type scenario struct {
	ctx     context.Context
	client  *roster.ClientV2
	tag     string
	events  <-chan watched
	created *userv2.User
	etag    string
}

func (s *scenario) id(letter string) string    { return s.tag + "-" + letter }
func (s *scenario) name(letter string) string  { return "users/" + s.id(letter) }
func (s *scenario) email(letter string) string { return s.id(letter) + "@example.com" }

// label is the scenario label of user letter: the run's tag, except for d.
func (s *scenario) label(letter string) string {
	if letter == "d" {
		return s.tag + "-unwatched"
	}
	return s.tag
}

func (s *scenario) newUser(letter string) *userv2.User {
	return &userv2.User{
		Email:       s.email(letter),
		DisplayName: "Ann " + letter,
		Labels:      map[string]string{"scenario": s.label(letter)},
	}
}

func (s *scenario) openWatch() error {
	events, err := startWatch(s.ctx, s.client, fmt.Sprintf("labels.scenario = %q", s.tag))
	if err != nil {
		return err
	}
	s.events = events
	first, err := next(events)
	if err != nil {
		return err
	}
	if first.GetEventType() != userv2.WatchUsersResponse_EVENT_TYPE_BOOKMARK {
		return fmt.Errorf("first message is %v", first)
	}
	return nil
}

func (s *scenario) create() error {
	req := &userv2.CreateUserRequest{User: s.newUser("a"), UserId: s.id("a"), RequestId: uuid.NewString()}
	first, err := s.client.CreateUser(s.ctx, req)
	if err != nil {
		return err
	}
	again, err := s.client.CreateUser(s.ctx, req)
	if err != nil {
		return err
	}
	switch {
	case first.GetName() != s.name("a"):
		return fmt.Errorf("name is %s, want %s", first.GetName(), s.name("a"))
	case first.GetState() != userv2.User_STATE_ACTIVE:
		return fmt.Errorf("state is %s", first.GetState())
	case again.GetUid() != first.GetUid():
		return fmt.Errorf("retry uid %s != %s", again.GetUid(), first.GetUid())
	}
	s.created = first
	return nil
}

func (s *scenario) get() error {
	mask := &fieldmaskpb.FieldMask{Paths: []string{"name", "email"}}
	got, err := s.client.GetUser(s.ctx, &userv2.GetUserRequest{Name: s.name("a"), ReadMask: mask})
	if err != nil {
		return err
	}
	want := &userv2.User{Name: s.created.GetName(), Email: s.created.GetEmail()}
	if !proto.Equal(got, want) {
		return fmt.Errorf("get returned %v, want %v", got, want)
	}
	return nil
}

func (s *scenario) batchCreate() error {
	req := &userv2.BatchCreateUsersRequest{RequestId: uuid.NewString()}
	var want []string
	for _, letter := range []string{"b", "c", "d"} {
		req.Requests = append(req.Requests, &userv2.CreateUserRequest{User: s.newUser(letter), UserId: s.id(letter)})
		want = append(want, s.name(letter))
	}
	first, err := s.client.BatchCreateUsers(s.ctx, req)
	if err != nil {
		return err
	}
	again, err := s.client.BatchCreateUsers(s.ctx, req)
	if err != nil {
		return err
	}
	var names, firstUIDs, againUIDs []string
	for i, user := range first.GetUsers() {
		names = append(names, user.GetName())
		firstUIDs = append(firstUIDs, user.GetUid())
		if i < len(again.GetUsers()) {
			againUIDs = append(againUIDs, again.GetUsers()[i].GetUid())
		}
	}
	if !reflect.DeepEqual(names, want) {
		return fmt.Errorf("created %v, want %v", names, want)
	}
	if !reflect.DeepEqual(againUIDs, firstUIDs) {
		return fmt.Errorf("the retry created again: %v != %v", againUIDs, firstUIDs)
	}
	return nil
}

func (s *scenario) list() error {
	var emails []string
	for _, letter := range []string{"a", "c", "d"} {
		emails = append(emails, fmt.Sprintf("email = %q", s.email(letter)))
	}
	filter := fmt.Sprintf("(%s) AND labels.scenario = %q", strings.Join(emails, " OR "), s.tag)
	page, err := s.client.ListUsers(s.ctx, &userv2.ListUsersRequest{Filter: filter})
	if err != nil {
		return err
	}
	var names []string
	for _, user := range page.GetUsers() {
		names = append(names, user.GetName())
	}
	if want := []string{s.name("a"), s.name("c")}; !reflect.DeepEqual(names, want) {
		return fmt.Errorf("listed %v, want %v", names, want)
	}
	if page.GetNextPageToken() != "" {
		return fmt.Errorf("next_page_token %q", page.GetNextPageToken())
	}
	return nil
}

// checkTransition checks the user a suspend or activate returned.
func (s *scenario) checkTransition(user *userv2.User, want userv2.User_State, reason string) error {
	if user.GetState() != want {
		return fmt.Errorf("state is %s, want %s", user.GetState(), want)
	}
	if user.GetStateReason() != reason {
		return fmt.Errorf("state_reason is %q, want %q", user.GetStateReason(), reason)
	}
	s.etag = user.GetEtag()
	return nil
}

func (s *scenario) suspend() error {
	user, err := s.client.SuspendUser(s.ctx, &userv2.SuspendUserRequest{Name: s.name("a"), Reason: suspendReason})
	if err != nil {
		return err
	}
	return s.checkTransition(user, userv2.User_STATE_SUSPENDED, suspendReason)
}

func (s *scenario) activate() error {
	user, err := s.client.ActivateUser(s.ctx, &userv2.ActivateUserRequest{Name: s.name("a"), Reason: activateReason})
	if err != nil {
		return err
	}
	return s.checkTransition(user, userv2.User_STATE_ACTIVE, activateReason)
}

func (s *scenario) update() error {
	req := &userv2.UpdateUserRequest{
		User:       &userv2.User{Name: s.name("a"), DisplayName: updatedName, Etag: s.etag},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}},
	}
	updated, err := s.client.UpdateUser(s.ctx, req)
	if err != nil {
		return err
	}
	if updated.GetDisplayName() != updatedName {
		return fmt.Errorf("updated to %v", updated)
	}
	if updated.GetEtag() == "" || updated.GetEtag() == s.etag {
		return errors.New("etag did not change")
	}
	_, err = s.client.UpdateUser(s.ctx, req)
	var rosterErr *roster.Error
	if !errors.As(err, &rosterErr) || rosterErr.Code != codes.Aborted {
		return fmt.Errorf("stale etag gave %v, want ABORTED", err)
	}
	if rosterErr.Reason != "ERROR_REASON_ETAG_MISMATCH" {
		return fmt.Errorf("reason is %q", rosterErr.Reason)
	}
	s.etag = updated.GetEtag()
	return nil
}

func (s *scenario) delete() error {
	deleted, err := s.client.DeleteUser(s.ctx, &userv2.DeleteUserRequest{Name: s.name("a"), Etag: s.etag})
	if err != nil {
		return err
	}
	if deleted.GetDeleteTime() == nil || deleted.GetExpireTime() == nil {
		return fmt.Errorf("deleted user is %v", deleted)
	}
	return nil
}

func (s *scenario) purge() error {
	name := s.name("b")
	deleted, err := s.client.DeleteUser(s.ctx, &userv2.DeleteUserRequest{Name: name})
	if err != nil {
		return err
	}
	purged, err := s.client.PurgeUser(s.ctx, &userv2.PurgeUserRequest{Name: name})
	if err != nil {
		return err
	}
	if purged.GetName() != name || purged.GetUid() != deleted.GetUid() {
		return fmt.Errorf("purge returned %v, want %s %s", purged, name, deleted.GetUid())
	}
	_, err = s.client.GetUser(s.ctx, &userv2.GetUserRequest{Name: name})
	var rosterErr *roster.Error
	if !errors.As(err, &rosterErr) || rosterErr.Code != codes.NotFound {
		return fmt.Errorf("get after purge gave %v, want NOT_FOUND", err)
	}
	return nil
}

func (s *scenario) undelete() error {
	restored, err := s.client.UndeleteUser(s.ctx, &userv2.UndeleteUserRequest{Name: s.name("a")})
	if err != nil {
		return err
	}
	if restored.GetDeleteTime() != nil {
		return fmt.Errorf("undeleted user keeps delete_time: %v", restored)
	}
	return nil
}

func (s *scenario) watchEvents() error {
	seen := map[string][]string{}
	var last int64
	for !slices.Contains(seen["a"], "UNDELETED") {
		event, err := next(s.events)
		if err != nil {
			return fmt.Errorf("after %v: %w", seen, err)
		}
		kind := strings.TrimPrefix(event.GetEventType().String(), "EVENT_TYPE_")
		if kind == "BOOKMARK" {
			continue
		}
		if event.GetRevision() <= last {
			return fmt.Errorf("revision %d after %d", event.GetRevision(), last)
		}
		last = event.GetRevision()
		name := event.GetUser().GetName()
		letter := name[strings.LastIndex(name, "-")+1:]
		seen[letter] = append(seen[letter], kind)
	}
	if !reflect.DeepEqual(seen, watchedV2) {
		return fmt.Errorf("events %v, want %v", seen, watchedV2)
	}
	return nil
}
