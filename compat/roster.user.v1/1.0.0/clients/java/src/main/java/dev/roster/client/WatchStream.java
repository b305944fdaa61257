package dev.roster.client;

import dev.roster.user.v1.UserServiceGrpc;
import dev.roster.user.v1.WatchUsersRequest;
import dev.roster.user.v1.WatchUsersResponse;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;

/**
 * An open WatchUsers stream: iterate it to block for the next change, close it to cancel the
 * call. The first message is always a bookmark. Failures surface as {@link RosterException}.
 */
public final class WatchStream implements Iterator<WatchUsersResponse>, AutoCloseable {
  private final Context.CancellableContext context;
  private final Iterator<WatchUsersResponse> responses;

  WatchStream(UserServiceGrpc.UserServiceBlockingStub stub, WatchUsersRequest request) {
    // The call is bound to the context current when it starts; cancelling this context is how a
    // blocking server stream is ended from the caller's side.
    this.context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      this.responses = stub.watchUsers(request);
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public boolean hasNext() {
    try {
      return responses.hasNext();
    } catch (StatusRuntimeException e) {
      throw RosterException.from(e);
    }
  }

  @Override
  public WatchUsersResponse next() {
    try {
      return responses.next();
    } catch (StatusRuntimeException e) {
      throw RosterException.from(e);
    }
  }

  /** Cancels the stream; a thread blocked in {@link #hasNext()} gets a CANCELLED error. */
  @Override
  public void close() {
    context.cancel(null);
  }
}
