"""Typed exceptions carrying the google.rpc details the service sends with every error."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


class RosterError(Exception):
    """A failed call: its status code, message and decoded google.rpc details."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.reason = ""
        self.domain = ""
        self.metadata: dict[str, str] = {}
        self.field_violations: list[error_details_pb2.BadRequest.FieldViolation] = []
        self.resource_info: error_details_pb2.ResourceInfo | None = None


class InvalidArgumentError(RosterError):
    """INVALID_ARGUMENT: see field_violations."""


class NotFoundError(RosterError):
    """NOT_FOUND: see resource_info."""


class AlreadyExistsError(RosterError):
    """ALREADY_EXISTS: the user id or the email is taken, or the user is not deleted."""


class AbortedError(RosterError):
    """ABORTED: the etag was stale; read again and retry."""


class FailedPreconditionError(RosterError):
    """FAILED_PRECONDITION: the user is deleted."""


class OutOfRangeError(RosterError):
    """OUT_OF_RANGE: the watch revision is no longer retained; list again."""


class RelistRequiredError(OutOfRangeError):
    """OUT_OF_RANGE REVISION_NOT_RETAINED: list again, then watch from the list's revision."""


class ResourceExhaustedError(RosterError):
    """RESOURCE_EXHAUSTED: a server limit was hit; back off."""


class UnauthenticatedError(RosterError):
    """UNAUTHENTICATED: no token, or the token is not valid (or expired); get a fresh one."""


class PermissionDeniedError(RosterError):
    """PERMISSION_DENIED: the token lacks the scope; metadata["required_scope"] names it."""


class DeadlineExceededError(RosterError):
    """DEADLINE_EXCEEDED: the call's deadline, or the server's ceiling, passed."""


class UnavailableError(RosterError):
    """UNAVAILABLE (after the retry policy gave up)."""


_REVISION_NOT_RETAINED = "ERROR_REASON_REVISION_NOT_RETAINED"
_BY_CODE: dict[grpc.StatusCode, type[RosterError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.ABORTED: AbortedError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRangeError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
}


def from_rpc_error(error: grpc.aio.AioRpcError) -> RosterError:
    """The typed exception for a failed call, with its details decoded."""
    code = error.code()
    details = RosterError(code, error.details() or "")
    _decode_details(details, error)
    kind = _BY_CODE.get(code, RosterError)
    if kind is OutOfRangeError and details.reason == _REVISION_NOT_RETAINED:
        kind = RelistRequiredError
    result = kind(code, details.message)
    vars(result).update(vars(details))
    return result


def _decode_details(result: RosterError, error: grpc.aio.AioRpcError) -> None:
    """Copy ErrorInfo, BadRequest and ResourceInfo from the status details into `result`."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    for detail in status.details if status is not None else ():
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            result.reason, result.domain, result.metadata = (
                info.reason,
                info.domain,
                dict(info.metadata),
            )
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            result.field_violations = list(bad.field_violations)
        elif detail.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
            result.resource_info = error_details_pb2.ResourceInfo()
            detail.Unpack(result.resource_info)
