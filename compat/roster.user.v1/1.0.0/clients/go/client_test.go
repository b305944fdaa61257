package roster_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	userv1 "roster.dev/gen/go/roster/user/v1"

	roster "roster.dev/clients/go"
)

// recordingServer is a stand-in UserService that records what reached it
// and answers GetUser from a queue of errors, so the client's behaviour is
// observed over a real connection.
type recordingServer struct {
	userv1.UnimplementedUserServiceServer

	mu        sync.Mutex
	creates   []*userv1.CreateUserRequest
	deadlines []bool
	getErrors []error // returned by successive GetUser calls, then success
	getCalls  int
}

func (s *recordingServer) CreateUser(ctx context.Context, req *userv1.CreateUserRequest) (*userv1.CreateUserResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creates = append(s.creates, req)
	return &userv1.CreateUserResponse{User: req.GetUser()}, nil
}

func (s *recordingServer) GetUser(ctx context.Context, req *userv1.GetUserRequest) (*userv1.GetUserResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, hasDeadline := ctx.Deadline()
	s.deadlines = append(s.deadlines, hasDeadline)
	s.getCalls++
	if len(s.getErrors) > 0 {
		err := s.getErrors[0]
		s.getErrors = s.getErrors[1:]
		return nil, err
	}
	return &userv1.GetUserResponse{User: &userv1.User{Name: req.GetName()}}, nil
}

// serve starts srv on a free local port and returns its address.
func serve(t *testing.T, srv userv1.UserServiceServer, opts ...grpc.ServerOption) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := grpc.NewServer(opts...)
	userv1.RegisterUserServiceServer(server, srv)
	go func() { _ = server.Serve(lis) }()
	t.Cleanup(server.Stop)
	return lis.Addr().String()
}

func dial(t *testing.T, address string, opts ...roster.Option) *roster.Client {
	t.Helper()
	client, err := roster.Dial(context.Background(), address, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

func TestCreateUserAddsARequestIDOnlyWhenTheCallerGaveNone(t *testing.T) {
	srv := &recordingServer{}
	client := dial(t, serve(t, srv), roster.WithInsecure())
	user := &userv1.User{Email: "a@example.com"}
	for _, req := range []*userv1.CreateUserRequest{{User: user}, {User: user, RequestId: "mine"}} {
		if _, err := client.CreateUser(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := uuid.Parse(srv.creates[0].GetRequestId()); err != nil {
		t.Errorf("generated request_id %q is not a UUID: %v", srv.creates[0].GetRequestId(), err)
	}
	if got := srv.creates[1].GetRequestId(); got != "mine" {
		t.Errorf("caller's request_id became %q", got)
	}
}

func TestACallWithoutADeadlineGetsTheDefaultOne(t *testing.T) {
	srv := &recordingServer{}
	client := dial(t, serve(t, srv), roster.WithInsecure())
	if _, err := client.GetUser(context.Background(), &userv1.GetUserRequest{Name: "users/a"}); err != nil {
		t.Fatal(err)
	}
	if !srv.deadlines[0] {
		t.Error("the server saw no deadline")
	}
}

func TestUnavailableIsRetriedUntilTheCallSucceeds(t *testing.T) {
	unavailable := status.Error(codes.Unavailable, "draining")
	srv := &recordingServer{getErrors: []error{unavailable, unavailable}}
	client := dial(t, serve(t, srv), roster.WithInsecure())
	resp, err := client.GetUser(context.Background(), &userv1.GetUserRequest{Name: "users/a"})
	if err != nil {
		t.Fatalf("GetUser after two UNAVAILABLE: %v", err)
	}
	if resp.GetUser().GetName() != "users/a" || srv.getCalls != 3 {
		t.Errorf("got %v after %d calls, want users/a after 3", resp.GetUser(), srv.getCalls)
	}
}

func TestOtherErrorsAreNotRetried(t *testing.T) {
	srv := &recordingServer{getErrors: []error{status.Error(codes.Aborted, "stale")}}
	client := dial(t, serve(t, srv), roster.WithInsecure())
	_, err := client.GetUser(context.Background(), &userv1.GetUserRequest{Name: "users/a"})
	if status.Code(err) != codes.Aborted || srv.getCalls != 1 {
		t.Errorf("got %v after %d calls, want ABORTED after 1", err, srv.getCalls)
	}
}

func TestErrorDetailsAreDecoded(t *testing.T) {
	st, err := status.New(codes.InvalidArgument, "bad email").WithDetails(
		&errdetails.ErrorInfo{Reason: "ERROR_REASON_INVALID_ARGUMENT", Domain: roster.ErrorDomain, Metadata: map[string]string{"field": "email"}},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "user.email", Description: "missing"}}},
		&errdetails.ResourceInfo{ResourceType: "roster.dev/User", ResourceName: "users/a"},
	)
	if err != nil {
		t.Fatal(err)
	}
	client := dial(t, serve(t, &recordingServer{getErrors: []error{st.Err()}}), roster.WithInsecure())
	_, err = client.GetUser(context.Background(), &userv1.GetUserRequest{Name: "users/a"})

	var rerr *roster.Error
	if !errors.As(err, &rerr) {
		t.Fatalf("error %v (%T) is not a *roster.Error", err, err)
	}
	if rerr.Code != codes.InvalidArgument || rerr.Message != "bad email" || status.Code(err) != codes.InvalidArgument {
		t.Errorf("status %s %q, want INVALID_ARGUMENT \"bad email\"", rerr.Code, rerr.Message)
	}
	if rerr.ErrorReason() != userv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT || rerr.Domain != roster.ErrorDomain || rerr.Metadata["field"] != "email" {
		t.Errorf("ErrorInfo decoded as %q %q %v", rerr.Reason, rerr.Domain, rerr.Metadata)
	}
	if len(rerr.FieldViolations) != 1 || rerr.FieldViolations[0].GetField() != "user.email" {
		t.Errorf("field violations %v", rerr.FieldViolations)
	}
	if rerr.Resource.GetResourceName() != "users/a" || len(rerr.Details) != 3 {
		t.Errorf("resource %v, %d details", rerr.Resource, len(rerr.Details))
	}
}

func TestMutualTLSConnectsWithTheCAAndClientCertificate(t *testing.T) {
	pki := newTestPKI(t)
	serverTLS := credentials.NewTLS(pki.serverConfig())
	address := serve(t, &recordingServer{}, grpc.Creds(serverTLS))
	client := dial(t, address,
		roster.WithCAFile(pki.caFile), roster.WithClientCertificate(pki.clientCert, pki.clientKey),
		roster.WithServerName("localhost"))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := client.GetUser(ctx, &userv1.GetUserRequest{Name: "users/a"})
	if err != nil || !proto.Equal(resp.GetUser(), &userv1.User{Name: "users/a"}) {
		t.Fatalf("GetUser over mutual TLS: %v %v", resp, err)
	}
}

func TestTLSWithoutAClientCertificateIsRefusedByAMutualTLSServer(t *testing.T) {
	pki := newTestPKI(t)
	address := serve(t, &recordingServer{}, grpc.Creds(credentials.NewTLS(pki.serverConfig())))
	client := dial(t, address, roster.WithCAFile(pki.caFile), roster.WithServerName("localhost"))
	_, err := client.GetUser(context.Background(), &userv1.GetUserRequest{Name: "users/a"})
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("got %v, want UNAVAILABLE from the failed handshake", err)
	}
}
