"""BatchCreateUsers through the directory over a real store: limits, idempotency, notification."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from roster_user.domain.errors import AlreadyExists, InvalidArgument, Reason
from roster_user.domain.model import UserFields
from roster_user.domain.paging import PageTokens
from roster_user.store.base import UserStore
from roster_user.users.batch import MAX_BATCH_CREATE
from roster_user.users.directory import UserDirectory
from tests.store.test_directory import START, Ticking, Writes, fields


@pytest.fixture
def writes() -> Writes:
    """The write notifications of the directory under test."""
    return Writes()


@pytest.fixture
def directory(store: UserStore, writes: Writes) -> UserDirectory:
    """A directory over the test store with a ticking clock."""
    return UserDirectory(store, PageTokens(b"k" * 32), on_write=writes, clock=Ticking())


def items(count: int, first: int = 0) -> list[tuple[UserFields, str]]:
    """`count` valid (fields, user_id) pairs numbered from `first`."""
    return [(fields(n), f"user-{n}") for n in range(first, first + count)]


async def test_a_batch_creates_every_user_in_order_at_one_time_with_one_notification(
    directory: UserDirectory, store: UserStore, writes: Writes
) -> None:
    created = await directory.batch_create(items(3), request_id="")
    assert [u.user_id for u in created] == ["user-0", "user-1", "user-2"]
    assert [u.email for u in created] == [f"user{n}@example.com" for n in range(3)]
    assert {u.create_time for u in created} == {START + timedelta(seconds=1)}
    assert writes.count == 1
    assert [await store.get(f"user-{n}") for n in range(3)] == created


async def test_a_batch_of_exactly_the_limit_is_created(directory: UserDirectory) -> None:
    created = await directory.batch_create(items(MAX_BATCH_CREATE), request_id="")
    assert len(created) == MAX_BATCH_CREATE == 1000
    assert created[-1].user_id == "user-999"


@pytest.mark.parametrize("count", [0, MAX_BATCH_CREATE + 1])
async def test_a_batch_of_none_or_one_past_the_limit_is_invalid(
    directory: UserDirectory, store: UserStore, writes: Writes, count: int
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await directory.batch_create(items(count), request_id="")
    assert [(v.field, v.description) for v in caught.value.violations] == [
        ("requests", "must hold 1 to 1000 requests")
    ]
    assert (await store.revision_bounds(), writes.count) == ((0, 0), 0)


async def test_a_replayed_batch_request_id_returns_the_first_users(
    directory: UserDirectory,
) -> None:
    request_id = str(uuid.uuid4())
    first = await directory.batch_create(items(2), request_id=request_id)
    again = await directory.batch_create(items(2), request_id=request_id)
    assert again == first


async def test_a_batch_without_a_request_id_is_not_replayed(directory: UserDirectory) -> None:
    await directory.batch_create(items(2), request_id="")
    with pytest.raises(AlreadyExists) as caught:
        await directory.batch_create(items(2), request_id="")
    assert caught.value.resource_name == "users/user-0"


async def test_a_batch_request_id_replayed_with_another_user_id_is_refused(
    directory: UserDirectory, store: UserStore
) -> None:
    request_id = str(uuid.uuid4())
    await directory.batch_create(items(2), request_id=request_id)
    changed = [items(1)[0], (fields(1), "user-9")]
    with pytest.raises(InvalidArgument) as caught:
        await directory.batch_create(changed, request_id=request_id)
    assert caught.value.reason is Reason.REQUEST_ID_REUSED
    assert [v.field for v in caught.value.violations] == ["request_id"]
    assert await store.get("user-9") is None
