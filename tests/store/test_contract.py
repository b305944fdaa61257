"""The UserStore contract, run unchanged against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from datetime import UTC, datetime, timedelta

import pytest

from roster_user.config import Settings
from roster_user.domain.errors import AlreadyExists, EtagMismatch, InvalidArgument, NotFound, Reason
from roster_user.domain.model import EventType, State, User
from roster_user.domain.query import Cursor, SortKey, UserFilter, UserQuery
from roster_user.server import make_store
from roster_user.store.base import IdempotencyKey, Mutation, UserStore
from tests.support.waiting import until

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def a_user(n: int, **fields: object) -> User:
    """A new user numbered `n`, created `n` seconds after EPOCH."""
    moment = EPOCH + timedelta(seconds=n)
    values: dict[str, object] = {
        "user_id": f"user-{n}",
        "uid": f"uid-{n}",
        "email": f"user{n}@example.com",
        "display_name": f"User {n}",
        "state": State.ACTIVE,
        "labels": {},
        "external_id": "",
        "create_time": moment,
        "update_time": moment,
        "delete_time": None,
        "version": 1,
    }
    values.update(fields)
    return User(**values)  # type: ignore[arg-type]


def rename(name: str) -> Mutation:
    """A mutation setting the display name and counting the version up."""

    def mutation(current: User) -> tuple[User, EventType]:
        return (
            dataclasses.replace(current, display_name=name, version=current.version + 1),
            EventType.UPDATED,
        )

    return mutation


def query(
    sort: SortKey = SortKey.CREATE_TIME,
    *,
    descending: bool = False,
    where: UserFilter | None = None,
) -> UserQuery:
    """A list query, optionally filtered."""
    return UserQuery(where or UserFilter(), sort, descending, show_deleted=False)


async def walk(store: UserStore, wanted: UserQuery, size: int) -> list[str]:
    """Every user id the query pages through, `size` at a time."""
    seen: list[str] = []
    after: Cursor | None = None
    while True:
        rows = await store.page(wanted, after, size)
        seen += [user.user_id for user, _ in rows]
        if len(rows) < size:
            return seen
        after = rows[-1][1]


async def test_migrating_from_several_stores_at_once_is_safe(store_settings: Settings) -> None:
    stores = [make_store(store_settings) for _ in range(3)]
    await asyncio.gather(*(s.migrate() for s in stores))
    await stores[0].open()
    try:
        await stores[0].check()
        await stores[0].migrate()  # again: nothing left to do, nothing breaks
        await stores[0].check()
        assert await stores[0].create(a_user(1), None) == a_user(1)
        assert await stores[0].revision_bounds() == (0, 1)
    finally:
        for s in stores:
            await s.close()


async def test_migrating_from_several_processes_at_once_is_safe(
    store_settings: Settings,
) -> None:
    # Real `roster-user migrate` processes racing on one fresh database, as
    # replicas (or workers) starting together do.
    env = {**os.environ, "ROSTER_DATABASE_URL": store_settings.database_url}
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "roster_user.cli",
            "migrate",
            env=env,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(4)
    ]
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(p.communicate() for p in processes)), timeout=120
    )
    failures = [
        err.decode(errors="replace")[-2000:]
        for p, (_, err) in zip(processes, outcomes, strict=True)
        if p.returncode != 0
    ]
    assert failures == []
    opened = make_store(store_settings)
    await opened.open()
    try:
        await opened.check()
        assert await opened.create(a_user(1), None) == a_user(1)
        assert await opened.revision_bounds() == (0, 1)
    finally:
        await opened.close()


async def test_a_created_user_reads_back_equal(store: UserStore) -> None:
    user = a_user(1, labels={"team": "blue", "ünï": "cödé"}, display_name="Zoë 😀")
    assert await store.create(user, None) == user
    assert await store.get("user-1") == user
    assert await store.get("nobody") is None


async def test_get_many_returns_only_the_users_that_exist(store: UserStore) -> None:
    for n in range(3):
        await store.create(a_user(n), None)
    found = await store.get_many(["user-2", "ghost", "user-0", "user-2"])
    assert sorted(found) == ["user-0", "user-2"]


async def test_a_repeated_idempotency_key_replays_the_first_user_and_records_one_change(
    store: UserStore,
) -> None:
    key = IdempotencyKey("req-1", "digest")
    first = await store.create(a_user(1), key)
    again = await store.create(a_user(1, uid="another-uid"), key)
    assert again == first
    assert len(await store.changes_after(0, 10)) == 1


async def test_an_idempotency_key_reused_for_another_request_is_refused(store: UserStore) -> None:
    await store.create(a_user(1), IdempotencyKey("req-1", "digest"))
    with pytest.raises(InvalidArgument) as caught:
        await store.create(a_user(2), IdempotencyKey("req-1", "other digest"))
    assert caught.value.reason is Reason.REQUEST_ID_REUSED


async def test_concurrent_creates_with_one_key_create_one_user(store: UserStore) -> None:
    key = IdempotencyKey("req-1", "digest")
    results = await asyncio.gather(
        *(store.create(a_user(1, uid=f"uid-{n}"), key) for n in range(20))
    )
    assert {user.uid for user in results} == {results[0].uid}
    assert len(await store.changes_after(0, 100)) == 1


async def test_a_taken_user_id_is_refused(store: UserStore) -> None:
    await store.create(a_user(1), None)
    with pytest.raises(AlreadyExists) as caught:
        await store.create(a_user(1, uid="uid-x", email="other@example.com"), None)
    assert caught.value.reason is Reason.USER_ALREADY_EXISTS


async def test_an_email_taken_in_another_case_is_refused(store: UserStore) -> None:
    await store.create(a_user(1, email="Ann@Example.com"), None)
    with pytest.raises(AlreadyExists) as caught:
        await store.create(a_user(2, email="aNN@example.COM"), None)
    assert caught.value.reason is Reason.EMAIL_ALREADY_IN_USE


async def test_concurrent_creates_with_one_email_let_exactly_one_win(store: UserStore) -> None:
    attempts = [
        store.create(a_user(n, email="SAME@x.com" if n % 2 else "same@X.com"), None)
        for n in range(20)
    ]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    assert sum(isinstance(r, User) for r in results) == 1
    assert all(isinstance(r, AlreadyExists | User) for r in results)


async def test_modify_applies_the_mutation_to_the_committed_user(store: UserStore) -> None:
    await store.create(a_user(1), None)
    updated = await store.modify("user-1", rename("Renamed"))
    assert updated.display_name == "Renamed"
    assert updated.version == 2
    assert await store.get("user-1") == updated


async def test_a_refusing_mutation_changes_nothing(store: UserStore) -> None:
    original = await store.create(a_user(1), None)

    def refuse(current: User) -> tuple[User, EventType]:
        raise EtagMismatch("stale")

    with pytest.raises(EtagMismatch):
        await store.modify("user-1", refuse)
    assert await store.get("user-1") == original
    assert len(await store.changes_after(0, 10)) == 1


async def test_modifying_a_missing_user_is_not_found(store: UserStore) -> None:
    with pytest.raises(NotFound):
        await store.modify("ghost", rename("x"))


async def test_changing_email_to_a_taken_one_is_refused(store: UserStore) -> None:
    await store.create(a_user(1), None)
    await store.create(a_user(2), None)

    def steal(current: User) -> tuple[User, EventType]:
        return dataclasses.replace(current, email="USER1@example.com"), EventType.UPDATED

    with pytest.raises(AlreadyExists) as caught:
        await store.modify("user-2", steal)
    assert caught.value.reason is Reason.EMAIL_ALREADY_IN_USE


async def test_concurrent_modifies_each_see_the_previous_one(store: UserStore) -> None:
    await store.create(a_user(1), None)
    await asyncio.gather(*(store.modify("user-1", rename(f"n{n}")) for n in range(25)))
    final = await store.get("user-1")
    assert final is not None
    assert final.version == 26


async def test_a_write_whose_caller_gives_up_still_commits_whole(store: UserStore) -> None:
    # A deadline may cancel the caller once its write is queued or committing
    # with others: the write then commits all the same (user and change record
    # together) and the writes around it are unaffected.
    around = [asyncio.create_task(store.create(a_user(n), None)) for n in range(2, 12)]
    abandoned = asyncio.create_task(store.create(a_user(1), None))
    await asyncio.sleep(0)  # one loop turn: the write is now submitted
    abandoned.cancel()
    created = await asyncio.gather(*around)
    assert [user.user_id for user in created] == [f"user-{n}" for n in range(2, 12)]
    with pytest.raises(asyncio.CancelledError):
        await abandoned

    async def committed() -> bool:
        return await store.get("user-1") is not None

    await until(committed, "the abandoned write to commit")
    changes = await store.changes_after(0, 100)
    assert sorted(change.user.user_id for change in changes) == sorted(
        f"user-{n}" for n in range(1, 12)
    )


async def test_an_operation_that_fails_on_its_own_fails_only_its_caller(
    store: UserStore,
) -> None:
    # Concurrent writes share transactions on SQLite: a fault inside one
    # mutation must roll back that write alone, not the ones batched with it.
    await store.create(a_user(1), None)

    def broken(current: User) -> tuple[User, EventType]:
        raise RuntimeError("a fault in this mutation")

    results = await asyncio.gather(
        *(store.create(a_user(n), None) for n in range(2, 8)),
        store.modify("user-1", broken),
        *(store.create(a_user(n), None) for n in range(8, 14)),
        return_exceptions=True,
    )
    assert isinstance(results[6], RuntimeError)
    assert [user.user_id for user in results if isinstance(user, User)] == [
        f"user-{n}" for n in range(2, 14)
    ]
    unchanged = await store.get("user-1")
    assert unchanged is not None and unchanged.version == 1
    assert len(await store.changes_after(0, 100)) == 13


async def test_changes_have_gapless_increasing_revisions_in_commit_order(store: UserStore) -> None:
    await asyncio.gather(*(store.create(a_user(n), None) for n in range(30)))
    await store.modify("user-3", rename("x"))
    changes = await store.changes_after(0, 100)
    assert [c.revision for c in changes] == list(range(1, 32))
    assert changes[-1].event_type is EventType.UPDATED
    assert changes[-1].user.display_name == "x"
    assert [c.revision for c in await store.changes_after(29, 100)] == [30, 31]
    assert await store.revision_bounds() == (0, 31)


async def test_pruning_keeps_the_newest_changes(store: UserStore) -> None:
    assert await store.revision_bounds() == (0, 0)
    for n in range(10):
        await store.create(a_user(n), None)
    await store.prune_changes(3)
    assert [c.revision for c in await store.changes_after(0, 100)] == [8, 9, 10]
    assert await store.revision_bounds() == (7, 10)


async def test_the_page_token_key_is_shared_by_every_store_on_the_database(
    store: UserStore, store_settings: Settings
) -> None:
    other = make_store(store_settings)
    await other.open()
    try:
        key = await store.page_token_key()
        assert len(key) == 32
        assert key == await other.page_token_key()
    finally:
        await other.close()


async def test_display_names_sort_by_code_point_on_every_backend(store: UserStore) -> None:
    names = ["émile", "Zed", "ann", "Ann", "Émile", "zed", "_x", "ß", "😀"]
    for n, name in enumerate(names):
        await store.create(a_user(n, display_name=name), None)
    ordered = await walk(store, query(SortKey.DISPLAY_NAME), 4)
    by_code_point = sorted(range(len(names)), key=lambda n: names[n].encode())
    assert ordered == [f"user-{n}" for n in by_code_point]


async def test_paging_in_every_order_visits_each_user_once(store: UserStore) -> None:
    for n in range(23):
        await store.create(a_user(n, display_name=f"Same {n % 3}"), None)
    for sort in SortKey:
        for descending in (False, True):
            ids = await walk(store, query(sort, descending=descending), 5)
            assert sorted(ids) == sorted(f"user-{n}" for n in range(23))
    newest_first = await walk(store, query(descending=True), 7)
    assert newest_first == [f"user-{n}" for n in reversed(range(23))]


async def test_filters_select_by_state_email_name_prefix_and_labels(store: UserStore) -> None:
    await store.create(a_user(1, labels={"team": "blue", "tier": "1"}), None)
    await store.create(a_user(2, labels={"team": "blue"}, display_name="Bob"), None)
    await store.create(a_user(3, state=State.SUSPENDED, display_name="Bobby"), None)
    await store.create(a_user(4, delete_time=EPOCH), None)

    async def ids(**filters: object) -> list[str]:
        return await walk(store, query(where=UserFilter(**filters)), 10)  # type: ignore[arg-type]

    assert await ids(labels=(("team", "blue"),)) == ["user-1", "user-2"]
    assert await ids(labels=(("team", "blue"), ("tier", "1"))) == ["user-1"]
    assert await ids(state=State.SUSPENDED) == ["user-3"]
    assert await ids(email_key="user2@example.com") == ["user-2"]
    assert await ids(display_name_prefix="Bob") == ["user-2", "user-3"]
    assert await ids(display_name="Bob") == ["user-2"]
    shown = UserQuery(UserFilter(), SortKey.CREATE_TIME, False, show_deleted=True)
    assert await walk(store, shown, 10) == ["user-1", "user-2", "user-3", "user-4"]
