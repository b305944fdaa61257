// Command mixed-v2 is the Go part of the mixed-version scenario: it suspends
// a user (created by another language through roster.user.v1) through
// roster.user.v2 and reads it back, printing one "ok" or "FAIL" line per
// step and, last, the user as read, as one line of protojson.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	roster "roster.dev/clients/go"
	userv2 "roster.dev/gen/go/roster/user/v2"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: mixed-v2 ADDRESS USER_NAME REASON")
		os.Exit(2)
	}
	address, name, reason := os.Args[1], os.Args[2], os.Args[3]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := roster.DialV2(ctx, address, roster.WithInsecure())
	if err != nil {
		fail("dial", err)
	}
	defer client.Close()
	suspended, err := client.SuspendUser(ctx, &userv2.SuspendUserRequest{Name: name, Reason: reason})
	if err != nil {
		fail("suspend", err)
	}
	check("suspend returns the user suspended", suspended.GetState() == userv2.User_STATE_SUSPENDED)
	read, err := client.GetUser(ctx, &userv2.GetUserRequest{Name: name})
	if err != nil {
		fail("get", err)
	}
	check("get returns the reason", read.GetStateReason() == reason)
	check("get returns the etag of the suspend", read.GetEtag() == suspended.GetEtag())
	line, err := protojson.Marshal(read)
	if err != nil {
		fail("encode", err)
	}
	fmt.Println(string(line))
}

func check(step string, ok bool) {
	if !ok {
		fmt.Printf("FAIL go-v2 %s\n", step)
		os.Exit(1)
	}
	fmt.Printf("ok go-v2 %s\n", step)
}

func fail(step string, err error) {
	fmt.Printf("FAIL go-v2 %s: %v\n", step, err)
	os.Exit(1)
}
