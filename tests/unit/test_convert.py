"""Wire conversions that trade the protobuf helpers for cheaper arithmetic stay exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf import timestamp_pb2

from roster.user.v1 import user_pb2, user_service_pb2
from roster_user.api.convert import (
    bookmark,
    change_to_proto,
    fields_from_proto,
    timestamp,
    user_to_proto,
)
from roster_user.domain.model import Change, EventType, State, User, UserFields

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
