"""The one error -> status table: each error's code, reason and details, exactly."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import any_pb2, duration_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2

from roster_user.api import errors
from roster_user.domain.errors import (
    AlreadyExists,
    DomainError,
    EtagMismatch,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    OutOfRange,
    Reason,
    ResourceExhausted,
    Unavailable,
)
from roster_user.pipeline.errors import DeadlineExceeded, PermissionDenied, Unauthenticated

CODES = [
    (InvalidArgument([]), grpc.StatusCode.INVALID_ARGUMENT, Reason.INVALID_ARGUMENT),
    (NotFound("m", resource_name="users/a"), grpc.StatusCode.NOT_FOUND, Reason.USER_NOT_FOUND),
    (
        AlreadyExists("m", resource_name="users/a"),
        grpc.StatusCode.ALREADY_EXISTS,
        Reason.USER_ALREADY_EXISTS,
    ),
    (EtagMismatch("m"), grpc.StatusCode.ABORTED, Reason.ETAG_MISMATCH),
    (FailedPrecondition("m"), grpc.StatusCode.FAILED_PRECONDITION, Reason.USER_DELETED),
    (OutOfRange("m"), grpc.StatusCode.OUT_OF_RANGE, Reason.REVISION_NOT_RETAINED),
    (ResourceExhausted("m"), grpc.StatusCode.RESOURCE_EXHAUSTED, Reason.TOO_MANY_REQUESTS),
    (Unavailable("m"), grpc.StatusCode.UNAVAILABLE, Reason.STORE_UNAVAILABLE),
    (Unauthenticated("m"), grpc.StatusCode.UNAUTHENTICATED, Reason.UNAUTHENTICATED),
    (PermissionDenied("m"), grpc.StatusCode.PERMISSION_DENIED, Reason.PERMISSION_DENIED),
    (DeadlineExceeded("m"), grpc.StatusCode.DEADLINE_EXCEEDED, Reason.DEADLINE_EXCEEDED),
]


def decoded(status: grpc.Status) -> status_pb2.Status:
    """The google.rpc.Status a grpc.Status carries in its trailers."""
    [(key, value)] = status.trailing_metadata
    assert key == "grpc-status-details-bin" and isinstance(value, bytes)
    return status_pb2.Status.FromString(value)


def unpacked(status: status_pb2.Status) -> list[object]:
    """The status's details, unpacked in order."""
    kinds: list[type[Message]] = [
        error_details_pb2.ErrorInfo,
        error_details_pb2.BadRequest,
        error_details_pb2.ResourceInfo,
        error_details_pb2.RetryInfo,
    ]
    found: list[object] = []
    for detail in status.details:
        [kind] = [k for k in kinds if detail.TypeName() == k.DESCRIPTOR.full_name]
        message = kind()
        assert detail.Unpack(message)
        found.append(message)
    return found


@pytest.mark.parametrize(
    ("error", "code", "reason"), CODES, ids=[type(case[0]).__name__ for case in CODES]
)
def test_each_error_class_has_its_code_and_default_reason(
    error: DomainError, code: grpc.StatusCode, reason: Reason
) -> None:
    status = errors.to_status(error)
    assert status.code == code
    proto = decoded(status)
    assert proto.code == getattr(code_pb2, code.name)
    info = unpacked(proto)[0]
    assert info == error_details_pb2.ErrorInfo(
        reason=reason.value, domain="user.roster.dev", metadata={}
    )


def test_the_table_covers_every_error_class_exactly() -> None:
    assert set(errors.STATUS_CODES) == {type(case[0]) for case in CODES}


def test_invalid_argument_lists_every_field_violation_in_order() -> None:
    error = InvalidArgument(
        [FieldViolation("user.email", "is required"), FieldViolation("user_id", "bad")],
        reason=Reason.INVALID_FILTER,
    )
    proto = decoded(errors.to_status(error))
    assert proto.message == "user.email: is required; user_id: bad"
    info, bad_request = unpacked(proto)
    assert info == errors.error_info(Reason.INVALID_FILTER, {})
    assert bad_request == error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(
                field="user.email", description="is required"
            ),
            error_details_pb2.BadRequest.FieldViolation(field="user_id", description="bad"),
        ]
    )


def test_a_resource_error_names_the_user_and_carries_its_message() -> None:
    error = NotFound("users/ann does not exist", resource_name="users/ann")
    proto = decoded(errors.to_status(error))
    assert proto.message == "users/ann does not exist"
    _, resource = unpacked(proto)
    assert resource == error_details_pb2.ResourceInfo(
        resource_type="roster.dev/User",
        resource_name="users/ann",
        description="users/ann does not exist",
    )


def test_a_resource_error_without_a_name_has_no_resource_info() -> None:
    proto = decoded(errors.to_status(NotFound("gone", resource_name="")))
    assert [type(d).__name__ for d in unpacked(proto)] == ["ErrorInfo"]


def test_metadata_and_an_explicit_reason_reach_the_error_info() -> None:
    error = OutOfRange("old", reason=Reason.REVISION_NOT_RETAINED, metadata={"oldest": "7"})
    [info] = unpacked(decoded(errors.to_status(error)))
    assert info == errors.error_info(Reason.REVISION_NOT_RETAINED, {"oldest": "7"})
    assert info.metadata["oldest"] == "7"  # type: ignore[attr-defined]


def test_internal_status_names_only_the_correlation_id() -> None:
    status = errors.internal_status("abc123")
    assert status.code == grpc.StatusCode.INTERNAL
    proto = decoded(status)
    assert proto.code == code_pb2.INTERNAL
    assert proto.message == "internal error; quote correlation_id abc123 when reporting it"
    assert status.details == proto.message
    assert unpacked(proto) == [
        error_details_pb2.ErrorInfo(
            reason="ERROR_REASON_INTERNAL",
            domain="user.roster.dev",
            metadata={"correlation_id": "abc123"},
        )
    ]


def test_the_error_info_is_packed_first_and_whole() -> None:
    status = errors.to_status(EtagMismatch("stale"))
    assert status.details == "stale"
    packed = any_pb2.Any()
    packed.Pack(errors.error_info(Reason.ETAG_MISMATCH, {}))
    assert decoded(status).details[0] == packed


def test_a_retry_delay_becomes_retry_info_to_the_nanosecond() -> None:
    error = ResourceExhausted("slow down", retry_delay=1.5)
    assert unpacked(decoded(errors.to_status(error))) == [
        errors.error_info(Reason.TOO_MANY_REQUESTS, {}),
        error_details_pb2.RetryInfo(
            retry_delay=duration_pb2.Duration(seconds=1, nanos=500_000_000)
        ),
    ]


def test_a_retry_delay_of_zero_still_tells_the_caller_to_retry_now() -> None:
    [_, retry] = unpacked(decoded(errors.to_status(ResourceExhausted("m", retry_delay=0.0))))
    assert retry == error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration())


def test_without_a_retry_delay_there_is_no_retry_info() -> None:
    proto = decoded(errors.to_status(ResourceExhausted("m")))
    assert [type(d).__name__ for d in unpacked(proto)] == ["ErrorInfo"]


def test_every_domain_reason_is_declared_in_the_contract() -> None:
    assert errors.undeclared_reasons() == set()
