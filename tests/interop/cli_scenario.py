"""The interop scenario in proto3 JSON, for command-line clients (grpcurl, buf curl)."""

import itertools
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from tests.interop.json_stream import JsonObject, JsonStream, StreamEnded
from tests.interop.scenario_steps import Run, StepFailed, Steps, check

SERVICE = "roster.user.v1.UserService"
HEALTH_CHECK = "grpc.health.v1.Health/Check"
EVENT_TIMEOUT = 15.0
LETTERS = ("a", "b", "c", "d", "e")
WATCHED_EVENTS = ["EVENT_TYPE_CREATED", "EVENT_TYPE_UPDATED"]
WATCHED_EVENTS += ["EVENT_TYPE_DELETED", "EVENT_TYPE_UNDELETED"]


@dataclass(frozen=True)
class Detail:
    """One decoded google.rpc.Status detail: its message type and its JSON fields."""

    type_name: str
    fields: JsonObject


class RpcError(Exception):
    """A call ended with a non-OK status, as the client reported it."""

    def __init__(self, code: str, message: str, details: list[Detail]) -> None:
        """Keep the canonical code name (e.g. ABORTED), the message and the decoded details."""
        super().__init__(f"{code}: {message}")
        self.code = code
        self.details = details

    def reason(self) -> str | None:
        """Return the reason of the ErrorInfo detail, if any."""
        for detail in self.details:
            if detail.type_name == "google.rpc.ErrorInfo":
                reason = detail.fields.get("reason")
                return str(reason) if reason is not None else None
        return None


class JsonClient(Protocol):
    """What a command-line client must offer the scenario."""

    def call(self, method: str, request: JsonObject) -> JsonObject:
        """Call a unary method; raise RpcError on a non-OK status."""
        ...

    def stream(self, method: str, request: JsonObject) -> JsonStream:
        """Start a server-streaming call in the background."""
        ...

    def call_with_tiny_deadline(self, method: str, request: JsonObject) -> RpcError | None:
        """Call with a deadline of about a microsecond; return the error, None on success."""
        ...

    def field_mask(self, paths: list[str]) -> object:
        """Return the JSON value this client accepts for a google.protobuf.FieldMask."""
        ...


@dataclass
class State:
    """What later steps need from earlier ones."""

    run: Run
    watch: JsonStream | None = None
    created: JsonObject = field(default_factory=dict)
    etag: str = ""


def user_of(response: JsonObject) -> JsonObject:
    """Return the `user` of a response, failing the step when it is missing."""
    user = response.get("user")
    if not isinstance(user, dict):
        raise StepFailed(f"response has no user: {response}")
    return user


def expect_error(client: JsonClient, method: str, request: JsonObject) -> RpcError:
    """Call and return the RpcError, failing the step if the call succeeded."""
    try:
        response = client.call(method, request)
    except RpcError as error:
        return error
    raise StepFailed(f"expected an error, got {response}")


def create_request(run: Run, letter: str) -> JsonObject:
    """Return the CreateUser request of one scenario user, with a fresh request_id."""
    return {
        "userId": run.user_id(letter),
        "user": {
            "email": f"{run.user_id(letter)}@example.com",
            "displayName": f"Ann {run.language}",
            "labels": {"scenario": run.tag},
        },
        "requestId": str(uuid.uuid4()),
    }


def step_health(client: JsonClient) -> None:
    """Readiness (service "") and liveness are both SERVING."""
    for service in ("", "liveness"):
        status = client.call(HEALTH_CHECK, {"service": service}).get("status")
        check(status == "SERVING", f"Check({service!r}) is {status}")


def step_watch_open(client: JsonClient, state: State) -> None:
    """Open WatchUsers from revision 0 and wait for its first message, a bookmark."""
    state.watch = client.stream(f"{SERVICE}/WatchUsers", {"startRevision": "0"})
    first = state.watch.next(timeout=EVENT_TIMEOUT)
    check(first.get("eventType") == "EVENT_TYPE_BOOKMARK", f"first message is {first}")


def step_create(client: JsonClient, state: State) -> None:
    """Create user a twice with one request_id: the retry returns the same user."""
    request = create_request(state.run, "a")
    first = user_of(client.call(f"{SERVICE}/CreateUser", request))
    again = user_of(client.call(f"{SERVICE}/CreateUser", request))
    name = state.run.user_name("a")
    check(first.get("name") == name, f"name is {first.get('name')}, want {name}")
    check(again.get("uid") == first.get("uid"), f"retry uid {again.get('uid')} != first")
    check(again.get("name") == name, f"retry name is {again.get('name')}")
    state.created = first


def step_get(client: JsonClient, state: State) -> None:
    """GetUser returns exactly what CreateUser returned."""
    got = user_of(client.call(f"{SERVICE}/GetUser", {"name": state.run.user_name("a")}))
    check(got == state.created, f"get returned {got}, create returned {state.created}")
    state.etag = str(got.get("etag", ""))


