"""Telling a TLS mistake apart from an outage when a channel cannot connect.

gRPC reports both as UNAVAILABLE, worded for its own developers ("Socket closed",
"TSI_PROTOCOL_FAILURE"), and tools that wait for the connection turn them into a
deadline. A person needs to read "TLS" and what to change.
"""

from __future__ import annotations

import grpc

from roster_client.errors import RosterError, UnavailableError

# Substrings of grpc-core's connection errors, and what each means to a person.
_TLS_FAILURES = (
    ("WRONG_VERSION_NUMBER", "the server does not speak TLS (is it plaintext?)"),
    ("CERTIFICATE_VERIFY_FAILED", "the server's certificate is not signed by the trusted CA"),
    ("Hostname Verification", "the server's certificate is not for this host name"),
    ("CERTIFICATE_REQUIRED", "the server requires a client certificate (mutual TLS)"),
    ("Tls handshake failed", "the TLS handshake was refused"),
    ("Ssl handshake failed", "the TLS handshake was refused"),
)


class TlsHandshakeError(UnavailableError):
    """UNAVAILABLE because the TLS handshake failed: a configuration mistake, not an outage."""


def explain(error: RosterError, *, tls: bool) -> RosterError:
    """`error`, or a TlsHandshakeError saying what went wrong, for a failed connection."""
    if error.code != grpc.StatusCode.UNAVAILABLE:
        return error
    details = error.message
    for marker, meaning in _TLS_FAILURES:
        if marker in details:
            return _replace(error, f"TLS handshake failed: {meaning} ({details})")
    if not tls and "Socket closed" in details and "failed to connect" in details:
        hint = "the server closed the connection at once: if it uses TLS, pass tls=TlsConfig(...)"
        return _replace(error, f"TLS handshake failed? {hint} ({details})")
    return error


def _replace(error: RosterError, message: str) -> TlsHandshakeError:
    replaced = TlsHandshakeError(error.code, message)
    replaced.reason, replaced.domain, replaced.metadata = error.reason, error.domain, error.metadata
    return replaced
