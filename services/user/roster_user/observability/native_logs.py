"""grpc core's own log lines, taken off file descriptor 2 and logged as JSON records.

grpc core (C++, absl logging) writes plain text straight to fd 2, whatever Python's
logging does, so without this stderr would mix its lines with the JSON ones. Here
fd 2 becomes a pipe; a thread turns each line written to it into a record of the
`grpc.core` logger (level from the line's first letter), which the JSON handler
writes, like every other record, to the original stderr, and at ROSTER_LOG_LEVEL.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import sys
import threading
from typing import TextIO

log = logging.getLogger("grpc.core")
# absl's prefix: severity letter, MMDD, time, thread id, file:line, "] ", then the message.
_PREFIX = re.compile(r"^([IWEF])\d{4} [0-9:.]+\s+\d+ ([^\]\s]+)\] ?(.*)$")
_LEVELS = {"I": logging.INFO, "W": logging.WARNING, "E": logging.ERROR, "F": logging.CRITICAL}


def capture() -> TextIO:
    """Route fd 2 through the relay; the original stderr, which Python's `sys.stderr` becomes."""
    original = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    read_end, write_end = os.pipe()
    # Better to drop a line than to block grpc core if the relay ever stops (at exit).
    fcntl.fcntl(write_end, fcntl.F_SETFL, fcntl.fcntl(write_end, fcntl.F_GETFL) | os.O_NONBLOCK)
    os.dup2(write_end, 2)
    os.close(write_end)
    sys.stderr = original
    relay = threading.Thread(target=_relay, args=(read_end, original), name="grpc-core-log")
    relay.daemon = True  # it reads until the process ends
    relay.start()
    return original


def _relay(read_end: int, original: TextIO) -> None:
    with os.fdopen(read_end, "r", encoding="utf-8", errors="replace") as lines:
        for line in lines:
            text = line.rstrip("\n")
            if text.strip():
                _emit(text, original)


def _emit(text: str, original: TextIO) -> None:
    if _is_json(text):  # already a JSON line (a forked worker's handler, say): as it is
        original.write(text + "\n")
        return
    match = _PREFIX.match(text)
    if match is None:
        log.warning("%s", text, extra={"native": True})
        return
    letter, source, message = match.groups()
    log.log(_LEVELS[letter], "%s", message, extra={"native": True, "source": source})


def _is_json(text: str) -> bool:
    if not text.startswith("{"):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False