def step_batch_get(client: JsonClient, state: State) -> None:
    """Create users b..e, then batch-get c and a in that order."""
    for letter in LETTERS[1:]:
        client.call(f"{SERVICE}/CreateUser", create_request(state.run, letter))
    names = [state.run.user_name("c"), state.run.user_name("a")]
    response = client.call(f"{SERVICE}/BatchGetUsers", {"names": names})
    got = [user.get("name") for user in response.get("users", [])]
    check(got == names, f"batch-get returned {got}, want {names}")


def step_list(client: JsonClient, state: State) -> None:
    """Page through the run's label filter two at a time: 3 pages, 5 users, each once."""
    request: JsonObject = {"filter": f'labels.scenario = "{state.run.tag}"', "pageSize": 2}
    seen: list[str] = []
    pages = 0
    while pages < 10:  # a bound, so a server that never stops paging fails the step
        response = client.call(f"{SERVICE}/ListUsers", request)
        pages += 1
        seen += [str(user.get("name")) for user in response.get("users", [])]
        token = response.get("nextPageToken", "")
        if not token:
            break
        request["pageToken"] = token
    want = sorted(state.run.user_name(letter) for letter in LETTERS)
    check(pages == 3, f"{pages} pages, want 3")
    check(sorted(seen) == want, f"listed {seen}, want each of {want} once")


def step_update(client: JsonClient, state: State) -> None:
    """Update with the read etag succeeds; repeating it with that stale etag is ABORTED."""
    request: JsonObject = {
        "user": {"name": state.run.user_name("a"), "displayName": "Ann Updated"},
        "updateMask": client.field_mask(["display_name"]),
    }
    request["user"]["etag"] = state.etag
    updated = user_of(client.call(f"{SERVICE}/UpdateUser", request))
    check(updated.get("displayName") == "Ann Updated", f"updated to {updated}")
    check(updated.get("etag") not in ("", None, state.etag), "etag did not change")
    error = expect_error(client, f"{SERVICE}/UpdateUser", request)
    check(error.code == "ABORTED", f"stale etag gave {error}, want ABORTED")
    reason = error.reason()
    check(reason == "ERROR_REASON_ETAG_MISMATCH", f"ErrorInfo.reason is {reason}")
    state.etag = str(updated["etag"])


def step_delete(client: JsonClient, state: State) -> None:
    """DeleteUser with the current etag sets delete_time."""
    request = {"name": state.run.user_name("a"), "etag": state.etag}
    deleted = user_of(client.call(f"{SERVICE}/DeleteUser", request))
    check("deleteTime" in deleted, f"deleted user has no deleteTime: {deleted}")


def step_undelete(client: JsonClient, state: State) -> None:
    """UndeleteUser clears delete_time."""
    request = {"name": state.run.user_name("a")}
    restored = user_of(client.call(f"{SERVICE}/UndeleteUser", request))
    check("deleteTime" not in restored, f"undeleted user keeps deleteTime: {restored}")


def step_watch_events(state: State) -> None:
    """The watch saw user a created, updated, deleted, undeleted, with rising revisions."""
    assert state.watch is not None
    name = state.run.user_name("a")
    events: list[tuple[str, int]] = []
    deadline = time.monotonic() + EVENT_TIMEOUT
    while "EVENT_TYPE_UNDELETED" not in [kind for kind, _ in events]:
        try:
            message = state.watch.next(timeout=max(0.0, deadline - time.monotonic()))
        except StreamEnded as ended:
            raise StepFailed(f"after {events}: {ended}") from None
        if message.get("user", {}).get("name") == name:
            events.append((str(message.get("eventType")), int(message.get("revision", "0"))))
    kinds = [kind for kind, _ in events]
    revisions = [revision for _, revision in events]
    check(kinds == WATCHED_EVENTS, f"events {kinds}, want {WATCHED_EVENTS}")
    check(all(a < b for a, b in itertools.pairwise(revisions)), f"{revisions}")


def step_deadline(client: JsonClient, state: State) -> None:
    """GetUser with a deadline of a microsecond fails with DEADLINE_EXCEEDED."""
    error = client.call_with_tiny_deadline(f"{SERVICE}/GetUser", {"name": state.run.user_name("a")})
    check(error is not None, "the call succeeded")
    assert error is not None
    check(error.code == "DEADLINE_EXCEEDED", f"got {error}, want DEADLINE_EXCEEDED")


def run_scenario(client: JsonClient, run: Run) -> int:
    """Run the ten steps against run.address; return the process exit code."""
    state = State(run=run)
    steps = Steps()
    plan: list[tuple[str, Any]] = [
        ("health", lambda: step_health(client)),
        ("watch-open", lambda: step_watch_open(client, state)),
        ("create", lambda: step_create(client, state)),
        ("get", lambda: step_get(client, state)),
        ("batch-get", lambda: step_batch_get(client, state)),
        ("list", lambda: step_list(client, state)),
        ("update", lambda: step_update(client, state)),
        ("delete", lambda: step_delete(client, state)),
        ("undelete", lambda: step_undelete(client, state)),
        ("watch-events", lambda: step_watch_events(state)),
        ("deadline", lambda: step_deadline(client, state)),
    ]
    try:
        for name, step in plan:
            steps.run(name, step)
    finally:
        if state.watch is not None:
            state.watch.close()
    return steps.exit_code()
