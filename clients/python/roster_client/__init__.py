"""Roster's typed async Python client for roster.user.v1.UserService."""

from roster_client.client import UserClient
from roster_client.errors import (
    AbortedError,
    AlreadyExistsError,
    DeadlineExceededError,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    OutOfRangeError,
    PermissionDeniedError,
    ResourceExhaustedError,
    RosterError,
    UnauthenticatedError,
    UnavailableError,
)
from roster_client.handshake import TlsHandshakeError
from roster_client.tls import TlsConfig
from roster_client.tracing import tracing_interceptors

__all__ = [
    "AbortedError",
    "AlreadyExistsError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "InvalidArgumentError",
    "NotFoundError",
    "OutOfRangeError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "RosterError",
    "TlsConfig",
    "TlsHandshakeError",
    "UnauthenticatedError",
    "UnavailableError",
    "UserClient",
    "tracing_interceptors",
]
