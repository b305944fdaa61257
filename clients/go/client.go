// Package roster is a thin client for roster.user.v1.UserService.
//
// It adds to the generated stubs only what every caller needs: plaintext
// (the default) or TLS transport, the client policy's default deadline and
// retries on UNAVAILABLE (ServiceConfigJSON), bearer tokens, an idempotency key
// on CreateUser, errors with their google.rpc details decoded (see Error), a
// pager (AllUsers) and a watch that resumes across reconnects (Watch).
// Requests and responses are the generated messages.
package roster

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"

	userv1 "roster.dev/gen/go/roster/user/v1"
)

// Client calls UserService over one gRPC connection; it is safe for
// concurrent use. Close it when done.
type Client struct {
	conn    *grpc.ClientConn
	stub    userv1.UserServiceClient
	timeout time.Duration
}

// Dial creates a Client for address ("host:port"). It connects in the
// background; ctx only aborts Dial itself, and the first call waits for the
// connection. Without a TLS option the connection is plaintext.
func Dial(ctx context.Context, address string, opts ...Option) (*Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := settings{timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&s)
	}
	creds, err := s.transportCredentials()
	if err != nil {
		return nil, err
	}
	dialOptions := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultServiceConfig(ServiceConfigJSON),
	}
	if s.tokens != nil {
		dialOptions = append(dialOptions, grpc.WithPerRPCCredentials(bearer{s.tokens}))
	}
	dialOptions = append(dialOptions, s.dialOptions...)
	conn, err := grpc.NewClient(address, dialOptions...)
	if err != nil {
		return nil, fmt.Errorf("roster: dialing %s: %w", address, err)
	}
	conn.Connect()
	return &Client{conn: conn, stub: userv1.NewUserServiceClient(conn), timeout: s.timeout}, nil
}

// serviceName is UserService's full name, as the service config spells it.
var serviceName = userv1.UserService_ServiceDesc.ServiceName

// Conn is the underlying connection, for other services on the same server
// such as grpc.health.v1.Health.
func (c *Client) Conn() *grpc.ClientConn {
	return c.conn
}

// Close closes the connection.
func (c *Client) Close() error {
	return c.conn.Close()
}

// withDefaultDeadline bounds ctx by the client's timeout unless it already
// has a deadline.
func (c *Client) withDefaultDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok || c.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, c.timeout)
}

// unary runs one unary call under the default deadline and decodes its error.
func unary[Req, Resp any](
	c *Client, ctx context.Context, req Req, opts []grpc.CallOption,
	call func(context.Context, Req, ...grpc.CallOption) (Resp, error),
) (Resp, error) {
	ctx, cancel := c.withDefaultDeadline(ctx)
	defer cancel()
	resp, err := call(ctx, req, opts...)
	return resp, wrapError(err)
}

// GetUser returns one user, soft-deleted or not.
func (c *Client) GetUser(ctx context.Context, req *userv1.GetUserRequest, opts ...grpc.CallOption) (*userv1.GetUserResponse, error) {
	return unary(c, ctx, req, opts, c.stub.GetUser)
}

// BatchGetUsers returns several users in the order asked, all or nothing.
func (c *Client) BatchGetUsers(ctx context.Context, req *userv1.BatchGetUsersRequest, opts ...grpc.CallOption) (*userv1.BatchGetUsersResponse, error) {
	return unary(c, ctx, req, opts, c.stub.BatchGetUsers)
}

// ListUsers returns one page of users matching the request's filter.
func (c *Client) ListUsers(ctx context.Context, req *userv1.ListUsersRequest, opts ...grpc.CallOption) (*userv1.ListUsersResponse, error) {
	return unary(c, ctx, req, opts, c.stub.ListUsers)
}

// CreateUser creates a user. When req.RequestId is empty it is set to a fresh
// UUID in req itself, so sending the same req again after an ambiguous failure
// (a deadline, a lost connection) cannot create the user twice.
func (c *Client) CreateUser(ctx context.Context, req *userv1.CreateUserRequest, opts ...grpc.CallOption) (*userv1.CreateUserResponse, error) {
	if req.GetRequestId() == "" {
		req.RequestId = uuid.NewString()
	}
	return unary(c, ctx, req, opts, c.stub.CreateUser)
}

// UpdateUser changes the fields named in req.UpdateMask.
func (c *Client) UpdateUser(ctx context.Context, req *userv1.UpdateUserRequest, opts ...grpc.CallOption) (*userv1.UpdateUserResponse, error) {
	return unary(c, ctx, req, opts, c.stub.UpdateUser)
}

// DeleteUser soft-deletes a user.
func (c *Client) DeleteUser(ctx context.Context, req *userv1.DeleteUserRequest, opts ...grpc.CallOption) (*userv1.DeleteUserResponse, error) {
	return unary(c, ctx, req, opts, c.stub.DeleteUser)
}

// UndeleteUser restores a soft-deleted user.
func (c *Client) UndeleteUser(ctx context.Context, req *userv1.UndeleteUserRequest, opts ...grpc.CallOption) (*userv1.UndeleteUserResponse, error) {
	return unary(c, ctx, req, opts, c.stub.UndeleteUser)
}

// PurgeUser removes a soft-deleted user for good (any user with Force, which
// needs the scope users.admin). The response holds the user's name and uid.
func (c *Client) PurgeUser(ctx context.Context, req *userv1.PurgeUserRequest, opts ...grpc.CallOption) (*userv1.PurgeUserResponse, error) {
	return unary(c, ctx, req, opts, c.stub.PurgeUser)
}

// WatchUsers opens the change feed. The default deadline does not apply:
// a watch lasts until ctx is cancelled or the server ends it. The first
// message is a bookmark.
func (c *Client) WatchUsers(ctx context.Context, req *userv1.WatchUsersRequest, opts ...grpc.CallOption) (*Watch, error) {
	stream, err := c.stub.WatchUsers(ctx, req, opts...)
	if err != nil {
		return nil, wrapError(err)
	}
	return &Watch{stream: stream}, nil
}

// Watch is an open WatchUsers stream.
type Watch struct {
	stream grpc.ServerStreamingClient[userv1.WatchUsersResponse]
}

// Recv returns the next event; io.EOF when the server ends the stream
// cleanly, otherwise an *Error.
func (w *Watch) Recv() (*userv1.WatchUsersResponse, error) {
	event, err := w.stream.Recv()
	return event, wrapError(err)
}
