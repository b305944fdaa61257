"""The one table from domain (and the pipeline's call) errors to gRPC status codes and details."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from roster.user.v1 import error_reason_pb2
from roster.user.v2 import error_reason_pb2 as error_reason_v2_pb2
from roster_user.domain.errors import (
    AlreadyExists,
    DomainError,
    EtagMismatch,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    OutOfRange,
    Reason,
    ResourceError,
    ResourceExhausted,
    Unavailable,
)
from roster_user.pipeline.errors import DeadlineExceeded, PermissionDenied, Unauthenticated

DOMAIN = "user.roster.dev"
USER_RESOURCE_TYPE = "roster.dev/User"

STATUS_CODES: dict[type[DomainError], grpc.StatusCode] = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    EtagMismatch: grpc.StatusCode.ABORTED,
    FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    OutOfRange: grpc.StatusCode.OUT_OF_RANGE,
    ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    Unavailable: grpc.StatusCode.UNAVAILABLE,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    DeadlineExceeded: grpc.StatusCode.DEADLINE_EXCEEDED,
}


def _packed(message: object) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)  # type: ignore[arg-type]
    return packed


def error_info(reason: Reason, metadata: dict[str, str]) -> error_details_pb2.ErrorInfo:
    """The ErrorInfo every error carries; `reason` names an ErrorReason value."""
    return error_details_pb2.ErrorInfo(reason=reason.value, domain=DOMAIN, metadata=metadata)


def to_status(error: DomainError) -> grpc.Status:
    """The status, with details, that reports `error` to the caller."""
    code = STATUS_CODES[type(error)]
    details = [_packed(error_info(error.reason, error.metadata))]
    if isinstance(error, InvalidArgument):
        violations = [
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
            for v in error.violations
        ]
        details.append(_packed(error_details_pb2.BadRequest(field_violations=violations)))
    if isinstance(error, ResourceExhausted) and error.retry_delay is not None:
        delay = duration_pb2.Duration()
        delay.FromNanoseconds(int(error.retry_delay * 1e9))
        details.append(_packed(error_details_pb2.RetryInfo(retry_delay=delay)))
    if isinstance(error, ResourceError) and error.resource_name:
        info = error_details_pb2.ResourceInfo(
            resource_type=USER_RESOURCE_TYPE,
            resource_name=error.resource_name,
            description=error.message,
        )
        details.append(_packed(info))
    return _status(code, error.message, details)


def internal_status(correlation_id: str) -> grpc.Status:
    """A generic INTERNAL status naming only the correlation id logged with the cause."""
    message = f"internal error; quote correlation_id {correlation_id} when reporting it"
    info = error_info(Reason.INTERNAL, {"correlation_id": correlation_id})
    return _status(grpc.StatusCode.INTERNAL, message, [_packed(info)])


def _status(code: grpc.StatusCode, message: str, details: list[any_pb2.Any]) -> grpc.Status:
    status = status_pb2.Status(code=getattr(code_pb2, code.name), message=message, details=details)
    converted: grpc.Status = rpc_status.to_status(status)
    return converted


def undeclared_reasons() -> set[str]:
    """Domain reasons missing from both contracts' ErrorReason enums (must be empty)."""
    declared = set(error_reason_pb2.ErrorReason.keys()) | set(
        error_reason_v2_pb2.ErrorReason.keys()
    )
    return {reason.value for reason in Reason} - declared
