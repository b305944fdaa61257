"""The use cases (UserDirectory) over a real store: every documented limit, at and one past."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from roster_user.domain.errors import (
    AlreadyExists,
    DomainError,
    EtagMismatch,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    OutOfRange,
    Reason,
)
from roster_user.domain.model import State, User, UserFields
from roster_user.domain.paging import PageTokens
from roster_user.domain.query import MAX_PAGE_SIZE
from roster_user.store.base import UserStore
from roster_user.users.directory import MAX_BATCH_GET, UserDirectory

START = datetime(2026, 3, 1, tzinfo=UTC)


class Ticking:
    """A clock that moves one second forward on every reading."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


class Writes:
    """Counts the directory's write notifications."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def writes() -> Writes:
    """The write notifications of the directory under test."""
    return Writes()


@pytest.fixture
def directory(store: UserStore, writes: Writes) -> UserDirectory:
    """A directory over the test store with a ticking clock."""
    return UserDirectory(store, PageTokens(b"k" * 32), on_write=writes, clock=Ticking())


def fields(n: int = 0, **values: object) -> UserFields:
    """Valid writable fields numbered `n`."""
    given: dict[str, object] = {"email": f"user{n}@example.com", "display_name": f"User {n}"}
    given.update(values)
    return UserFields(**given)  # type: ignore[arg-type]


async def create(directory: UserDirectory, n: int = 0, **values: object) -> User:
    """Create user `user-{n}` with valid fields."""
    return await directory.create(fields(n, **values), user_id=f"user-{n}", request_id="")


def reason_of(raised: pytest.ExceptionInfo[DomainError]) -> tuple[type[DomainError], Reason]:
    """The class and reason of a raised domain error."""
    return type(raised.value), raised.value.reason


def violated_fields(raised: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    """The field paths an InvalidArgument names."""
    return [violation.field for violation in raised.value.violations]


def violations_of(raised: pytest.ExceptionInfo[InvalidArgument]) -> list[tuple[str, str]]:
    """Each (field path, description) an InvalidArgument names, as callers read them."""
    return [(violation.field, violation.description) for violation in raised.value.violations]


async def test_a_batch_of_exactly_the_limit_is_served(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    found = await directory.batch_get([user.name] * MAX_BATCH_GET)
    assert len(found) == MAX_BATCH_GET == 1000
    assert {u.uid for u in found} == {user.uid}


@pytest.mark.parametrize("count", [0, MAX_BATCH_GET + 1])
async def test_a_batch_of_none_or_one_past_the_limit_is_invalid(
    directory: UserDirectory, count: int
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await directory.batch_get(["users/a"] * count)
    assert violations_of(caught) == [("names", "must hold 1 to 1000 names")]
    assert caught.value.reason is Reason.INVALID_ARGUMENT


async def test_a_batch_of_one_name_is_served(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    assert await directory.batch_get([user.name]) == [user]


async def test_a_batch_returns_users_in_the_order_asked(directory: UserDirectory) -> None:
    first, second = await create(directory, 1), await create(directory, 2)
    assert await directory.batch_get([second.name, first.name]) == [second, first]


async def test_a_batch_names_the_first_missing_user(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    with pytest.raises(NotFound) as caught:
        await directory.batch_get([user.name, "users/missing-a", "users/missing-b"])
    assert caught.value.resource_name == "users/missing-a"
    assert caught.value.reason is Reason.USER_NOT_FOUND


async def test_a_malformed_name_in_a_batch_names_its_position(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    with pytest.raises(InvalidArgument) as caught:
        await directory.batch_get([user.name, "people/x"])
    assert violated_fields(caught) == ["names[1]"]


async def test_get_of_a_missing_user_is_not_found_with_its_name(directory: UserDirectory) -> None:
    with pytest.raises(NotFound) as caught:
        await directory.get("users/nobody")
    assert caught.value.resource_name == "users/nobody"
    assert caught.value.message == "users/nobody does not exist"


async def test_get_returns_the_named_user_among_others(directory: UserDirectory) -> None:
    await create(directory, 1)
    wanted = await create(directory, 2)
    assert await directory.get("users/user-2") == wanted


async def test_get_returns_a_deleted_user_too(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    deleted = await directory.delete(user.name, etag="", allow_missing=False)
    assert await directory.get(user.name) == deleted


async def test_get_of_a_malformed_name_is_invalid(directory: UserDirectory) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await directory.get("users/Not_Valid")
    assert violations_of(caught) == [("name", "must be a user name of the form users/{user}")]


async def test_the_default_clock_stamps_times_in_utc_as_the_store_reads_them_back(
    store: UserStore,
) -> None:
    directory = UserDirectory(store, PageTokens(b"k" * 32))
    before = datetime.now(UTC)
    user = await create(directory, 1)
    assert user.create_time.utcoffset() == timedelta(0)
    assert before <= user.create_time <= datetime.now(UTC)
    assert await directory.get(user.name) == user


async def test_create_stamps_both_times_version_one_and_notifies_once(
    directory: UserDirectory, writes: Writes
) -> None:
    user = await create(directory, 1)
    assert user.create_time == user.update_time == START + timedelta(seconds=1)
    assert (user.version, user.delete_time, user.state) == (1, None, State.ACTIVE)
    assert (user.user_id, user.email, user.display_name) == (
        "user-1",
        "user1@example.com",
        "User 1",
    )
    assert writes.count == 1


async def test_create_keeps_a_given_state_labels_and_external_id(directory: UserDirectory) -> None:
    user = await create(directory, 1, state=State.SUSPENDED, labels={"t": "x"}, external_id="e")
    assert (user.state, dict(user.labels), user.external_id) == (State.SUSPENDED, {"t": "x"}, "e")


async def test_create_without_a_user_id_uses_the_uid(directory: UserDirectory) -> None:
    user = await directory.create(fields(1), user_id="", request_id="")
    assert user.user_id == user.uid
    assert str(uuid.UUID(user.uid)) == user.uid


async def test_create_names_every_invalid_field_at_once(directory: UserDirectory) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await directory.create(fields(1, email="bad"), user_id="Bad_Id", request_id="not-a-uuid")
    assert violated_fields(caught) == ["user.email", "user_id", "request_id"]


async def test_a_replayed_request_id_returns_the_first_user(directory: UserDirectory) -> None:
    request_id = str(uuid.uuid4())
    first = await directory.create(fields(1), user_id="user-1", request_id=request_id)
    again = await directory.create(fields(1), user_id="user-1", request_id=request_id)
    assert again == first


@pytest.mark.parametrize(
    "change",
    [
        {"user_id": "user-2"},
        {"email": "other@example.com"},
        {"display_name": "Other"},
        {"state": State.SUSPENDED},
        {"labels": {"a": "b"}},
        {"external_id": "other"},
    ],
    ids=lambda change: next(iter(change)),
)
async def test_a_request_id_replayed_with_any_other_content_is_refused(
    directory: UserDirectory, change: dict[str, object]
) -> None:
    request_id = str(uuid.uuid4())
    await directory.create(fields(1), user_id="user-1", request_id=request_id)
    values = dict(change)  # the parameter is shared by every run of this case
    user_id = str(values.pop("user_id", "user-1"))
    with pytest.raises(InvalidArgument) as caught:
        await directory.create(fields(1, **values), user_id=user_id, request_id=request_id)
    assert caught.value.reason is Reason.REQUEST_ID_REUSED
    assert violated_fields(caught) == ["request_id"]


async def test_update_time_strictly_advances_and_version_counts_each_write(
    directory: UserDirectory, writes: Writes
) -> None:
    user = await create(directory, 1)
    renamed = await directory.update(
        user.name, fields(display_name="A"), frozenset({"display_name"}), ""
    )
    again = await directory.update(
        user.name, fields(display_name="B"), frozenset({"display_name"}), ""
    )
    assert user.update_time < renamed.update_time < again.update_time
    assert (renamed.version, again.version) == (2, 3)
    assert again.create_time == user.create_time
    assert (again.display_name, again.email) == ("B", user.email)
    assert writes.count == 3


async def test_update_with_the_current_etag_succeeds(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    paths = frozenset({"display_name"})
    updated = await directory.update(user.name, fields(display_name="A"), paths, user.etag)
    assert updated.display_name == "A"
    assert updated.etag != user.etag


async def test_update_with_a_stale_etag_is_aborted(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    paths = frozenset({"display_name"})
    await directory.update(user.name, fields(display_name="A"), paths, "")
    with pytest.raises(EtagMismatch) as caught:
        await directory.update(user.name, fields(display_name="B"), paths, user.etag)
    assert caught.value.reason is Reason.ETAG_MISMATCH
    assert caught.value.message == "users/user-1 changed since the etag was read; read it again"


async def test_update_of_a_deleted_user_is_a_failed_precondition(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    await directory.delete(user.name, etag="", allow_missing=False)
    with pytest.raises(FailedPrecondition) as caught:
        await directory.update(user.name, fields(display_name="A"), frozenset({"display_name"}), "")
    assert caught.value.reason is Reason.USER_DELETED
    assert caught.value.message == "users/user-1 is deleted; undelete it first"


async def test_update_may_repeat_but_not_change_the_external_id(directory: UserDirectory) -> None:
    user = await create(directory, 1, external_id="ext")
    paths = frozenset({"external_id", "display_name"})
    same = await directory.update(user.name, fields(external_id="ext", display_name="A"), paths, "")
    assert same.display_name == "A"
    with pytest.raises(InvalidArgument) as caught:
        await directory.update(user.name, fields(external_id="new"), frozenset({"external_id"}), "")
    assert violations_of(caught) == [("user.external_id", "is immutable after creation")]


async def test_update_to_an_unspecified_state_is_invalid(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    with pytest.raises(InvalidArgument) as caught:
        await directory.update(user.name, fields(), frozenset({"state"}), "")
    assert violations_of(caught) == [("user.state", "must be STATE_ACTIVE or STATE_SUSPENDED")]


async def test_update_leaves_paths_outside_the_mask_alone(directory: UserDirectory) -> None:
    user = await create(directory, 1, labels={"a": "b"})
    updated = await directory.update(
        user.name, fields(2, state=State.SUSPENDED), frozenset({"state"}), ""
    )
    assert (updated.state, updated.email, dict(updated.labels)) == (
        State.SUSPENDED,
        user.email,
        {"a": "b"},
    )


async def test_update_validates_only_the_masked_fields(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    with pytest.raises(InvalidArgument) as caught:
        await directory.update(
            user.name, fields(email="bad", display_name="\x00"), frozenset({"display_name"}), ""
        )
    assert violated_fields(caught) == ["user.display_name"]


async def test_update_names_the_request_field_of_a_bad_name(directory: UserDirectory) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await directory.update("people/x", fields(), frozenset({"display_name"}), "")
    assert violated_fields(caught) == ["user.name"]


async def test_delete_stamps_the_delete_time_and_a_second_delete_is_not_found(
    directory: UserDirectory,
) -> None:
    user = await create(directory, 1)
    deleted = await directory.delete(user.name, etag=user.etag, allow_missing=False)
    assert deleted is not None
    assert deleted.delete_time == deleted.update_time > user.update_time
    assert deleted.version == 2
    with pytest.raises(NotFound) as caught:
        await directory.delete(user.name, etag="", allow_missing=False)
    assert caught.value.resource_name == user.name
    assert caught.value.message == "users/user-1 is already deleted"


async def test_delete_with_a_stale_etag_is_aborted(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    with pytest.raises(EtagMismatch):
        await directory.delete(user.name, etag="0" * 20, allow_missing=False)


@pytest.mark.parametrize("deleted_first", [True, False])
async def test_delete_with_allow_missing_is_no_error_for_a_gone_user(
    directory: UserDirectory, deleted_first: bool
) -> None:
    if deleted_first:
        user = await create(directory, 1)
        await directory.delete(user.name, etag="", allow_missing=False)
    assert await directory.delete("users/user-1", etag="", allow_missing=True) is None


async def test_delete_of_a_missing_user_is_not_found(directory: UserDirectory) -> None:
    with pytest.raises(NotFound):
        await directory.delete("users/nobody", etag="", allow_missing=False)


async def test_undelete_restores_the_user_and_counts_a_version(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    deleted = await directory.delete(user.name, etag="", allow_missing=False)
    assert deleted is not None
    restored = await directory.undelete(user.name, etag=deleted.etag)
    assert (restored.delete_time, restored.version) == (None, 3)
    assert restored.update_time > deleted.update_time


async def test_undelete_of_a_live_user_is_already_exists(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    with pytest.raises(AlreadyExists) as caught:
        await directory.undelete(user.name, etag="")
    assert caught.value.resource_name == user.name
    assert caught.value.message == "users/user-1 is not deleted"


async def test_undelete_with_a_stale_etag_is_aborted(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    await directory.delete(user.name, etag="", allow_missing=False)
    with pytest.raises(EtagMismatch):
        await directory.undelete(user.name, etag=user.etag)


async def pruned(directory: UserDirectory, store: UserStore) -> tuple[int, int]:
    """Ten changes of which the newest three are kept: the store's (low, high)."""
    for n in range(10):
        await create(directory, n)
    await store.prune_changes(3)
    bounds = await store.revision_bounds()
    assert bounds == (7, 10)
    return bounds


