"""A raw HTTP/2 client (the `h2` library) that misbehaves the way abusive peers do.

Each function runs blocking socket I/O and is bounded in frames and seconds;
tests run it in a thread while legitimate calls go on in the event loop.
"""

from __future__ import annotations

import select
import socket

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.settings

_PATH = "/roster.user.v1.UserService/ListUsers"


class Peer:
    """One plaintext HTTP/2 connection with prior knowledge, as gRPC uses it."""

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        host, _, port = address.rpartition(":")
        self.address = address
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.conn.initiate_connection()
        self.goaway: int | None = None
        self.acks = 0
        self.closed = False
        self.remote_settings: dict[int, int] = {}
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
                if isinstance(event, h2.events.ConnectionTerminated):
                    self.goaway = int(event.error_code or 0)
                elif isinstance(event, h2.events.PingAckReceived):
                    self.acks += 1
                elif isinstance(event, h2.events.RemoteSettingsChanged):
                    for key, change in event.changed_settings.items():
                        self.remote_settings[int(key)] = change.new_value
            self.flush()
            wait = 0

    def close(self) -> None:
        """Drop the connection."""
        self.sock.close()


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
