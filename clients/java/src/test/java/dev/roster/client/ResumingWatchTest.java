package dev.roster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.roster.user.v1.User;
import dev.roster.user.v1.UserServiceGrpc;
import dev.roster.user.v1.WatchUsersRequest;
import dev.roster.user.v1.WatchUsersResponse;
import dev.roster.user.v1.WatchUsersResponse.EventType;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The resuming watch against a real socket whose WatchUsers is cut off, resumed, then relisted. */
class ResumingWatchTest {
  private final List<Long> starts = new CopyOnWriteArrayList<>();
  private Server server;
  private UserClient client;

  /** First stream: cut off after two changes; second: one repeat, one new change, OUT_OF_RANGE. */
  private final class Scripted extends UserServiceGrpc.UserServiceImplBase {
    @Override
    public void watchUsers(WatchUsersRequest request, StreamObserver<WatchUsersResponse> out) {
      starts.add(request.getStartRevision());
      if (starts.size() == 1) {
        out.onNext(bookmark(5));
        out.onNext(change(6, "users/a"));
        out.onNext(WatchUsersResponse.newBuilder().setRevision(7).addChanges(change(7, "users/b")).build());
        out.onError(failure(Code.UNAVAILABLE, "ERROR_REASON_SHUTTING_DOWN"));
      } else {
        out.onNext(bookmark(7));
        out.onNext(change(7, "users/b"));
        out.onNext(change(8, "users/c"));
        out.onError(failure(Code.OUT_OF_RANGE, "ERROR_REASON_REVISION_NOT_RETAINED"));
      }
    }
  }

  @BeforeEach
  void start() throws IOException {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(new Scripted())
            .build()
            .start();
    client = UserClient.newBuilder("127.0.0.1:" + server.getPort()).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a resuming watch reconnects from the last revision, delivers each change once, then asks to relist")
  void resumesThenRelists() {
    List<String> seen = new ArrayList<>();
    try (ResumingWatch watch = client.watch(0)) {
      assertThrows(
          RelistRequiredException.class,
          () -> {
            while (true) {
              WatchUsersResponse event = watch.next();
              seen.add(
                  event.getEventType() == EventType.EVENT_TYPE_BOOKMARK
                      ? "bookmark " + event.getRevision()
                      : event.getRevision() + " " + event.getUser().getName());
            }
          });
      assertEquals(1, watch.reconnects());
    }
    assertEquals(List.of("bookmark 5", "6 users/a", "7 users/b", "bookmark 7", "8 users/c"), seen);
    assertEquals(List.of(0L, 7L), starts);
  }

  private static WatchUsersResponse bookmark(long revision) {
    return WatchUsersResponse.newBuilder()
        .setRevision(revision)
        .setEventType(EventType.EVENT_TYPE_BOOKMARK)
        .build();
  }

  private static WatchUsersResponse change(long revision, String name) {
    return WatchUsersResponse.newBuilder()
        .setRevision(revision)
        .setEventType(EventType.EVENT_TYPE_CREATED)
        .setUser(User.newBuilder().setName(name))
        .build();
  }

  private static Throwable failure(Code code, String reason) {
    ErrorInfo info = ErrorInfo.newBuilder().setReason(reason).setDomain(RosterException.DOMAIN).build();
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(reason)
            .addDetails(Any.pack(info))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }
}
