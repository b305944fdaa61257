package dev.roster.client;

import com.google.protobuf.FieldMask;
import dev.roster.user.v2.BatchCreateUsersRequest;
import dev.roster.user.v2.CreateUserRequest;
import dev.roster.user.v2.ListUsersRequest;
import dev.roster.user.v2.ListUsersResponse;
import dev.roster.user.v2.PurgeUserResponse;
import dev.roster.user.v2.UpdateUserRequest;
import dev.roster.user.v2.User;
import dev.roster.user.v2.WatchUsersRequest;
import dev.roster.user.v2.WatchUsersResponse;
import dev.roster.user.v2.WatchUsersResponse.EventType;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The roster.user.v2 interop scenario (tests/interop/scenario_v2.py), run by UserClientV2 against
 * ROSTER_ADDRESS. Prints "ok STEP" or "FAIL STEP: why" per step; exits 0 only if all passed.
 */
public final class ScenarioV2 {
  private static final String LANGUAGE = "java-v2";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String SUSPEND_REASON = "interop suspend";
  private static final String ACTIVATE_REASON = "interop activate";
  private static final String UPDATED_NAME = "Ann Updated";
  // What the filtered watch must see, per user, once user a is undeleted: d carries another
  // label and b's purge is not sent to a filtered watch.
  private static final Map<String, List<String>> WATCHED =
      new TreeMap<>(
          Map.of(
              "a", List.of("CREATED", "UPDATED", "UPDATED", "UPDATED", "DELETED", "UNDELETED"),
              "b", List.of("CREATED", "DELETED"),
              "c", List.of("CREATED")));

  private final UserClientV2 client;
  private final String tag;
  // Messages of the watch, or the Throwable that ended it.
  private final BlockingQueue<Object> watched = new LinkedBlockingQueue<>();
  private Context.CancellableContext watch;
  private User created;
  private String etag = "";

  private ScenarioV2(UserClientV2 client, String runId) {
    this.client = client;
    this.tag = LANGUAGE + "-" + runId;
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
    try (UserClientV2 client = UserClientV2.plaintext(address, Duration.ofSeconds(10), 5)) {
      passed = new ScenarioV2(client, HexFormat.of().formatHex(id)).run();
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

  private static void check(boolean condition, String why) {
    if (!condition) {
      throw new StepFailed(why);
    }
  }

  // Later steps build on earlier ones: after the first failure the rest are reported as not run.
  private boolean run() {
    List<NamedStep> steps =
        List.of(
            new NamedStep("watch-open", this::watchOpen),
            new NamedStep("create", this::create),
            new NamedStep("get", this::get),
            new NamedStep("batch-create", this::batchCreate),
            new NamedStep("list", this::list),
            new NamedStep("suspend", this::suspend),
            new NamedStep("activate", this::activate),
            new NamedStep("update", this::update),
            new NamedStep("delete", this::delete),
            new NamedStep("purge", this::purge),
            new NamedStep("undelete", this::undelete),
            new NamedStep("watch-events", this::watchEvents));
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
      if (watch != null) {
        watch.cancel(null);
      }
    }
  }

  private String id(String letter) {
    return tag + "-" + letter;
  }

  private String name(String letter) {
    return "users/" + id(letter);
  }

  private String email(String letter) {
    return id(letter) + "@example.com";
  }

  private CreateUserRequest createRequest(String letter) {
    String label = letter.equals("d") ? tag + "-unwatched" : tag;
    User user =
        User.newBuilder()
            .setEmail(email(letter))
            .setDisplayName("Ann " + letter)
            .putLabels("scenario", label)
            .build();
    return CreateUserRequest.newBuilder().setUser(user).setUserId(id(letter)).build();
  }

  private WatchUsersResponse nextWatched() throws InterruptedException {
    Object next = watched.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
    check(next != null, "no watch message within " + WAIT);
    if (next instanceof Throwable failure) {
      throw new StepFailed("the watch ended: " + failure);
    }
    return (WatchUsersResponse) next;
  }

  private void watchOpen() throws InterruptedException {
    WatchUsersRequest request =
        WatchUsersRequest.newBuilder().setFilter("labels.scenario = \"" + tag + "\"").build();
    watch =
        client.watchUsers(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(WatchUsersResponse message) {
                watched.add(message);
              }

              @Override
              public void onError(Throwable failure) {
                watched.add(failure);
              }

              @Override
              public void onCompleted() {
                watched.add(new IllegalStateException("the stream completed"));
              }
            });
    WatchUsersResponse first = nextWatched();
    check(first.getEventType() == EventType.EVENT_TYPE_BOOKMARK, "first message is " + first);
  }

  private void create() {
    CreateUserRequest request =
        createRequest("a").toBuilder().setRequestId(UUID.randomUUID().toString()).build();
    User first = client.createUser(request);
    User again = client.createUser(request);
    check(first.getName().equals(name("a")), "name is " + first.getName());
    check(first.getState() == User.State.STATE_ACTIVE, "state is " + first.getState());
    check(again.getUid().equals(first.getUid()), "the retry returned uid " + again.getUid());
    created = first;
  }

