// The roster.user.v2 interop scenario in TypeScript: the same twelve steps every
// v2 client runs against ROSTER_ADDRESS (tests/interop/scenario_v2.py), one
// "ok <step>" or "FAIL <step>: <why>" line each, exit 0 only if all pass.
import { randomBytes, randomUUID } from "node:crypto";
import { create, equals } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { type User, User_State, UserSchema } from "../../../gen/node/roster/user/v2/user_pb.js";
import {
  type WatchUsersResponse,
  WatchUsersResponse_EventType as EventType,
} from "../../../gen/node/roster/user/v2/user_service_pb.js";
import { RosterError } from "./client.js";
import { createUserClientV2, type UserClientV2 } from "./client-v2.js";
import { WatchRecorder } from "./watch-recorder.js";

const LANGUAGE = "node-v2";
const WATCH_EVENTS_TIMEOUT_MS = 15_000;
const SUSPEND_REASON = "interop suspend";
const ACTIVATE_REASON = "interop activate";
const UPDATED_NAME = "Ann Updated";
// What the filtered watch must see, per user letter, by the time user a is
// undeleted: d carries another label, and b's purge is not sent to a filtered watch.
const WATCHED = JSON.stringify({
  a: ["CREATED", "UPDATED", "UPDATED", "UPDATED", "DELETED", "UNDELETED"],
  b: ["CREATED", "DELETED"],
  c: ["CREATED"],
});

class StepFailed extends Error {}

function check(condition: boolean, why: string): asserts condition {
  if (!condition) {
    throw new StepFailed(why);
  }
}

/** Runs promise and returns the RosterError it failed with; fails the step if it succeeded. */
async function failure(promise: Promise<unknown>): Promise<RosterError> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  check(outcome instanceof RosterError, `expected an error, got ${String(outcome)}`);
  return outcome;
}

/** One run: its unique tag L-R, its client and what earlier steps learned. */
class Scenario {
  private readonly tag = `${LANGUAGE}-${randomBytes(4).toString("hex")}`;
  private readonly users: UserClientV2;
  private readonly watchAbort = new AbortController();
  private watch: WatchRecorder<WatchUsersResponse> | undefined;
  private created: User | undefined;
  private etag = "";

  constructor(address: string) {
    this.users = createUserClientV2(address);
  }

  private id(letter: string): string {
    return `${this.tag}-${letter}`;
  }

  private name(letter: string): string {
    return `users/${this.id(letter)}`;
  }

  private email(letter: string): string {
    return `${this.id(letter)}@example.com`;
  }

  private createRequest(letter: string) {
    const scenario = letter === "d" ? `${this.tag}-unwatched` : this.tag;
    return {
      userId: this.id(letter),
      user: { email: this.email(letter), displayName: `Ann ${letter}`, labels: { scenario } },
    };
  }

  async openWatch(): Promise<void> {
    const request = { startRevision: 0n, filter: `labels.scenario = "${this.tag}"` };
    const stream = this.users.watchUsers(request, { signal: this.watchAbort.signal });
    const [first, recorder] = await WatchRecorder.open(stream);
    this.watch = recorder;
    check(first.eventType === EventType.BOOKMARK, `first message is ${EventType[first.eventType]}, not BOOKMARK`);
  }

  async create(): Promise<void> {
    const request = { ...this.createRequest("a"), requestId: randomUUID() };
    const first = await this.users.createUser(request);
    const again = await this.users.createUser(request);
    check(first.name === this.name("a"), `name is "${first.name}"`);
    check(first.state === User_State.ACTIVE, `state is ${User_State[first.state]}`);
    check(again.uid === first.uid, `the retry returned uid ${again.uid}, not ${first.uid}`);
    this.created = first;
  }

  async get(): Promise<void> {
    const got = await this.users.getUser({ name: this.name("a"), readMask: { paths: ["name", "email"] } });
    check(this.created !== undefined, "no user was created");
    const want = create(UserSchema, { name: this.created.name, email: this.created.email });
    check(equals(UserSchema, got, want), `GetUser with read_mask returned more than name and email`);
  }

  async batchCreate(): Promise<void> {
    const letters = ["b", "c", "d"];
    const request = { requests: letters.map((l) => this.createRequest(l)), requestId: randomUUID() };
    const first = await this.users.batchCreateUsers(request);
    const again = await this.users.batchCreateUsers(request);
    const names = first.users.map((u) => u.name).join();
    check(names === letters.map((l) => this.name(l)).join(), `created [${names}]`);
    const uids = (users: readonly User[]) => users.map((u) => u.uid).join();
    check(uids(again.users) === uids(first.users), "the retry created again");
  }

