// A thin client for roster.user.v2.UserService with the conventions of the v1
// client (client.ts): a deadline on every call, UNAVAILABLE retries, a
// request_id on every create and batch create, and typed errors (RosterError).
import { randomUUID } from "node:crypto";
import { clone, type DescMessage, isMessage } from "@bufbuild/protobuf";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import {
  BatchCreateUsersRequestSchema,
  CreateUserRequestSchema,
  UserService,
} from "../../../gen/node/roster/user/v2/user_service_pb.js";
import { createRosterTransport, type UserClientOptions } from "./client.js";
import { rethrowing, toRosterError } from "./errors.js";

/** The generated v2 UserService client: standard methods resolve to the User itself. */
export type UserClientV2 = Client<typeof UserService>;

/** The v2 requests that create users and carry a request_id. */
const CREATES: readonly DescMessage[] = [CreateUserRequestSchema, BatchCreateUsersRequestSchema];

/** Gives a v2 create or batch create a fresh request_id when it has none, once for all retries. */
export function idempotentCreateV2(): Interceptor {
  return (next) => async (req) => {
    const schema = CREATES.find((s) => !req.stream && isMessage(req.message, s));
    const message = req.message as { requestId?: string };
    if (schema === undefined || message.requestId !== "") {
      return next(req);
    }
    const copy = clone(schema, req.message as never) as unknown as { requestId: string };
    copy.requestId = randomUUID();
    return next({ ...req, message: copy as never });
  };
}

/** Creates a client for roster.user.v2.UserService at host:port. */
export function createUserClientV2(address: string, options: UserClientOptions = {}): UserClientV2 {
  // Outermost: the request_id is chosen before the v1 transport's retries begin.
  const interceptors = [...(options.interceptors ?? []), idempotentCreateV2()];
  const client = createClient(UserService, createRosterTransport(address, { ...options, interceptors }));
  const wrapped: Record<string, unknown> = {};
  for (const method of UserService.methods) {
    const call = client[method.localName as keyof UserClientV2] as (...args: unknown[]) => unknown;
    wrapped[method.localName] =
      method.methodKind === "unary"
        ? (...args: unknown[]) => (call(...args) as Promise<unknown>).catch((err: unknown) => {
            throw toRosterError(err);
          })
        : (...args: unknown[]) => rethrowing(call(...args) as AsyncIterable<unknown>);
  }
  return wrapped as UserClientV2;
}
