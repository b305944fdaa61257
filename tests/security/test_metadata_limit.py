"""The metadata limit holds before the client acknowledges SETTINGS, on plaintext and TLS.

grpc core enforces its own limit only after the SETTINGS ACK; these tests speak
raw HTTP/2 and send the request right after the preface, so only Roster's own
check (roster_user.pipeline.metadata) stands between them and the handlers.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import grpc
import pytest

from roster_user.lifecycle.running import Running

from . import h2client
from .conftest import Start, auth_settings
from .leaks import Capture
from .pki import Authority
from .tokens import Mint

LIMIT = 16384
USERS = "/roster.user.v1.UserService/ListUsers"
HEALTH = "/grpc.health.v1.Health/Check"
EXHAUSTED = grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
OK = grpc.StatusCode.OK.value[0]
SIZES = [17_000, 100_000, 500_000]


async def _tls_server(start: Start, authority: Authority, tmp_path: Path) -> Running:
    issued = authority.issue("server", server=True)
    return await start(
        tls_cert_file=str(issued.cert_file),
        tls_key_file=str(issued.key_file),
        max_metadata_bytes=LIMIT,
    )


def _tls_context(authority: Authority) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(authority.ca_file))
    context.set_alpn_protocols(["h2"])
    return context


async def _raw(
    running: Running,
    path: str,
    metadata: list[tuple[str, str]],
    tls: ssl.SSLContext | None = None,
) -> h2client.Answer:
    return await asyncio.to_thread(
        h2client.call_before_settings_ack, running.address, path, metadata, tls=tls
    )


@pytest.mark.parametrize("path", [USERS, HEALTH], ids=["ListUsers", "health"])
async def test_a_small_request_sent_before_the_settings_ack_is_served(
    start: Start, path: str
) -> None:
    running = await start(max_metadata_bytes=LIMIT)
    answer = await _raw(running, path, [("x-padding", "a" * 1000)])
    assert (answer.grpc_status, answer.settings_acked_before_request) == (OK, False)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", [USERS, HEALTH], ids=["ListUsers", "health"])
async def test_an_oversized_header_before_the_settings_ack_is_refused_on_plaintext(
    start: Start, path: str, size: int
) -> None:
    running = await start(max_metadata_bytes=LIMIT)
    answer = await _raw(running, path, [("x-padding", "a" * size)])
    assert answer.settings_acked_before_request is False
    assert answer.grpc_status == EXHAUSTED, answer
    assert running.in_flight.started == 0


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", [USERS, HEALTH], ids=["ListUsers", "health"])
async def test_an_oversized_header_before_the_settings_ack_is_refused_over_tls(
    start: Start, authority: Authority, tmp_path: Path, path: str, size: int
) -> None:
    running = await _tls_server(start, authority, tmp_path)
    tls = _tls_context(authority)
    assert (await _raw(running, path, [], tls)).grpc_status == OK  # the raw client speaks TLS
    served = running.in_flight.started
    answer = await _raw(running, path, [("x-padding", "a" * size)], tls)
    assert answer.settings_acked_before_request is False
    assert answer.grpc_status == EXHAUSTED, answer
    assert running.in_flight.started == served


async def test_a_huge_bearer_token_is_refused_before_it_is_verified(
    start: Start, mint: Mint, no_leaks: Capture
) -> None:
    running = await start(**auth_settings(mint, max_metadata_bytes=LIMIT))
    token = mint.token(padding="p" * 100_000)
    answer = await _raw(running, USERS, [("authorization", f"Bearer {token}")])
    assert answer.grpc_status == EXHAUSTED, answer
    messages = [line["message"] for line in no_leaks.lines]
    assert "call refused: metadata too large" in messages
    assert "call refused" not in messages  # authentication never looked at the token
    assert running.in_flight.started == 0


async def test_ten_oversized_headers_on_one_connection_to_an_unknown_method_are_refused(
    start: Start,
) -> None:
    running = await start(max_metadata_bytes=LIMIT)
    answer = await _raw(
        running, "/no.such.Service/Method", [(f"x-pad-{n}", "a" * 40_000) for n in range(10)]
    )
    assert answer.grpc_status == EXHAUSTED, answer
