"""Wire conversions that trade the protobuf helpers for cheaper arithmetic stay exact."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf import timestamp_pb2

from roster.user.v1 import user_pb2, user_service_pb2
from roster_user.api.change_events import ChangeEvents
from roster_user.api.convert import (
    bookmark,
    change_to_proto,
    fields_from_proto,
    timestamp,
    user_to_proto,
)
from roster_user.domain.model import (
    Change,
    EventType,
    State,
    User,
    UserFields,
    without_personal_data,
)

MOMENTS = [
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(2026, 11, 25, 21, 35, 17, 123456, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # before the epoch
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 3, 29, 2, 30, 0, 1, tzinfo=timezone(timedelta(hours=-7))),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_timestamp_equals_what_from_datetime_gives(moment: datetime) -> None:
    expected = timestamp_pb2.Timestamp()
    expected.FromDatetime(moment)
    assert timestamp(moment) == expected
    assert timestamp(moment).ToDatetime(tzinfo=UTC) == moment


def _change(revision: int) -> Change:
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=revision)
    user = User(
        f"user-{revision}",
        "uid",
        "a@example.com",
        "A",
        State.ACTIVE,
        {},
        "",
        moment,
        moment,
        None,
        1,
    )
    return Change(revision, EventType.CREATED, user, moment)


def test_a_user_converts_with_every_field() -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    user = User(
        "ann",
        "uid-1",
        "ann@example.com",
        "Ann",
        State.SUSPENDED,
        {"team": "blue"},
        "ext-1",
        created,
        created + timedelta(seconds=1),
        created + timedelta(seconds=2),
        3,
    )
    message = user_to_proto(user)
    assert message == user_pb2.User(
        name="users/ann",
        uid="uid-1",
        email="ann@example.com",
        display_name="Ann",
        state=user_pb2.User.STATE_SUSPENDED,
        labels={"team": "blue"},
        create_time=timestamp(created),
        update_time=timestamp(created + timedelta(seconds=1)),
        delete_time=timestamp(created + timedelta(seconds=2)),
        etag=user.etag,
        external_id="ext-1",
    )


def test_a_live_user_has_no_delete_time() -> None:
    assert not user_to_proto(_change(1).user).HasField("delete_time")


def test_a_change_converts_with_its_revision_type_and_commit_time() -> None:
    change = Change(7, EventType.UNDELETED, _change(7).user, datetime(2026, 2, 2, tzinfo=UTC))
    event = change_to_proto(change)
    assert (event.revision, event.event_type) == (7, 4)
    assert event.user == user_to_proto(change.user)
    assert event.commit_time == timestamp(datetime(2026, 2, 2, tzinfo=UTC))


def test_a_bookmark_carries_only_its_revision() -> None:
    mark = bookmark(9)
    assert mark.revision == 9
    assert mark.event_type == user_service_pb2.WatchUsersResponse.EVENT_TYPE_BOOKMARK
    assert not mark.HasField("user")


def test_request_fields_keep_writable_values_and_pass_unknown_states_through() -> None:
    message = user_pb2.User(
        name="users/ignored",
        uid="ignored",
        email="a@example.com",
        display_name="A",
        labels={"k": "v"},
        external_id="e",
        etag="ignored",
    )
    message.state = 7  # type: ignore[assignment]
    fields = fields_from_proto(message)
    assert fields == UserFields("a@example.com", "A", 7, {"k": "v"}, "e")  # type: ignore[arg-type]
    message.state = user_pb2.User.STATE_ACTIVE
    assert fields_from_proto(message).state is State.ACTIVE


PURGE_AFTER = timedelta(days=30, microseconds=1)
DELETED_AT = datetime(2026, 4, 5, 6, 7, 8, 654321, tzinfo=UTC)


def _deleted(revision: int) -> Change:
    """A DELETED change whose user has every personal field set."""
    live = _change(revision)
    user = dataclasses.replace(
        live.user, labels={"team": "blue"}, external_id="ext", delete_time=DELETED_AT, version=2
    )
    return Change(revision, EventType.DELETED, user, DELETED_AT)


# 2026-05-05T06:07:08.654322Z: thirty days and one microsecond after DELETED_AT.
EXPIRES_AT = timestamp_pb2.Timestamp(seconds=1777961228, nanos=654322000)


def test_a_deleted_user_expires_purge_after_its_delete_time_to_the_microsecond() -> None:
    message = user_to_proto(_deleted(1).user, PURGE_AFTER)
    assert message.delete_time == timestamp_pb2.Timestamp(seconds=1775369228, nanos=654321000)
    assert message.expire_time == EXPIRES_AT


def test_a_deleted_user_has_no_expire_time_when_users_are_never_purged() -> None:
    message = user_to_proto(_deleted(1).user)
    assert message.HasField("delete_time")
    assert not message.HasField("expire_time")


def test_a_live_user_has_no_expire_time_even_when_users_are_purged() -> None:
    message = user_to_proto(_change(1).user, PURGE_AFTER)
    assert not message.HasField("delete_time")
    assert not message.HasField("expire_time")


def test_a_delete_event_carries_the_users_expire_time() -> None:
    event = change_to_proto(_deleted(4), PURGE_AFTER)
    assert event.event_type == user_service_pb2.WatchUsersResponse.EVENT_TYPE_DELETED
    assert event.user == user_to_proto(_deleted(4).user, PURGE_AFTER)
    assert event.user.expire_time == EXPIRES_AT


def _events(purge_after: timedelta | None = None) -> ChangeEvents:
    """Shared WatchUsers encodings, converted as the v1 servicer converts them."""
    return ChangeEvents(lambda change: change_to_proto(change, purge_after))


def _decoded(encoded: bytes) -> user_service_pb2.WatchUsersResponse:
    return user_service_pb2.WatchUsersResponse.FromString(encoded)


def test_shared_events_carry_the_expire_time_the_servicer_was_given() -> None:
    event = _decoded(_events(PURGE_AFTER).of(_deleted(4)))
    assert event.user.expire_time == EXPIRES_AT


def test_a_purge_event_names_the_user_and_nothing_more() -> None:
    change = dataclasses.replace(_deleted(5), event_type=EventType.PURGED)
    event = change_to_proto(change, PURGE_AFTER)
    assert event.event_type == user_service_pb2.WatchUsersResponse.EVENT_TYPE_PURGED
    assert event.user == user_pb2.User(name="users/user-5", uid="uid")
    assert event.commit_time == timestamp(DELETED_AT)


def test_an_event_is_converted_again_when_its_revision_now_holds_another_change() -> None:
    # A purge rewrites a user's earlier events without their personal data.
    events = _events()
    before = _decoded(events.of(_deleted(3)))
    scrubbed = dataclasses.replace(_deleted(3), user=without_personal_data(_deleted(3).user))
    after = _decoded(events.of(scrubbed))
    assert before.user.external_id == "ext"
    assert after == change_to_proto(scrubbed)
    assert (after.user.external_id, after.user.email, dict(after.user.labels)) == ("", "", {})


def test_the_window_keeps_exactly_its_size_of_revisions() -> None:
    events = ChangeEvents(change_to_proto, window=2)
    first, second = events.of(_change(1)), events.of(_change(2))
    assert events.of(_change(1)) is first
    assert events.of(_change(2)) is second
    events.of(_change(3))  # the oldest, revision 1, leaves; revision 2 stays
    assert events.of(_change(2)) is second
    assert events.of(_change(1)) is not first


def test_several_runs_are_shared_at_once() -> None:
    events = _events()
    pair = events.run_of([_change(1), _change(2)])
    single = events.run_of([_change(3)])
    assert events.run_of([_change(1), _change(2)]) is pair
    assert events.run_of([_change(3)]) is single


def test_a_run_is_rebuilt_when_one_of_its_events_was_rewritten() -> None:
    events = _events()
    before = _decoded(events.run_of([_deleted(1), _change(2)]))
    scrubbed = dataclasses.replace(_deleted(1), user=without_personal_data(_deleted(1).user))
    after = _decoded(events.run_of([scrubbed, _change(2)]))
    assert before.changes[0].user.external_id == "ext"
    assert after.changes[0] == change_to_proto(scrubbed)
    assert after.revision == 2


def test_a_user_round_trips_through_the_wire_to_the_same_writable_fields() -> None:
    user = dataclasses.replace(_deleted(1).user, state=State.SUSPENDED)
    wire = user_pb2.User.FromString(user_to_proto(user).SerializeToString())
    assert fields_from_proto(wire) == UserFields(
        "a@example.com", "A", State.SUSPENDED, {"team": "blue"}, "ext"
    )
    assert wire.create_time.ToDatetime(tzinfo=UTC) == user.create_time


def test_empty_fields_convert_to_unset_ones_and_back_to_empty() -> None:
    message = user_to_proto(_change(1).user)  # no labels, no external id, not deleted
    assert (message.external_id, dict(message.labels)) == ("", {})
    assert fields_from_proto(message) == UserFields("a@example.com", "A", State.ACTIVE, {}, "")


def test_an_unset_state_reads_as_unspecified() -> None:
    assert fields_from_proto(user_pb2.User()).state is State.UNSPECIFIED


def test_an_unknown_state_number_survives_the_wire_for_validation_to_name() -> None:
    message = user_pb2.User(email="a@example.com")
    message.state = 99  # type: ignore[assignment]
    wire = user_pb2.User.FromString(message.SerializeToString())
    assert fields_from_proto(wire).state == 99
