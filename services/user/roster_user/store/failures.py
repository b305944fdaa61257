"""What a storage engine's error means for the caller: retry later, fix the request, or a fault.

Only an error that says the store is unreachable or overloaded (a lost
connection, a busy lock, a full disk, a statement timeout) may become
UNAVAILABLE: clients retry it, and a retry can succeed. An error that the same
request would meet every time must not, or clients retry it five times and
operators read an outage into a bad request. A request beyond the engine's
limits (an expression tree too large) is INVALID_ARGUMENT; anything else
deterministic (a constraint, bad stored data, a statement the engine rejects)
is a fault of the service: StoreFault, which the error boundary reports as
INTERNAL and logs.
"""

from __future__ import annotations

import enum


class StoreFault(Exception):
    """A store error that retrying cannot fix: a bug or bad data; the caller gets INTERNAL."""


class Meaning(enum.Enum):
    """The three things a store error can mean to the caller."""

    UNAVAILABLE = "unavailable"  # unreachable or overloaded: retry later
    TOO_COMPLEX = "too_complex"  # beyond the engine's limits: the request must change
    FAULT = "fault"  # the same every time: INTERNAL
