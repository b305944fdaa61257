// The v2 client's conventions against a real local gRPC server serving v2:
// request ids on creates (kept across retries), retries and typed errors.
import assert from "node:assert/strict";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { UserSchema } from "../../../gen/node/roster/user/v2/user_pb.js";
import { UserService } from "../../../gen/node/roster/user/v2/user_service_pb.js";
import { RosterError } from "../src/client.js";
import { createUserClientV2, type UserClientV2 } from "../src/client-v2.js";

const FAST_RETRY = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5, multiplier: 2 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const createIds: string[] = [];
const batchIds: string[] = [];

let server: http2.Http2Server;
const sessions = new Set<http2.ServerHttp2Session>();
let client: UserClientV2;

before(async () => {
  const handler = connectNodeAdapter({
    grpc: true,
    connect: false,
    grpcWeb: false,
    routes: (router) =>
      router.service(UserService, {
        createUser(req) {
          createIds.push(req.requestId);
          if (createIds.length < 2) {
            throw new ConnectError("draining", Code.Unavailable);
          }
          return create(UserSchema, { name: `users/${req.userId}`, email: req.user?.email ?? "" });
        },
        batchCreateUsers(req) {
          batchIds.push(req.requestId);
          return { users: req.requests.map((r) => create(UserSchema, { name: `users/${r.userId}` })) };
        },
        getUser(req) {
          throw new ConnectError(`${req.name} not found`, Code.NotFound);
        },
      }),
  });
  server = http2.createServer(handler);
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = createUserClientV2(`127.0.0.1:${port}`, { retry: FAST_RETRY });
});

// The client keeps its HTTP/2 session open; end it so close() completes.
after(
  () =>
    new Promise<void>((resolve) => {
      for (const session of sessions) {
        session.destroy();
      }
      server.close(() => resolve());
    }),
);

test("v2 CreateUser is retried on UNAVAILABLE with one request_id and returns the User", async () => {
  const user = await client.createUser({ user: { email: "n@example.com" }, userId: "n" });
  assert.equal(user.name, "users/n");
  assert.equal(createIds.length, 2);
  assert.match(createIds[0] ?? "", UUID);
  assert.equal(createIds[0], createIds[1]);
});

test("v2 BatchCreateUsers gets a request_id when it has none", async () => {
  const response = await client.batchCreateUsers({ requests: [{ userId: "a" }, { userId: "b" }] });
  assert.deepEqual(response.users.map((u) => u.name), ["users/a", "users/b"]);
  assert.match(batchIds[0] ?? "", UUID);
});

test("a failed v2 call rejects with a RosterError", async () => {
  await assert.rejects(client.getUser({ name: "users/missing" }), (err: unknown) => {
    assert.ok(err instanceof RosterError);
    assert.equal(err.code, Code.NotFound);
    return true;
  });
});
