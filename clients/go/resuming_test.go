package roster_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	userv1 "roster.dev/gen/go/roster/user/v1"

	roster "roster.dev/clients/go"
)

// scriptedWatch is a UserService whose WatchUsers is cut off after some
// changes, then resumed repeating one, then ended with OUT_OF_RANGE.
type scriptedWatch struct {
	userv1.UnimplementedUserServiceServer

	mu     sync.Mutex
	starts []int64
}

func failure(code codes.Code, reason string) error {
	st, _ := status.New(code, reason).WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: roster.ErrorDomain})
	return st.Err()
}

func change(revision int64, name string) *userv1.WatchUsersResponse {
	return &userv1.WatchUsersResponse{
		Revision: revision, EventType: userv1.WatchUsersResponse_EVENT_TYPE_CREATED, User: &userv1.User{Name: name},
	}
}

func bookmark(revision int64) *userv1.WatchUsersResponse {
	return &userv1.WatchUsersResponse{Revision: revision, EventType: userv1.WatchUsersResponse_EVENT_TYPE_BOOKMARK}
}

func (s *scriptedWatch) WatchUsers(req *userv1.WatchUsersRequest, stream grpc.ServerStreamingServer[userv1.WatchUsersResponse]) error {
	s.mu.Lock()
	s.starts = append(s.starts, req.GetStartRevision())
	first := len(s.starts) == 1
	s.mu.Unlock()
	var script []*userv1.WatchUsersResponse
	var end error
	if first {
		batch := &userv1.WatchUsersResponse{Revision: 7, Changes: []*userv1.WatchUsersResponse{change(7, "users/b")}}
		script = []*userv1.WatchUsersResponse{bookmark(5), change(6, "users/a"), batch}
		end = failure(codes.Unavailable, "ERROR_REASON_SHUTTING_DOWN")
	} else {
		script = []*userv1.WatchUsersResponse{bookmark(7), change(7, "users/b"), change(8, "users/c")}
		end = failure(codes.OutOfRange, "ERROR_REASON_REVISION_NOT_RETAINED")
	}
	for _, response := range script {
		if err := stream.Send(response); err != nil {
			return err
		}
	}
	return end
}

func TestAResumingWatchReconnectsFromTheLastRevisionDeliversEachChangeOnceThenAsksToRelist(t *testing.T) {
	srv := &scriptedWatch{}
	client := dial(t, serve(t, srv))
	w := client.Watch(context.Background(), &userv1.WatchUsersRequest{})
	defer w.Close()
	var seen []string
	var err error
	for {
		var event *userv1.WatchUsersResponse
		if event, err = w.Next(); err != nil {
			break
		}
		if event.GetEventType() == userv1.WatchUsersResponse_EVENT_TYPE_BOOKMARK {
			seen = append(seen, fmt.Sprintf("bookmark %d", event.GetRevision()))
		} else {
			seen = append(seen, fmt.Sprintf("%d %s", event.GetRevision(), event.GetUser().GetName()))
		}
	}
	want := []string{"bookmark 5", "6 users/a", "7 users/b", "bookmark 7", "8 users/c"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("events = %v, want %v", seen, want)
	}
	if fmt.Sprint(srv.starts) != "[0 7]" {
		t.Errorf("start revisions = %v, want [0 7]", srv.starts)
	}
	if !errors.Is(err, roster.ErrRelistRequired) {
		t.Errorf("err = %v, want ErrRelistRequired", err)
	}
	if w.Reconnects() != 1 {
		t.Errorf("reconnects = %d, want 1", w.Reconnects())
	}
}