async def test_a_watch_may_resume_at_the_oldest_kept_revision(
    directory: UserDirectory, store: UserStore
) -> None:
    low, high = await pruned(directory, store)
    await directory.check_resumable(low, high)
    assert [c.revision for c in await directory.changes_after(low, 10)] == [8, 9, 10]


async def test_a_watch_one_below_the_oldest_kept_revision_is_out_of_range(
    directory: UserDirectory, store: UserStore
) -> None:
    low, high = await pruned(directory, store)
    with pytest.raises(OutOfRange) as caught:
        await directory.check_resumable(low - 1, high)
    assert caught.value.reason is Reason.REVISION_NOT_RETAINED
    assert caught.value.metadata == {"oldest_resumable_revision": "7"}
    assert caught.value.message == (
        "revision 6 is no longer retained (oldest resumable is 7); "
        "list users again and watch from the revision of the first bookmark"
    )


@pytest.mark.parametrize(("newest_known", "allowed"), [(0, 10), (12, 12)])
async def test_a_watch_may_start_at_the_newest_revision_but_not_one_past(
    directory: UserDirectory, store: UserStore, newest_known: int, allowed: int
) -> None:
    await pruned(directory, store)
    await directory.check_resumable(allowed, newest_known)
    with pytest.raises(InvalidArgument) as caught:
        await directory.check_resumable(allowed + 1, newest_known)
    assert violations_of(caught) == [("start_revision", "is newer than any committed change")]


