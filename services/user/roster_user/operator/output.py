"""Users as a table for people or as JSON lines for programs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TextIO

from google.protobuf import json_format

from roster.user.v1 import user_pb2

COLUMNS = ("NAME", "EMAIL", "DISPLAY NAME", "STATE", "LABELS", "CREATED")


def as_json(user: user_pb2.User) -> str:
    """One user as one line of ProtoJSON (what `export` writes and `import` reads)."""
    return json.dumps(json_format.MessageToDict(user), separators=(",", ":"), sort_keys=True)


def _row(user: user_pb2.User) -> tuple[str, ...]:
    state = user_pb2.User.State.Name(user.state).removeprefix("STATE_")
    if user.HasField("delete_time"):
        state += " (deleted)"
    labels = ",".join(f"{key}={value}" for key, value in sorted(user.labels.items()))
    created = user.create_time.ToDatetime().strftime("%Y-%m-%d %H:%M:%S")
    return (user.name, user.email, user.display_name, state, labels, created)


def write(users: Iterable[user_pb2.User], form: str, out: TextIO = sys.stdout) -> None:
    """Write users in `form` (table or json)."""
    if form == "json":
        for user in users:
            out.write(as_json(user) + "\n")
        return
    rows = [COLUMNS, *(_row(user) for user in users)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        out.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        out.write("\n")
