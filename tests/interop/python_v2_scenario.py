"""The roster.user.v2 interop scenario through the async Python client, UserClientV2."""

import asyncio
import itertools
import sys
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from roster.user.v2 import user_pb2
from roster.user.v2 import user_service_pb2 as pb
from roster_client import AbortedError, NotFoundError
from roster_client.v2 import UserClientV2
from tests.interop import scenario_v2 as v2
from tests.interop.scenario_steps import Run, StepFailed, Steps, check, new_run
from tests.interop.stream_queue import StreamQueue

Event = pb.WatchUsersResponse
User = user_pb2.User


@dataclass
class Scenario:
    """The steps of one run, sharing the client and what earlier steps produced."""

    run: Run
    users: UserClientV2
    watch: StreamQueue[Event] | None = None
    created: User = field(default_factory=User)
    etag: str = ""

    def new_user(self, letter: str) -> User:
        """Return the user to create for letter."""
        return User(
            email=v2.email(self.run, letter),
            display_name=f"Ann {letter}",
            labels={"scenario": v2.label(self.run, letter)},
        )

    async def watch_open(self) -> None:
        """Open WatchUsers filtered on the run's label; its first message is a bookmark."""
        self.watch = StreamQueue(self.users.watch_users(0, filter=v2.watch_filter(self.run)))
        first = await self.watch.next(v2.EVENT_TIMEOUT)
        check(first.event_type == Event.EVENT_TYPE_BOOKMARK, f"first message is {first}")

    async def create(self) -> None:
        """Create user a twice with one request_id: the retry returns the same active user."""
        request_id, user_id = str(uuid.uuid4()), self.run.user_id("a")
        user = self.new_user("a")
        first = await self.users.create_user(user, user_id=user_id, request_id=request_id)
        again = await self.users.create_user(user, user_id=user_id, request_id=request_id)
        name = self.run.user_name("a")
        check(first.name == name, f"name is {first.name}, want {name}")
        check(first.state == User.STATE_ACTIVE, f"state is {first.state}")
        check(again.uid == first.uid, f"retry uid {again.uid} != {first.uid}")
        self.created = first

    async def get(self) -> None:
        """GetUser with read_mask name,email returns those two fields and nothing else."""
        got = await self.users.get_user(self.run.user_name("a"), read_mask=v2.GET_MASK)
        want = User(name=self.created.name, email=self.created.email)
        check(got == want, f"get returned {got}, want {want}")

    async def batch_create(self) -> None:
        """Create b, c and d in one batch; a retry with its request_id returns the same users."""
        batch = [(self.new_user(x), self.run.user_id(x)) for x in v2.BATCH_LETTERS]
        request_id = str(uuid.uuid4())
        first = await self.users.batch_create_users(batch, request_id=request_id)
        again = await self.users.batch_create_users(batch, request_id=request_id)
        names = [self.run.user_name(letter) for letter in v2.BATCH_LETTERS]
        check([user.name for user in first] == names, f"created {first}, want {names}")
        check([u.uid for u in again] == [u.uid for u in first], "the retry created again")

    async def list(self) -> None:
        """ListUsers with an OR filter returns a and c, in creation order, on one page."""
        page = await self.users.list_users(filter=v2.list_filter(self.run))
        names = [user.name for user in page.users]
        want = [self.run.user_name("a"), self.run.user_name("c")]
        check(names == want, f"listed {names}, want {want}")
        check(page.next_page_token == "", f"next_page_token {page.next_page_token!r}")

    async def suspend(self) -> None:
        """SuspendUser with a reason: state SUSPENDED, state_reason the reason."""
        name = self.run.user_name("a")
        user = await self.users.suspend_user(name, reason=v2.SUSPEND_REASON)
        check(user.state == User.STATE_SUSPENDED, f"state is {user.state}")
        check(user.state_reason == v2.SUSPEND_REASON, f"state_reason {user.state_reason!r}")

    async def activate(self) -> None:
        """ActivateUser with a reason: state ACTIVE, state_reason the new reason."""
        name = self.run.user_name("a")
        user = await self.users.activate_user(name, reason=v2.ACTIVATE_REASON)
        check(user.state == User.STATE_ACTIVE, f"state is {user.state}")
        check(user.state_reason == v2.ACTIVATE_REASON, f"state_reason {user.state_reason!r}")
        self.etag = user.etag

    async def update(self) -> None:
        """Update with the current etag succeeds; repeating it with that stale etag is ABORTED."""
        change = User(name=self.run.user_name("a"), display_name=v2.UPDATED_NAME, etag=self.etag)
        updated = await self.users.update_user(change, ["display_name"])
        check(updated.display_name == v2.UPDATED_NAME, f"updated to {updated}")
        check(updated.etag not in ("", self.etag), "etag did not change")
        try:
            await self.users.update_user(change, ["display_name"])
        except AbortedError as error:
            check(error.reason == "ERROR_REASON_ETAG_MISMATCH", f"reason is {error.reason!r}")
        else:
            raise StepFailed("the stale etag was accepted")
        self.etag = updated.etag

    async def delete(self) -> None:
        """DeleteUser with the current etag sets delete_time and expire_time."""
        deleted = await self.users.delete_user(self.run.user_name("a"), etag=self.etag)
        check(deleted.HasField("delete_time"), f"no delete_time: {deleted}")
        check(deleted.HasField("expire_time"), f"no expire_time: {deleted}")

    async def purge(self) -> None:
        """Delete then purge b: the response names b and its uid; b is then NOT_FOUND."""
        name = self.run.user_name("b")
        deleted = await self.users.delete_user(name)
        purged = await self.users.purge_user(name)
        check(purged.name == name, f"purged {purged.name}, want {name}")
        check(purged.uid == deleted.uid, f"purged uid {purged.uid}, want {deleted.uid}")
        try:
            await self.users.get_user(name)
        except NotFoundError:
            return
        raise StepFailed("the purged user is still readable")

    async def undelete(self) -> None:
        """UndeleteUser clears delete_time."""
        restored = await self.users.undelete_user(self.run.user_name("a"))
        check(not restored.HasField("delete_time"), f"delete_time kept: {restored}")

    async def watch_events(self) -> None:
        """The filtered watch saw exactly the run's labelled changes, with rising revisions."""
        assert self.watch is not None
        seen: dict[str, list[str]] = {}
        revisions: list[int] = []
        while "UNDELETED" not in seen.get("a", []):
            event = await self.watch.next(v2.EVENT_TIMEOUT)
            kind = Event.EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
            if kind == "BOOKMARK":
                continue
            letter = event.user.name.rpartition("-")[2]
            seen.setdefault(letter, []).append(kind)
            revisions.append(event.revision)
        check(seen == v2.WATCHED_V2, f"events {seen}, want {v2.WATCHED_V2}")
        check(all(a < b for a, b in itertools.pairwise(revisions)), f"{revisions}")


async def run_scenario(run: Run) -> int:
    """Run the steps against run.address; return the process exit code."""
    steps = Steps()
    async with UserClientV2(run.address) as users:
        scenario = Scenario(run=run, users=users)
        plan: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("watch-open", scenario.watch_open),
            ("create", scenario.create),
            ("get", scenario.get),
            ("batch-create", scenario.batch_create),
            ("list", scenario.list),
            ("suspend", scenario.suspend),
            ("activate", scenario.activate),
            ("update", scenario.update),
            ("delete", scenario.delete),
            ("purge", scenario.purge),
            ("undelete", scenario.undelete),
            ("watch-events", scenario.watch_events),
        ]
        try:
            for name, step in plan:
                await steps.run_async(name, step)
        finally:
            if scenario.watch is not None:
                await scenario.watch.close()
    return steps.exit_code()


if __name__ == "__main__":
    sys.exit(asyncio.run(run_scenario(new_run("python-v2"))))
