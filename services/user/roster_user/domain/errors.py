"""The domain's error hierarchy; the gRPC boundary maps each class to a status code."""

from __future__ import annotations

import dataclasses
import enum


class Reason(enum.StrEnum):
    """Why a call failed; each matches an ErrorReason value of roster.user.v1 or v2."""

    INVALID_ARGUMENT = "ERROR_REASON_INVALID_ARGUMENT"
    UNDECODABLE_REQUEST = "ERROR_REASON_UNDECODABLE_REQUEST"
    INVALID_PAGE_TOKEN = "ERROR_REASON_INVALID_PAGE_TOKEN"
    INVALID_FILTER = "ERROR_REASON_INVALID_FILTER"
    USER_NOT_FOUND = "ERROR_REASON_USER_NOT_FOUND"
    USER_ALREADY_EXISTS = "ERROR_REASON_USER_ALREADY_EXISTS"
    EMAIL_ALREADY_IN_USE = "ERROR_REASON_EMAIL_ALREADY_IN_USE"
    ETAG_MISMATCH = "ERROR_REASON_ETAG_MISMATCH"
    USER_DELETED = "ERROR_REASON_USER_DELETED"
    REQUEST_ID_REUSED = "ERROR_REASON_REQUEST_ID_REUSED"
    REVISION_NOT_RETAINED = "ERROR_REASON_REVISION_NOT_RETAINED"
    WATCHER_TOO_SLOW = "ERROR_REASON_WATCHER_TOO_SLOW"
    TOO_MANY_REQUESTS = "ERROR_REASON_TOO_MANY_REQUESTS"
    STORE_UNAVAILABLE = "ERROR_REASON_STORE_UNAVAILABLE"
    SHUTTING_DOWN = "ERROR_REASON_SHUTTING_DOWN"
    INTERNAL = "ERROR_REASON_INTERNAL"
    UNAUTHENTICATED = "ERROR_REASON_UNAUTHENTICATED"
    PERMISSION_DENIED = "ERROR_REASON_PERMISSION_DENIED"
    DEADLINE_EXCEEDED = "ERROR_REASON_DEADLINE_EXCEEDED"
    USER_NOT_DELETED = "ERROR_REASON_USER_NOT_DELETED"
    REQUEST_ID_PURGED = "ERROR_REASON_REQUEST_ID_PURGED"
    # Declared by roster.user.v2 only: only its state transition methods raise it.
    STATE_TRANSITION_NOT_ALLOWED = "ERROR_REASON_STATE_TRANSITION_NOT_ALLOWED"


@dataclasses.dataclass(frozen=True, slots=True)
class FieldViolation:
    """One invalid field: its path in the request (e.g. `user.email`) and why."""

    field: str
    description: str


class DomainError(Exception):
    """Base of every error the service reports to callers on purpose."""

    default_reason = Reason.INVALID_ARGUMENT

    def __init__(
        self,
        message: str,
        *,
        reason: Reason | None = None,
        metadata: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.metadata = metadata or {}


class InvalidArgument(DomainError):
    """The request is malformed; `violations` names each bad field."""

    def __init__(
        self,
        violations: list[FieldViolation],
        *,
        reason: Reason = Reason.INVALID_ARGUMENT,
        message: str | None = None,
    ) -> None:
        summary = message or "; ".join(f"{v.field}: {v.description}" for v in violations)
        super().__init__(summary, reason=reason)
        self.violations = violations

    @classmethod
    def of(
        cls, field: str, description: str, reason: Reason = Reason.INVALID_ARGUMENT
    ) -> InvalidArgument:
        """A single-field violation."""
        return cls([FieldViolation(field, description)], reason=reason)


class ResourceError(DomainError):
    """An error about one named resource."""

    def __init__(self, message: str, *, resource_name: str, reason: Reason | None = None) -> None:
        super().__init__(message, reason=reason)
        self.resource_name = resource_name


class NotFound(ResourceError):
    """The named user does not exist."""

    default_reason = Reason.USER_NOT_FOUND


class AlreadyExists(ResourceError):
    """The user, or another user's email, is already there."""

    default_reason = Reason.USER_ALREADY_EXISTS


class EtagMismatch(DomainError):
    """The caller's etag is stale: someone changed the user since it was read."""

    default_reason = Reason.ETAG_MISMATCH


class FailedPrecondition(DomainError):
    """The user is not in a state that allows the operation."""

    default_reason = Reason.USER_DELETED


class OutOfRange(DomainError):
    """A position (such as a watch revision) lies outside what the service retains."""

    default_reason = Reason.REVISION_NOT_RETAINED


class ResourceExhausted(DomainError):
    """A limit was reached; the caller should back off, `retry_delay` seconds when given."""

    default_reason = Reason.TOO_MANY_REQUESTS

    def __init__(
        self,
        message: str,
        *,
        reason: Reason | None = None,
        metadata: dict[str, str] | None = None,
        retry_delay: float | None = None,
    ) -> None:
        super().__init__(message, reason=reason, metadata=metadata)
        self.retry_delay = retry_delay


class Unavailable(DomainError):
    """The service cannot serve now (store down, shutting down); retrying may succeed."""

    default_reason = Reason.STORE_UNAVAILABLE


# The errors below are raised from several places (the directory and both
# stores); each message, reason and resource name is said once, here, so the
# backends cannot drift apart in what callers see.


def user_not_found(name: str) -> NotFound:
    """NOT_FOUND for the user named `name` (`users/{user}`)."""
    return NotFound(f"{name} does not exist", resource_name=name)


def user_exists(name: str) -> AlreadyExists:
    """ALREADY_EXISTS for a create whose user id is taken."""
    return AlreadyExists(f"{name} already exists", resource_name=name)


def email_in_use(name: str) -> AlreadyExists:
    """ALREADY_EXISTS for user `name` whose email (compared by email_key) another user has."""
    return AlreadyExists(
        "another user has this email", resource_name=name, reason=Reason.EMAIL_ALREADY_IN_USE
    )


def request_id_reused() -> InvalidArgument:
    """INVALID_ARGUMENT for a request id already used by a request with other content."""
    return InvalidArgument.of(
        "request_id", "was already used for a different request", Reason.REQUEST_ID_REUSED
    )


def store_unavailable() -> Unavailable:
    """UNAVAILABLE for a store failure; the cause goes to the log, never to the caller."""
    return Unavailable("the user store is unavailable; retry later")


def too_complex_for_store() -> InvalidArgument:
    """INVALID_ARGUMENT for a request the store refuses as beyond its limits, every time alike."""
    return InvalidArgument.of(
        "request", "is too complex for the user store; stay within the limits the contract states"
    )


def schema_not_current(version: object, expected: int) -> Unavailable:
    """UNAVAILABLE while the database's schema is not the version this code expects."""
    return Unavailable(f"database schema is at version {version}, expected {expected}")
