// connect-node has no gRPC service-config retries, so unary calls that fail
// with UNAVAILABLE (store unreachable, server draining) are retried here, a
// bounded number of times with jittered exponential backoff, within the call's
// own deadline. Streams are never retried: WatchUsers resumes by revision.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./policy.js";

export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./policy.js";

/** The pause before retry number `retry` (1-based): full jitter under an exponential cap. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (retry - 1));
  return Math.random() * cap;
}

/** Waits `ms`, or fails as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(ConnectError.from(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Retries unary calls that fail with UNAVAILABLE, as the policy allows. */
export function retryUnavailable(policy: RetryPolicy = DEFAULT_RETRY_POLICY): Interceptor {
  return (next) => async (req) => {
    if (req.stream) {
      return next(req);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(req);
      } catch (err) {
        const retryable = ConnectError.from(err).code === Code.Unavailable;
        if (!retryable || attempt >= policy.maxAttempts || req.signal.aborted) {
          throw err;
        }
        await sleep(backoffMs(policy, attempt), req.signal);
      }
    }
  };
}
