// The client's own behaviour against a real local gRPC server: retries,
// request ids, deadlines and typed errors.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  BadRequestSchema,
  ErrorInfoSchema,
  ResourceInfoSchema,
} from "../../../gen/node/google/rpc/error_details_pb.js";
import { ErrorReason } from "../../../gen/node/roster/user/v1/error_reason_pb.js";
import { UserSchema, type User } from "../../../gen/node/roster/user/v1/user_pb.js";
import { WatchUsersResponse_EventType } from "../../../gen/node/roster/user/v1/user_service_pb.js";
import { createUserClient, RosterError, type UserClient } from "../src/client.js";
import { encodeGrpcTimeout } from "../src/deadline.js";
import { type LocalServer, startUserService } from "./local-server.js";

const FAST_RETRY = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5, multiplier: 2 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: LocalServer;
let client: UserClient;
let getAttempts = 0;
const createRequestIds: string[] = [];
const purges: { name: string; etag: string; force: boolean }[] = [];
const watchTimeoutHeaders: (string | null)[] = [];

function unavailable(): ConnectError {
  return new ConnectError("store unreachable", Code.Unavailable);
}

function notFound(name: string): ConnectError {
  return new ConnectError(`${name} not found`, Code.NotFound, undefined, [
    {
      desc: ErrorInfoSchema,
      value: { reason: "ERROR_REASON_USER_NOT_FOUND", domain: "user.roster.dev", metadata: { name } },
    },
    { desc: ResourceInfoSchema, value: { resourceType: "roster.dev/User", resourceName: name } },
  ]);
}

function user(name: string): User {
  return create(UserSchema, { name, email: "ann@example.com" });
}

before(async () => {
  server = await startUserService({
    // users/flaky fails twice, users/down always, users/slow never answers.
    getUser(req, ctx) {
      getAttempts++;
      if (req.name === "users/down" || (req.name === "users/flaky" && getAttempts <= 2)) {
        throw unavailable();
      }
      if (req.name === "users/slow") {
        return new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
      }
      if (req.name === "users/missing") {
        throw notFound(req.name);
      }
      return { user: user(req.name) };
    },
    createUser(req) {
      createRequestIds.push(req.requestId);
      if (createRequestIds.length === 1) {
        throw unavailable();
      }
      return { user: user(`users/${req.userId}`) };
    },
    purgeUser(req) {
      purges.push({ name: req.name, etag: req.etag, force: req.force });
      return { name: req.name, uid: "uid-1" };
    },
    listUsers() {
      throw new ConnectError("bad page_size", Code.InvalidArgument, undefined, [
        { desc: ErrorInfoSchema, value: { reason: "ERROR_REASON_INVALID_ARGUMENT", domain: "user.roster.dev" } },
        {
          desc: BadRequestSchema,
          value: { fieldViolations: [{ field: "page_size", description: "must not be negative" }] },
        },
      ]);
    },
    async *watchUsers(_req, ctx) {
      watchTimeoutHeaders.push(ctx.requestHeader.get("grpc-timeout"));
      yield { revision: 7n, eventType: WatchUsersResponse_EventType.BOOKMARK };
      throw new ConnectError("draining", Code.Unavailable, undefined, [
        { desc: ErrorInfoSchema, value: { reason: "ERROR_REASON_SHUTTING_DOWN", domain: "user.roster.dev" } },
      ]);
    },
  });
  client = createUserClient(server.address, { retry: FAST_RETRY });
});

after(() => server.close());

test("a call that fails with UNAVAILABLE is retried until it succeeds", async () => {
  getAttempts = 0;
  const res = await client.getUser({ name: "users/flaky" });
  assert.equal(res.user?.name, "users/flaky");
  assert.equal(getAttempts, 3);
});

test("PurgeUser sends name, etag and force as given and returns the name and uid", async () => {
  const res = await client.purgeUser({ name: "users/ann", etag: "e1", force: true });
  assert.deepEqual([res.name, res.uid], ["users/ann", "uid-1"]);
  assert.deepEqual(purges, [{ name: "users/ann", etag: "e1", force: true }]);
});

