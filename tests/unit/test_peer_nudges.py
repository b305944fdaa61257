"""PeerNudges over real Unix datagram sockets: who hears a nudge, and what a missing peer costs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from pathlib import Path

import pytest

from roster_user.peer_nudges import PeerNudges
from tests.waiting import until


class Counter:
    """Counts the nudges one end heard."""

    def __init__(self) -> None:
        self.heard = 0

    def __call__(self) -> None:
        self.heard += 1


async def test_a_write_nudges_every_peer_but_not_itself(tmp_path: Path) -> None:
    heard = {name: Counter() for name in ("a", "b", "c")}
    ends = {name: PeerNudges(tmp_path, heard[name], name=name) for name in heard}
    for end in ends.values():
        end.open()
    try:
        ends["a"].notify()
        await until(lambda: heard["b"].heard > 0 and heard["c"].heard > 0, "b and c to be nudged")
        await asyncio.sleep(0)  # one more loop turn: a's own socket would have been read by now
        assert heard["a"].heard == 0
    finally:
        for end in ends.values():
            end.close()


async def test_writes_in_one_loop_turn_send_one_nudge(tmp_path: Path) -> None:
    # The peer here is a bare socket, so every datagram that arrives can be counted.
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as peer:
        peer.bind(str(tmp_path / "b"))
        peer.setblocking(False)
        sender = PeerNudges(tmp_path, Counter(), name="a")
        sender.open()
        try:
            for _ in range(50):
                sender.notify()
            await until(lambda: pending(peer) > 0, "the nudge")
            assert received(peer) == 1
        finally:
            sender.close()


def pending(peer: socket.socket) -> int:
    """How many bytes wait in the peer's socket, without reading them."""
    try:
        return len(peer.recv(16, socket.MSG_PEEK))
    except BlockingIOError:
        return 0


def received(peer: socket.socket) -> int:
    """Read every waiting datagram; how many there were."""
    count = 0
    with contextlib.suppress(BlockingIOError):
        while peer.recv(16):
            count += 1
    return count


async def test_a_peer_that_is_gone_is_skipped_and_leaves_no_socket(tmp_path: Path) -> None:
    heard = Counter()
    sender, gone, live = (
        PeerNudges(tmp_path, Counter(), name="a"),
        PeerNudges(tmp_path, Counter(), name="b"),
        PeerNudges(tmp_path, heard, name="c"),
    )
    for end in (sender, gone, live):
        end.open()
    gone.close()
    try:
        assert not (tmp_path / "b").exists()
        sender.notify()
        await until(lambda: heard.heard > 0, "the live peer to be nudged")
    finally:
        sender.close()
        live.close()


async def test_without_a_socket_it_logs_once_and_nudges_nobody(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Longer than a Unix socket address may be.
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    end = PeerNudges(deep, Counter(), name="a")
    with caplog.at_level(logging.WARNING):
        end.open()
    end.notify()
    end.close()
    assert [r.message for r in caplog.records] == [
        "cannot listen for other workers' nudges; their changes arrive by polling"
    ]
