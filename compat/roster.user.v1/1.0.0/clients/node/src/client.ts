// A thin client for roster.user.v1.UserService over connect-node's gRPC
// transport: the generated client plus the house defaults (a deadline on every
// call, UNAVAILABLE retries, idempotent creates and typed errors).
import { randomUUID } from "node:crypto";
import { clone, isMessage } from "@bufbuild/protobuf";
import { type Client, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CreateUserRequestSchema, UserService } from "../../../gen/node/roster/user/v1/user_service_pb.js";
import { deadlineHeader } from "./deadline.js";
import { rethrowing, toRosterError } from "./errors.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryUnavailable } from "./retry.js";

export { RosterError, ROSTER_DOMAIN } from "./errors.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";

/** PEM material for TLS; cert and key together enable mutual TLS. */
export interface TlsOptions {
  readonly ca: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
}

/** How createUserClient connects and what it does on every call. */
export interface UserClientOptions {
  /** Plaintext when absent. */
  readonly tls?: TlsOptions;
  /** The deadline of a call that sets no timeoutMs of its own; 10 seconds by default. */
  readonly defaultTimeoutMs?: number;
  readonly retry?: RetryPolicy;
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

/** Creates a gRPC transport to host:port with the client's defaults, for any service there. */
export function createRosterTransport(address: string, options: UserClientOptions = {}): Transport {
  const { tls } = options;
  return createGrpcTransport({
    baseUrl: `${tls ? "https" : "http"}://${address}`,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 10_000,
    // The first interceptor is the outermost: a request_id is chosen before
    // the first attempt, and every attempt gets the time left as its timeout.
    interceptors: [
      ...(options.interceptors ?? []),
      idempotentCreate(),
      retryUnavailable(options.retry ?? DEFAULT_RETRY_POLICY),
      deadlineHeader(),
    ],
    ...(tls ? { nodeOptions: { ca: tls.ca, cert: tls.cert, key: tls.key } } : {}),
  });
}

/** Creates a client for the UserService at host:port. */
export function createUserClient(address: string, options: UserClientOptions = {}): UserClient {
  return withRosterErrors(createClient(UserService, createRosterTransport(address, options)));
}

/** Makes every method of a client fail with RosterError, unary or streaming. */
function withRosterErrors(client: UserClient): UserClient {
  const wrapped: Record<string, unknown> = {};
  for (const method of UserService.methods) {
    const call = client[method.localName as keyof UserClient] as (...args: unknown[]) => unknown;
    wrapped[method.localName] =
      method.methodKind === "unary"
        ? (...args: unknown[]) => (call(...args) as Promise<unknown>).catch((err: unknown) => {
            throw toRosterError(err);
          })
        : (...args: unknown[]) => rethrowing(call(...args) as AsyncIterable<unknown>);
  }
  return wrapped as UserClient;
}