test("a call that stays UNAVAILABLE fails with a RosterError after maxAttempts", async () => {
  getAttempts = 0;
  const err = await client.getUser({ name: "users/down" }).catch((e: unknown) => e);
  assert.ok(err instanceof RosterError);
  assert.equal(err.code, Code.Unavailable);
  assert.equal(getAttempts, FAST_RETRY.maxAttempts);
});

test("CreateUser without a request_id sends one UUID and reuses it on retry", async () => {
  createRequestIds.length = 0;
  const res = await client.createUser({ userId: "ann", user: { email: "ann@example.com" } });
  assert.equal(res.user?.name, "users/ann");
  assert.equal(createRequestIds.length, 2);
  assert.match(createRequestIds[0]!, UUID);
  assert.equal(createRequestIds[1], createRequestIds[0]);
});

test("CreateUser keeps the request_id the caller chose", async () => {
  createRequestIds.length = 0;
  const requestId = "5f0c6a9e-2b1d-4c3e-8f7a-9b8c7d6e5f4a";
  await client.createUser({ userId: "bob", requestId, user: { email: "bob@example.com" } });
  assert.deepEqual(createRequestIds, [requestId, requestId]);
});

test("a NOT_FOUND error exposes its ErrorInfo and ResourceInfo", async () => {
  const err = await client.getUser({ name: "users/missing" }).catch((e: unknown) => e);
  assert.ok(err instanceof RosterError);
  assert.equal(err.codeName, "NOT_FOUND");
  assert.equal(err.reason, "ERROR_REASON_USER_NOT_FOUND");
  assert.equal(err.errorReason, ErrorReason.USER_NOT_FOUND);
  assert.equal(err.domain, "user.roster.dev");
  assert.deepEqual(err.metadata, { name: "users/missing" });
  assert.equal(err.resourceInfo?.resourceName, "users/missing");
});

test("an INVALID_ARGUMENT error exposes its BadRequest field violations", async () => {
  const err = await client.listUsers({ pageSize: -1 }).catch((e: unknown) => e);
  assert.ok(err instanceof RosterError);
  assert.equal(err.code, Code.InvalidArgument);
  assert.deepEqual(
    err.badRequest?.fieldViolations.map((v) => [v.field, v.description]),
    [["page_size", "must not be negative"]],
  );
});

test("an error ending a WatchUsers stream is a RosterError", async () => {
  const received: bigint[] = [];
  const err = await (async () => {
    for await (const event of client.watchUsers({})) {
      received.push(event.revision);
    }
  })().catch((e: unknown) => e);
  assert.deepEqual(received, [7n]);
  assert.ok(err instanceof RosterError);
  assert.equal(err.reason, "ERROR_REASON_SHUTTING_DOWN");
});

test("a call without its own timeout gets the client's default deadline", async () => {
  const impatient = createUserClient(server.address, { defaultTimeoutMs: 50 });
  const err = await impatient.getUser({ name: "users/slow" }).catch((e: unknown) => e);
  assert.ok(err instanceof RosterError);
  assert.equal(err.codeName, "DEADLINE_EXCEEDED");
});

test("a one microsecond deadline fails with DEADLINE_EXCEEDED even when the server answers", async () => {
  const err = await client.getUser({ name: "users/ann" }, { timeoutMs: 0.001 }).catch((e: unknown) => e);
  assert.ok(err instanceof RosterError);
  assert.equal(err.code, Code.DeadlineExceeded);
});

test("grpc-timeout values are whole numbers of at most eight digits", () => {
  assert.equal(encodeGrpcTimeout(0.001), "1u");
  assert.equal(encodeGrpcTimeout(1.5), "1500u");
  assert.equal(encodeGrpcTimeout(10_000), "10000000u");
  assert.equal(encodeGrpcTimeout(1_000_000), "1000000m");
  assert.equal(encodeGrpcTimeout(-3), "1u");
});

test("WatchUsers gets no deadline from the client's default timeout", async () => {
  watchTimeoutHeaders.length = 0;
  const impatient = createUserClient(server.address, { defaultTimeoutMs: 50 });
  const stream = impatient.watchUsers({})[Symbol.asyncIterator]();
  const first = await stream.next();
  assert.equal(first.value?.revision, 7n);
  await stream.return?.();
  assert.deepEqual(watchTimeoutHeaders, [null]);
});
