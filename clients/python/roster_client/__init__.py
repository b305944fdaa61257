"""Roster's typed async Python client for roster.user.v1.UserService."""

from typing import TYPE_CHECKING, Any

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
    RelistRequiredError,
    ResourceExhaustedError,
    RosterError,
    UnauthenticatedError,
    UnavailableError,
)
from roster_client.handshake import TlsHandshakeError
from roster_client.policy import SERVICE_CONFIG_JSON
from roster_client.resuming import ResumingWatch
from roster_client.tls import TlsConfig

if TYPE_CHECKING:
    from roster_client.tracing import tracing_interceptors

__all__ = [
    "SERVICE_CONFIG_JSON",
    "AbortedError",
    "AlreadyExistsError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "InvalidArgumentError",
    "NotFoundError",
    "OutOfRangeError",
    "PermissionDeniedError",
    "RelistRequiredError",
    "ResourceExhaustedError",
    "ResumingWatch",
    "RosterError",
    "TlsConfig",
    "TlsHandshakeError",
    "UnauthenticatedError",
    "UnavailableError",
    "UserClient",
    "tracing_interceptors",
]


def __getattr__(name: str) -> Any:
    """Import tracing only when asked for: it needs the optional `tracing` extra."""
    if name == "tracing_interceptors":
        from roster_client.tracing import tracing_interceptors

        return tracing_interceptors
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
