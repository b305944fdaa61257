package dev.roster.client;

import com.google.protobuf.FieldMask;
import dev.roster.user.v2.ActivateUserRequest;
import dev.roster.user.v2.BatchCreateUsersRequest;
import dev.roster.user.v2.BatchCreateUsersResponse;
import dev.roster.user.v2.CreateUserRequest;
import dev.roster.user.v2.DeleteUserRequest;
import dev.roster.user.v2.GetUserRequest;
import dev.roster.user.v2.ListUsersRequest;
import dev.roster.user.v2.ListUsersResponse;
import dev.roster.user.v2.PurgeUserRequest;
import dev.roster.user.v2.PurgeUserResponse;
import dev.roster.user.v2.SuspendUserRequest;
import dev.roster.user.v2.UndeleteUserRequest;
import dev.roster.user.v2.UpdateUserRequest;
import dev.roster.user.v2.User;
import dev.roster.user.v2.UserServiceGrpc;
import dev.roster.user.v2.WatchUsersRequest;
import dev.roster.user.v2.WatchUsersResponse;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A thin client for roster.user.v2.UserService with the conventions of {@link UserClient}: a
 * deadline on every unary call, UNAVAILABLE retried by gRPC, a request_id on every create and
 * batch create, and failures thrown as {@link RosterException}. Standard methods return the User.
 */
public final class UserClientV2 implements AutoCloseable {
  private final ManagedChannel channel;
  private final UserServiceGrpc.UserServiceBlockingStub stub;
  private final UserServiceGrpc.UserServiceStub asyncStub;
  private final Duration timeout;

  /** A client over {@code channel} (built by the caller, e.g. with TLS); close() shuts it down. */
  public UserClientV2(ManagedChannel channel, Duration timeout) {
    this.channel = channel;
    this.stub = UserServiceGrpc.newBlockingStub(channel);
    this.asyncStub = UserServiceGrpc.newStub(channel);
    this.timeout = timeout;
  }

  /** A plaintext client for {@code target} that tries each call up to {@code maxAttempts} times. */
  public static UserClientV2 plaintext(String target, Duration timeout, int maxAttempts) {
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
            .defaultServiceConfig(retryingUnavailable(maxAttempts))
            .enableRetry()
            .build();
    return new UserClientV2(channel, timeout);
  }

  /** The v2 twin of {@link ServiceConfig#retryingUnavailable}: every method, on UNAVAILABLE. */
  static Map<String, Object> retryingUnavailable(int maxAttempts) {
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts", (double) maxAttempts,
            "initialBackoff", "0.1s",
            "maxBackoff", "2s",
            "backoffMultiplier", 2.0,
            "retryableStatusCodes", List.of("UNAVAILABLE"));
    Map<String, Object> methodConfig =
        Map.of(
            "name", List.of(Map.of("service", UserServiceGrpc.SERVICE_NAME)),
            "retryPolicy", retryPolicy);
    return Map.of("methodConfig", List.of(methodConfig));
  }

  /** GetUser; {@code readMask} paths limit the fields returned (none: all). */
  public User getUser(String name, String... readMask) {
    GetUserRequest.Builder request = GetUserRequest.newBuilder().setName(name);
    if (readMask.length > 0) {
      request.setReadMask(FieldMask.newBuilder().addAllPaths(List.of(readMask)));
    }
    return call(s -> s.getUser(request.build()));
  }

  /** ListUsers: one page, with v2's filter language. */
  public ListUsersResponse listUsers(ListUsersRequest request) {
    return call(s -> s.listUsers(request));
  }

  /** CreateUser; a request_id is set when the request has none, so a retry cannot create twice. */
  public User createUser(CreateUserRequest request) {
    CreateUserRequest sent =
        request.getRequestId().isEmpty()
            ? request.toBuilder().setRequestId(UUID.randomUUID().toString()).build()
            : request;
    return call(s -> s.createUser(sent));
  }

  /** BatchCreateUsers, all or nothing; a request_id is set when the request has none. */
  public List<User> batchCreateUsers(BatchCreateUsersRequest request) {
    BatchCreateUsersRequest sent =
        request.getRequestId().isEmpty()
            ? request.toBuilder().setRequestId(UUID.randomUUID().toString()).build()
            : request;
    BatchCreateUsersResponse response = call(s -> s.batchCreateUsers(sent));
    return response.getUsersList();
  }

  /** UpdateUser: the fields named in the request's update_mask (never state). */
  public User updateUser(UpdateUserRequest request) {
    return call(s -> s.updateUser(request));
  }

  /** SuspendUser with a reason; an empty etag skips the check. */
  public User suspendUser(String name, String reason, String etag) {
    SuspendUserRequest request =
        SuspendUserRequest.newBuilder().setName(name).setReason(reason).setEtag(etag).build();
    return call(s -> s.suspendUser(request));
  }

  /** ActivateUser with a reason; an empty etag skips the check. */
  public User activateUser(String name, String reason, String etag) {
    ActivateUserRequest request =
        ActivateUserRequest.newBuilder().setName(name).setReason(reason).setEtag(etag).build();
    return call(s -> s.activateUser(request));
  }

  /** DeleteUser (soft delete); an empty etag skips the check. */
  public User deleteUser(String name, String etag) {
    DeleteUserRequest request = DeleteUserRequest.newBuilder().setName(name).setEtag(etag).build();
    return call(s -> s.deleteUser(request));
  }

  /** UndeleteUser; an empty etag skips the check. */
  public User undeleteUser(String name, String etag) {
    UndeleteUserRequest request =
        UndeleteUserRequest.newBuilder().setName(name).setEtag(etag).build();
    return call(s -> s.undeleteUser(request));
  }

  /** PurgeUser: a soft-deleted user (any user with {@code force}) is removed for good. */
  public PurgeUserResponse purgeUser(String name, String etag, boolean force) {
    PurgeUserRequest request =
        PurgeUserRequest.newBuilder().setName(name).setEtag(etag).setForce(force).build();
    return call(s -> s.purgeUser(request));
  }

  /**
   * WatchUsers without a deadline: every message and the stream's end go to {@code observer}
   * (errors as the StatusRuntimeException gRPC gives). Cancel the returned context to stop.
   */
  public Context.CancellableContext watchUsers(
      WatchUsersRequest request, StreamObserver<WatchUsersResponse> observer) {
    // The call belongs to this context, so cancelling it cancels the stream.
    Context.CancellableContext context = Context.current().withCancellation();
    context.run(() -> asyncStub.watchUsers(request, observer));
    return context;
  }

  /** Shuts the channel down, waiting up to five seconds. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // A deadline is a point in time, so each call takes a fresh stub with its own.
  private <T> T call(Function<UserServiceGrpc.UserServiceBlockingStub, T> rpc) {
    try {
      return rpc.apply(stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (StatusRuntimeException e) {
      throw RosterException.from(e);
    }
  }
}
