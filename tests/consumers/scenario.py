"""Drive one consumer program through a server restart and a network cut-off mid-watch.

The consumer reaches the server through a TcpProxy. Changes are made before,
during (while the consumer is cut off: the server stopped and restarted on the
same database, then the network cut with the server up) and after; the consumer
must print every one of them exactly once, in commit order.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from roster.user.v1 import user_pb2
from roster_client import UserClient
from tests.consumers.packages import Consumer
from tests.consumers.tcp_proxy import TcpProxy
from tests.interop.server_process import ServerProcess
from tests.support.waiting import until

# Generous: a consumer's first call may start a JVM or load a runtime on a busy machine.
STEP_DEADLINE_S = 120


@dataclasses.dataclass
class Run:
    """What one consumer printed, what the writer did, and both interleaved as a record."""

    tag: str
    printed: list[str] = dataclasses.field(default_factory=list)
    expected: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    record: list[str] = dataclasses.field(default_factory=list)

    def changes(self) -> list[tuple[int, str, str]]:
        """The consumer's change lines as (revision, event type without prefix, name)."""
        rows = [line.split()[1:] for line in self.printed if line.startswith("change ")]
        return [(int(r), kind.removeprefix("EVENT_TYPE_"), name) for r, kind, name in rows]

    def first(self, prefix: str) -> str | None:
        """The rest of the first printed line starting with `prefix `."""
        return next(
            (ln[len(prefix) + 1 :] for ln in self.printed if ln.startswith(f"{prefix} ")), None
        )

    def note(self, line: str) -> None:
        """Add a harness line to the record."""
        self.record.append(f"# {line}")


class Writer:
    """Makes the changes, straight to the server (never through the proxy), and expects them."""

    def __init__(self, run: Run) -> None:
        """Write for `run`."""
        self.run = run

    async def create(self, client: UserClient, suffix: str) -> None:
        """Create users/<tag>-<suffix>."""
        user_id = f"{self.run.tag}-{suffix}"
        await client.create_user(user_pb2.User(email=f"{user_id}@example.com"), user_id=user_id)
        self.run.expected.append(("CREATED", f"users/{user_id}"))

    async def rename(self, client: UserClient, suffix: str) -> None:
        """Change the display name of users/<tag>-<suffix>."""
        name = f"users/{self.run.tag}-{suffix}"
        await client.update_user(user_pb2.User(name=name, display_name="renamed"), ["display_name"])
        self.run.expected.append(("UPDATED", name))

    async def delete(self, client: UserClient, suffix: str) -> None:
        """Soft-delete users/<tag>-<suffix>."""
        name = f"users/{self.run.tag}-{suffix}"
        await client.delete_user(name)
        self.run.expected.append(("DELETED", name))


@contextlib.asynccontextmanager
async def server(data_dir: Path) -> AsyncIterator[tuple[ServerProcess, str]]:
    """A roster-user process on `data_dir`'s database; stopped (drained) on exit if still up."""
    process = ServerProcess(data_dir)
    address = await asyncio.to_thread(process.start)
    try:
        yield process, address
    finally:
        await asyncio.to_thread(process.stop)


async def _read(stream: asyncio.StreamReader, run: Run, *, stdout: bool) -> None:
    """Keep each line; stdout lines are the consumer's report, stderr only goes to the record."""
    while line := await stream.readline():
        text = line.decode().rstrip("\n")
        if stdout:
            run.printed.append(text)
        run.record.append(text if stdout else f"stderr: {text}")


async def drive(consumer: Consumer, data_dir: Path, run: Run) -> int:
    """Run the consumer through before / restart / cut / after, recording into `run`; its exit code."""
    tag = run.tag
    writer = Writer(run)
    async with server(data_dir) as (first, first_address):
        proxy = TcpProxy(first_address)
        address = await proxy.start()
        env = consumer.env | {"ROSTER_ADDRESS": address, "ROSTER_TAG": tag}
        process = await asyncio.create_subprocess_exec(
            *consumer.command,
            cwd=consumer.cwd,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        assert process.stderr is not None
        readers = [
            asyncio.create_task(_read(process.stdout, run, stdout=True)),
            asyncio.create_task(_read(process.stderr, run, stdout=False)),
        ]
        try:
            await _until_printed(run, process, lambda: run.first("ready") is not None, "ready")
            async with UserClient(first_address) as direct:
                run.note("before: changes with the watch connected")
                await writer.create(direct, "before-1")
                await writer.rename(direct, "before-1")
                await writer.create(direct, "before-2")
                await _until_changes(run, process)
            run.note(
                "restart: the server drains (SIGTERM) and stops; the proxy refuses connections"
            )
            await asyncio.to_thread(first.stop)
            proxy.cut()
            async with server(data_dir) as (_, second_address):
                run.note("during: changes on the restarted server while the watcher is cut off")
                async with UserClient(second_address) as direct:
                    await writer.create(direct, "during-1")
                    await writer.create(direct, "during-2")
                    await writer.delete(direct, "during-1")
                    proxy.restore(second_address)
                    run.note("the proxy forwards to the restarted server again")
                    await _until_changes(run, process)
                    run.note("cut: the network is cut with the server up; changes meanwhile")
                    proxy.cut()
                    await writer.create(direct, "cut-1")
                    await writer.rename(direct, "during-2")
                    proxy.restore()
                    run.note("the network is back")
                    await _until_changes(run, process)
                    run.note("after: changes once reconnected, then the stop user")
                    await writer.create(direct, "after-1")
                    await writer.create(direct, "stop")
                    code = await asyncio.wait_for(process.wait(), STEP_DEADLINE_S)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            await asyncio.gather(*readers)
            await proxy.close()
    return code


async def _until_printed(
    run: Run, process: asyncio.subprocess.Process, done: Callable[[], bool], what: str
) -> None:
    """Wait until `done()`, failing early if the consumer exits."""

    def holds() -> bool:
        if process.returncode is not None:
            raise AssertionError(f"the consumer exited ({process.returncode}) before {what}")
        return bool(done())

    await until(holds, f"the consumer to print {what}", STEP_DEADLINE_S)


async def _until_changes(run: Run, process: asyncio.subprocess.Process) -> None:
    """Wait until the consumer printed as many changes as were made."""
    wanted = len(run.expected)
    await _until_printed(run, process, lambda: len(run.changes()) >= wanted, f"{wanted} changes")
