package example.consumer;

import com.google.gson.JsonParser;
import dev.roster.client.ResumingWatch;
import dev.roster.client.UserClient;
import dev.roster.user.v1.CreateUserRequest;
import dev.roster.user.v1.ListUsersRequest;
import dev.roster.user.v1.User;
import dev.roster.user.v1.WatchUsersResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A program of another team using the installed Java client (see tests/consumers): it prints the
 * policy the client embeds, pages through the users it made, then follows a resuming watch, one
 * line per change, until it sees a user whose id ends in -stop.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String address = System.getenv("ROSTER_ADDRESS");
    String tag = System.getenv("ROSTER_TAG");
    System.out.println("policy " + JsonParser.parseString(UserClient.serviceConfigJson()));
    try (UserClient users =
        UserClient.newBuilder(address).plaintext().tokenSource(() -> "consumer-token").build()) {
      page(users, tag);
      watch(users);
    }
  }

  private static void page(UserClient users, String tag) {
    for (int n = 1; n <= 3; n++) {
      String id = tag + "-p" + n;
      User user = User.newBuilder().setEmail(id + "@example.com").setDisplayName(tag + " " + n).build();
      users.createUser(CreateUserRequest.newBuilder().setUser(user).setUserId(id).build());
    }
    users.deleteUser("users/" + tag + "-p2", "");
    ListUsersRequest query =
        ListUsersRequest.newBuilder()
            .setFilter("display_name = \"" + tag + "*\"")
            .setOrderBy("display_name desc")
            .setShowDeleted(true)
            .setPageSize(1)
            .build();
    List<String> names = new ArrayList<>();
    for (User user : users.listAllUsers(query).iterateAll()) {
      names.add(user.getName());
    }
    System.out.println("paged " + String.join(",", names));
  }

  private static void watch(UserClient users) {
    try (ResumingWatch watch = users.watch(0)) {
      boolean ready = false;
      int reconnects = 0;
      while (true) {
        WatchUsersResponse event = watch.next();
        if (watch.reconnects() != reconnects) {
          reconnects = watch.reconnects();
          System.out.println(
              "resumed after " + reconnects + " reconnects from revision " + watch.revision());
        }
        if (event.getEventType() == WatchUsersResponse.EventType.EVENT_TYPE_BOOKMARK) {
          if (!ready) {
            System.out.println("ready " + event.getRevision());
            ready = true;
          }
          continue;
        }
        String name = event.getUser().getName();
        System.out.println("change " + event.getRevision() + " " + event.getEventType() + " " + name);
        if (name.endsWith("-stop")) {
          return;
        }
      }
    }
  }
}
