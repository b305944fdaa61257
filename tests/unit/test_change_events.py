"""ChangeEvents: each change encoded once for every watcher, runs shared, as messages encode them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf.message import Message

from roster.user.v1 import user_service_pb2 as v1_pb
from roster.user.v2 import user_service_pb2 as v2_pb
from roster_user.api.change_events import ChangeEvents
from roster_user.api.convert import change_to_proto as v1_change_to_proto
from roster_user.api.v2.convert import change_to_proto as v2_change_to_proto
from roster_user.domain.model import Change, EventType, State, User, without_personal_data

CONVERTERS: dict[str, Callable[[Change, timedelta | None], Message]] = {
    "v1": v1_change_to_proto,
    "v2": v2_change_to_proto,
}
RESPONSES: dict[str, type[v1_pb.WatchUsersResponse] | type[v2_pb.WatchUsersResponse]] = {
    "v1": v1_pb.WatchUsersResponse,
    "v2": v2_pb.WatchUsersResponse,
}


# Eight labels out of key order: upb writes a map in its own (per-process) order
# unless asked to be deterministic, so two keys would match key order half the time.
LABELS = {key: str(n) for n, key in enumerate("zyxwvuts")}


def _change(revision: int, event: EventType = EventType.CREATED, labels: bool = True) -> Change:
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=revision)
    user = User(
        f"user-{revision}",
        "uid",
        "a@example.com",
        "A",
        State.ACTIVE,
        LABELS if labels else {},
        "",
        moment,
        moment,
        moment if event is EventType.DELETED else None,
        1,
    )
    return Change(revision, event, user, moment)


def _events(contract: str = "v1", **limits: int) -> ChangeEvents:
    convert = CONVERTERS[contract]
    return ChangeEvents(lambda change: convert(change, timedelta(days=1)), **limits)


@pytest.mark.parametrize("contract", ["v1", "v2"])
@pytest.mark.parametrize("event", list(EventType))
def test_an_event_is_the_message_built_encoding(contract: str, event: EventType) -> None:
    change = _change(5, event)
    built = CONVERTERS[contract](change, timedelta(days=1))
    assert _events(contract).of(change) == built.SerializeToString(deterministic=True)


@pytest.mark.parametrize("contract", ["v1", "v2"])
def test_a_run_is_the_message_built_encoding(contract: str) -> None:
    changes = [_change(3), _change(4, EventType.DELETED, labels=False), _change(9)]
    convert = CONVERTERS[contract]
    built = RESPONSES[contract](
        revision=9,
        changes=[convert(c, timedelta(days=1)) for c in changes],  # type: ignore[misc]
    )
    encoded = _events(contract).run_of(changes)
    assert encoded == built.SerializeToString(deterministic=True)
    assert RESPONSES[contract].FromString(encoded) == built


def test_each_change_is_encoded_once_and_shared_within_the_window() -> None:
    events = _events(window=2)
    first = events.of(_change(1))
    assert events.of(_change(1)) is first
    events.of(_change(2))
    events.of(_change(3))  # revision 1 leaves the window
    again = events.of(_change(1))
    assert again == first
    assert again is not first


def test_a_change_rewritten_by_a_purge_is_encoded_again() -> None:
    events = _events()
    change = _change(1)
    before = events.of(change)
    scrubbed = Change(1, change.event_type, without_personal_data(change.user), change.commit_time)
    after = events.of(scrubbed)
    assert after != before
    assert v1_pb.WatchUsersResponse.FromString(after).user.email == ""


def test_run_of_shares_one_encoding_per_run_and_forgets_the_oldest_past_the_limit() -> None:
    events = _events(runs=1)
    run = [_change(1), _change(2)]
    first = events.run_of(run)
    parsed = v1_pb.WatchUsersResponse.FromString(first)
    assert parsed.revision == 2
    assert [event.revision for event in parsed.changes] == [1, 2]
    assert events.run_of(run) is first
    events.run_of([_change(3)])  # the run 1..2 leaves
    again = events.run_of(run)
    assert again == first
    assert again is not first


def test_a_run_is_keyed_by_its_first_last_and_count() -> None:
    events = _events()
    whole = v1_pb.WatchUsersResponse.FromString(events.run_of([_change(1), _change(2), _change(3)]))
    tail = v1_pb.WatchUsersResponse.FromString(events.run_of([_change(2), _change(3)]))
    assert [e.revision for e in whole.changes] == [1, 2, 3]
    assert [e.revision for e in tail.changes] == [2, 3]


def test_runs_with_the_same_ends_and_count_but_other_changes_are_not_confused() -> None:
    events = _events()
    # Filtered runs need not be gapless: 1, 2, 5 and 1, 4, 5 share their key.
    one = events.run_of([_change(1), _change(2), _change(5)])
    other = events.run_of([_change(1), _change(4), _change(5)])
    assert [e.revision for e in v1_pb.WatchUsersResponse.FromString(one).changes] == [1, 2, 5]
    assert [e.revision for e in v1_pb.WatchUsersResponse.FromString(other).changes] == [1, 4, 5]
