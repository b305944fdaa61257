package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"

	userv1 "roster.dev/gen/go/roster/user/v1"

	roster "roster.dev/clients/go"
)

// scenario holds the connection and what each step leaves for the next.
type scenario struct {
	ctx    context.Context
	client *roster.Client
	health grpc_health_v1.HealthClient
	prefix string // "go-R": user ids are prefix-a .. prefix-e

	watch   *watcher
	created *userv1.User // the create response for prefix-a
	got     *userv1.User // the get response, whose etag update uses
	current *userv1.User // prefix-a after the latest successful change
}

func (s *scenario) userID(letter string) string { return s.prefix + "-" + letter }

func (s *scenario) userName(letter string) string { return "users/" + s.userID(letter) }

// 1. health: readiness ("") and liveness both SERVING.
func (s *scenario) checkHealth() error {
	for _, service := range []string{"", "liveness"} {
		ctx, cancel := context.WithTimeout(s.ctx, roster.DefaultTimeout)
		resp, err := s.health.Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: service})
		cancel()
		if err != nil {
			return fmt.Errorf("Check(%q): %w", service, err)
		}
		if resp.GetStatus() != grpc_health_v1.HealthCheckResponse_SERVING {
			return fmt.Errorf("Check(%q) = %s, want SERVING", service, resp.GetStatus())
		}
	}
	return nil
}

// 2. watch-open: a watch from revision 0 whose first message is a bookmark.
func (s *scenario) openWatch() error {
	w, err := s.client.WatchUsers(s.ctx, &userv1.WatchUsersRequest{StartRevision: 0})
	if err != nil {
		return err
	}
	s.watch = startWatcher(w)
	return s.watch.waitBookmark()
}

// newUser is the request creating prefix-letter with the scenario label.
func (s *scenario) newUser(letter, displayName string) *userv1.CreateUserRequest {
	return &userv1.CreateUserRequest{
		UserId:    s.userID(letter),
		RequestId: uuid.NewString(),
		User: &userv1.User{
			Email:       s.userID(letter) + "@example.com",
			DisplayName: displayName,
			Labels:      map[string]string{"scenario": s.prefix},
		},
	}
}

// 3. create: the same request (same request_id) twice yields one user.
func (s *scenario) create() error {
	req := s.newUser("a", "Ann "+language)
	first, err := s.client.CreateUser(s.ctx, req)
	if err != nil {
		return fmt.Errorf("first CreateUser: %w", err)
	}
	second, err := s.client.CreateUser(s.ctx, req)
	if err != nil {
		return fmt.Errorf("repeated CreateUser: %w", err)
	}
	for _, u := range []*userv1.User{first.GetUser(), second.GetUser()} {
		if u.GetName() != s.userName("a") {
			return fmt.Errorf("name %q, want %q", u.GetName(), s.userName("a"))
		}
	}
	if first.GetUser().GetUid() == "" || first.GetUser().GetUid() != second.GetUser().GetUid() {
		return fmt.Errorf("uids %q and %q, want the same non-empty uid", first.GetUser().GetUid(), second.GetUser().GetUid())
	}
	s.created = first.GetUser()
	return nil
}

// 4. get: GetUser returns exactly what create returned.
func (s *scenario) get() error {
	resp, err := s.client.GetUser(s.ctx, &userv1.GetUserRequest{Name: s.userName("a")})
	if err != nil {
		return err
	}
	if !proto.Equal(resp.GetUser(), s.created) {
		return fmt.Errorf("got %v, want the create response %v", resp.GetUser(), s.created)
	}
	s.got = resp.GetUser()
	return nil
}

// 5. batch-get: after creating b..e, [c, a] come back in that order.
func (s *scenario) batchGet() error {
	for _, letter := range []string{"b", "c", "d", "e"} {
		if _, err := s.client.CreateUser(s.ctx, s.newUser(letter, "")); err != nil {
			return fmt.Errorf("CreateUser %s: %w", s.userID(letter), err)
		}
	}
	want := []string{s.userName("c"), s.userName("a")}
	resp, err := s.client.BatchGetUsers(s.ctx, &userv1.BatchGetUsersRequest{Names: want})
	if err != nil {
		return err
	}
	if got := names(resp.GetUsers()); !slices.Equal(got, want) {
		return fmt.Errorf("got %v, want %v", got, want)
	}
	return nil
}

// 6. list: pages of 2 under the scenario label: 3 pages, 5 users, each once.
func (s *scenario) list() error {
	req := &userv1.ListUsersRequest{Filter: fmt.Sprintf("labels.scenario = %q", s.prefix), PageSize: 2}
	var seen []string
	pages := 0
	for {
		resp, err := s.client.ListUsers(s.ctx, req)
		if err != nil {
			return fmt.Errorf("page %d: %w", pages+1, err)
		}
		pages++
		seen = append(seen, names(resp.GetUsers())...)
		if resp.GetNextPageToken() == "" || pages > 3 {
			break
		}
		req.PageToken = resp.GetNextPageToken()
	}
	want := []string{s.userName("a"), s.userName("b"), s.userName("c"), s.userName("d"), s.userName("e")}
	slices.Sort(seen)
	if pages != 3 || !slices.Equal(seen, want) {
		return fmt.Errorf("%d pages with %v, want 3 pages with %v", pages, seen, want)
	}
	return nil
}

func names(users []*userv1.User) []string {
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.GetName())
	}
	return out
}
