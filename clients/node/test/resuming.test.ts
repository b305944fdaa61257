// The resuming watch against a real local gRPC server whose WatchUsers is
// scripted: cut off after some changes, then resumed, repeating one change,
// then ended with OUT_OF_RANGE.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "../../../gen/node/google/rpc/error_details_pb.js";
import { WatchUsersResponse_EventType as EventType } from "../../../gen/node/roster/user/v1/user_service_pb.js";
import { createUserClient, RelistRequiredError } from "../src/client.js";
import { ResumingWatch } from "../src/resuming.js";
import { type LocalServer, startUserService } from "./local-server.js";

const FAST = { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 2, multiplier: 2 };
const startRevisions: bigint[] = [];
let server: LocalServer;

function change(revision: bigint, name: string) {
  return { revision, eventType: EventType.CREATED, user: { name } };
}

function failure(code: Code, reason: string): ConnectError {
  return new ConnectError(reason, code, undefined, [
    { desc: ErrorInfoSchema, value: { reason, domain: "user.roster.dev" } },
  ]);
}

before(async () => {
  server = await startUserService({
    async *watchUsers(req) {
      startRevisions.push(req.startRevision);
      if (startRevisions.length === 1) {
        yield { revision: 5n, eventType: EventType.BOOKMARK };
        yield change(6n, "users/a");
        yield { revision: 7n, changes: [change(7n, "users/b")] };
        throw failure(Code.Unavailable, "ERROR_REASON_SHUTTING_DOWN");
      }
      yield { revision: 7n, eventType: EventType.BOOKMARK };
      yield change(7n, "users/b");
      yield change(8n, "users/c");
      throw failure(Code.OutOfRange, "ERROR_REASON_REVISION_NOT_RETAINED");
    },
  });
});

after(() => server.close());

test("a resuming watch reconnects from the last revision, delivers each change once, then asks to relist", async () => {
  const watch = new ResumingWatch(createUserClient(server.address), { backoff: FAST });
  const seen: string[] = [];
  const err = await (async () => {
    for await (const event of watch) {
      seen.push(event.eventType === EventType.BOOKMARK ? `bookmark ${event.revision}` : `${event.revision} ${event.user?.name}`);
    }
  })().catch((e: unknown) => e);
  assert.deepEqual(seen, ["bookmark 5", "6 users/a", "7 users/b", "bookmark 7", "8 users/c"]);
  assert.deepEqual(startRevisions, [0n, 7n]);
  assert.equal(watch.reconnects, 1);
  assert.ok(err instanceof RelistRequiredError, `not a RelistRequiredError: ${err}`);
});
