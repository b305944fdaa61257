"""Transport security: TLS, mutual TLS and certificate rotation, against real handshakes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from roster.user.v1 import user_service_pb2 as pb
from roster.user.v1 import user_service_pb2_grpc
from roster_user.lifecycle.running import Running
from tests.monitoring.scrape import Scrape
from tests.observability.scraping import scrape

from .conftest import Errors, Start
from .leaks import Capture
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


async def test_an_unloadable_client_ca_rotation_warns_naming_the_file_and_keeps_the_previous_ca(
    start: Start, authority: Authority, tmp_path: Path, no_leaks: Capture
) -> None:
    client_ca = tmp_path / "client-ca.pem"
    client_ca.write_bytes(authority.ca_file.read_bytes())
    running = await _tls_server(start, authority, tmp_path, tls_client_ca_file=str(client_ca))
    client_ca.write_bytes(b"not a certificate\n")
    credentials = _credentials(authority, authority.issue("billing", server=False))
    async with grpc.aio.secure_channel(running.address, credentials) as channel:
        assert list((await _list(channel)).users) == []
    warnings = [line for line in no_leaks.lines if line["level"] == "WARNING"]
    assert [line.get("tls_file") for line in warnings] == [str(client_ca)]
    assert warnings[0]["setting"] == "ROSTER_TLS_CLIENT_CA_FILE"
    assert not [line for line in no_leaks.lines if "reloaded" in str(line["message"])]


def _certificates(page: Scrape) -> dict[tuple[str, str], float]:
    return {
        (sample.labels["role"], sample.labels["fingerprint"]): sample.value
        for sample in page.samples
        if sample.name == "roster_tls_certificate_expiry_timestamp_seconds"
    }


def _fingerprint(pem_file: Path) -> tuple[str, float]:
    certificate = x509.load_pem_x509_certificate(pem_file.read_bytes())
    digest = certificate.fingerprint(hashes.SHA256()).hex()
    return digest, certificate.not_valid_after_utc.timestamp()


async def test_the_certificates_in_use_are_exported_with_fingerprint_and_expiry(
    start: Start, authority: Authority, tmp_path: Path
) -> None:
    running = await _tls_server(
        start,
        authority,
        tmp_path,
        tls_client_ca_file=authority.ca_file,
        metrics_address="127.0.0.1:0",
    )
    server, expires = _fingerprint(tmp_path / "server.pem")
    ca, ca_expires = _fingerprint(authority.ca_file)
    page = await scrape(running.metrics_address)
    assert _certificates(page) == {("server", server): expires, ("client_ca", ca): ca_expires}


async def test_the_exported_fingerprint_follows_a_rotation(
    start: Start, authority: Authority, tmp_path: Path
) -> None:
    running = await _tls_server(start, authority, tmp_path, metrics_address="127.0.0.1:0")
    successor = Authority(tmp_path, "successor")
    _install(successor.issue("server", server=True), tmp_path)
    async with grpc.aio.secure_channel(running.address, _credentials(successor)) as channel:
        assert list((await _list(channel)).users) == []  # the handshake loads the new pair
    page = await scrape(running.metrics_address)
    assert list(_certificates(page)) == [("server", _fingerprint(tmp_path / "server.pem")[0])]
