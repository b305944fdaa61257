package dev.roster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;
import dev.roster.user.v1.CreateUserRequest;
import dev.roster.user.v1.ErrorReason;
import dev.roster.user.v1.User;
import dev.roster.user.v1.WatchUsersRequest;
import dev.roster.user.v1.WatchUsersResponse;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** UserClient against a fake UserService on a real localhost socket. */
class UserClientTest {
  private final FakeUserService service = new FakeUserService();
  private Server server;
  private UserClient client;

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(service)
            .build()
            .start();
    client = UserClient.newBuilder("127.0.0.1:" + server.getPort()).plaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("CreateUser sends a fresh UUID request_id when the caller gave none")
  void createUserFillsInRequestId() {
    client.createUser(createRequest(""));
    client.createUser(createRequest(""));

    String first = service.creates.get(0).getRequestId();
    String second = service.creates.get(1).getRequestId();
    assertEquals(first, UUID.fromString(first).toString());
    assertTrue(!first.equals(second), "two calls shared request_id " + first);
  }

  @Test
  @DisplayName("CreateUser keeps the request_id the caller gave")
  void createUserKeepsRequestId() {
    client.createUser(createRequest("given-id"));

    assertEquals("given-id", service.creates.get(0).getRequestId());
  }

  @Test
  @DisplayName("a call answered UNAVAILABLE is tried again and then succeeds")
  void unavailableIsRetried() {
    service.getUserErrors.add(Status.UNAVAILABLE.withDescription("draining").asRuntimeException());

    User user = client.getUser("users/ann");

    assertEquals("users/ann", user.getName());
    assertEquals(2, service.getUserCalls.get());
  }

  @Test
  @DisplayName("a call that is not UNAVAILABLE is not retried")
  void otherErrorsAreNotRetried() {
    service.getUserErrors.add(Status.NOT_FOUND.asRuntimeException());

    RosterException error = assertThrows(RosterException.class, () -> client.getUser("users/x"));

    assertEquals(Status.Code.NOT_FOUND, error.code());
    assertEquals(1, service.getUserCalls.get());
  }

  @Test
  @DisplayName("an error's ErrorInfo, BadRequest and ResourceInfo details are decoded")
  void errorDetailsAreDecoded() {
    ErrorInfo info =
        ErrorInfo.newBuilder()
            .setDomain(RosterException.DOMAIN)
            .setReason("ERROR_REASON_INVALID_ARGUMENT")
            .build();
    BadRequest bad =
        BadRequest.newBuilder()
            .addFieldViolations(
                BadRequest.FieldViolation.newBuilder().setField("name").setDescription("bad"))
            .build();
    ResourceInfo resource = ResourceInfo.newBuilder().setResourceName("users/x").build();
    service.getUserErrors.add(
        StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.INVALID_ARGUMENT.value())
                .setMessage("name is malformed")
                .addDetails(Any.pack(info))
                .addDetails(Any.pack(bad))
                .addDetails(Any.pack(resource))
                .build()));

    RosterException error = assertThrows(RosterException.class, () -> client.getUser("x"));

    assertEquals(Status.Code.INVALID_ARGUMENT, error.code());
    assertEquals("ERROR_REASON_INVALID_ARGUMENT", error.reason().orElseThrow());
    assertEquals(ErrorReason.ERROR_REASON_INVALID_ARGUMENT, error.errorReason().orElseThrow());
    assertEquals(bad, error.badRequest().orElseThrow());
    assertEquals(resource, error.resourceInfo().orElseThrow());
  }

  @Test
  @DisplayName("a reason this client does not know is kept as text but not as an enum")
  void unknownReasonIsKeptAsText() {
    ErrorInfo info =
        ErrorInfo.newBuilder()
            .setDomain(RosterException.DOMAIN)
            .setReason("ERROR_REASON_FROM_THE_FUTURE")
            .build();
    service.getUserErrors.add(
        StatusProto.toStatusRuntimeException(
            com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.FAILED_PRECONDITION.value())
                .addDetails(Any.pack(info))
                .build()));

    RosterException error = assertThrows(RosterException.class, () -> client.getUser("x"));

    assertEquals("ERROR_REASON_FROM_THE_FUTURE", error.reason().orElseThrow());
    assertTrue(error.errorReason().isEmpty());
  }

  @Test
  @DisplayName("unary calls carry the default deadline of at most ten seconds")
  void unaryCallsGetTheDefaultDeadline() {
    client.getUser("users/ann");

    Deadline deadline = service.deadlines.get(0);
    assertNotNull(deadline, "GetUser arrived without a deadline");
    assertTrue(deadline.timeRemaining(TimeUnit.MILLISECONDS) <= 10_000, deadline.toString());
  }

  @Test
  @DisplayName("a watch stream carries no deadline")
  void watchesGetNoDeadline() {
    try (WatchStream stream = client.watchUsers(7)) {
      WatchUsersResponse bookmark = stream.next();
      assertEquals(7, bookmark.getRevision());
    }

    assertNull(service.deadlines.get(0));
  }

  @Test
  @DisplayName("a watch request is sent as given, e.g. asking for several changes per response")
  void watchRequestsAreSentAsGiven() {
    WatchUsersRequest request =
        WatchUsersRequest.newBuilder().setStartRevision(7).setMaxChangesPerResponse(100).build();
    try (WatchStream stream = client.watchUsers(request)) {
      assertEquals(7, stream.next().getRevision());
    }

    assertEquals(List.of(request), service.watches);
  }

  @Test
  @DisplayName("a call that outlives its timeout fails with DEADLINE_EXCEEDED")
  void tinyTimeoutExceedsTheDeadline() {
    UserClient hurried = client.withTimeout(Duration.ofNanos(1_000));

    RosterException error =
        assertThrows(RosterException.class, () -> hurried.getUser("users/ann"));

    assertEquals(Status.Code.DEADLINE_EXCEEDED, error.code());
  }

  private static CreateUserRequest createRequest(String requestId) {
    return CreateUserRequest.newBuilder()
        .setUser(User.newBuilder().setEmail("ann@example.com"))
        .setRequestId(requestId)
        .build();
  }
}
