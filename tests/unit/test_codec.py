"""The store codec over plain mappings, the shape PostgreSQL's rows have (exact, case-sensitive keys)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

from roster_user.domain.model import Change, EventType, State, User
from roster_user.domain.query import Cursor, SortKey
from roster_user.store import codec

MOMENT = datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
USER = User(
    "ann",
    "uid-1",
    "Ann@Example.com",
    "Ann",
    State.SUSPENDED,
    {"b": "2", "a": "ü"},
    "x",
    MOMENT,
    MOMENT,
    None,
    4,
)


def test_a_row_with_labels_already_decoded_reads_back() -> None:
    row = codec.user_columns(USER) | {"labels": {"a": "ü", "b": "2"}}
    assert codec.user_from_row(row) == USER


def test_a_row_with_labels_as_json_text_reads_back() -> None:
    assert codec.user_from_row(codec.user_columns(USER)) == USER


def test_columns_hold_the_folded_email_sorted_labels_and_microseconds() -> None:
    columns = codec.user_columns(USER)
    assert columns["email_key"] == "ann@example.com"
    assert columns["labels"] == '{"a": "ü", "b": "2"}'
    assert columns["create_time"] == codec.to_micros(MOMENT) == 1778051289123456
    assert columns["delete_time"] is None


def test_a_deleted_user_round_trips_through_a_snapshot() -> None:
    deleted = User(**{**{f: getattr(USER, f) for f in USER.__slots__}, "delete_time": MOMENT})
    assert codec.from_snapshot(codec.snapshot(deleted)) == deleted
    assert "email_key" not in codec.snapshot(deleted)


def test_a_change_row_reads_back_with_its_commit_time() -> None:
    row = {
        "revision": 9,
        "event_type": 3,
        "user_snapshot": codec.snapshot(USER),
        "commit_time": codec.to_micros(MOMENT),
    }
    assert codec.change_from_row(row) == Change(9, EventType.DELETED, USER, MOMENT)


def test_a_cursor_comes_from_the_sort_column_and_the_sequence() -> None:
    row = {"create_time": 11, "display_name": "Ann", "seq": 3}
    assert codec.cursor_from_row(row, SortKey.CREATE_TIME) == Cursor(11, 3)
    assert codec.cursor_from_row(row, SortKey.DISPLAY_NAME) == Cursor("Ann", 3)


def test_microseconds_round_trip_exactly() -> None:
    assert codec.from_micros(codec.to_micros(MOMENT)) == MOMENT
    assert codec.from_micros(0) == datetime(1970, 1, 1, tzinfo=UTC)


SUSPENDED = dataclasses.replace(USER, delete_time=MOMENT, state_reason="on leave: Jürgen's call")


def test_a_state_reason_round_trips_through_a_row_and_a_snapshot() -> None:
    assert codec.user_from_row(codec.user_columns(SUSPENDED)) == SUSPENDED
    assert codec.from_snapshot(codec.snapshot(SUSPENDED)) == SUSPENDED


def test_a_snapshot_is_compact_json_that_keeps_non_ascii_text_as_it_is() -> None:
    # The change log holds one snapshot per change: no padding, no \u escapes.
    assert codec.snapshot(SUSPENDED) == (
        '{"user_id":"ann","uid":"uid-1","email":"Ann@Example.com","display_name":"Ann",'
        '"state":2,"labels":"{\\"a\\": \\"ü\\", \\"b\\": \\"2\\"}","external_id":"x",'
        '"create_time":1778051289123456,"update_time":1778051289123456,'
        '"delete_time":1778051289123456,"version":4,"state_reason":"on leave: Jürgen\'s call"}'
    )


def test_a_snapshot_from_before_state_reasons_reads_back_with_none() -> None:
    columns = json.loads(codec.snapshot(SUSPENDED))
    del columns["state_reason"]
    old = codec.from_snapshot(json.dumps(columns))
    assert old == dataclasses.replace(SUSPENDED, state_reason="")
    assert old.state_reason == ""
