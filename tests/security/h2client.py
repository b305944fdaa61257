"""A raw HTTP/2 client (the `h2` library) that misbehaves the way abusive peers do.

Each function runs blocking socket I/O and is bounded in frames and seconds;
tests run it in a thread while legitimate calls go on in the event loop.
"""

from __future__ import annotations

import dataclasses
import select
import socket
import ssl
import time
from typing import Any

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.settings
import hpack

_PATH = "/roster.user.v1.UserService/ListUsers"


class Peer:
    """One HTTP/2 connection with prior knowledge (or TLS with ALPN h2), as gRPC uses it."""

    def __init__(
        self, address: str, timeout: float = 10.0, tls: ssl.SSLContext | None = None
    ) -> None:
        host, _, port = address.rpartition(":")
        self.address = address
        raw = socket.create_connection((host, int(port)), timeout=timeout)
        self.sock = raw if tls is None else tls.wrap_socket(raw, server_hostname=host)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.conn.encoder = _LiteralEncoder()
        self.conn.initiate_connection()
        self.goaway: int | None = None
        self.acks = 0
        self.closed = False
        self.acked_settings = False  # whether h2 has acknowledged the server's SETTINGS
        self.remote_settings: dict[int, int] = {}
        self.headers: dict[int, dict[str, str]] = {}  # response headers and trailers
        self.resets: dict[int, int] = {}
        self.ended: set[int] = set()
        self.flush()

    def flush(self) -> None:
        """Send what h2 has queued; a peer the server hung up on stops sending."""
        data = self.conn.data_to_send()
        if data and not self.closed:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True

    def pump(self, wait: float) -> None:
        """Read and process whatever arrives within `wait` seconds."""
        while not self.closed:
            readable, _, _ = select.select([self.sock], [], [], wait)
            if not readable:
                return
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.closed = True
                return
            for event in self.conn.receive_data(data):
                self._record(event)
            self.flush()
            wait = 0

    def _record(self, event: h2.events.Event) -> None:
        if isinstance(event, h2.events.ConnectionTerminated):
            self.goaway = int(event.error_code or 0)
        elif isinstance(event, h2.events.PingAckReceived):
            self.acks += 1
        elif isinstance(event, h2.events.RemoteSettingsChanged):
            self.acked_settings = True  # h2 acknowledges on receipt
            for key, change in event.changed_settings.items():
                self.remote_settings[int(key)] = change.new_value
        elif isinstance(event, h2.events.ResponseReceived | h2.events.TrailersReceived):
            fields = self.headers.setdefault(event.stream_id or 0, {})
            for name, value in event.headers or ():
                fields[_text(name)] = _text(value)
        elif isinstance(event, h2.events.StreamReset):
            self.resets[event.stream_id or 0] = int(event.error_code or 0)
            self.ended.add(event.stream_id or 0)
        elif isinstance(event, h2.events.StreamEnded):
            self.ended.add(event.stream_id or 0)
        elif isinstance(event, h2.events.DataReceived):
            self.conn.acknowledge_received_data(
                event.flow_controlled_length or 0, event.stream_id or 0
            )

    def close(self) -> None:
        """Drop the connection."""
        self.sock.close()


class _LiteralEncoder(hpack.Encoder):
    """HPACK without Huffman coding: pure-Python Huffman takes half a minute on 400 KB."""

    def encode(self, headers: Any, huffman: bool = True) -> bytes:
        """The header block, every string literal (still valid HPACK, just larger)."""
        return super().encode(headers, huffman=False)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def advertised_max_streams(address: str) -> int | None:
    """The SETTINGS_MAX_CONCURRENT_STREAMS the server announces."""
    peer = Peer(address)
    try:
        for _ in range(20):
            peer.pump(0.5)
            if h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS in peer.remote_settings:
                break
        return peer.remote_settings.get(h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS)
    finally:
        peer.close()


def ping_flood(address: str, pings: int) -> int | None:
    """Send up to `pings` PINGs as fast as they are answered; the GOAWAY code that ends it.

    Each ping waits for its ACK (or the GOAWAY) before the next, so the GOAWAY is
    read before the server resets the connection on further pings.
    """
    peer = Peer(address)
    try:
        for number in range(pings):
            if peer.closed or peer.goaway is not None:
                break
            peer.conn.ping(number.to_bytes(8, "big"))
            peer.flush()
            for _ in range(20):
                if peer.acks > number or peer.closed or peer.goaway is not None:
                    break
                peer.pump(0.5)
        return peer.goaway
    finally:
        peer.close()


def rapid_reset(address: str, streams: int) -> int:
    """Open `streams` calls and cancel each at once (CVE-2023-44487); how many were sent."""
    peer = Peer(address)
    sent = 0
    headers = [
        (":method", "POST"),
        (":scheme", "http"),
        (":path", _PATH),
        (":authority", address),
        ("content-type", "application/grpc"),
        ("te", "trailers"),
    ]
    try:
        while sent < streams and not peer.closed and peer.goaway is None:
            stream_id = peer.conn.get_next_available_stream_id()
            peer.conn.send_headers(stream_id, headers)
            peer.conn.reset_stream(stream_id, h2.errors.ErrorCodes.CANCEL)
            sent += 1
            if sent % 50 == 0:
                peer.flush()
                peer.pump(0)
        peer.flush()
        return sent
    finally:
        peer.close()


@dataclasses.dataclass(frozen=True, slots=True)
class Answer:
    """What the server said to one raw call: the gRPC status, or how the stream ended."""

    grpc_status: int | None  # None: no grpc-status came (stream reset or connection gone)
    grpc_message: str
    reset_code: int | None  # RST_STREAM code, when the stream was reset
    settings_acked_before_request: bool


def call_before_settings_ack(
    address: str,
    path: str,
    metadata: list[tuple[str, str]],
    *,
    tls: ssl.SSLContext | None = None,
    timeout: float = 10.0,
) -> Answer:
    """One unary call sent right after the preface, before the server's SETTINGS is read.

    The request (headers with `metadata`, an empty message, END_STREAM) leaves
    before anything from the server is processed, so the server's SETTINGS, and
    its header list size with them, is not yet acknowledged when it arrives.
    """
    peer = Peer(address, timeout=timeout, tls=tls)
    try:
        stream_id = peer.conn.get_next_available_stream_id()
        scheme = "https" if tls is not None else "http"
        headers = [
            (":method", "POST"),
            (":scheme", scheme),
            (":path", path),
            (":authority", address),
            ("content-type", "application/grpc"),
            ("te", "trailers"),
            *metadata,
        ]
        peer.conn.send_headers(stream_id, headers)
        peer.conn.send_data(stream_id, b"\x00\x00\x00\x00\x00", end_stream=True)
        acked_before = peer.acked_settings
        peer.flush()
        return _answer(peer, stream_id, timeout, acked_before)
    finally:
        peer.close()


def _answer(peer: Peer, stream_id: int, timeout: float, acked_before: bool) -> Answer:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not peer.closed:
        peer.pump(0.2)
        if stream_id in peer.ended:
            break
    headers = peer.headers.get(stream_id, {})
    status = headers.get("grpc-status")
    return Answer(
        grpc_status=int(status) if status is not None else None,
        grpc_message=headers.get("grpc-message", ""),
        reset_code=peer.resets.get(stream_id),
        settings_acked_before_request=acked_before,
    )
