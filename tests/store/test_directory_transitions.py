"""Suspend and activate (AIP-216) over a real store: the reason, its limit, and who clears it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from roster_user.domain.errors import EtagMismatch, FailedPrecondition, InvalidArgument, Reason
from roster_user.domain.model import State, User
from roster_user.domain.paging import PageTokens
from roster_user.domain.rules import STATE_REASON_MAX
from roster_user.store.base import UserStore
from roster_user.users.directory import UserDirectory
from tests.store.test_directory import START, Ticking, Writes, create, fields

REASON_TEXT = "must be at most 200 characters without control characters"


@pytest.fixture
def writes() -> Writes:
    """The write notifications of the directory under test."""
    return Writes()


@pytest.fixture
def directory(store: UserStore, writes: Writes) -> UserDirectory:
    """A directory over the test store with a ticking clock."""
    return UserDirectory(store, PageTokens(b"k" * 32), on_write=writes, clock=Ticking())


async def suspended(directory: UserDirectory, reason: str = "on leave") -> User:
    """User 1, created active (at START + 1 s) and then suspended with `reason`."""
    user = await create(directory, 1)
    return await directory.transition(user.name, State.SUSPENDED, reason=reason, etag="")


async def test_suspending_sets_the_state_and_reason_and_counts_a_version(
    directory: UserDirectory, writes: Writes
) -> None:
    user = await create(directory, 1)
    done = await directory.transition(user.name, State.SUSPENDED, reason="on leave", etag="")
    assert (done.state, done.state_reason, done.version) == (State.SUSPENDED, "on leave", 2)
    assert done.update_time == START + timedelta(seconds=2)
    assert (done.create_time, done.email, done.etag == user.etag) == (
        user.create_time,
        user.email,
        False,
    )
    assert writes.count == 2


async def test_activating_a_suspended_user_replaces_the_reason(directory: UserDirectory) -> None:
    user = await suspended(directory)
    done = await directory.transition(user.name, State.ACTIVE, reason="back", etag=user.etag)
    assert (done.state, done.state_reason, done.version) == (State.ACTIVE, "back", 3)


async def test_a_transition_is_what_the_store_then_reads(
    directory: UserDirectory, store: UserStore
) -> None:
    user = await suspended(directory)
    assert await store.get("user-1") == user


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (State.SUSPENDED, State.SUSPENDED, "users/user-1 is suspended, not active"),
        (State.ACTIVE, State.ACTIVE, "users/user-1 is active, not suspended"),
    ],
)
async def test_a_transition_from_the_wrong_state_is_refused(
    directory: UserDirectory, start: State, to: State, message: str
) -> None:
    user = await create(directory, 1, state=start)
    with pytest.raises(FailedPrecondition) as caught:
        await directory.transition(user.name, to, reason="", etag="")
    assert (caught.value.reason, caught.value.message) == (
        Reason.STATE_TRANSITION_NOT_ALLOWED,
        message,
    )
    assert await directory.get(user.name) == user


async def test_a_transition_of_a_deleted_user_is_a_failed_precondition(
    directory: UserDirectory,
) -> None:
    user = await create(directory, 1)
    await directory.delete(user.name, etag="", allow_missing=False)
    with pytest.raises(FailedPrecondition) as caught:
        await directory.transition(user.name, State.SUSPENDED, reason="", etag="")
    assert (caught.value.reason, caught.value.message) == (
        Reason.USER_DELETED,
        "users/user-1 is deleted; undelete it first",
    )


async def test_a_transition_with_a_stale_etag_is_aborted(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    await directory.update(user.name, fields(display_name="A"), frozenset({"display_name"}), "")
    with pytest.raises(EtagMismatch) as caught:
        await directory.transition(user.name, State.SUSPENDED, reason="", etag=user.etag)
    assert caught.value.message == "users/user-1 changed since the etag was read; read it again"


async def test_a_transition_with_the_current_etag_succeeds(directory: UserDirectory) -> None:
    user = await create(directory, 1)
    done = await directory.transition(user.name, State.SUSPENDED, reason="", etag=user.etag)
    assert done.state is State.SUSPENDED


async def test_a_reason_of_exactly_the_limit_is_kept_whole(directory: UserDirectory) -> None:
    reason = "r" * STATE_REASON_MAX
    assert (await suspended(directory, reason)).state_reason == reason


@pytest.mark.parametrize("reason", ["r" * (STATE_REASON_MAX + 1), "on\x00leave"])
async def test_a_reason_one_past_the_limit_or_with_a_control_character_is_invalid(
    directory: UserDirectory, reason: str
) -> None:
    user = await create(directory, 1)
    with pytest.raises(InvalidArgument) as caught:
        await directory.transition(user.name, State.SUSPENDED, reason=reason, etag="")
    assert [(v.field, v.description) for v in caught.value.violations] == [("reason", REASON_TEXT)]
    assert caught.value.reason is Reason.INVALID_ARGUMENT
    assert await directory.get(user.name) == user


async def test_a_transition_of_a_malformed_name_names_the_name_field(
    directory: UserDirectory,
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await directory.transition("people/x", State.SUSPENDED, reason="", etag="")
    assert [v.field for v in caught.value.violations] == ["name"]


async def test_an_update_that_changes_the_state_clears_the_reason(
    directory: UserDirectory,
) -> None:
    user = await suspended(directory)
    done = await directory.update(user.name, fields(state=State.ACTIVE), frozenset({"state"}), "")
    assert (done.state, done.state_reason) == (State.ACTIVE, "")


async def test_an_update_that_repeats_the_state_keeps_the_reason(
    directory: UserDirectory,
) -> None:
    user = await suspended(directory)
    done = await directory.update(
        user.name, fields(state=State.SUSPENDED), frozenset({"state"}), ""
    )
    assert (done.state, done.state_reason, done.version) == (State.SUSPENDED, "on leave", 3)


async def test_an_update_outside_the_state_keeps_the_reason(directory: UserDirectory) -> None:
    user = await suspended(directory)
    done = await directory.update(
        user.name, fields(display_name="A"), frozenset({"display_name"}), ""
    )
    assert (done.state, done.state_reason, done.display_name) == (
        State.SUSPENDED,
        "on leave",
        "A",
    )
