// The client policy every Roster client embeds (service-config.ts, copied from
// the contract's user_grpc_service_config.json by `make gen`). connect-es reads
// no gRPC service config, so the entry that applies to a method is looked up
// here the way gRPC does it: the entry naming the method, else the service's.
import { SERVICE_CONFIG_JSON } from "./service-config.js";

/** How often and how patiently UNAVAILABLE unary calls are retried. */
export interface RetryPolicy {
  /** Attempts in total, the first one included; 1 disables retries. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
}

/** What the policy says about one method; an absent field means none. */
export interface MethodPolicy {
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
}

interface MethodConfig {
  name: { service: string; method?: string }[];
  timeout?: string;
  retryPolicy?: {
    maxAttempts: number;
    initialBackoff: string;
    maxBackoff: string;
    backoffMultiplier: number;
  };
}

/** The policy file's text, exactly as embedded. */
export const SERVICE_CONFIG: string = SERVICE_CONFIG_JSON;

const SERVICE = "roster.user.v1.UserService";
const entries = (JSON.parse(SERVICE_CONFIG_JSON) as { methodConfig: MethodConfig[] }).methodConfig;

/** A service-config duration such as "0.1s" in milliseconds. */
function millis(duration: string): number {
  if (!duration.endsWith("s")) {
    throw new Error(`not a service-config duration: ${duration}`);
  }
  return Number(duration.slice(0, -1)) * 1000;
}

function entryFor(method: string): MethodConfig | undefined {
  const named = (e: MethodConfig, m: string | undefined): boolean =>
    e.name.some((n) => n.service === SERVICE && n.method === m);
  return entries.find((e) => named(e, method)) ?? entries.find((e) => named(e, undefined));
}

/** The policy of one UserService method, by its proto name ("GetUser"). */
export function methodPolicy(method: string): MethodPolicy {
  const entry = entryFor(method);
  const retry = entry?.retryPolicy;
  return {
    ...(entry?.timeout ? { timeoutMs: millis(entry.timeout) } : {}),
    ...(retry
      ? {
          retry: {
            maxAttempts: retry.maxAttempts,
            initialBackoffMs: millis(retry.initialBackoff),
            maxBackoffMs: millis(retry.maxBackoff),
            multiplier: retry.backoffMultiplier,
          },
        }
      : {}),
  };
}

/** The service-wide retry policy: unary retries, and the watch's pause between reconnects. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = methodPolicy("GetUser").retry ?? {
  maxAttempts: 1,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  multiplier: 2,
};

/** The service-wide deadline of a unary call that sets none. */
export const DEFAULT_TIMEOUT_MS: number | undefined = methodPolicy("GetUser").timeoutMs;
