"""ResumingWatch: WatchUsers that reconnects from the last revision it delivered.

Modelled on client-go's RetryWatcher: the stream is reopened with the last
revision seen whenever the server could not go on (UNAVAILABLE from a drain, a
restart or a network cut; RESOURCE_EXHAUSTED WATCHER_TOO_SLOW; the server's
stream deadline), after a jittered back-off from the client policy. Changes are
delivered one per event and exactly once; OUT_OF_RANGE surfaces as
RelistRequiredError, the cue to list again and watch from the list's revision.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Callable

import grpc

from roster.user.v1 import user_service_pb2 as pb
from roster_client.errors import (
    DeadlineExceededError,
    ResourceExhaustedError,
    RosterError,
    UnavailableError,
)
from roster_client.policy import Backoff

BOOKMARK = pb.WatchUsersResponse.EVENT_TYPE_BOOKMARK
WATCHER_TOO_SLOW = "ERROR_REASON_WATCHER_TOO_SLOW"
# Opens one WatchUsers stream: (start_revision, timeout in seconds or None).
OpenStream = Callable[[int, float | None], AsyncIterator[pb.WatchUsersResponse]]
_jitter = secrets.SystemRandom()


class ResumingWatch:
    """Iterate with `async for`: bookmarks and single changes, every change once.

    `revision` is the last revision delivered (a change's or a bookmark's), the
    place to resume from in another process; `reconnects` counts reopened streams.
    """

    def __init__(
        self,
        open_stream: OpenStream,
        *,
        start_revision: int,
        timeout: float | None,
        backoff: Backoff,
    ) -> None:
        """Watch after `start_revision` (0: from now) until `timeout` seconds, if given."""
        self._open = open_stream
        self._backoff = backoff
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self.revision = start_revision
        self.reconnects = 0

    def __aiter__(self) -> AsyncIterator[pb.WatchUsersResponse]:
        return self._events()

    async def _events(self) -> AsyncIterator[pb.WatchUsersResponse]:
        failures = 0
        while True:
            try:
                async for response in self._open(self.revision, self._time_left()):
                    failures = 0
                    for event in response.changes or [response]:
                        if self._is_new(event):
                            yield event
            except RosterError as error:
                if not self._resumable(error):
                    raise
            # A stream that ended, cleanly or not, is reopened after a pause.
            failures += 1
            self.reconnects += 1
            pause = _jitter.uniform(0, self._backoff.cap(failures))
            left = self._time_left()
            if left is not None and left <= pause:
                raise DeadlineExceededError(
                    grpc.StatusCode.DEADLINE_EXCEEDED, "the watch's deadline passed"
                )
            await asyncio.sleep(pause)

    def _is_new(self, event: pb.WatchUsersResponse) -> bool:
        """Advance the position; False for a change already delivered before a reconnect."""
        if event.event_type == BOOKMARK:
            self.revision = max(self.revision, event.revision)
            return True
        if event.revision <= self.revision:
            return False
        self.revision = event.revision
        return True

    def _time_left(self) -> float | None:
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - time.monotonic())

    def _resumable(self, error: RosterError) -> bool:
        if isinstance(error, UnavailableError):
            return True
        if isinstance(error, DeadlineExceededError):
            # The server's stream ceiling, not the caller's own deadline.
            left = self._time_left()
            return left is None or left > 0
        return isinstance(error, ResourceExhaustedError) and error.reason == WATCHER_TOO_SLOW
