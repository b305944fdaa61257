// The cross-language interop scenario in TypeScript: the same eleven steps
// every client runs against ROSTER_ADDRESS (see tests/interop), one
// "ok <step>" or "FAIL <step>: <why>" line each, exit 0 only if all pass.
import { randomBytes, randomUUID } from "node:crypto";
import { equals } from "@bufbuild/protobuf";
import { type Client, Code, createClient } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus } from "../../../gen/node/grpc_health/v1/health_pb.js";
import { type User, UserSchema } from "../../../gen/node/roster/user/v1/user_pb.js";
import {
  type WatchUsersResponse,
  WatchUsersResponse_EventType as EventType,
} from "../../../gen/node/roster/user/v1/user_service_pb.js";
import { createRosterTransport, createUserClient, RosterError, type UserClient } from "./client.js";
import { WatchRecorder } from "./watch-recorder.js";

const LANGUAGE = "node";
const WATCH_EVENTS_TIMEOUT_MS = 10_000;

class StepFailed extends Error {}

function check(condition: boolean, why: string): asserts condition {
  if (!condition) {
    throw new StepFailed(why);
  }
}

/** One run: its unique tag L-R, its clients and what earlier steps learned. */
class Scenario {
  private readonly tag = `${LANGUAGE}-${randomBytes(4).toString("hex")}`;
  private readonly users: UserClient;
  private readonly health: Client<typeof Health>;
  private readonly watchAbort = new AbortController();
  private watch: WatchRecorder | undefined;
  private created: User | undefined;
  private current: User | undefined;
  private firstEtag = "";

  constructor(address: string) {
    this.users = createUserClient(address);
    this.health = createClient(Health, createRosterTransport(address));
  }

  private name(letter: string): string {
    return `users/${this.tag}-${letter}`;
  }

  async checkHealth(): Promise<void> {
    for (const service of ["", "liveness"]) {
      const res = await this.health.check({ service });
      const status = HealthCheckResponse_ServingStatus[res.status];
      check(res.status === HealthCheckResponse_ServingStatus.SERVING, `Check("${service}") is ${status}`);
    }
  }

  async openWatch(): Promise<void> {
    const options = { signal: this.watchAbort.signal };
    const stream = this.users.watchUsers({ startRevision: 0n }, options);
    const [first, recorder] = await WatchRecorder.open(stream);
    this.watch = recorder;
    check(first.eventType === EventType.BOOKMARK, `first message is ${EventType[first.eventType]}, not BOOKMARK`);
  }

  private createRequest(letter: string, displayName: string, requestId: string) {
    return {
      userId: `${this.tag}-${letter}`,
      requestId,
      user: { email: `${this.tag}-${letter}@example.com`, displayName, labels: { scenario: this.tag } },
    };
  }

  async create(): Promise<void> {
    const request = this.createRequest("a", `Ann ${LANGUAGE}`, randomUUID());
    const first = await this.users.createUser(request);
    const again = await this.users.createUser(request);
    check(first.user?.name === this.name("a"), `name is "${first.user?.name}"`);
    check(again.user?.name === first.user.name, `the retry returned "${again.user?.name}"`);
    check(again.user.uid === first.user.uid, `the retry returned uid ${again.user.uid}, not ${first.user.uid}`);
    this.created = first.user;
  }

  async get(): Promise<void> {
    const { user } = await this.users.getUser({ name: this.name("a") });
    check(user !== undefined && this.created !== undefined, "GetUser returned no user");
    check(equals(UserSchema, user, this.created), "GetUser differs from the CreateUser response");
    this.firstEtag = user.etag;
  }

  async batchGet(): Promise<void> {
    for (const letter of ["b", "c", "d", "e"]) {
      await this.users.createUser(this.createRequest(letter, `User ${letter}`, randomUUID()));
    }
    const res = await this.users.batchGetUsers({ names: [this.name("c"), this.name("a")] });
    const names = res.users.map((u) => u.name);
    check(names.join() === [this.name("c"), this.name("a")].join(), `got [${names.join(", ")}]`);
  }

