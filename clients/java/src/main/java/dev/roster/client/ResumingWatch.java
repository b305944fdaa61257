package dev.roster.client;

import dev.roster.user.v1.ErrorReason;
import dev.roster.user.v1.WatchUsersRequest;
import dev.roster.user.v1.WatchUsersResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * WatchUsers that reconnects from the last revision it delivered, modelled on client-go's
 * RetryWatcher. It reopens the stream whenever the server could not go on (UNAVAILABLE from a
 * drain, a restart or a network cut; RESOURCE_EXHAUSTED WATCHER_TOO_SLOW; the server's stream
 * deadline), after a jittered back-off from the client policy, and delivers bookmarks and single
 * changes, every change exactly once. {@link #next()} blocks; it throws {@link
 * RelistRequiredException} when the revision is no longer retained and {@link RosterException} for
 * what a reconnect cannot cure. Close it to end the watch. Not thread-safe.
 */
public final class ResumingWatch implements Iterator<WatchUsersResponse>, AutoCloseable {
  private final Function<WatchUsersRequest, WatchStream> open;
  private final WatchUsersRequest request;
  private final ServiceConfig.Backoff backoff;
  private final long deadlineNanos;
  private final Deque<WatchUsersResponse> pending = new ArrayDeque<>();
  private WatchStream stream;
  private long revision;
  private int reconnects;
  private int failures;
  private volatile boolean closed;

  ResumingWatch(
      Function<WatchUsersRequest, WatchStream> open,
      WatchUsersRequest request,
      Duration timeout,
      ServiceConfig.Backoff backoff) {
    this.open = open;
    this.request = request;
    this.backoff = backoff;
    this.revision = request.getStartRevision();
    this.deadlineNanos = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
  }

  /** The last revision delivered, a change's or a bookmark's: where another watch would resume. */
  public long revision() {
    return revision;
  }

  /** How many times the stream was reopened. */
  public int reconnects() {
    return reconnects;
  }

  /** Always true: a watch ends only by throwing (or by {@link #close()}, which also throws). */
  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public WatchUsersResponse next() {
    while (true) {
      WatchUsersResponse event = pending.poll();
      if (event != null) {
        if (isNew(event)) {
          return event;
        }
        continue;
      }
      try {
        receive();
      } catch (RosterException e) {
        closeStream();
        if (!resumable(e)) {
          throw e;
        }
        pause();
      }
    }
  }

  private void receive() {
    if (stream == null) {
      WatchUsersRequest.Builder resumed = request.toBuilder().setStartRevision(revision);
      stream = open.apply(resumed.build());
    }
    if (!stream.hasNext()) {
      // The server ended the stream cleanly: reopen it.
      throw RosterException.from(
          Status.UNAVAILABLE.withDescription("stream ended").asRuntimeException());
    }
    WatchUsersResponse response = stream.next();
    failures = 0;
    if (response.getChangesCount() > 0) {
      pending.addAll(response.getChangesList());
    } else {
      pending.add(response);
    }
  }

  private boolean isNew(WatchUsersResponse event) {
    if (event.getEventType() == WatchUsersResponse.EventType.EVENT_TYPE_BOOKMARK) {
      revision = Math.max(revision, event.getRevision());
      return true;
    }
    if (event.getRevision() <= revision) {
      return false;
    }
    revision = event.getRevision();
    return true;
  }

  private boolean resumable(RosterException e) {
    if (closed || System.nanoTime() >= deadlineNanos) {
      return false;
    }
    switch (e.code()) {
      case UNAVAILABLE:
      case DEADLINE_EXCEEDED:
        return true;
      case RESOURCE_EXHAUSTED:
        return e.errorReason().orElse(null) == ErrorReason.ERROR_REASON_WATCHER_TOO_SLOW;
      default:
        return false;
    }
  }

  private void pause() {
    failures++;
    reconnects++;
    long cap = backoff.cap(failures).toNanos();
    long left = deadlineNanos - System.nanoTime();
    long nanos = Math.min(ThreadLocalRandom.current().nextLong(cap + 1), left);
    try {
      TimeUnit.NANOSECONDS.sleep(Math.max(0, nanos));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new NoSuchElementException("interrupted while waiting to reconnect");
    }
  }

  private void closeStream() {
    if (stream != null) {
      stream.close();
      stream = null;
    }
    pending.clear();
  }

  /** Cancels the current stream; a thread blocked in {@link #next()} gets a CANCELLED error. */
  @Override
  public void close() {
    closed = true;
    closeStream();
  }
}
