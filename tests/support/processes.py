"""Run `roster-user serve` as a real subprocess and follow its JSON log lines."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any


class ServerProcess:
    """A server subprocess, its parsed log lines, and its address once serving."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.logs: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._new_line = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            text = line.decode(errors="replace").rstrip("\n")
            self.raw.append(text)
            try:
                self.logs.append(json.loads(text))
            except json.JSONDecodeError:
                self.logs.append({"message": text, "unparsed": True})
            async with self._new_line:
                self._new_line.notify_all()
        async with self._new_line:
            self._new_line.notify_all()

    async def wait_for_log(self, message: str, timeout: float = 30) -> dict[str, Any]:
        """The first log entry with this message, waiting for it if need be."""

        def found() -> dict[str, Any] | None:
            return next((entry for entry in self.logs if entry.get("message") == message), None)

        async def wait() -> dict[str, Any]:
            async with self._new_line:
                while (entry := found()) is None:
                    if self._reader.done():
                        raise AssertionError(
                            f"server exited before logging {message!r}: {self.raw[-5:]}"
                        )
                    await self._new_line.wait()
                return entry

        return await asyncio.wait_for(wait(), timeout)

    async def address(self) -> str:
        """The address from the 'serving' log line."""
        return str((await self.wait_for_log("serving"))["address"])

    def send(self, signum: signal.Signals) -> None:
        """Send a signal to the server."""
        self.process.send_signal(signum)

    async def exit_code(self, timeout: float = 30) -> int:
        """Wait for the process to exit and return its code."""
        code = await asyncio.wait_for(self.process.wait(), timeout)
        await self._reader
        return code


@asynccontextmanager
async def server_process(database: Path | str, **settings: str) -> AsyncIterator[ServerProcess]:
    """Start a server on a free port over `database` (a SQLite file or a database URL).

    The server is killed if the test left it running.
    """
    env = {
        **os.environ,
        "ROSTER_LISTEN_ADDRESS": "127.0.0.1:0",
        "ROSTER_DATABASE_URL": database if isinstance(database, str) else f"sqlite:///{database}",
        "ROSTER_METRICS_ADDRESS": "127.0.0.1:0",
        **{f"ROSTER_{key.upper()}": value for key, value in settings.items()},
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "roster_user.cli", "serve", env=env, stderr=asyncio.subprocess.PIPE
    )
    server = ServerProcess(process)
    try:
        yield server
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
