"""Assertions about the google.rpc details of failed calls."""

from __future__ import annotations

import grpc

from roster_client import RosterError

FORBIDDEN_IN_MESSAGES = (
    "Traceback",
    "SELECT",
    "INSERT",
    "UPDATE users",
    "sqlite",
    'File "',
    ".py",
    "/tmp/",
)


def assert_error(
    error: RosterError,
    code: grpc.StatusCode,
    reason: str,
    *,
    field: str | None = None,
    resource: str | None = None,
) -> None:
    """The error has this code and ErrorInfo reason, and names the field or resource if given."""
    assert error.code == code, f"expected {code.name}, got {error.code.name}: {error.message}"
    assert error.reason == f"ERROR_REASON_{reason}", error.reason
    assert error.domain == "user.roster.dev"
    if field is not None:
        fields = [violation.field for violation in error.field_violations]
        assert field in fields, f"{field} not among violations {fields}"
    if resource is not None:
        assert error.resource_info is not None and error.resource_info.resource_name == resource
    assert_clean(error.message)


def assert_internal(error: RosterError) -> str:
    """An unexpected failure: INTERNAL whose message is the generic text naming its correlation id."""
    assert_error(error, grpc.StatusCode.INTERNAL, "INTERNAL")
    correlation_id = error.metadata["correlation_id"]
    generic = f"internal error; quote correlation_id {correlation_id} when reporting it"
    assert error.message == generic, error.message
    return correlation_id


def assert_clean(message: str) -> None:
    """No internals (stack traces, SQL, file paths) in a message sent to a client."""
    for marker in FORBIDDEN_IN_MESSAGES:
        assert marker not in message, f"{marker!r} leaked in {message!r}"
