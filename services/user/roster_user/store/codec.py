"""Row and snapshot encodings of users shared by the SQL stores."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from roster_user.domain.model import Change, EventType, State, User, without_personal_data
from roster_user.domain.query import Cursor, SortKey
from roster_user.domain.rules import email_key


def to_micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch, the stores' time representation."""
    return round(moment.timestamp() * 1_000_000)


def from_micros(micros: int) -> datetime:
    """The UTC datetime for a microsecond timestamp."""
    return datetime.fromtimestamp(micros / 1_000_000, tz=UTC)


def user_from_row(row: Mapping[str, Any] | Any) -> User:
    """A User from a row with the users table's column names."""
    delete_time = row["delete_time"]
    return User(
        user_id=row["user_id"],
        uid=row["uid"],
        email=row["email"],
        display_name=row["display_name"],
        state=State(row["state"]),
        labels=json.loads(row["labels"]) if isinstance(row["labels"], str) else dict(row["labels"]),
        external_id=row["external_id"],
        create_time=from_micros(row["create_time"]),
        update_time=from_micros(row["update_time"]),
        delete_time=None if delete_time is None else from_micros(delete_time),
        version=row["version"],
        state_reason=row["state_reason"],
    )


def sort_column(sort_key: SortKey) -> str:
    """The users table's column a list is ordered by: each sort key is named after its column."""
    return sort_key.value


def cursor_from_row(row: Mapping[str, Any] | Any, sort_key: SortKey) -> Cursor:
    """The page cursor after a listed row: its sort column's value and its sequence number."""
    return Cursor(row[sort_column(sort_key)], row["seq"])


def user_columns(user: User) -> dict[str, Any]:
    """The users table's column values for `user` (labels as JSON text)."""
    return {
        "user_id": user.user_id,
        "uid": user.uid,
        "email": user.email,
        "email_key": email_key(user.email),
        "display_name": user.display_name,
        "state": int(user.state),
        "labels": json.dumps(dict(sorted(user.labels.items())), ensure_ascii=False),
        "external_id": user.external_id,
        "create_time": to_micros(user.create_time),
        "update_time": to_micros(user.update_time),
        "delete_time": None if user.delete_time is None else to_micros(user.delete_time),
        "version": user.version,
        "state_reason": user.state_reason,
    }


def snapshot(user: User) -> str:
    """The user as JSON text, for the change log and idempotency records."""
    columns = user_columns(user)
    del columns["email_key"]
    return json.dumps(columns, ensure_ascii=False, separators=(",", ":"))


def from_snapshot(text: str) -> User:
    """The user a snapshot recorded."""
    columns = json.loads(text)
    # Snapshots written before schema version 3 have no state reason.
    columns.setdefault("state_reason", "")
    return user_from_row(columns)


def scrubbed(text: str) -> str:
    """A snapshot with every personal field cleared (for a purged user's change events)."""
    return snapshot(without_personal_data(from_snapshot(text)))


def change_from_row(row: Mapping[str, Any] | Any) -> Change:
    """A Change from a row of the change log (revision, event_type, user_snapshot, commit_time)."""
    return Change(
        row["revision"],
        EventType(row["event_type"]),
        from_snapshot(row["user_snapshot"]),
        from_micros(row["commit_time"]),
    )