  async list(): Promise<void> {
    const emails = ["a", "c", "d"].map((l) => `email = "${this.email(l)}"`).join(" OR ");
    const page = await this.users.listUsers({ filter: `(${emails}) AND labels.scenario = "${this.tag}"` });
    const names = page.users.map((u) => u.name).join();
    check(names === [this.name("a"), this.name("c")].join(), `listed [${names}]`);
    check(page.nextPageToken === "", `next_page_token is "${page.nextPageToken}"`);
  }

  private checkTransition(user: User, want: User_State, reason: string): void {
    check(user.state === want, `state is ${User_State[user.state]}, not ${User_State[want]}`);
    check(user.stateReason === reason, `state_reason is "${user.stateReason}"`);
    this.etag = user.etag;
  }

  async suspend(): Promise<void> {
    const user = await this.users.suspendUser({ name: this.name("a"), reason: SUSPEND_REASON });
    this.checkTransition(user, User_State.SUSPENDED, SUSPEND_REASON);
  }

  async activate(): Promise<void> {
    const user = await this.users.activateUser({ name: this.name("a"), reason: ACTIVATE_REASON });
    this.checkTransition(user, User_State.ACTIVE, ACTIVATE_REASON);
  }

  async update(): Promise<void> {
    const request = {
      user: { name: this.name("a"), displayName: UPDATED_NAME, etag: this.etag },
      updateMask: { paths: ["display_name"] },
    };
    const user = await this.users.updateUser(request);
    check(user.displayName === UPDATED_NAME, `display_name is "${user.displayName}"`);
    check(user.etag !== "" && user.etag !== this.etag, "the etag did not change");
    const stale = await failure(this.users.updateUser(request));
    check(stale.code === Code.Aborted, `the stale update failed with ${stale.codeName}, not ABORTED`);
    check(stale.reason === "ERROR_REASON_ETAG_MISMATCH", `ErrorInfo.reason is "${stale.reason}"`);
    this.etag = user.etag;
  }

  async delete(): Promise<void> {
    const user = await this.users.deleteUser({ name: this.name("a"), etag: this.etag });
    check(user.deleteTime !== undefined && user.expireTime !== undefined, "delete_time or expire_time unset");
  }

  async purge(): Promise<void> {
    const name = this.name("b");
    const deleted = await this.users.deleteUser({ name });
    const purged = await this.users.purgeUser({ name });
    check(purged.name === name && purged.uid === deleted.uid, `purge returned ${purged.name} ${purged.uid}`);
    const gone = await failure(this.users.getUser({ name }));
    check(gone.code === Code.NotFound, `get after purge failed with ${gone.codeName}, not NOT_FOUND`);
  }

  async undelete(): Promise<void> {
    const user = await this.users.undeleteUser({ name: this.name("a") });
    check(user.deleteTime === undefined, "delete_time is still set");
  }

  async watchEvents(): Promise<void> {
    check(this.watch !== undefined, "no watch stream");
    const changes = (events: readonly WatchUsersResponse[]) =>
      events.filter((e) => e.eventType !== EventType.BOOKMARK);
    const undeleted = (events: readonly WatchUsersResponse[]) =>
      changes(events).some((e) => e.eventType === EventType.UNDELETED && e.user?.name === this.name("a"));
    await this.watch.until(undeleted, WATCH_EVENTS_TIMEOUT_MS);
    const events = changes(this.watch.events);
    const seen: Record<string, string[]> = {};
    for (const e of events) {
      const letter = (e.user?.name ?? "").split("-").pop() ?? "";
      (seen[letter] ??= []).push(EventType[e.eventType]);
    }
    const sorted = JSON.stringify(Object.fromEntries(Object.entries(seen).sort()));
    check(sorted === WATCHED, `events ${sorted}, want ${WATCHED}`);
    const increasing = events.every((e, i) => i === 0 || e.revision > events[i - 1]!.revision);
    check(increasing, `revisions ${events.map((e) => e.revision).join(", ")} do not increase`);
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
    ["watch-open", () => s.openWatch()],
    ["create", () => s.create()],
    ["get", () => s.get()],
    ["batch-create", () => s.batchCreate()],
    ["list", () => s.list()],
    ["suspend", () => s.suspend()],
    ["activate", () => s.activate()],
    ["update", () => s.update()],
    ["delete", () => s.delete()],
    ["purge", () => s.purge()],
    ["undelete", () => s.undelete()],
    ["watch-events", () => s.watchEvents()],
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
