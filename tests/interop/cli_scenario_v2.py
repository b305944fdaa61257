"""The roster.user.v2 interop scenario in proto3 JSON, for grpcurl and buf curl."""

import itertools
import time
import uuid
from dataclasses import dataclass
from typing import Any

from tests.interop import scenario_v2 as v2
from tests.interop.cli_scenario import JsonClient, expect_error
from tests.interop.json_stream import JsonObject, JsonStream, StreamEnded
from tests.interop.scenario_steps import Run, StepFailed, Steps, check

SERVICE = v2.SERVICE_V2


@dataclass
class State:
    """What later steps need from earlier ones."""

    run: Run
    client: JsonClient
    watch: JsonStream | None = None
    created: JsonObject | None = None
    etag: str = ""

    def call(self, method: str, request: JsonObject) -> JsonObject:
        """Call one unary v2 method by its short name."""
        return self.client.call(f"{SERVICE}/{method}", request)


def create_request(run: Run, letter: str) -> JsonObject:
    """Return the CreateUser request of one scenario user, without a request_id."""
    user = {
        "email": v2.email(run, letter),
        "displayName": f"Ann {letter}",
        "labels": {"scenario": v2.label(run, letter)},
    }
    return {"userId": run.user_id(letter), "user": user}


def step_watch_open(state: State) -> None:
    """Open WatchUsers filtered on the run's label; its first message is a bookmark."""
    request = {"startRevision": "0", "filter": v2.watch_filter(state.run)}
    state.watch = state.client.stream(f"{SERVICE}/WatchUsers", request)
    first = state.watch.next(timeout=v2.EVENT_TIMEOUT)
    check(first.get("eventType") == "EVENT_TYPE_BOOKMARK", f"first message is {first}")


def step_create(state: State) -> None:
    """Create user a twice with one request_id: the retry returns the same active user."""
    request = create_request(state.run, "a") | {"requestId": str(uuid.uuid4())}
    first, again = state.call("CreateUser", request), state.call("CreateUser", request)
    name = state.run.user_name("a")
    check(first.get("name") == name, f"name is {first.get('name')}, want {name}")
    check(first.get("state") == "STATE_ACTIVE", f"state is {first.get('state')}")
    check(again.get("uid") == first.get("uid"), f"retry uid {again.get('uid')} != first")
    state.created = first


def step_get(state: State) -> None:
    """GetUser with read_mask name,email returns those two fields and nothing else."""
    assert state.created is not None
    mask = state.client.field_mask(v2.GET_MASK)
    got = state.call("GetUser", {"name": state.run.user_name("a"), "readMask": mask})
    want = {"name": state.created["name"], "email": state.created["email"]}
    check(got == want, f"get returned {got}, want {want}")


def step_batch_create(state: State) -> None:
    """Create b, c and d in one batch; a retry with its request_id returns the same users."""
    requests = [create_request(state.run, letter) for letter in v2.BATCH_LETTERS]
    request = {"requests": requests, "requestId": str(uuid.uuid4())}
    first = state.call("BatchCreateUsers", request).get("users", [])
    again = state.call("BatchCreateUsers", request).get("users", [])
    names = [state.run.user_name(letter) for letter in v2.BATCH_LETTERS]
    check([user.get("name") for user in first] == names, f"created {first}, want {names}")
    check([u.get("uid") for u in again] == [u.get("uid") for u in first], "retry created again")


def step_list(state: State) -> None:
    """ListUsers with an OR filter returns a and c, in creation order, on one page."""
    page = state.call("ListUsers", {"filter": v2.list_filter(state.run)})
    names = [user.get("name") for user in page.get("users", [])]
    want = [state.run.user_name("a"), state.run.user_name("c")]
    check(names == want, f"listed {names}, want {want}")
    check(not page.get("nextPageToken"), f"nextPageToken {page.get('nextPageToken')!r}")


def step_transition(state: State, method: str, reason: str, want: str) -> None:
    """Suspend or activate user a with a reason: the new state, the reason as state_reason."""
    user = state.call(method, {"name": state.run.user_name("a"), "reason": reason})
    check(user.get("state") == want, f"state is {user.get('state')}, want {want}")
    check(user.get("stateReason") == reason, f"stateReason is {user.get('stateReason')!r}")
    state.etag = str(user.get("etag", ""))


