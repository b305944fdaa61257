package roster

import (
	"context"
	"iter"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	userv1 "roster.dev/gen/go/roster/user/v1"
)

// AllUsers iterates every user of a ListUsers query (filter, order_by,
// show_deleted, page_size as in req), following page tokens; each page is one
// call under the default deadline. A failed page ends the iteration with its
// error:
//
//	for user, err := range client.AllUsers(ctx, &userv1.ListUsersRequest{Filter: `state = "ACTIVE"`}) {
//		if err != nil { return err }
//		...
//	}
func (c *Client) AllUsers(ctx context.Context, req *userv1.ListUsersRequest, opts ...grpc.CallOption) iter.Seq2[*userv1.User, error] {
	return func(yield func(*userv1.User, error) bool) {
		page := proto.Clone(req).(*userv1.ListUsersRequest)
		for {
			resp, err := c.ListUsers(ctx, page, opts...)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, user := range resp.GetUsers() {
				if !yield(user, nil) {
					return
				}
			}
			if resp.GetNextPageToken() == "" {
				return
			}
			page.PageToken = resp.GetNextPageToken()
		}
	}
}
