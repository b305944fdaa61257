// A thin client for roster.user.v1.UserService over connect-node's gRPC
// transport: the generated client plus the house defaults (the client policy's
// deadline on every unary call and none on WatchUsers, UNAVAILABLE retries,
// idempotent creates, bearer tokens and typed errors).
import { randomUUID } from "node:crypto";
import { clone, isMessage } from "@bufbuild/protobuf";
import { type CallOptions, type Client, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CreateUserRequestSchema, UserService } from "../../../gen/node/roster/user/v1/user_service_pb.js";
import { deadlineHeader } from "./deadline.js";
import { rethrowing, toRosterError } from "./errors.js";
import { DEFAULT_RETRY_POLICY, methodPolicy, type RetryPolicy } from "./policy.js";
import { retryUnavailable } from "./retry.js";

export { RelistRequiredError, RosterError, ROSTER_DOMAIN } from "./errors.js";
export { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS, type RetryPolicy, SERVICE_CONFIG } from "./policy.js";

/** PEM material for TLS; cert and key together enable mutual TLS. */
export interface TlsOptions {
  /** The CA bundle to trust; the system's roots when absent. */
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
}

/** A bearer token for each call: fixed, or fetched (and refreshed) by a callback. */
export type TokenSource = () => string | Promise<string>;

/** How createUserClient connects and what it does on every call. */
export interface UserClientOptions {
  /** Plaintext when absent, as in every Roster client. */
  readonly tls?: TlsOptions;
  /** Replaces the policy's deadline of a unary call that sets no timeoutMs; never applies to WatchUsers. */
  readonly defaultTimeoutMs?: number;
  /** Replaces the policy's retry policy of unary calls. */
  readonly retry?: RetryPolicy;
  /** Sent as `authorization: Bearer <token>` on every call. */
  readonly token?: string;
  /** Called before every call for the token to send; wins over `token`. */
  readonly tokenSource?: TokenSource;
  /** Extra interceptors, run outside the client's own. */
  readonly interceptors?: Interceptor[];
}

/** The generated UserService client: unary methods return promises, WatchUsers an async iterable. */
export type UserClient = Client<typeof UserService>;

/** Gives CreateUser a fresh request_id when the caller set none, once for all retries. */
export function idempotentCreate(): Interceptor {
  return (next) => async (req) => {
    if (req.stream || !isMessage(req.message, CreateUserRequestSchema) || req.message.requestId !== "") {
      return next(req);
    }
    // A copy: the caller's request object is left as it was.
    const message = clone(CreateUserRequestSchema, req.message);
    message.requestId = randomUUID();
    return next({ ...req, message });
  };
}

/** Sets the authorization header of every call from a token source. */
export function bearerToken(source: TokenSource): Interceptor {
  return (next) => async (req) => {
    req.header.set("authorization", `Bearer ${await source()}`);
    return next(req);
  };
}

function tokenSourceOf(options: UserClientOptions): TokenSource | undefined {
  const { token, tokenSource } = options;
  return tokenSource ?? (token === undefined ? undefined : () => token);
}

/**
 * Creates a gRPC transport to host:port with the client's interceptors, for any
 * service there. It sets no default deadline: createUserClient applies the
 * policy's per method, so that a WatchUsers stream is never cut by it.
 */
export function createRosterTransport(address: string, options: UserClientOptions = {}): Transport {
  const { tls } = options;
  const source = tokenSourceOf(options);
  return createGrpcTransport({
    baseUrl: `${tls ? "https" : "http"}://${address}`,
    // The first interceptor is the outermost: a request_id is chosen before
    // the first attempt, and every attempt gets the time left as its timeout.
    interceptors: [
      ...(options.interceptors ?? []),
      ...(source ? [bearerToken(source)] : []),
      idempotentCreate(),
      retryUnavailable(options.retry ?? DEFAULT_RETRY_POLICY),
      deadlineHeader(),
    ],
    ...(tls ? { nodeOptions: { ca: tls.ca, cert: tls.cert, key: tls.key } } : {}),
  });
}

/** Creates a client for the UserService at host:port. */
export function createUserClient(address: string, options: UserClientOptions = {}): UserClient {
  return withHouseDefaults(createClient(UserService, createRosterTransport(address, options)), options);
}

/** Gives each method the policy's deadline (unless the call sets one) and RosterError failures. */
function withHouseDefaults(client: UserClient, options: UserClientOptions): UserClient {
  const wrapped: Record<string, unknown> = {};
  for (const method of UserService.methods) {
    const call = client[method.localName as keyof UserClient] as (req: unknown, opts?: CallOptions) => unknown;
    const timeoutMs = method.methodKind === "unary" ? (options.defaultTimeoutMs ?? methodPolicy(method.name).timeoutMs) : undefined;
    const withDeadline = (opts?: CallOptions): CallOptions | undefined =>
      timeoutMs === undefined || opts?.timeoutMs !== undefined ? opts : { ...opts, timeoutMs };
    wrapped[method.localName] =
      method.methodKind === "unary"
        ? (req: unknown, opts?: CallOptions) =>
            (call(req, withDeadline(opts)) as Promise<unknown>).catch((err: unknown) => {
              throw toRosterError(err);
            })
        : (req: unknown, opts?: CallOptions) => rethrowing(call(req, opts) as AsyncIterable<unknown>);
  }
  return wrapped as UserClient;
}