def step_update(state: State) -> None:
    """Update with the current etag succeeds; repeating it with that stale etag is ABORTED."""
    user = {"name": state.run.user_name("a"), "displayName": v2.UPDATED_NAME, "etag": state.etag}
    request = {"user": user, "updateMask": state.client.field_mask(["display_name"])}
    updated = state.call("UpdateUser", request)
    check(updated.get("displayName") == v2.UPDATED_NAME, f"updated to {updated}")
    check(updated.get("etag") not in ("", None, state.etag), "etag did not change")
    error = expect_error(state.client, f"{SERVICE}/UpdateUser", request)
    check(error.code == "ABORTED", f"stale etag gave {error}, want ABORTED")
    check(error.reason() == "ERROR_REASON_ETAG_MISMATCH", f"reason is {error.reason()}")
    state.etag = str(updated["etag"])


def step_delete(state: State) -> None:
    """DeleteUser with the current etag sets delete_time and expire_time."""
    deleted = state.call("DeleteUser", {"name": state.run.user_name("a"), "etag": state.etag})
    check("deleteTime" in deleted and "expireTime" in deleted, f"deleted user is {deleted}")


def step_purge(state: State) -> None:
    """Delete then purge b: the response names b and its uid; b is then NOT_FOUND."""
    name = state.run.user_name("b")
    deleted = state.call("DeleteUser", {"name": name})
    purged = state.call("PurgeUser", {"name": name})
    want = {"name": name, "uid": deleted.get("uid")}
    check(purged == want, f"purge returned {purged}, want {want}")
    error = expect_error(state.client, f"{SERVICE}/GetUser", {"name": name})
    check(error.code == "NOT_FOUND", f"get after purge gave {error}, want NOT_FOUND")


def step_undelete(state: State) -> None:
    """UndeleteUser clears delete_time."""
    restored = state.call("UndeleteUser", {"name": state.run.user_name("a")})
    check("deleteTime" not in restored, f"undeleted user keeps deleteTime: {restored}")


def step_watch_events(state: State) -> None:
    """The filtered watch saw exactly the run's labelled changes, with rising revisions."""
    assert state.watch is not None
    seen: dict[str, list[str]] = {}
    revisions: list[int] = []
    deadline = time.monotonic() + v2.EVENT_TIMEOUT
    while "UNDELETED" not in seen.get("a", []):
        try:
            message = state.watch.next(timeout=max(0.0, deadline - time.monotonic()))
        except StreamEnded as ended:
            raise StepFailed(f"after {seen}: {ended}") from None
        kind = str(message.get("eventType")).removeprefix("EVENT_TYPE_")
        if kind == "BOOKMARK":
            continue
        letter = str(message.get("user", {}).get("name")).rpartition("-")[2]
        seen.setdefault(letter, []).append(kind)
        revisions.append(int(message.get("revision", "0")))
    check(seen == v2.WATCHED_V2, f"events {seen}, want {v2.WATCHED_V2}")
    check(all(a < b for a, b in itertools.pairwise(revisions)), f"{revisions}")


def run_scenario_v2(client: JsonClient, run: Run) -> int:
    """Run the v2 steps against run.address; return the process exit code."""
    state = State(run=run, client=client)
    steps = Steps()
    plan: list[tuple[str, Any]] = [
        ("watch-open", lambda: step_watch_open(state)),
        ("create", lambda: step_create(state)),
        ("get", lambda: step_get(state)),
        ("batch-create", lambda: step_batch_create(state)),
        ("list", lambda: step_list(state)),
        (
            "suspend",
            lambda: step_transition(state, "SuspendUser", v2.SUSPEND_REASON, "STATE_SUSPENDED"),
        ),
        (
            "activate",
            lambda: step_transition(state, "ActivateUser", v2.ACTIVATE_REASON, "STATE_ACTIVE"),
        ),
        ("update", lambda: step_update(state)),
        ("delete", lambda: step_delete(state)),
        ("purge", lambda: step_purge(state)),
        ("undelete", lambda: step_undelete(state)),
        ("watch-events", lambda: step_watch_events(state)),
    ]
    try:
        for name, step in plan:
            steps.run(name, step)
    finally:
        if state.watch is not None:
            state.watch.close()
    return steps.exit_code()