  async list(): Promise<void> {
    const seen: string[] = [];
    let pages = 0;
    let pageToken = "";
    do {
      const res = await this.users.listUsers({ filter: `labels.scenario = "${this.tag}"`, pageSize: 2, pageToken });
      pages++;
      seen.push(...res.users.map((u) => u.name));
      pageToken = res.nextPageToken;
    } while (pageToken !== "" && pages < 10);
    const expected = ["a", "b", "c", "d", "e"].map((l) => this.name(l));
    check(pages === 3, `walked ${pages} pages, not 3`);
    check([...seen].sort().join() === expected.join(), `saw [${seen.join(", ")}]`);
  }

  async update(): Promise<void> {
    const request = {
      user: { name: this.name("a"), displayName: "Ann Updated", etag: this.firstEtag },
      updateMask: { paths: ["display_name"] },
    };
    const { user } = await this.users.updateUser(request);
    check(user?.displayName === "Ann Updated", `display_name is "${user?.displayName}"`);
    check(user.etag !== this.firstEtag, "the etag did not change");
    this.current = user;
    const stale = await this.users.updateUser(request).then(
      () => undefined,
      (err: unknown) => err,
    );
    check(stale instanceof RosterError, "the update with the old etag succeeded");
    check(stale.code === Code.Aborted, `the stale update failed with ${stale.codeName}, not ABORTED`);
    check(stale.reason === "ERROR_REASON_ETAG_MISMATCH", `ErrorInfo.reason is "${stale.reason}"`);
  }

  async delete(): Promise<void> {
    const { user } = await this.users.deleteUser({ name: this.name("a"), etag: this.current?.etag ?? "" });
    check(user?.deleteTime !== undefined, "delete_time is not set");
    this.current = user;
  }

  async undelete(): Promise<void> {
    const { user } = await this.users.undeleteUser({ name: this.name("a"), etag: this.current?.etag ?? "" });
    check(user !== undefined && user.deleteTime === undefined, "delete_time is still set");
  }

  async watchEvents(): Promise<void> {
    check(this.watch !== undefined, "no watch stream");
    const name = this.name("a");
    const mine = (events: readonly WatchUsersResponse[]) =>
      events.filter((e) => e.eventType !== EventType.BOOKMARK && e.user?.name === name);
    const undeleted = (events: readonly WatchUsersResponse[]) =>
      mine(events).some((e) => e.eventType === EventType.UNDELETED);
    await this.watch.until(undeleted, WATCH_EVENTS_TIMEOUT_MS);
    const events = mine(this.watch.events);
    const types = events.map((e) => EventType[e.eventType]).join(", ");
    check(types === "CREATED, UPDATED, DELETED, UNDELETED", `events for ${name}: ${types}`);
    const increasing = events.every((e, i) => i === 0 || e.revision > events[i - 1]!.revision);
    check(increasing, `revisions ${events.map((e) => e.revision).join(", ")} do not increase`);
  }

  async deadline(): Promise<void> {
    const outcome = await this.users.getUser({ name: this.name("a") }, { timeoutMs: 0.001 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    check(outcome instanceof RosterError, "GetUser with a 1 microsecond deadline succeeded");
    check(outcome.code === Code.DeadlineExceeded, `failed with ${outcome.codeName}, not DEADLINE_EXCEEDED`);
  }

  async close(): Promise<void> {
    this.watchAbort.abort();
    await this.watch?.closed();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<number> {
  const address = process.env["ROSTER_ADDRESS"];
  if (!address) {
    process.stderr.write("ROSTER_ADDRESS (host:port) is not set\n");
    return 2;
  }
  const s = new Scenario(address);
  const steps: ReadonlyArray<readonly [string, () => Promise<void>]> = [
    ["health", () => s.checkHealth()],
    ["watch-open", () => s.openWatch()],
    ["create", () => s.create()],
    ["get", () => s.get()],
    ["batch-get", () => s.batchGet()],
    ["list", () => s.list()],
    ["update", () => s.update()],
    ["delete", () => s.delete()],
    ["undelete", () => s.undelete()],
    ["watch-events", () => s.watchEvents()],
    ["deadline", () => s.deadline()],
  ];
  // Later steps build on earlier ones, so the run stops at the first failure.
  let failed: string | undefined;
  for (const [name, run] of steps) {
    if (failed !== undefined) {
      console.log(`FAIL ${name}: not run, ${failed} failed`);
      continue;
    }
    try {
      await run();
      console.log(`ok ${name}`);
    } catch (err) {
      failed = name;
      console.log(`FAIL ${name}: ${describe(err)}`);
    }
  }
  await s.close();
  return failed === undefined ? 0 : 1;
}

process.exitCode = await main();
