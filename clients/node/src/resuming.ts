// A WatchUsers stream that reconnects from the last revision it delivered,
// modelled on client-go's RetryWatcher: it reopens the stream whenever the
// server could not go on (UNAVAILABLE from a drain, a restart or a network
// cut; RESOURCE_EXHAUSTED WATCHER_TOO_SLOW; the server's stream deadline),
// after a jittered back-off from the client policy, and delivers every change
// once. OUT_OF_RANGE surfaces as RelistRequiredError. The caller's signal and
// timeoutMs end the whole watch; the client's default deadline never applies.
import { Code } from "@connectrpc/connect";
import { ErrorReason } from "../../../gen/node/roster/user/v1/error_reason_pb.js";
import {
  type WatchUsersResponse,
  WatchUsersResponse_EventType as EventType,
} from "../../../gen/node/roster/user/v1/user_service_pb.js";
import type { UserClient } from "./client.js";
import { type RosterError, toRosterError } from "./errors.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./policy.js";
import { backoffMs, sleep } from "./retry.js";

/** Where a resuming watch starts and when it gives up. */
export interface ResumingWatchOptions {
  /** The last revision already seen; 0 (the default): only changes from now on. */
  readonly startRevision?: bigint;
  /** Asks the server to batch changes; they are still delivered one per event. */
  readonly maxChangesPerResponse?: number;
  /** Ends the whole watch (not each stream); no deadline when absent. */
  readonly timeoutMs?: number;
  /** Ends the watch when aborted. */
  readonly signal?: AbortSignal;
  /** The pause between reconnects; the policy's retry back-off by default. */
  readonly backoff?: RetryPolicy;
}

/**
 * Iterate with `for await`: bookmarks and single changes, every change once.
 * `revision` is the last revision delivered, the place to resume from later.
 */
export class ResumingWatch implements AsyncIterable<WatchUsersResponse> {
  revision: bigint;
  reconnects = 0;
  private readonly deadline: number | undefined;

  constructor(
    private readonly client: UserClient,
    private readonly options: ResumingWatchOptions = {},
  ) {
    this.revision = options.startRevision ?? 0n;
    this.deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchUsersResponse> {
    for (let failures = 0; ; ) {
      try {
        const stream = this.client.watchUsers(
          { startRevision: this.revision, maxChangesPerResponse: this.options.maxChangesPerResponse ?? 0 },
          { signal: this.options.signal, timeoutMs: this.timeLeft() },
        );
        for await (const response of stream) {
          failures = 0;
          for (const event of response.changes.length > 0 ? response.changes : [response]) {
            if (this.isNew(event)) {
              yield event;
            }
          }
        }
      } catch (err) {
        const error = toRosterError(err);
        if (!this.resumable(error)) {
          throw error;
        }
      }
      // A stream that ended, cleanly or not, is reopened after a pause.
      failures++;
      this.reconnects++;
      await sleep(backoffMs(this.options.backoff ?? DEFAULT_RETRY_POLICY, failures), this.options.signal);
    }
  }

  /** Advances the position; false for a change already delivered before a reconnect. */
  private isNew(event: WatchUsersResponse): boolean {
    if (event.eventType === EventType.BOOKMARK) {
      this.revision = event.revision > this.revision ? event.revision : this.revision;
      return true;
    }
    if (event.revision <= this.revision) {
      return false;
    }
    this.revision = event.revision;
    return true;
  }

  private timeLeft(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(1, this.deadline - performance.now());
  }

  private resumable(error: RosterError): boolean {
    if (this.options.signal?.aborted || (this.deadline !== undefined && performance.now() >= this.deadline)) {
      return false;
    }
    if (!error.cause.isWireError && error.code !== Code.DeadlineExceeded) {
      // No status from the server: the connection failed under the stream.
      // connect-node names such failures after their cause (a reset stream is
      // CANCELED, ECONNRESET is ABORTED) where gRPC would say UNAVAILABLE.
      return true;
    }
    switch (error.code) {
      case Code.Unavailable:
        return true;
      case Code.DeadlineExceeded:
        // The server's stream ceiling, not the caller's own deadline.
        return this.deadline === undefined || performance.now() < this.deadline;
      case Code.ResourceExhausted:
        return error.errorReason === ErrorReason.WATCHER_TOO_SLOW;
      default:
        return false;
    }
  }
}

/** Watches every change after `options.startRevision`, reconnecting as needed. */
export function watchResuming(client: UserClient, options: ResumingWatchOptions = {}): ResumingWatch {
  return new ResumingWatch(client, options);
}
