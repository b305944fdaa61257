"""The interop scenario through Roster's async Python client, roster_client.UserClient."""

import asyncio
import itertools
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health_pb2

from roster.user.v1 import user_pb2
from roster.user.v1 import user_service_pb2 as pb
from roster_client import AbortedError, RosterError, UserClient
from tests.interop.scenario_steps import Run, StepFailed, Steps, check, new_run
from tests.interop.stream_queue import StreamQueue

EVENT_TIMEOUT = 15.0
# How long ago the deadline step's deadline passed: more than gRPC core's 1 ms rounding.
PAST_DEADLINE = 1.0
LETTERS = ("a", "b", "c", "d", "e")
HEALTH_CHECK = f"/{health_pb2.DESCRIPTOR.services_by_name['Health'].full_name}/Check"
Event = pb.WatchUsersResponse
WATCHED_EVENTS = [
    Event.EVENT_TYPE_CREATED,
    Event.EVENT_TYPE_UPDATED,
    Event.EVENT_TYPE_DELETED,
    Event.EVENT_TYPE_UNDELETED,
]


@dataclass
class Scenario:
    """The steps of one run, sharing the client and what earlier steps produced."""

    run: Run
    users: UserClient
    watch: StreamQueue[Event] | None = None
    created: user_pb2.User = field(default_factory=user_pb2.User)
    etag: str = ""

    def new_user(self, letter: str) -> user_pb2.User:
        """Return the user to create for letter."""
        return user_pb2.User(
            email=f"{self.run.user_id(letter)}@example.com",
            display_name=f"Ann {self.run.language}",
            labels={"scenario": self.run.tag},
        )

    async def health(self) -> None:
        """Readiness (service "") and liveness are both SERVING, on the client's channel."""
        check_health = self.users.channel.unary_unary(
            HEALTH_CHECK,
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        for service in ("", "liveness"):
            request = health_pb2.HealthCheckRequest(service=service)
            response = await check_health(request, timeout=10.0)
            check(response.status == response.SERVING, f"Check({service!r}) is {response}")

    async def watch_open(self) -> None:
        """Open WatchUsers from revision 0; its first message is a bookmark."""
        self.watch = StreamQueue(self.users.watch_users(0))
        first = await self.watch.next(EVENT_TIMEOUT)
        check(first.event_type == Event.EVENT_TYPE_BOOKMARK, f"first message is {first}")

    async def create(self) -> None:
        """Create user a twice with one request_id: the retry returns the same user."""
        request_id, user_id = str(uuid.uuid4()), self.run.user_id("a")
        first = await self.users.create_user(
            self.new_user("a"), user_id=user_id, request_id=request_id
        )
        again = await self.users.create_user(
            self.new_user("a"), user_id=user_id, request_id=request_id
        )
        name = self.run.user_name("a")
        check(first.name == name, f"name is {first.name}, want {name}")
        check(again.uid == first.uid, f"retry uid {again.uid} != {first.uid}")
        check(again.name == name, f"retry name is {again.name}")
        self.created = first

    async def get(self) -> None:
        """GetUser returns exactly what CreateUser returned."""
        got = await self.users.get_user(self.run.user_name("a"))
        check(got == self.created, f"get returned {got}, create returned {self.created}")
        self.etag = got.etag

    async def batch_get(self) -> None:
        """Create users b..e, then batch-get c and a in that order."""
        for letter in LETTERS[1:]:
            await self.users.create_user(self.new_user(letter), user_id=self.run.user_id(letter))
        names = [self.run.user_name("c"), self.run.user_name("a")]
        got = [user.name for user in await self.users.batch_get_users(names)]
        check(got == names, f"batch-get returned {got}, want {names}")

    async def list(self) -> None:
        """Page through the run's label filter two at a time: 3 pages, 5 users, each once."""
        query = f'labels.scenario = "{self.run.tag}"'
        seen: list[str] = []
        token, pages = "", 0
        while pages < 10:  # a bound, so a server that never stops paging fails the step
            page = await self.users.list_users(filter=query, page_size=2, page_token=token)
            pages += 1
            seen += [user.name for user in page.users]
            token = page.next_page_token
            if not token:
                break
        want = sorted(self.run.user_name(letter) for letter in LETTERS)
        check(pages == 3, f"{pages} pages, want 3")
        check(sorted(seen) == want, f"listed {seen}, want each of {want} once")

    async def update(self) -> None:
        """Update with the read etag succeeds; repeating it with that stale etag is ABORTED."""
        change = user_pb2.User(
            name=self.run.user_name("a"), display_name="Ann Updated", etag=self.etag
        )
        updated = await self.users.update_user(change, ["display_name"])
        check(updated.display_name == "Ann Updated", f"updated to {updated}")
        check(updated.etag not in ("", self.etag), "etag did not change")
        try:
            await self.users.update_user(change, ["display_name"])
        except AbortedError as error:
            check(error.reason == "ERROR_REASON_ETAG_MISMATCH", f"reason is {error.reason!r}")
        else:
            raise StepFailed("the stale etag was accepted")
        self.etag = updated.etag

    async def delete(self) -> None:
        """DeleteUser with the current etag sets delete_time."""
        deleted = await self.users.delete_user(self.run.user_name("a"), etag=self.etag)
        check(deleted.HasField("delete_time"), f"no delete_time: {deleted}")

    async def undelete(self) -> None:
        """UndeleteUser clears delete_time."""
        restored = await self.users.undelete_user(self.run.user_name("a"))
        check(not restored.HasField("delete_time"), f"delete_time kept: {restored}")

    async def watch_events(self) -> None:
        """The watch saw user a created, updated, deleted, undeleted, with rising revisions."""
        assert self.watch is not None
        name, events = self.run.user_name("a"), list[Event]()
        async with asyncio.timeout(EVENT_TIMEOUT):
            while Event.EVENT_TYPE_UNDELETED not in [e.event_type for e in events]:
                event = await self.watch.next(EVENT_TIMEOUT)
                if event.user.name == name:
                    events.append(event)
        kinds = [event.event_type for event in events]
        revisions = [event.revision for event in events]
        check(kinds == WATCHED_EVENTS, f"events {kinds}, want {WATCHED_EVENTS}")
        check(all(a < b for a, b in itertools.pairwise(revisions)), f"{revisions}")

    async def deadline(self) -> None:
        """GetUser whose deadline has already passed fails with DEADLINE_EXCEEDED.

        gRPC core rounds deadlines up to whole milliseconds, so a deadline 1 us ahead (or
        behind) lets a local call finish most of the time; one 1 s past is always enforced.
        """
        try:
            await self.users.get_user(self.run.user_name("a"), timeout=-PAST_DEADLINE)
        except RosterError as error:
            check(error.code == grpc.StatusCode.DEADLINE_EXCEEDED, f"got {error}")
        else:
            raise StepFailed("the call succeeded")


async def run_scenario(run: Run) -> int:
    """Run the steps against run.address; return the process exit code."""
    steps = Steps()
    async with UserClient(run.address) as users:
        scenario = Scenario(run=run, users=users)
        plan: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("health", scenario.health),
            ("watch-open", scenario.watch_open),
            ("create", scenario.create),
            ("get", scenario.get),
            ("batch-get", scenario.batch_get),
            ("list", scenario.list),
            ("update", scenario.update),
            ("delete", scenario.delete),
            ("undelete", scenario.undelete),
            ("watch-events", scenario.watch_events),
            ("deadline", scenario.deadline),
        ]
        try:
            for name, step in plan:
                await steps.run_async(name, step)
        finally:
            if scenario.watch is not None:
                await scenario.watch.close()
    return steps.exit_code()


if __name__ == "__main__":
    sys.exit(asyncio.run(run_scenario(new_run("python"))))
