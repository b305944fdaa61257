package dev.roster.client;

import com.google.protobuf.FieldMask;
import dev.roster.user.v1.CreateUserRequest;
import dev.roster.user.v1.ListUsersRequest;
import dev.roster.user.v1.ListUsersResponse;
import dev.roster.user.v1.User;
import dev.roster.user.v1.WatchUsersResponse;
import dev.roster.user.v1.WatchUsersResponse.EventType;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The cross-language interop scenario, run by the Java client against ROSTER_ADDRESS. Prints one
 * line per step ("ok STEP" or "FAIL STEP: why") and exits 0 only if every step passed.
 */
public final class Scenario {
  private static final String LANGUAGE = "java";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<String> SUFFIXES = List.of("a", "b", "c", "d", "e");

  private final UserClient client;
  private final String prefix;
  private ScenarioWatcher watcher;
  private User created;
  private User fetched;
  private User current;

  private Scenario(UserClient client, String runId) {
    this.client = client;
    this.prefix = LANGUAGE + "-" + runId;
  }

  /** Runs the scenario; the process exit code says whether every step passed. */
  public static void main(String[] args) {
    String address = System.getenv("ROSTER_ADDRESS");
    if (address == null || address.isEmpty()) {
      System.out.println("FAIL setup: ROSTER_ADDRESS is not set");
      System.exit(2);
    }
    byte[] id = new byte[4];
    new SecureRandom().nextBytes(id);
    boolean passed;
    try (UserClient client = UserClient.newBuilder(address).plaintext().build()) {
      passed = new Scenario(client, HexFormat.of().formatHex(id)).run();
    }
    System.exit(passed ? 0 : 1);
  }

  private interface Step {
    void run() throws Exception;
  }

  private record NamedStep(String name, Step step) {}

