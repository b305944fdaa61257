package roster

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"google.golang.org/grpc"

	userv1 "roster.dev/gen/go/roster/user/v1"
	userv2 "roster.dev/gen/go/roster/user/v2"
)

// ClientV2 calls roster.user.v2.UserService with the conventions of Client:
// the default deadline, retries on UNAVAILABLE, errors decoded as *Error and
// a request id on every create. Standard methods return the User itself.
type ClientV2 struct {
	base *Client
	stub userv2.UserServiceClient
}

// DialV2 creates a ClientV2 for address ("host:port"), with the options of Dial.
func DialV2(ctx context.Context, address string, opts ...Option) (*ClientV2, error) {
	config, err := retryBothConfig()
	if err != nil {
		return nil, err
	}
	// Applied after Dial's own service config, so this one (naming v2 too) wins.
	opts = append(opts, WithDialOptions(grpc.WithDefaultServiceConfig(config)))
	base, err := Dial(ctx, address, opts...)
	if err != nil {
		return nil, err
	}
	return &ClientV2{base: base, stub: userv2.NewUserServiceClient(base.conn)}, nil
}

// retryBothConfig retries every method of both contract versions on UNAVAILABLE.
func retryBothConfig() (string, error) {
	config := map[string]any{
		"methodConfig": []any{map[string]any{
			"name": []any{
				map[string]any{"service": userv1.UserService_ServiceDesc.ServiceName},
				map[string]any{"service": userv2.UserService_ServiceDesc.ServiceName},
			},
			"retryPolicy": map[string]any{
				"maxAttempts":          5,
				"initialBackoff":       "0.1s",
				"maxBackoff":           "2s",
				"backoffMultiplier":    2,
				"retryableStatusCodes": []string{"UNAVAILABLE"},
			},
		}},
	}
	b, err := json.Marshal(config)
	return string(b), err
}

// Close closes the connection.
func (c *ClientV2) Close() error {
	return c.base.Close()
}

// GetUser returns one user; req.ReadMask limits the fields returned.
func (c *ClientV2) GetUser(ctx context.Context, req *userv2.GetUserRequest, opts ...grpc.CallOption) (*userv2.User, error) {
	return unary(c.base, ctx, req, opts, c.stub.GetUser)
}

// BatchGetUsers returns several users in the order asked, all or nothing.
func (c *ClientV2) BatchGetUsers(ctx context.Context, req *userv2.BatchGetUsersRequest, opts ...grpc.CallOption) (*userv2.BatchGetUsersResponse, error) {
	return unary(c.base, ctx, req, opts, c.stub.BatchGetUsers)
}

// ListUsers returns one page of users matching the request's v2 filter.
func (c *ClientV2) ListUsers(ctx context.Context, req *userv2.ListUsersRequest, opts ...grpc.CallOption) (*userv2.ListUsersResponse, error) {
	return unary(c.base, ctx, req, opts, c.stub.ListUsers)
}

// CreateUser creates a user, setting req.RequestId to a fresh UUID when empty.
func (c *ClientV2) CreateUser(ctx context.Context, req *userv2.CreateUserRequest, opts ...grpc.CallOption) (*userv2.User, error) {
	if req.GetRequestId() == "" {
		req.RequestId = uuid.NewString()
	}
	return unary(c.base, ctx, req, opts, c.stub.CreateUser)
}

// BatchCreateUsers creates up to 1000 users, all or nothing, setting
// req.RequestId to a fresh UUID when empty.
func (c *ClientV2) BatchCreateUsers(ctx context.Context, req *userv2.BatchCreateUsersRequest, opts ...grpc.CallOption) (*userv2.BatchCreateUsersResponse, error) {
	if req.GetRequestId() == "" {
		req.RequestId = uuid.NewString()
	}
	return unary(c.base, ctx, req, opts, c.stub.BatchCreateUsers)
}

// UpdateUser changes the fields named in req.UpdateMask (never state).
func (c *ClientV2) UpdateUser(ctx context.Context, req *userv2.UpdateUserRequest, opts ...grpc.CallOption) (*userv2.User, error) {
	return unary(c.base, ctx, req, opts, c.stub.UpdateUser)
}

// SuspendUser suspends an active user.
func (c *ClientV2) SuspendUser(ctx context.Context, req *userv2.SuspendUserRequest, opts ...grpc.CallOption) (*userv2.User, error) {
	return unary(c.base, ctx, req, opts, c.stub.SuspendUser)
}

// ActivateUser activates a suspended user.
func (c *ClientV2) ActivateUser(ctx context.Context, req *userv2.ActivateUserRequest, opts ...grpc.CallOption) (*userv2.User, error) {
	return unary(c.base, ctx, req, opts, c.stub.ActivateUser)
}

// DeleteUser soft-deletes a user.
func (c *ClientV2) DeleteUser(ctx context.Context, req *userv2.DeleteUserRequest, opts ...grpc.CallOption) (*userv2.User, error) {
	return unary(c.base, ctx, req, opts, c.stub.DeleteUser)
}

// UndeleteUser restores a soft-deleted user.
func (c *ClientV2) UndeleteUser(ctx context.Context, req *userv2.UndeleteUserRequest, opts ...grpc.CallOption) (*userv2.User, error) {
	return unary(c.base, ctx, req, opts, c.stub.UndeleteUser)
}

// PurgeUser removes a soft-deleted user for good.
func (c *ClientV2) PurgeUser(ctx context.Context, req *userv2.PurgeUserRequest, opts ...grpc.CallOption) (*userv2.PurgeUserResponse, error) {
	return unary(c.base, ctx, req, opts, c.stub.PurgeUser)
}

// WatchUsers opens the v2 change feed (optionally filtered); no default deadline.
func (c *ClientV2) WatchUsers(ctx context.Context, req *userv2.WatchUsersRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[userv2.WatchUsersResponse], error) {
	stream, err := c.stub.WatchUsers(ctx, req, opts...)
	return stream, wrapError(err)
}
