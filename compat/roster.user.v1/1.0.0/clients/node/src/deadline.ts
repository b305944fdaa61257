// connect-es writes the grpc-timeout header as `${timeoutMs}m`, which is not a
// valid gRPC TimeoutValue for fractional milliseconds (a 1 microsecond deadline
// becomes "0.001m"), and it sends the full budget again when a call is retried.
// Its own deadline is a setTimeout, which cannot fire sooner than 1 ms, so a
// fast server can answer a call whose deadline has already passed. This
// interceptor keeps the header equal to the time left and enforces the deadline
// exactly for unary calls.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

const HEADER = "grpc-timeout";
// gRPC allows at most 8 digits; pick the finest unit that fits.
const MAX_VALUE = 99_999_999;
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ["u", 1e-3],
  ["m", 1],
  ["S", 1_000],
  ["M", 60_000],
  ["H", 3_600_000],
];

/** Encodes a positive duration in milliseconds as a gRPC TimeoutValue + TimeoutUnit. */
export function encodeGrpcTimeout(ms: number): string {
  for (const [unit, unitMs] of UNITS) {
    const value = Math.max(1, Math.ceil(ms / unitMs));
    if (value <= MAX_VALUE) {
      return `${value}${unit}`;
    }
  }
  return `${MAX_VALUE}H`;
}

/** Parses the `${ms}m` form connect-es writes; undefined for anything else. */
function parseConnectTimeout(value: string | null): number | undefined {
  const match = value === null ? null : /^(\d+(?:\.\d+)?(?:e-?\d+)?)m$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

function exceeded(): ConnectError {
  return new ConnectError("the call's deadline passed", Code.DeadlineExceeded);
}

/** Keeps grpc-timeout valid and equal to the time left; fails unary calls answered too late. */
export function deadlineHeader(): Interceptor {
  // Retries reuse the request and so its deadline signal: key the deadline on it.
  const deadlines = new WeakMap<AbortSignal, number>();
  return (next) => async (req) => {
    let deadline = deadlines.get(req.signal);
    if (deadline === undefined) {
      const timeoutMs = parseConnectTimeout(req.header.get(HEADER));
      if (timeoutMs === undefined) {
        return next(req);
      }
      deadline = performance.now() + timeoutMs;
      deadlines.set(req.signal, deadline);
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      throw exceeded();
    }
    req.header.set(HEADER, encodeGrpcTimeout(remaining));
    const res = await next(req);
    if (!res.stream && performance.now() >= deadline) {
      throw exceeded();
    }
    return res;
  };
}
