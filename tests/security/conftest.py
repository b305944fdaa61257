"""Fixtures of the security suite: real servers on port 0, test PKI and tokens, leak capture."""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from roster_user.config import Settings
from roster_user.lifecycle import shutdown
from roster_user.lifecycle.running import Running
from roster_user.server import build_server
from tests.conftest import RPC_BACKENDS
from tests.support.postgres_server import PostgresCluster

from .leaks import Capture, findings, log_findings
from .pki import Authority
from .tokens import AUDIENCE, ISSUER, Mint

Start = Callable[..., Awaitable[Running]]
_numbers = itertools.count()


class Errors:
    """Every status message a client received in this test, for the leak check."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    async def expect(self, call: Awaitable[Any]) -> grpc.aio.AioRpcError:
        """Await a call that must fail; its error, whose message is kept."""
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        self.messages.append(caught.value.details() or "")
        return caught.value


@pytest.fixture
def mint(tmp_path: Path) -> Mint:
    """Trusted signing keys, their JWKS file and a token factory."""
    return Mint(tmp_path)


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    """The CA the server's certificate and trusted client certificates come from."""
    return Authority(tmp_path, "trusted")


@pytest.fixture
def errors() -> Errors:
    """Collects the messages of failed calls."""
    return Errors()


@pytest.fixture(autouse=True)
def no_leaks(mint: Mint, errors: Errors) -> Iterator[Capture]:
    """Capture every log line of the test; afterwards nothing sensitive may appear in it."""
    capture = Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.INFO)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(level)
    problems = log_findings(capture.lines, mint.issued)
    problems += [
        f"{found} in error message {message!r}"
        for message in errors.messages
        for found in findings(message, mint.issued)
    ]
    assert not problems, problems


@pytest.fixture(params=RPC_BACKENDS)
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes a new empty database per server, on each backend in turn (the store is in scope)."""
    if request.param == "sqlite":
        yield lambda: f"sqlite:///{tmp_path}/roster-{next(_numbers)}.db"
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    made: list[str] = []

    def make() -> str:
        made.append(cluster.create_database())
        return made[-1]

    yield make
    for url in made:
        cluster.drop_database(url)


@pytest.fixture
async def start(fresh_database: Callable[[], str]) -> AsyncIterator[Start]:
    """Starts servers with setting overrides on 127.0.0.1:0; drains them all afterwards."""
    started: list[Running] = []

    async def run(**overrides: Any) -> Running:
        defaults: dict[str, Any] = {
            "listen_address": "127.0.0.1:0",
            "database_url": fresh_database(),
            "drain_seconds": 0,
            "shutdown_grace_seconds": 0,
            "metrics_address": "",  # the default port would collide between servers
        }
        settings = Settings(**(defaults | overrides))
        running = await build_server(settings)
        started.append(running)
        return running

    yield run
    for running in started:
        await shutdown.drain(running)


def auth_settings(mint: Mint, **overrides: Any) -> dict[str, Any]:
    """Settings that turn auth on with the mint's keys and no clock leeway."""
    return {
        "auth_jwks_file": str(mint.jwks_file),
        "auth_issuer": ISSUER,
        "auth_audience": AUDIENCE,
        "auth_leeway_seconds": 0,
        **overrides,
    }


@pytest.fixture
async def auth_server(start: Start, mint: Mint) -> Running:
    """A plaintext server with auth on."""
    return await start(**auth_settings(mint))


def bearer(token: str) -> tuple[tuple[str, str]]:
    """Call metadata carrying `token`."""
    return (("authorization", f"Bearer {token}"),)
