package dev.roster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.roster.user.v2.BatchCreateUsersRequest;
import dev.roster.user.v2.BatchCreateUsersResponse;
import dev.roster.user.v2.CreateUserRequest;
import dev.roster.user.v2.GetUserRequest;
import dev.roster.user.v2.User;
import dev.roster.user.v2.UserServiceGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** UserClientV2 against a real socket server that fails on purpose and records what it got. */
class UserClientV2Test {
  /** Answers the first CreateUser with UNAVAILABLE, then echoes; GetUser is always NOT_FOUND. */
  static final class Recording extends UserServiceGrpc.UserServiceImplBase {
    final List<CreateUserRequest> creates = new CopyOnWriteArrayList<>();
    final List<Deadline> deadlines = new CopyOnWriteArrayList<>();
    final List<String> batchRequestIds = new CopyOnWriteArrayList<>();

    @Override
    public void createUser(CreateUserRequest request, StreamObserver<User> responses) {
      creates.add(request);
      deadlines.add(Context.current().getDeadline());
      if (creates.size() == 1) {
        responses.onError(Status.UNAVAILABLE.withDescription("draining").asRuntimeException());
        return;
      }
      responses.onNext(User.newBuilder().setName("users/" + request.getUserId()).build());
      responses.onCompleted();
    }

    @Override
    public void batchCreateUsers(
        BatchCreateUsersRequest request, StreamObserver<BatchCreateUsersResponse> responses) {
      batchRequestIds.add(request.getRequestId());
      responses.onNext(BatchCreateUsersResponse.getDefaultInstance());
      responses.onCompleted();
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<User> responses) {
      responses.onError(Status.NOT_FOUND.withDescription("no such user").asRuntimeException());
    }
  }

  private final Recording service = new Recording();
  private Server server;
  private UserClientV2 client;

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(service)
            .build()
            .start();
    client = UserClientV2.plaintext("127.0.0.1:" + server.getPort(), Duration.ofSeconds(10), 4);
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("v2 CreateUser is retried on UNAVAILABLE with one UUID request_id and a deadline")
  void createIsRetriedWithOneRequestId() {
    User user = client.createUser(CreateUserRequest.newBuilder().setUserId("ann").build());

    assertEquals("users/ann", user.getName());
    assertEquals(2, service.creates.size());
    String first = service.creates.get(0).getRequestId();
    assertEquals(first, UUID.fromString(first).toString());
    assertEquals(first, service.creates.get(1).getRequestId());
    service.deadlines.forEach(deadline -> assertNotNull(deadline, "a call went without a deadline"));
  }

  @Test
  @DisplayName("v2 BatchCreateUsers sends a request_id when the caller gave none")
  void batchCreateFillsInRequestId() {
    client.batchCreateUsers(BatchCreateUsersRequest.getDefaultInstance());

    String sent = service.batchRequestIds.get(0);
    assertEquals(sent, UUID.fromString(sent).toString());
  }

  @Test
  @DisplayName("a failed v2 call throws RosterException with the status code")
  void failureIsTyped() {
    RosterException error = assertThrows(RosterException.class, () -> client.getUser("users/x"));
    assertEquals(Status.Code.NOT_FOUND, error.code());
  }
}
