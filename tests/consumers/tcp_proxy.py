"""A TCP proxy between a client and a server that a test can cut and point elsewhere.

Cutting it aborts every open connection and refuses new ones (each is closed at
once), which a gRPC client sees as UNAVAILABLE, as after a network cut-off.
Pointing it at another address is how a client keeps one address across a
server restart.
"""

from __future__ import annotations

import asyncio
import contextlib


class TcpProxy:
    """Forwards connections on 127.0.0.1:<port> to `upstream` (host:port) while open."""

    def __init__(self, upstream: str) -> None:
        """Forward to `upstream` once started."""
        self.upstream = upstream
        self.connections = 0
        self._open = True
        self._transports: set[asyncio.WriteTransport] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        """Listen on a free port; return host:port."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"127.0.0.1:{port}"

    def cut(self) -> None:
        """Abort every open connection and refuse new ones until restore()."""
        self._open = False
        for transport in list(self._transports):
            transport.abort()
        self._transports.clear()

    def restore(self, upstream: str | None = None) -> None:
        """Accept connections again, forwarding to `upstream` if given."""
        self.upstream = upstream or self.upstream
        self._open = True

    async def close(self) -> None:
        """Stop listening and abort every connection."""
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self._open:
            writer.transport.abort()
            return
        host, port = self.upstream.rsplit(":", 1)
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            writer.transport.abort()  # nothing listens there (a server restarting)
            return
        self.connections += 1
        for transport in (writer.transport, up_writer.transport):
            self._transports.add(transport)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(_pipe(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Copy bytes until either side closes, then abort the other."""
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    sink.transport.abort()
