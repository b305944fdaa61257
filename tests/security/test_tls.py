"""Transport security: TLS, mutual TLS and certificate rotation, against real handshakes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import grpc
import pytest

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc
from roster_user.lifecycle.running import Running

from .conftest import Errors, Start
from .pki import Authority, Issued


def _install(issued: Issued, directory: Path) -> tuple[Path, Path]:
    """Put a pair at the server's fixed paths by atomic rename, as a rotation would."""
    paths = (directory / "server.pem", directory / "server-key.pem")
    for source, target in zip((issued.cert_file, issued.key_file), paths, strict=True):
        staging = target.with_suffix(".new")
        staging.write_bytes(source.read_bytes())
        os.replace(staging, target)
    return paths


def _credentials(ca: Authority, client: Issued | None = None) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(
        root_certificates=ca.ca_file.read_bytes(),
        private_key=client.key_file.read_bytes() if client else None,
        certificate_chain=client.cert_file.read_bytes() if client else None,
    )


async def _list(channel: grpc.aio.Channel) -> Any:
    stub: Any = user_service_pb2_grpc.UserServiceStub(channel)
    return await stub.ListUsers(pb.ListUsersRequest(), timeout=10)


async def _tls_server(start: Start, authority: Authority, tmp_path: Path, **extra: Any) -> Running:
    cert, key = _install(authority.issue("server", server=True), tmp_path)
    return await start(tls_cert_file=str(cert), tls_key_file=str(key), **extra)


async def test_a_tls_client_that_trusts_the_ca_is_served(
    start: Start, authority: Authority, tmp_path: Path
) -> None:
    running = await _tls_server(start, authority, tmp_path)
    async with grpc.aio.secure_channel(running.address, _credentials(authority)) as channel:
        assert list((await _list(channel)).users) == []


async def test_plaintext_to_a_tls_port_fails_before_any_handler(
    start: Start, authority: Authority, tmp_path: Path, errors: Errors
) -> None:
    running = await _tls_server(start, authority, tmp_path)
    async with grpc.aio.insecure_channel(running.address) as channel:
        error = await errors.expect(_list(channel))
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert running.in_flight.started == 0


async def test_a_client_expecting_another_hostname_refuses_the_server(
    start: Start, authority: Authority, tmp_path: Path, errors: Errors
) -> None:
    running = await _tls_server(start, authority, tmp_path)
    options = (("grpc.ssl_target_name_override", "users.other.example"),)
    credentials = _credentials(authority)
    async with grpc.aio.secure_channel(running.address, credentials, options) as channel:
        error = await errors.expect(_list(channel))
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert running.in_flight.started == 0


@pytest.mark.parametrize("client", ["no certificate", "a certificate from another CA"])
async def test_mtls_refuses_a_client_without_a_trusted_certificate_before_any_handler(
    client: str, start: Start, authority: Authority, tmp_path: Path, errors: Errors
) -> None:
    running = await _tls_server(start, authority, tmp_path, tls_client_ca_file=authority.ca_file)
    foreign = Authority(tmp_path, "foreign").issue("mallory", server=False)
    credentials = _credentials(authority, None if client == "no certificate" else foreign)
    async with grpc.aio.secure_channel(running.address, credentials) as channel:
        error = await errors.expect(_list(channel))
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert running.in_flight.started == 0


async def test_mtls_serves_a_client_with_a_certificate_from_the_client_ca(
    start: Start, authority: Authority, tmp_path: Path
) -> None:
    running = await _tls_server(start, authority, tmp_path, tls_client_ca_file=authority.ca_file)
    credentials = _credentials(authority, authority.issue("billing", server=False))
    async with grpc.aio.secure_channel(running.address, credentials) as channel:
        assert list((await _list(channel)).users) == []
    assert running.in_flight.started == 1


async def test_a_rotated_certificate_is_used_by_the_next_connection_without_a_restart(
    start: Start, authority: Authority, tmp_path: Path, errors: Errors
) -> None:
    running = await _tls_server(start, authority, tmp_path)
    successor = Authority(tmp_path, "successor")
    _install(successor.issue("server", server=True), tmp_path)
    async with grpc.aio.secure_channel(running.address, _credentials(successor)) as channel:
        assert list((await _list(channel)).users) == []
    async with grpc.aio.secure_channel(running.address, _credentials(authority)) as channel:
        error = await errors.expect(_list(channel))
    assert error.code() == grpc.StatusCode.UNAVAILABLE


async def test_a_half_written_rotation_keeps_the_previous_pair(
    start: Start, authority: Authority, tmp_path: Path
) -> None:
    running = await _tls_server(start, authority, tmp_path)
    # Only the certificate changed so far: it does not match the key on disk.
    newer = Authority(tmp_path, "successor").issue("server", server=True)
    (tmp_path / "server.pem").write_bytes(newer.cert_file.read_bytes())
    async with grpc.aio.secure_channel(running.address, _credentials(authority)) as channel:
        assert list((await _list(channel)).users) == []
