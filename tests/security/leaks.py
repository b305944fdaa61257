"""Captures every log line and error message of a test and finds anything sensitive in them.

What counts as a leak (at INFO and above, and in every message sent to a client):
a bearer token or its signature, an email address, SQL text, or a Python stack trace.
One exception, by design: an ERROR record of an unexpected failure carries its
traceback in the separate `exception` field for operators; its message must still
be clean, and the client only ever gets a correlation id.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

from roster_user.observability.logs import JsonFormatter

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT INTO|UPDATE\b.+\bSET|DELETE FROM|sqlite3\.)")
_TRACE = re.compile(r'Traceback \(most recent call last\)|File "[^"]+", line \d+')


class Capture(logging.Handler):
    """Keeps each record at INFO and above as the JSON line the service would write."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[dict[str, object]] = []
        self._formatter = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        """Format now, while the record's call context (the subject) is still current."""
        self.lines.append(json.loads(self._formatter.format(record)))


def findings(text: str, tokens: Iterable[str]) -> list[str]:
    """What in `text` is sensitive, as short descriptions (empty when clean)."""
    found = []
    for token in tokens:
        signature = token.rpartition(".")[2]
        if token in text or (len(signature) > 16 and signature in text):
            found.append("a bearer token")
    for name, pattern in (("an email", _EMAIL), ("SQL", _SQL), ("a stack trace", _TRACE)):
        if pattern.search(text):
            found.append(name)
    return found


def log_findings(lines: list[dict[str, object]], tokens: Iterable[str]) -> list[str]:
    """Leaks in captured log lines, allowing an ERROR line's `exception` field (see above)."""
    problems = []
    for line in lines:
        visible = dict(line)
        if line.get("level") in ("ERROR", "CRITICAL"):
            visible.pop("exception", None)
        for finding in findings(json.dumps(visible, ensure_ascii=False), tokens):
            problems.append(f"{finding} in log line {visible.get('message')!r}")
    return problems
