"""The mixed-version scenario: v1 in Python creates and watches, v2 in Go suspends and reads.

Every step is checked on both sides; the Go program prints one ok/FAIL line per step.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from roster.user.v1 import user_pb2
from roster.user.v1 import user_service_pb2 as pb
from roster_client import UserClient
from roster_user.lifecycle.running import Running
from tests.conftest import a_user

# The scenario's lines, shown with `pytest --log-cli-level=INFO`.
log = logging.getLogger(__name__)
GO_CLIENT = Path(__file__).resolve().parents[2] / "clients" / "go"
# A fresh machine downloads and compiles grpc-go on the first build.
GO_TIMEOUT_SECONDS = 900


@pytest.fixture(scope="session")
def go_v2_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """clients/go/cmd/mixed-v2, built once per session."""
    go = shutil.which("go")
    assert go is not None, "the Go toolchain is not on PATH"
    binary = tmp_path_factory.mktemp("mixed") / "mixed-v2"
    subprocess.run(
        [go, "build", "-buildvcs=false", "-o", str(binary), "./cmd/mixed-v2"],
        cwd=GO_CLIENT,
        check=True,
        timeout=GO_TIMEOUT_SECONDS,
    )
    return binary


async def next_change(stream: AsyncIterator[pb.WatchUsersResponse]) -> pb.WatchUsersResponse:
    """The next non-bookmark event, within 10 seconds."""
    while True:
        event = await asyncio.wait_for(anext(stream), 10)
        if event.event_type != pb.WatchUsersResponse.EVENT_TYPE_BOOKMARK:
            return event


@pytest.mark.slow
async def test_v1_python_creates_v2_go_suspends_and_reads_v1_python_watches(
    server: Running, client: UserClient, go_v2_program: Path
) -> None:
    watch = client.watch_users()
    await asyncio.wait_for(anext(watch), 10)  # the opening bookmark
    created = await client.create_user(a_user("mixed"), user_id="mixed")
    log.info("ok python-v1 create %s uid=%s", created.name, created.uid)
    process = await asyncio.create_subprocess_exec(
        str(go_v2_program),
        server.address,
        created.name,
        "moved to contractor",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    lines = out.decode().splitlines()
    log.info("%s", "\n".join(lines[:-1]))
    assert process.returncode == 0, lines
    read_by_go = json.loads(lines[-1])
    assert (read_by_go["uid"], read_by_go["state"], read_by_go["stateReason"]) == (
        created.uid,
        "STATE_SUSPENDED",
        "moved to contractor",
    )
    assert (await next_change(watch)).event_type == pb.WatchUsersResponse.EVENT_TYPE_CREATED
    updated = await next_change(watch)
    assert updated.event_type == pb.WatchUsersResponse.EVENT_TYPE_UPDATED
    assert updated.user.state == user_pb2.User.STATE_SUSPENDED
    assert updated.user.etag == read_by_go["etag"]
    log.info("ok python-v1 watch revision=%s state=STATE_SUSPENDED etag matches", updated.revision)
    read_v1 = await client.get_user(created.name)
    assert read_v1.state == user_pb2.User.STATE_SUSPENDED and read_v1.etag == read_by_go["etag"]
    log.info("ok python-v1 get state=STATE_SUSPENDED etag matches")