  private void get() {
    User got = client.getUser(name("a"), "name", "email");
    User want = User.newBuilder().setName(created.getName()).setEmail(created.getEmail()).build();
    check(got.equals(want), "get returned " + got + ", want " + want);
  }

  private void batchCreate() {
    List<String> letters = List.of("b", "c", "d");
    BatchCreateUsersRequest.Builder request =
        BatchCreateUsersRequest.newBuilder().setRequestId(UUID.randomUUID().toString());
    letters.forEach(letter -> request.addRequests(createRequest(letter)));
    List<User> first = client.batchCreateUsers(request.build());
    List<User> again = client.batchCreateUsers(request.build());
    List<String> names = first.stream().map(User::getName).toList();
    check(names.equals(letters.stream().map(this::name).toList()), "created " + names);
    check(
        again.stream().map(User::getUid).toList().equals(first.stream().map(User::getUid).toList()),
        "the retry created again");
  }

  private void list() {
    String emails =
        List.of("a", "c", "d").stream()
            .map(letter -> "email = \"" + email(letter) + "\"")
            .collect(Collectors.joining(" OR "));
    String filter = "(" + emails + ") AND labels.scenario = \"" + tag + "\"";
    ListUsersResponse page =
        client.listUsers(ListUsersRequest.newBuilder().setFilter(filter).build());
    List<String> names = page.getUsersList().stream().map(User::getName).toList();
    check(names.equals(List.of(name("a"), name("c"))), "listed " + names);
    check(page.getNextPageToken().isEmpty(), "next_page_token " + page.getNextPageToken());
  }

  private void checkTransition(User user, User.State want, String reason) {
    check(user.getState() == want, "state is " + user.getState() + ", want " + want);
    check(user.getStateReason().equals(reason), "state_reason is " + user.getStateReason());
    etag = user.getEtag();
  }

  private void suspend() {
    User user = client.suspendUser(name("a"), SUSPEND_REASON, "");
    checkTransition(user, User.State.STATE_SUSPENDED, SUSPEND_REASON);
  }

  private void activate() {
    User user = client.activateUser(name("a"), ACTIVATE_REASON, "");
    checkTransition(user, User.State.STATE_ACTIVE, ACTIVATE_REASON);
  }

  private void update() {
    User change =
        User.newBuilder().setName(name("a")).setDisplayName(UPDATED_NAME).setEtag(etag).build();
    UpdateUserRequest request =
        UpdateUserRequest.newBuilder()
            .setUser(change)
            .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
            .build();
    User updated = client.updateUser(request);
    check(updated.getDisplayName().equals(UPDATED_NAME), "updated to " + updated);
    check(!updated.getEtag().isEmpty() && !updated.getEtag().equals(etag), "etag did not change");
    try {
      client.updateUser(request);
      throw new StepFailed("the stale etag was accepted");
    } catch (RosterException e) {
      check(e.code() == Status.Code.ABORTED, "stale etag gave " + e.code() + ", want ABORTED");
      String reason = e.reason().orElse("");
      check(reason.equals("ERROR_REASON_ETAG_MISMATCH"), "reason is " + reason);
    }
    etag = updated.getEtag();
  }

  private void delete() {
    User deleted = client.deleteUser(name("a"), etag);
    check(deleted.hasDeleteTime() && deleted.hasExpireTime(), "deleted user is " + deleted);
  }

  private void purge() {
    String name = name("b");
    User deleted = client.deleteUser(name, "");
    PurgeUserResponse purged = client.purgeUser(name, "", false);
    check(
        purged.getName().equals(name) && purged.getUid().equals(deleted.getUid()),
        "purge returned " + purged);
    try {
      client.getUser(name);
      throw new StepFailed("the purged user is still readable");
    } catch (RosterException e) {
      check(e.code() == Status.Code.NOT_FOUND, "get after purge gave " + e.code());
    }
  }

  private void undelete() {
    User restored = client.undeleteUser(name("a"), "");
    check(!restored.hasDeleteTime(), "undeleted user keeps delete_time: " + restored);
  }

  private void watchEvents() throws InterruptedException {
    Map<String, List<String>> seen = new TreeMap<>();
    long last = 0;
    while (!seen.getOrDefault("a", List.of()).contains("UNDELETED")) {
      WatchUsersResponse event = nextWatched();
      String kind = event.getEventType().name().substring("EVENT_TYPE_".length());
      if (kind.equals("BOOKMARK")) {
        continue;
      }
      check(event.getRevision() > last, "revision " + event.getRevision() + " after " + last);
      last = event.getRevision();
      String name = event.getUser().getName();
      String letter = name.substring(name.lastIndexOf('-') + 1);
      seen.computeIfAbsent(letter, key -> new ArrayList<>()).add(kind);
    }
    check(seen.equals(WATCHED), "events " + seen + ", want " + WATCHED);
  }
}
