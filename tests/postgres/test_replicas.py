"""Two `roster-user serve` processes on one PostgreSQL behave as one service."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from roster.user.v1 import user_pb2
from roster.user.v1 import user_service_pb2 as pb
from roster_client import UserClient
from tests.postgres.replicas import Replica, replicas

pytestmark = pytest.mark.slow
Event = tuple[int, int, str]


def a_user(n: int | str) -> user_pb2.User:
    """A valid new user numbered `n`."""
    return user_pb2.User(email=f"user{n}@example.com", display_name=f"User {n}")


@pytest.fixture
def pair(postgres_url: str, tmp_path: Path) -> Iterator[list[Replica]]:
    """Replicas A and B serving one fresh database."""
    with replicas(postgres_url, tmp_path) as started:
        yield started


@pytest.fixture
async def clients(pair: list[Replica]) -> AsyncIterator[tuple[UserClient, UserClient]]:
    """A client for A and a client for B."""
    async with UserClient(pair[0].address) as a, UserClient(pair[1].address) as b:
        yield a, b


class Watch:
    """A WatchUsers stream read in the background into a list of (revision, type, name)."""

    def __init__(self, client: UserClient, start_revision: int = 0) -> None:
        self.events: list[Event] = []
        self.bookmark: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._stream = client.watch_users(start_revision)
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for event in self._stream:
            if event.event_type == pb.WatchUsersResponse.EVENT_TYPE_BOOKMARK:
                if not self.bookmark.done():
                    self.bookmark.set_result(event.revision)
                continue
            self.events.append((event.revision, event.event_type, event.user.name))

    async def opened(self) -> int:
        """Wait for the first bookmark: later changes are guaranteed to arrive; its revision."""
        return int(await asyncio.wait_for(self.bookmark, 20))

    async def until(self, count: int) -> list[Event]:
        """The first `count` events, waiting for them with a deadline."""
        async with asyncio.timeout(20):
            while len(self.events) < count:
                if self._task.done():
                    self._task.result()
                await asyncio.sleep(0.02)
        return self.events[:count]

    async def close(self) -> None:
        """Stop reading."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def test_a_user_created_through_a_is_immediately_readable_through_b(
    clients: tuple[UserClient, UserClient],
) -> None:
    a, b = clients
    created = await a.create_user(a_user(1), user_id="ann")
    assert await b.get_user("users/ann") == created
    assert await b.batch_get_users(["users/ann"]) == [created]


async def test_a_page_token_issued_by_a_works_on_b(clients: tuple[UserClient, UserClient]) -> None:
    a, b = clients
    for n in range(5):
        await a.create_user(a_user(n))
    first = await a.list_users(page_size=2, order_by="display_name")
    second = await b.list_users(
        page_size=2, order_by="display_name", page_token=first.next_page_token
    )
    third = await a.list_users(
        page_size=2, order_by="display_name", page_token=second.next_page_token
    )
    names = [u.display_name for page in (first, second, third) for u in page.users]
    assert names == [f"User {n}" for n in range(5)]
    assert third.next_page_token == ""


async def test_a_request_id_retried_on_b_after_a_answered_returns_as_response(
    clients: tuple[UserClient, UserClient],
) -> None:
    a, b = clients
    request_id = str(uuid.uuid4())
    first = await a.create_user(a_user(1), request_id=request_id)
    again = await b.create_user(a_user(1), request_id=request_id)
    assert again == first
    assert len((await b.list_users()).users) == 1


async def test_watchers_on_both_replicas_see_every_change_in_one_order_with_one_revision_each(
    clients: tuple[UserClient, UserClient],
) -> None:
    a, b = clients
    watches = [Watch(a), Watch(b)]
    for watch in watches:
        await watch.opened()
    writes = []
    for n in range(10):
        writes.append((a if n % 2 else b).create_user(a_user(n), user_id=f"u{n}"))
    created = await asyncio.gather(*writes)
    await asyncio.gather(
        *(
            b.update_user(user_pb2.User(name=u.name, display_name="x"), ["display_name"])
            for u in created[:4]
        )
    )
    on_a = await watches[0].until(14)
    on_b = await watches[1].until(14)
    for watch in watches:
        await watch.close()
    assert on_a == on_b
    revisions = [revision for revision, _, _ in on_a]
    assert revisions == sorted(set(revisions))
    assert {name for _, _, name in on_a} == {f"users/u{n}" for n in range(10)}


async def test_a_watch_resumes_on_b_from_a_revision_seen_on_a(
    clients: tuple[UserClient, UserClient],
) -> None:
    a, b = clients
    on_a = Watch(a)
    await on_a.opened()
    for n in range(6):
        await (a if n % 2 else b).create_user(a_user(n))
    seen = await on_a.until(6)
    await on_a.close()
    resumed = Watch(b, start_revision=seen[2][0])
    rest = await resumed.until(3)
    await resumed.close()
    assert rest == seen[3:]
