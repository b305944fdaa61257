"""Wire conversions that trade the protobuf helpers for cheaper arithmetic stay exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf import timestamp_pb2

from roster_user.api.convert import ChangeEvents, change_to_proto, timestamp
from roster_user.domain.model import Change, EventType, State, User

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


def test_each_change_is_converted_once_and_shared_within_the_window() -> None:
    events = ChangeEvents(window=2)
    first = events.of(_change(1))
    assert first == change_to_proto(_change(1))
    assert events.of(_change(1)) is first
    events.of(_change(2))
    events.of(_change(3))  # revision 1 leaves the window
    again = events.of(_change(1))
    assert again == first
    assert again is not first
