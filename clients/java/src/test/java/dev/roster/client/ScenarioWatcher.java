package dev.roster.client;

import dev.roster.user.v1.WatchUsersResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a WatchUsers stream on its own thread for the interop scenario and hands every message
 * to the scenario through a queue, so that steps wait for messages with a deadline.
 */
final class ScenarioWatcher implements AutoCloseable {
  private final WatchStream stream;
  private final BlockingQueue<WatchUsersResponse> messages = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile RuntimeException failure;

  ScenarioWatcher(WatchStream stream) {
    this.stream = stream;
    this.reader = new Thread(this::read, "roster-scenario-watch");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** The next message, or null if none arrived within {@code timeout}. */
  WatchUsersResponse next(Duration timeout) throws InterruptedException {
    return messages.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits until {@code count} messages about {@code name} arrived or the timeout passed, and
   * returns those seen; messages about other users are dropped.
   */
  List<WatchUsersResponse> eventsFor(String name, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<WatchUsersResponse> seen = new ArrayList<>();
    while (seen.size() < count) {
      long left = deadline - System.nanoTime();
      WatchUsersResponse message = left > 0 ? messages.poll(left, TimeUnit.NANOSECONDS) : null;
      if (message == null) {
        break;
      }
      if (message.getUser().getName().equals(name)) {
        seen.add(message);
      }
    }
    return seen;
  }

  /** Why the stream ended early, if it did. */
  RuntimeException failure() {
    return failure;
  }

  @Override
  public void close() {
    stream.close();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void read() {
    try {
      while (stream.hasNext()) {
        messages.add(stream.next());
      }
    } catch (RuntimeException e) {
      // Closing the stream cancels it; any other end is reported by the step that waits.
      failure = e;
    }
  }
}
