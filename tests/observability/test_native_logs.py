"""stderr is one JSON object per line: grpc core's own plain-text lines are relayed as records."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from roster_client import UserClient
from tests.support.processes import server_process
from tests.support.waiting import until


async def test_grpc_core_lines_arrive_as_json_records_and_every_stderr_line_is_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At debug verbosity grpc core itself warns, in plain text, that debug is not for production.
    monkeypatch.setenv("GRPC_VERBOSITY", "debug")
    # SQLite only: these lines come from grpc core, whatever the store; at debug
    # verbosity one run takes about 18 s, which PostgreSQL would double for nothing.
    async with server_process(tmp_path / "roster.db") as server:
        async with UserClient(await server.address()) as users:
            assert (await users.list_users()).users == []
        await until(
            lambda: any(entry.get("logger") == "grpc.core" for entry in server.logs),
            "a grpc core line in the log",
        )
        server.send(signal.SIGTERM)
        assert await server.exit_code() == 0
    core = [entry for entry in server.logs if entry.get("logger") == "grpc.core"]
    assert any(e["level"] == "WARNING" and "DEBUG" in str(e["message"]) for e in core), core
    assert [line for line in server.raw if not _is_json_object(line)] == []


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
