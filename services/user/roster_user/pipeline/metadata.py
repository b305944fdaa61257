"""The request metadata limit, enforced by Roster itself before any other layer runs.

grpc core enforces `grpc.max_metadata_size` only once the client has acknowledged
the server's HTTP/2 SETTINGS; a client that sends its request right after the
preface gets any header size served (docs/security.md, "grpc core and the metadata
limit"). This layer measures every call's metadata again, so the limit holds
whatever the client did with SETTINGS, before authentication reads a token.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Iterable
from typing import TYPE_CHECKING, Any

import grpc
from prometheus_client.metrics import Counter

from roster_user.api.errors import to_status
from roster_user.domain.errors import ResourceExhausted
from roster_user.pipeline.calls import Call, Context, abort, around

if TYPE_CHECKING:
    from roster_user.pipeline.calls import Handler

log = logging.getLogger(__name__)
# What HPACK (RFC 7541, section 4.1) and grpc core charge per header on top of its name and value.
ENTRY_OVERHEAD = 32
MESSAGE = "the request metadata is larger than this server accepts"


def metadata_size(method: str, metadata: Iterable[tuple[str, str | bytes]] | None) -> int:
    """The size of a call's headers as HPACK counts them; `:path` included, as grpc does."""
    size = len(":path") + len(method) + ENTRY_OVERHEAD
    for key, value in metadata or ():
        size += len(key) + len(value) + ENTRY_OVERHEAD
    return size


class MetadataLimit:
    """Refuses calls whose metadata is over `max_bytes` with RESOURCE_EXHAUSTED."""

    def __init__(self, max_bytes: int, refused: Counter) -> None:
        self._max = max_bytes
        self._refused = refused

    def wrap(self, method: str, handler: Handler) -> Handler:
        """The handler refusing oversized calls before the layers inside it run."""

        async def within(request: Any, context: Context) -> AsyncGenerator[Call, None]:
            size = metadata_size(method, context.invocation_metadata())
            if size > self._max:
                await abort(context, to_status(self._error(method, size)))
            yield Call(request, context)

        return around(handler, within)

    def refuse_unknown(self, details: grpc.HandlerCallDetails) -> Handler | None:
        """For a method no service has: a refusal when its metadata is over the limit."""
        size = metadata_size(details.method, details.invocation_metadata)
        if size <= self._max:
            return None
        error = self._error(details.method, size)

        async def refuse(request: Any, context: Context) -> None:
            await abort(context, to_status(error))

        return grpc.stream_stream_rpc_method_handler(refuse)

    def _error(self, method: str, size: int) -> ResourceExhausted:
        self._refused.inc()
        log.info(
            "call refused: metadata too large",
            extra={"grpc_method": method[:200], "metadata_bytes": size, "max_bytes": self._max},
        )
        return ResourceExhausted(MESSAGE, metadata={"max_bytes": str(self._max)})
