// Keeps reading a WatchUsers stream in the background so a caller can make
// changes and later wait, with a deadline, for the events they caused.
import type { WatchUsersResponse as WatchUsersResponseV1 } from "../../../gen/node/roster/user/v1/user_service_pb.js";

/** Records every message of an open watch stream after its first one (v1 or v2 messages). */
export class WatchRecorder<WatchUsersResponse = WatchUsersResponseV1> {
  readonly events: WatchUsersResponse[] = [];
  private ended: unknown = undefined;
  private wake: () => void = () => {};
  private readonly pump: Promise<void>;

  private constructor(private readonly messages: AsyncIterator<WatchUsersResponse>) {
    this.pump = this.read();
  }

  /** Waits for the stream's first message, then records the rest in the background. */
  static async open<WatchUsersResponse>(
    stream: AsyncIterable<WatchUsersResponse>,
  ): Promise<[WatchUsersResponse, WatchRecorder<WatchUsersResponse>]> {
    const messages = stream[Symbol.asyncIterator]();
    const first = await messages.next();
    if (first.done) {
      throw new Error("the watch stream ended before its first message");
    }
    return [first.value, new WatchRecorder<WatchUsersResponse>(messages)];
  }

  private async read(): Promise<void> {
    try {
      for (let next = await this.messages.next(); !next.done; next = await this.messages.next()) {
        this.events.push(next.value);
        this.wake();
      }
      this.ended = new Error("the watch stream ended");
    } catch (err) {
      this.ended = err;
    }
    this.wake();
  }

  /** Resolves once the recorded events satisfy done; rejects at the deadline or if the stream ends. */
  async until(done: (events: readonly WatchUsersResponse[]) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.events)) {
      if (this.ended !== undefined) {
        throw this.ended;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`no matching events within ${timeoutMs} ms (${this.events.length} recorded)`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Waits for the background reader to stop, after the stream was cancelled. */
  async closed(): Promise<void> {
    await this.pump;
  }
}