@pytest.mark.parametrize(("size", "pages"), [(3, [3]), (2, [2, 1]), (1, [1, 1, 1])])
async def test_a_page_exactly_as_large_as_what_is_left_is_the_last(
    directory: UserDirectory, size: int, pages: list[int]
) -> None:
    for n in range(3):
        await create(directory, n)
    sizes, token, seen = [], "", []
    # At most one page more than any case has: a token that never runs out fails, not hangs.
    for _ in range(4):
        page = await directory.page(
            size=size, token=token, filter_text="", order_by="", show_deleted=False
        )
        sizes.append(len(page.users))
        seen += [user.user_id for user in page.users]
        token = page.next_page_token
        if not token:
            break
    assert sizes == pages
    assert seen == ["user-0", "user-1", "user-2"]


async def test_a_page_hides_deleted_users_unless_asked(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    await directory.delete(user.name, etag="", allow_missing=False)
    for show_deleted, expected in ((False, []), (True, ["user-1"])):
        page = await directory.page(
            size=0, token="", filter_text="", order_by="", show_deleted=show_deleted
        )
        assert [u.user_id for u in page.users] == expected


async def test_a_page_follows_the_filter_and_the_order(directory: UserDirectory) -> None:
    for n in range(3):
        await create(directory, n, state=State.SUSPENDED if n else State.ACTIVE)
    page = await directory.page(
        size=0,
        token="",
        filter_text="state = SUSPENDED",
        order_by="display_name desc",
        show_deleted=False,
    )
    assert [u.user_id for u in page.users] == ["user-2", "user-1"]


async def test_a_token_from_another_filter_is_refused(directory: UserDirectory) -> None:
    for n in range(2):
        await create(directory, n)
    first = await directory.page(size=1, token="", filter_text="", order_by="", show_deleted=False)
    with pytest.raises(InvalidArgument) as caught:
        await directory.page(
            size=1,
            token=first.next_page_token,
            filter_text='display_name = "User 1"',
            order_by="",
            show_deleted=False,
        )
    assert caught.value.reason is Reason.INVALID_PAGE_TOKEN


async def test_page_size_is_capped_at_the_maximum(directory: UserDirectory) -> None:
    await create(directory, 1)
    page = await directory.page(
        size=MAX_PAGE_SIZE + 1, token="", filter_text="", order_by="", show_deleted=False
    )
    assert ([u.user_id for u in page.users], page.next_page_token) == (["user-1"], "")


async def three_users_one_suspended(directory: UserDirectory) -> None:
    """Users 0 and 1 active, user 2 suspended."""
    for n in range(3):
        await create(directory, n, state=State.SUSPENDED if n == 2 else State.ACTIVE)


async def test_an_expression_filter_may_join_conditions_with_or(directory: UserDirectory) -> None:
    await three_users_one_suspended(directory)
    page = await directory.page(
        size=0,
        token="",
        filter_text='state = SUSPENDED OR display_name = "User 0"',
        order_by="",
        show_deleted=False,
        expression=True,
    )
    assert [u.user_id for u in page.users] == ["user-0", "user-2"]


async def test_an_empty_expression_filter_lists_every_user(directory: UserDirectory) -> None:
    await three_users_one_suspended(directory)
    page = await directory.page(
        size=0, token="", filter_text="", order_by="", show_deleted=False, expression=True
    )
    assert [u.user_id for u in page.users] == ["user-0", "user-1", "user-2"]


async def test_the_v1_filter_is_the_default_and_refuses_or(directory: UserDirectory) -> None:
    await three_users_one_suspended(directory)
    with pytest.raises(InvalidArgument) as caught:
        await directory.page(
            size=0,
            token="",
            filter_text="state = ACTIVE OR state = SUSPENDED",
            order_by="",
            show_deleted=False,
        )
    assert caught.value.reason is Reason.INVALID_FILTER
    assert violations_of(caught) == [("filter", "conditions must be joined by AND")]
