"""Running: the handles of a started server that the lifecycle code needs."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Protocol

import grpc

from roster_user.config import Settings
from roster_user.lifecycle.health import Probes
from roster_user.pipeline.admission import Admission
from roster_user.pipeline.in_flight import InFlight
from roster_user.store.base import UserStore
from roster_user.users.feed import ChangeFeed


class PeerFeeds(Protocol):
    """The other workers' change feeds, for a server that is one of a pool (roster_user.pool)."""

    def open(self, on_nudge: Callable[[], None]) -> None:
        """Call `on_nudge` whenever another worker has written."""

    def notify(self) -> None:
        """A write committed here: wake the other workers' feeds."""

    def close(self) -> None:
        """Stop listening for the other workers."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Running:
    """A started server and everything it owns."""

    settings: Settings
    server: grpc.aio.Server
    port: int
    store: UserStore
    feed: ChangeFeed
    probes: Probes
    in_flight: InFlight
    admission: Admission
    tasks: list[asyncio.Task[None]]
    flushers: list[Callable[[], Awaitable[None]]]
    metrics_address: str = ""  # HOST:PORT bound by the metrics endpoint; empty when off
    peers: PeerFeeds | None = None  # the other workers' feeds, when this is one of several

    @property
    def address(self) -> str:
        """The listen address with the port actually bound."""
        host = self.settings.listen_address.rpartition(":")[0]
        return f"{host}:{self.port}"