  /** A step's check did not hold; the message says why. */
  private static final class StepFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepFailed(String why) {
      super(why);
    }
  }

  // Later steps build on earlier ones: after the first failure the rest are reported as not run.
  private boolean run() {
    List<NamedStep> steps =
        List.of(
            new NamedStep("health", this::health),
            new NamedStep("watch-open", this::watchOpen),
            new NamedStep("create", this::create),
            new NamedStep("get", this::get),
            new NamedStep("batch-get", this::batchGet),
            new NamedStep("list", this::list),
            new NamedStep("update", this::update),
            new NamedStep("delete", this::delete),
            new NamedStep("undelete", this::undelete),
            new NamedStep("watch-events", this::watchEvents),
            new NamedStep("deadline", this::deadline));
    String firstFailed = null;
    try {
      for (NamedStep step : steps) {
        if (firstFailed != null) {
          System.out.println("FAIL " + step.name() + ": not run, " + firstFailed + " failed");
          continue;
        }
        try {
          step.step().run();
          System.out.println("ok " + step.name());
        } catch (StepFailed e) {
          firstFailed = step.name();
          System.out.println("FAIL " + step.name() + ": " + e.getMessage());
        } catch (Exception e) {
          // Any crash is this step's failure, reported with its cause.
          firstFailed = step.name();
          System.out.println(
              "FAIL " + step.name() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
      return firstFailed == null;
    } finally {
      if (watcher != null) {
        watcher.close();
      }
    }
  }

  private void health() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(client.channel());
    for (String service : List.of("", "liveness")) {
      ServingStatus status =
          health
              .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService(service).build())
              .getStatus();
      check(status == ServingStatus.SERVING, "service \"" + service + "\" is " + status);
    }
  }

  private void watchOpen() throws InterruptedException {
    watcher = new ScenarioWatcher(client.watchUsers(0));
    WatchUsersResponse first = watcher.next(WAIT);
    check(first != null, "no message within " + WAIT + " (" + watcher.failure() + ")");
    check(
        first.getEventType() == EventType.EVENT_TYPE_BOOKMARK && !first.hasUser(),
        "first message is not a bookmark: " + first.getEventType());
  }

  private void create() {
    CreateUserRequest request = createRequest("a", UUID.randomUUID().toString());
    User first = client.createUser(request);
    User again = client.createUser(request);
    check(first.getName().equals(name("a")), "name is " + first.getName());
    check(again.getName().equals(name("a")), "retry's name is " + again.getName());
    check(
        !first.getUid().isEmpty() && first.getUid().equals(again.getUid()),
        "uids differ: " + first.getUid() + " vs " + again.getUid());
    created = first;
  }

  private void get() {
    fetched = client.getUser(name("a"));
    check(fetched.equals(created), "got " + fetched + " but created " + created);
  }

  private void batchGet() {
    for (String suffix : SUFFIXES.subList(1, SUFFIXES.size())) {
      client.createUser(createRequest(suffix, UUID.randomUUID().toString()));
    }
    List<String> names =
        client.batchGetUsers(List.of(name("c"), name("a"))).stream().map(User::getName).toList();
    check(names.equals(List.of(name("c"), name("a"))), "got " + names);
  }

  private void list() {
    ListUsersRequest.Builder request =
        ListUsersRequest.newBuilder()
            .setFilter("labels.scenario = \"" + prefix + "\"")
            .setPageSize(2);
    List<String> seen = new ArrayList<>();
    int pages = 0;
    do {
      ListUsersResponse page = client.listUsers(request.build());
      pages++;
      page.getUsersList().forEach(user -> seen.add(user.getName()));
      request.setPageToken(page.getNextPageToken());
    } while (!request.getPageToken().isEmpty() && pages < 10);
    Set<String> expected = new HashSet<>(SUFFIXES.stream().map(this::name).toList());
    check(pages == 3, "walked " + pages + " pages");
    check(seen.size() == 5 && new HashSet<>(seen).equals(expected), "saw " + seen);
  }

  private void update() {
    User change =
        User.newBuilder()
            .setName(name("a"))
            .setDisplayName("Ann Updated")
            .setEtag(fetched.getEtag())
            .build();
    FieldMask mask = FieldMask.newBuilder().addPaths("display_name").build();
    current = client.updateUser(change, mask);
    check(current.getDisplayName().equals("Ann Updated"), "display_name not updated");
    check(!current.getEtag().equals(fetched.getEtag()), "etag did not change");
    try {
      client.updateUser(change, mask);
    } catch (RosterException e) {
      check(e.code() == Status.Code.ABORTED, "stale etag gave " + e.code());
      check(
          e.reason().orElse("").equals("ERROR_REASON_ETAG_MISMATCH"),
          "stale etag gave reason " + e.reason().orElse("(no ErrorInfo)"));
      return;
    }
    throw new StepFailed("update with the old etag succeeded");
  }

  private void delete() {
    current = client.deleteUser(name("a"), current.getEtag());
    check(current.hasDeleteTime(), "delete_time is not set");
  }

  private void undelete() {
    current = client.undeleteUser(name("a"), current.getEtag());
    check(!current.hasDeleteTime(), "delete_time is still set");
  }

  private void watchEvents() throws InterruptedException {
    List<WatchUsersResponse> events = watcher.eventsFor(name("a"), 4, WAIT);
    List<EventType> types = events.stream().map(WatchUsersResponse::getEventType).toList();
    List<EventType> expected =
        List.of(
            EventType.EVENT_TYPE_CREATED,
            EventType.EVENT_TYPE_UPDATED,
            EventType.EVENT_TYPE_DELETED,
            EventType.EVENT_TYPE_UNDELETED);
    String failure = watcher.failure() == null ? "" : " (stream ended: " + watcher.failure() + ")";
    check(types.equals(expected), "events for " + name("a") + " were " + types + failure);
    for (int i = 1; i < events.size(); i++) {
      long before = events.get(i - 1).getRevision();
      long after = events.get(i).getRevision();
      check(before < after, "revisions not increasing: " + before + " then " + after);
    }
  }

  private void deadline() {
    try {
      client.withTimeout(Duration.ofNanos(1_000)).getUser(name("a"));
    } catch (RosterException e) {
      check(e.code() == Status.Code.DEADLINE_EXCEEDED, "got " + e.code());
      return;
    }
    throw new StepFailed("a 1 microsecond deadline was met");
  }

  private CreateUserRequest createRequest(String suffix, String requestId) {
    String id = prefix + "-" + suffix;
    User user =
        User.newBuilder()
            .setEmail(id + "@example.com")
            .setDisplayName("Ann " + LANGUAGE)
            .putLabels("scenario", prefix)
            .build();
    return CreateUserRequest.newBuilder()
        .setUserId(id)
        .setUser(user)
        .setRequestId(requestId)
        .build();
  }

  private String name(String suffix) {
    return "users/" + prefix + "-" + suffix;
  }

  private static void check(boolean condition, String why) {
    if (!condition) {
      throw new StepFailed(why);
    }
  }
}
