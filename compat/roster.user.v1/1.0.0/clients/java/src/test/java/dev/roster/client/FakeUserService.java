package dev.roster.client;

import dev.roster.user.v1.CreateUserRequest;
import dev.roster.user.v1.CreateUserResponse;
import dev.roster.user.v1.GetUserRequest;
import dev.roster.user.v1.GetUserResponse;
import dev.roster.user.v1.User;
import dev.roster.user.v1.UserServiceGrpc;
import dev.roster.user.v1.WatchUsersRequest;
import dev.roster.user.v1.WatchUsersResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in UserService served over a real socket: it records what the client sent (requests,
 * deadlines) and answers GetUser with errors queued by the test, then with a user.
 */
final class FakeUserService extends UserServiceGrpc.UserServiceImplBase {
  final List<CreateUserRequest> creates = new CopyOnWriteArrayList<>();
  final List<Deadline> deadlines = new CopyOnWriteArrayList<>();
  final List<WatchUsersRequest> watches = new CopyOnWriteArrayList<>();
  final Queue<StatusRuntimeException> getUserErrors = new ConcurrentLinkedQueue<>();
  final AtomicInteger getUserCalls = new AtomicInteger();

  @Override
  public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> responses) {
    getUserCalls.incrementAndGet();
    deadlines.add(Context.current().getDeadline());
    StatusRuntimeException error = getUserErrors.poll();
    if (error != null) {
      responses.onError(error);
      return;
    }
    responses.onNext(
        GetUserResponse.newBuilder()
            .setUser(User.newBuilder().setName(request.getName()))
            .build());
    responses.onCompleted();
  }

  @Override
  public void createUser(CreateUserRequest request, StreamObserver<CreateUserResponse> responses) {
    creates.add(request);
    responses.onNext(CreateUserResponse.newBuilder().setUser(request.getUser()).build());
    responses.onCompleted();
  }

  @Override
  public void watchUsers(
      WatchUsersRequest request, StreamObserver<WatchUsersResponse> responses) {
    watches.add(request);
    deadlines.add(Context.current().getDeadline());
    responses.onNext(
        WatchUsersResponse.newBuilder()
            .setEventType(WatchUsersResponse.EventType.EVENT_TYPE_BOOKMARK)
            .setRevision(request.getStartRevision())
            .build());
    responses.onCompleted();
  }
}
