// A program of another team using the published Go client (see
// tests/consumers): it prints the policy the client embeds, pages through the
// users it made, then follows a resuming watch, one line per change, until it
// sees a user whose id ends in -stop.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	roster "roster.dev/clients/go"
	userv1 "roster.dev/gen/go/roster/user/v1"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	address, tag := os.Getenv("ROSTER_ADDRESS"), os.Getenv("ROSTER_TAG")
	var policy bytes.Buffer
	if err := json.Compact(&policy, []byte(roster.ServiceConfigJSON)); err != nil {
		return err
	}
	fmt.Println("policy", policy.String())
	tokens := func(context.Context) (string, error) { return "consumer-token", nil }
	client, err := roster.Dial(ctx, address, roster.WithInsecure(), roster.WithTokenSource(tokens))
	if err != nil {
		return err
	}
	defer client.Close()
	if err := page(ctx, client, tag); err != nil {
		return err
	}
	return watch(ctx, client)
}

func page(ctx context.Context, client *roster.Client, tag string) error {
	for n := 1; n <= 3; n++ {
		id := fmt.Sprintf("%s-p%d", tag, n)
		user := &userv1.User{Email: id + "@example.com", DisplayName: fmt.Sprintf("%s %d", tag, n)}
		if _, err := client.CreateUser(ctx, &userv1.CreateUserRequest{User: user, UserId: id}); err != nil {
			return err
		}
	}
	if _, err := client.DeleteUser(ctx, &userv1.DeleteUserRequest{Name: "users/" + tag + "-p2"}); err != nil {
		return err
	}
	query := &userv1.ListUsersRequest{
		Filter: fmt.Sprintf("display_name = %q", tag+"*"), OrderBy: "display_name desc",
		ShowDeleted: true, PageSize: 1,
	}
	var names []string
	for user, err := range client.AllUsers(ctx, query) {
		if err != nil {
			return err
		}
		names = append(names, user.GetName())
	}
	fmt.Println("paged", strings.Join(names, ","))
	return nil
}

func watch(ctx context.Context, client *roster.Client) error {
	w := client.Watch(ctx, &userv1.WatchUsersRequest{})
	defer w.Close()
	ready, reconnects := false, 0
	for {
		event, err := w.Next()
		if err != nil {
			return err
		}
		if w.Reconnects() != reconnects {
			reconnects = w.Reconnects()
			fmt.Printf("resumed after %d reconnects from revision %d\n", reconnects, w.Revision())
		}
		if event.GetEventType() == userv1.WatchUsersResponse_EVENT_TYPE_BOOKMARK {
			if !ready {
				fmt.Println("ready", event.GetRevision())
				ready = true
			}
			continue
		}
		fmt.Println("change", event.GetRevision(), event.GetEventType(), event.GetUser().GetName())
		if strings.HasSuffix(event.GetUser().GetName(), "-stop") {
			return nil
		}
	}
}
