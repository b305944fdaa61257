"""Rows of an import file (CSV or JSON lines), each checked with the server's own rules.

CSV has a header naming some of: user_id, email, display_name, external_id, labels
(`key=value;key=value`) and state (ACTIVE or SUSPENDED). A JSON line is an object with the
same keys, in snake_case or camelCase, or a line of `export` (`name` becomes the user id and
output-only fields are ignored), so an export can be imported elsewhere.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from roster.user.v1 import user_pb2
from roster_user.domain import rules
from roster_user.domain.errors import FieldViolation
from roster_user.domain.model import NAME_PREFIX

# Request ids are derived from a row's content, so a re-run sends the same ones.
_NAMESPACE = uuid.UUID("8a1f0c52-4b7e-4f8e-9d7a-3e0f6b1c2d90")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
STATES = {"": 0, "ACTIVE": 1, "SUSPENDED": 2, "STATE_ACTIVE": 1, "STATE_SUSPENDED": 2}


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    """One user to create, from line `line` of the file."""

    line: int
    user_id: str
    user: user_pb2.User

    @property
    def request_id(self) -> str:
        """The same UUID for the same row on every run."""
        content = json.dumps([self.user_id, self.user.SerializeToString(deterministic=True).hex()])
        return str(uuid.uuid5(_NAMESPACE, content))


@dataclasses.dataclass(frozen=True, slots=True)
class BadRow:
    """A line that cannot be imported, and why."""

    line: int
    problem: str


def read(path: Path) -> Iterator[Row | BadRow]:
    """Every row of a .csv file or a JSON-lines file, in order."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="") as lines:
            reader = csv.DictReader(lines)
            for record in reader:
                yield _row(reader.line_num, record)
        return
    with path.open() as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                yield BadRow(number, f"not JSON: {error.msg}")
                continue
            if not isinstance(record, dict):
                yield BadRow(number, "not a JSON object")
                continue
            yield _row(number, record)


def _row(line: int, record: Mapping[str, Any]) -> Row | BadRow:
    fields = {_CAMEL.sub("_", key).lower(): value for key, value in record.items()}
    user_id = str(fields.get("user_id") or "").strip()
    if not user_id and fields.get("name"):
        user_id = str(fields["name"]).removeprefix(NAME_PREFIX)
    labels = fields.get("labels") or {}
    if isinstance(labels, str):
        labels = dict(pair.split("=", 1) for pair in labels.split(";") if "=" in pair)
    state = str(fields.get("state") or "").strip().upper()
    if state not in STATES:
        return BadRow(line, "state must be ACTIVE or SUSPENDED")
    if not isinstance(labels, dict):
        return BadRow(line, "labels must be an object")
    user = user_pb2.User(
        email=str(fields.get("email") or "").strip(),
        display_name=str(fields.get("display_name") or ""),
        external_id=str(fields.get("external_id") or ""),
        labels={str(k): str(v) for k, v in labels.items()},
        state=STATES[state],  # type: ignore[arg-type]
    )
    problems = _violations(user_id, user)
    if problems:
        return BadRow(line, "; ".join(f"{v.field} {v.description}" for v in problems))
    return Row(line, user_id, user)


def _violations(user_id: str, user: user_pb2.User) -> list[FieldViolation]:
    return [
        *(rules.check_user_id(user_id) if user_id else []),
        *rules.check_email(user.email, "email"),
        *rules.check_display_name(user.display_name, "display_name"),
        *rules.check_labels(dict(user.labels), "labels"),
        *rules.check_external_id(user.external_id, "external_id"),
    ]
