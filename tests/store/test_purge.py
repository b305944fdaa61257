"""The UserStore's purging contract, run unchanged against SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from roster_user.config import Settings
from roster_user.domain.errors import AlreadyExists, FailedPrecondition, InvalidArgument, Reason
from roster_user.domain.model import EventType, User
from roster_user.store.base import IdempotencyKey, Mutation, UserStore
from roster_user.store.postgres import queries as pg_queries
from roster_user.store.sqlite import files
from tests.store.test_contract import EPOCH, a_user

PERSONAL = ("email", "display_name", "labels", "external_id")


def delete_at(moment: datetime) -> Mutation:
    """A mutation soft-deleting the user at `moment`."""

    def mutation(current: User) -> tuple[User, EventType]:
        deleted = dataclasses.replace(
            current, delete_time=moment, update_time=moment, version=current.version + 1
        )
        return deleted, EventType.DELETED

    return mutation


def allow(current: User) -> None:
    """A purge check that lets any user go."""


async def a_deleted_user(store: UserStore, n: int, **fields: object) -> User:
    """User `n` created with personal data, then soft-deleted `n` minutes after EPOCH."""
    personal = {"labels": {"team": "blue"}, "external_id": f"hr-{n}"}
    await store.create(a_user(n, **{**personal, **fields}), IdempotencyKey(f"req-{n}", "digest"))
    return await store.modify(f"user-{n}", delete_at(EPOCH + timedelta(minutes=n)))


def personal_data_in(user: User) -> dict[str, object]:
    """The personal fields of `user` that are not empty."""
    return {name: getattr(user, name) for name in PERSONAL if getattr(user, name)}


async def test_a_purged_user_is_gone_and_its_purge_is_the_last_change(store: UserStore) -> None:
    await a_deleted_user(store, 1)
    when = EPOCH + timedelta(days=1)
    purged = await store.purge("user-1", allow, when)
    assert purged.email == "user1@example.com"
    assert await store.get("user-1") is None
    last = (await store.changes_after(0, 10))[-1]
    assert (last.event_type, last.user.uid, last.user.name) == (
        EventType.PURGED,
        "uid-1",
        "users/user-1",
    )
    assert last.commit_time == when
    assert personal_data_in(last.user) == {}


async def test_the_earlier_changes_of_a_purged_user_keep_their_revisions_but_no_personal_data(
    store: UserStore,
) -> None:
    await store.create(a_user(0), None)  # a bystander, left as it was
    await a_deleted_user(store, 1)
    before = await store.changes_after(0, 10)
    await store.purge("user-1", allow, EPOCH + timedelta(days=1))
    after = await store.changes_after(0, 10)
    assert [c.revision for c in after[:-1]] == [c.revision for c in before]
    assert [c.event_type for c in after[:-1]] == [c.event_type for c in before]
    assert after[0] == before[0]
    assert personal_data_in(before[1].user) != {}
    assert [personal_data_in(c.user) for c in after[1:]] == [{}, {}, {}]
    assert {c.user.uid for c in after[1:]} == {"uid-1"}


async def test_a_refusing_check_leaves_the_user_and_its_history_alone(store: UserStore) -> None:
    user = await a_deleted_user(store, 1)
    history = await store.changes_after(0, 10)

    def refuse(current: User) -> None:
        raise FailedPrecondition("no", reason=Reason.USER_NOT_DELETED)

    with pytest.raises(FailedPrecondition):
        await store.purge("user-1", refuse, EPOCH + timedelta(days=1))
    assert await store.get("user-1") == user
    assert await store.changes_after(0, 10) == history


async def test_the_email_and_user_id_of_a_purged_user_can_be_used_again(store: UserStore) -> None:
    await a_deleted_user(store, 1)
    with pytest.raises(AlreadyExists):
        await store.create(a_user(2, email="user1@example.com"), None)
    await store.purge("user-1", allow, EPOCH + timedelta(days=1))
    reborn = await store.create(a_user(1, uid="uid-new"), None)
    assert await store.get("user-1") == reborn


async def test_the_request_id_that_created_a_purged_user_replays_nothing(
    store: UserStore,
) -> None:
    await a_deleted_user(store, 1)
    await store.purge("user-1", allow, EPOCH + timedelta(days=1))
    with pytest.raises(InvalidArgument) as caught:
        await store.create(a_user(1, uid="uid-again"), IdempotencyKey("req-1", "digest"))
    assert caught.value.reason is Reason.REQUEST_ID_PURGED
    assert "user1@example.com" not in str(caught.value)
    assert await store.get("user-1") is None


async def test_expired_users_are_purged_oldest_first_in_batches(store: UserStore) -> None:
    for n in (3, 1, 2):
        await a_deleted_user(store, n)
    await store.create(a_user(4), None)  # never deleted: never expires
    cutoff = EPOCH + timedelta(minutes=2, seconds=30)  # users 1 and 2 deleted before it
    when = EPOCH + timedelta(days=1)
    first = await store.purge_expired(cutoff, 1, when)
    second = await store.purge_expired(cutoff, 1, when)
    third = await store.purge_expired(cutoff, 1, when)
    assert [[u.user_id for u in batch or []] for batch in (first, second, third)] == [
        ["user-1"],
        ["user-2"],
        [],
    ]
    assert await store.get("user-3") is not None and await store.get("user-4") is not None
    purges = [c for c in await store.changes_after(0, 100) if c.event_type is EventType.PURGED]
    assert [c.user.uid for c in purges] == ["uid-1", "uid-2"]


async def test_idempotency_records_older_than_the_cutoff_are_forgotten(store: UserStore) -> None:
    for n in (1, 2):
        await store.create(a_user(n), IdempotencyKey(f"req-{n}", "digest"))
    # a_user(n) is created n seconds after EPOCH; only req-1 is older than the cutoff.
    assert await store.forget_requests(EPOCH + timedelta(seconds=1, milliseconds=500)) == 1
    with pytest.raises(AlreadyExists):  # no replay any more: a second create of user-1
        await store.create(a_user(1, uid="uid-x"), IdempotencyKey("req-1", "digest"))
    assert (await store.create(a_user(2, uid="uid-y"), IdempotencyKey("req-2", "digest"))).uid == (
        "uid-2"
    )


@contextlib.asynccontextmanager
async def another_sweeper(settings: Settings, tmp_path: Path) -> AsyncIterator[None]:
    """Hold the sweep lock as another process's sweep would, on the test's backend."""
    url = settings.database_url
    if url.startswith("sqlite:///"):
        with files.sweep_lock(Path(url.removeprefix("sqlite:///"))) as held:
            assert held
            yield
        return
    async with await psycopg.AsyncConnection.connect(url) as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (pg_queries.SWEEP_LOCK,))
        yield


async def test_expired_users_are_left_alone_while_another_process_sweeps(
    store: UserStore, store_settings: Settings, tmp_path: Path
) -> None:
    await a_deleted_user(store, 1)
    cutoff = EPOCH + timedelta(days=1)
    async with another_sweeper(store_settings, tmp_path):
        assert await store.purge_expired(cutoff, 10, cutoff) is None
    assert await store.get("user-1") is not None
    assert [u.user_id for u in await store.purge_expired(cutoff, 10, cutoff) or []] == ["user-1"]
