"""PeerNudges over real Unix datagram sockets: who hears a nudge, and what a missing peer costs."""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
from collections.abc import Iterator

import pytest

from roster_user.pool.peer_nudges import PeerNudges, PoolSeat
from tests.support.waiting import until


class Counter:
    """Counts the nudges one end heard."""

    def __init__(self) -> None:
        self.heard = 0

    def __call__(self) -> None:
        self.heard += 1


def seats(size: int) -> list[PoolSeat]:
    """The seats of a fresh pool of `size` workers (its own token: tests never collide)."""
    token = secrets.token_hex(8)
    return [PoolSeat(token, index, size) for index in range(size)]


async def test_a_write_nudges_every_peer_but_not_itself() -> None:
    heard = [Counter() for _ in range(3)]
    ends = [PeerNudges(seat) for seat in seats(3)]
    for end, counter in zip(ends, heard, strict=True):
        end.open(counter)
    try:
        ends[0].notify()
        await until(lambda: heard[1].heard > 0 and heard[2].heard > 0, "both peers to be nudged")
        # Had the sender nudged itself, its reader would have run in that same turn.
        assert heard[0].heard == 0
    finally:
        for end in ends:
            end.close()


def waiting(peer: socket.socket) -> bool:
    """Whether a datagram waits in the peer's socket (it stays there)."""
    try:
        return bool(peer.recv(16, socket.MSG_PEEK))
    except BlockingIOError:
        return False


@contextlib.contextmanager
def bare_peer(seat: PoolSeat) -> Iterator[socket.socket]:
    """A plain socket in `seat`, so that every datagram that reaches it can be counted."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as peer:
        peer.bind(seat.address(seat.index))
        peer.setblocking(False)
        yield peer


def received(peer: socket.socket) -> int:
    """Read every waiting datagram; how many there were."""
    count = 0
    with contextlib.suppress(BlockingIOError):
        while peer.recv(16):
            count += 1
    return count


async def test_writes_in_one_loop_turn_send_one_nudge() -> None:
    sender_seat, peer_seat = seats(2)
    with bare_peer(peer_seat) as peer:
        sender = PeerNudges(sender_seat)
        sender.open(Counter())
        try:
            for _ in range(50):
                sender.notify()
            # Every send queued by those calls runs in the same later loop turn.
            await until(lambda: waiting(peer), "the nudge")
            assert received(peer) == 1
        finally:
            sender.close()


async def test_a_peer_not_listening_is_skipped_and_the_others_still_hear() -> None:
    sender_seat, gone_seat, live_seat = seats(3)
    heard = Counter()
    sender, gone, live = PeerNudges(sender_seat), PeerNudges(gone_seat), PeerNudges(live_seat)
    for end, counter in ((sender, Counter()), (gone, Counter()), (live, heard)):
        end.open(counter)
    gone.close()
    try:
        sender.notify()
        await until(lambda: heard.heard > 0, "the live peer to be nudged")
    finally:
        sender.close()
        live.close()


async def test_a_seat_already_taken_logs_and_nudges_nobody(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seat, peer_seat = seats(2)
    with bare_peer(peer_seat) as peer:
        first, second = PeerNudges(seat), PeerNudges(seat)
        first.open(Counter())
        try:
            with caplog.at_level(logging.WARNING):
                second.open(Counter())
            second.notify()
            first.notify()
            # Both would send in the same loop turn; only the one listening does.
            await until(lambda: waiting(peer), "the first end's nudge")
            assert received(peer) == 1
        finally:
            first.close()
            second.close()
    assert [r.message for r in caplog.records] == [
        "cannot listen for other workers' nudges; their changes arrive by polling"
    ]
