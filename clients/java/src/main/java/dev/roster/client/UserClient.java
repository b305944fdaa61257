package dev.roster.client;

import com.google.protobuf.FieldMask;
import dev.roster.user.v1.BatchGetUsersRequest;
import dev.roster.user.v1.CreateUserRequest;
import dev.roster.user.v1.DeleteUserRequest;
import dev.roster.user.v1.GetUserRequest;
import dev.roster.user.v1.ListUsersRequest;
import dev.roster.user.v1.ListUsersResponse;
import dev.roster.user.v1.PurgeUserRequest;
import dev.roster.user.v1.PurgeUserResponse;
import dev.roster.user.v1.UndeleteUserRequest;
import dev.roster.user.v1.UpdateUserRequest;
import dev.roster.user.v1.User;
import dev.roster.user.v1.UserServiceGrpc;
import dev.roster.user.v1.WatchUsersRequest;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A thin client for roster.user.v1.UserService. Every unary call gets the client policy's deadline
 * unless configured, UNAVAILABLE is retried by gRPC itself as the policy says, CreateUser always
 * carries a request_id, and failures are thrown as {@link RosterException} with the server's error
 * details decoded. The policy is the service config every Roster client embeds ({@link
 * #serviceConfigJson()}). The channel is plaintext unless the builder asks for TLS.
 */
public final class UserClient implements AutoCloseable {
  /** The deadline of each unary call unless the builder or {@link #withTimeout} says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = ServiceConfig.timeout();

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final UserServiceGrpc.UserServiceBlockingStub stub;
  private final Duration timeout;
  private final CallCredentials tokens;

  private UserClient(
      ManagedChannel channel, boolean ownsChannel, Duration timeout, CallCredentials tokens) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    UserServiceGrpc.UserServiceBlockingStub plain = UserServiceGrpc.newBlockingStub(channel);
    this.stub = tokens == null ? plain : plain.withCallCredentials(tokens);
    this.tokens = tokens;
    this.timeout = timeout;
  }

  /** The client policy (a gRPC service config) this client applies, as embedded in the jar. */
  public static String serviceConfigJson() {
    return ServiceConfig.json();
  }

  /** Starts configuring a client for {@code target}, e.g. {@code "localhost:50051"}. */
  public static Builder newBuilder(String target) {
    return new Builder(target);
  }

  /** A client on the same channel whose unary calls get {@code timeout} as their deadline. */
  public UserClient withTimeout(Duration timeout) {
    return new UserClient(channel, false, timeout, tokens);
  }

  /** The underlying channel, e.g. for grpc.health.v1 checks against the same server. */
  public Channel channel() {
    return channel;
  }

  /** Returns the user named {@code name} ({@code users/{user}}), soft-deleted or not. */
  public User getUser(String name) {
    return call(s -> s.getUser(GetUserRequest.newBuilder().setName(name).build()).getUser());
  }

  /** Returns the named users in the order asked; fails with NOT_FOUND if any is missing. */
  public List<User> batchGetUsers(List<String> names) {
    BatchGetUsersRequest request = BatchGetUsersRequest.newBuilder().addAllNames(names).build();
    return call(s -> s.batchGetUsers(request).getUsersList());
  }

  /** Returns one page of users; pass its next_page_token back for the next page. */
  public ListUsersResponse listUsers(ListUsersRequest request) {
    return call(s -> s.listUsers(request));
  }

  /**
   * Pages through every user of a ListUsers query (filter, order_by, show_deleted, page_size as in
   * {@code request}); iterate {@link UserPager#iterateAll()}.
   */
  public UserPager listAllUsers(ListUsersRequest request) {
    return new UserPager(this::listUsers, request);
  }

  /**
   * Creates a user. A request without a request_id gets a fresh UUID here, before the first
   * attempt, so that gRPC's retries of that call are idempotent on the server.
   */
  public User createUser(CreateUserRequest request) {
    CreateUserRequest withId =
        request.getRequestId().isEmpty()
            ? request.toBuilder().setRequestId(UUID.randomUUID().toString()).build()
            : request;
    return call(s -> s.createUser(withId).getUser());
  }

  /** Changes the fields of {@code user} named in {@code updateMask}; ABORTED on a stale etag. */
  public User updateUser(User user, FieldMask updateMask) {
    return updateUser(UpdateUserRequest.newBuilder().setUser(user).setUpdateMask(updateMask).build());
  }

  /** Sends an UpdateUserRequest as given. */
  public User updateUser(UpdateUserRequest request) {
    return call(s -> s.updateUser(request).getUser());
  }

  /** Soft-deletes a user; {@code etag} may be empty to skip the concurrency check. */
  public User deleteUser(String name, String etag) {
    return deleteUser(DeleteUserRequest.newBuilder().setName(name).setEtag(etag).build());
  }

  /** Sends a DeleteUserRequest as given. */
  public User deleteUser(DeleteUserRequest request) {
    return call(s -> s.deleteUser(request).getUser());
  }

  /** Restores a soft-deleted user; {@code etag} may be empty to skip the concurrency check. */
  public User undeleteUser(String name, String etag) {
    UndeleteUserRequest request =
        UndeleteUserRequest.newBuilder().setName(name).setEtag(etag).build();
    return call(s -> s.undeleteUser(request).getUser());
  }

  /**
   * Removes a soft-deleted user for good; with {@code force} any user (which needs the scope
   * users.admin). {@code etag} may be empty to skip the concurrency check. The response holds
   * the purged user's name and uid only.
   */
  public PurgeUserResponse purgeUser(String name, String etag, boolean force) {
    return purgeUser(
        PurgeUserRequest.newBuilder().setName(name).setEtag(etag).setForce(force).build());
  }

  /** Sends a PurgeUserRequest as given. */
  public PurgeUserResponse purgeUser(PurgeUserRequest request) {
    return call(s -> s.purgeUser(request));
  }

  /**
   * Opens a change stream after {@code startRevision} (0: from now). Streams get no deadline:
   * they are meant to stay open; close the returned stream to end it.
   */
  public WatchStream watchUsers(long startRevision) {
    return watchUsers(WatchUsersRequest.newBuilder().setStartRevision(startRevision).build());
  }

  /**
   * Opens a change stream as {@code request} says, for example with {@code
   * maxChangesPerResponse} above one to receive several changes per response in {@code
   * getChangesList()}.
   */
  public WatchStream watchUsers(WatchUsersRequest request) {
    return new WatchStream(stub, request);
  }

  /**
   * Watches every change after {@code startRevision} (0: from now), reconnecting from the last
   * revision delivered whenever the server could not go on; see {@link ResumingWatch}. No deadline.
   */
  public ResumingWatch watch(long startRevision) {
    return watch(WatchUsersRequest.newBuilder().setStartRevision(startRevision).build(), null);
  }

  /**
   * A resuming watch as {@code request} says; with a {@code timeout}, it stops reconnecting once
   * that much time has passed.
   */
  public ResumingWatch watch(WatchUsersRequest request, Duration timeout) {
    return new ResumingWatch(this::watchUsers, request, timeout, ServiceConfig.backoff());
  }

  /** Closes the channel if this client opened it (clients from withTimeout share it). */
  @Override
  public void close() {
    if (!ownsChannel) {
      return;
    }
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

  /** Configures the channel: plaintext (the default) or TLS, the deadline and retries. */
  public static final class Builder {
    private final String target;
    private boolean useTls;
    private Path caFile;
    private Path certChainFile;
    private Path privateKeyFile;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxAttempts = ServiceConfig.maxAttempts();
    private CallCredentials tokens;

    private Builder(String target) {
      this.target = target;
    }

    /** No transport security; for local servers and tests. */
    public Builder plaintext() {
      this.useTls = false;
      this.caFile = null;
      this.certChainFile = null;
      this.privateKeyFile = null;
      return this;
    }

    /** TLS, trusting the PEM certificates in {@code caFile}; null trusts the system's roots. */
    public Builder tls(Path caFile) {
      this.useTls = true;
      this.caFile = caFile;
      return this;
    }

    /** Mutual TLS: trust {@code caFile} and present the PEM certificate chain and key. */
    public Builder mutualTls(Path caFile, Path certChainFile, Path privateKeyFile) {
      this.useTls = true;
      this.caFile = caFile;
      this.certChainFile = certChainFile;
      this.privateKeyFile = privateKeyFile;
      return this;
    }

    /** Sends {@code token} as {@code authorization: Bearer <token>} on every call. */
    public Builder token(String token) {
      return tokenSource(() -> token);
    }

    /**
     * Asks {@code source} for the bearer token of every call (off the caller's thread), so it may
     * refresh an expiring token; it should cache a valid one.
     */
    public Builder tokenSource(Supplier<String> source) {
      this.tokens = new BearerToken(source);
      return this;
    }

    /** The deadline of each unary call. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** How many times a call is tried in all when the server answers UNAVAILABLE; 1: no retry. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Opens the channel; fails with UncheckedIOException if a certificate file is unreadable. */
    public UserClient build() {
      ManagedChannelBuilder<?> channel = Grpc.newChannelBuilder(target, credentials());
      if (maxAttempts > 1) {
        channel.defaultServiceConfig(ServiceConfig.withMaxAttempts(maxAttempts)).enableRetry();
      } else {
        channel.disableRetry();
      }
      return new UserClient(channel.build(), true, timeout, tokens);
    }

    private ChannelCredentials credentials() {
      if (!useTls) {
        return InsecureChannelCredentials.create();
      }
      try {
        TlsChannelCredentials.Builder creds = TlsChannelCredentials.newBuilder();
        if (caFile != null) {
          creds.trustManager(caFile.toFile());
        }
        if (certChainFile != null) {
          creds.keyManager(certChainFile.toFile(), privateKeyFile.toFile());
        }
        return creds.build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read TLS files for " + target, e);
      }
    }
  }
}
