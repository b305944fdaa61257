"""ChangeEvents: each change's WatchUsers encoding, built once and written to every watcher.

Shared by both contracts (one instance each, with the contract's conversion).
The handlers yield these bytes through a pass-through serializer (pipeline/layer.py
`Registry.pass_through`), so a thousand watchers of one change cost one
conversion and one serialization, not a thousand of each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from google.protobuf.message import Message

from roster_user.api.wire import int_field, repeated_field
from roster_user.domain.model import Change

# WatchUsersResponse fields in both contracts: revision = 1, changes = 5.
_REVISION = 1
_CHANGES = 5


class ChangeEvents:
    """WatchUsers responses encoded once and shared by every watcher.

    A change reaches every open stream within moments, so a small window of
    recent revisions saves all but one encoding per change; with a thousand
    watchers the conversions were a large share of the fan-out's CPU. Watchers
    that take several changes per response and keep up get the same run of
    revisions each round, so those responses are shared the same way.

    A revision alone does not name its content: a purge (by any process)
    rewrites the earlier events of the purged user without their personal
    data. So an event is reused only for an equal change, and a run only when
    it is made of the very encodings `of` gives now.
    """

    def __init__(
        self, convert: Callable[[Change], Message], window: int = 1024, runs: int = 64
    ) -> None:
        self._convert = convert
        self._window = window
        self._runs = runs
        self._events: dict[int, tuple[Change, bytes]] = {}
        self._batches: dict[tuple[int, int, int], tuple[tuple[bytes, ...], bytes]] = {}

    def of(self, change: Change) -> bytes:
        """The encoded response for `change` alone."""
        cached = self._events.get(change.revision)
        if cached is not None and (cached[0] is change or cached[0] == change):
            return cached[1]
        event = self._convert(change).SerializeToString(deterministic=True)
        self._events[change.revision] = (change, event)
        if len(self._events) > self._window:
            del self._events[next(iter(self._events))]  # the oldest revision
        return event

    def run_of(self, changes: Sequence[Change]) -> bytes:
        """One encoded response carrying `changes`, in revision order, at the last one's revision."""
        # A watcher's changes are a run of the change log (gapless, unless a
        # filter left some out), so the first revision, the last and the count
        # name the run; the encodings it is made of confirm it.
        key = (changes[0].revision, changes[-1].revision, len(changes))
        events = tuple(self.of(change) for change in changes)
        cached = self._batches.get(key)
        if cached is not None and all(a is b for a, b in zip(cached[0], events, strict=True)):
            return cached[1]
        # Fields in number order, as a message encodes them: revision, then changes.
        response = int_field(_REVISION, changes[-1].revision) + repeated_field(_CHANGES, events)
        self._batches[key] = (events, response)
        if len(self._batches) > self._runs:
            del self._batches[next(iter(self._batches))]
        return response
