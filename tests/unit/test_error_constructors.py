"""The named error constructors keep the messages, reasons and resource names callers see."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from roster_user.domain.errors import (
    DomainError,
    InvalidArgument,
    NotFound,
    Reason,
    ResourceError,
    ResourceExhausted,
    Unavailable,
    email_in_use,
    request_id_reused,
    schema_not_current,
    store_unavailable,
    too_complex_for_store,
    user_exists,
    user_not_found,
)

CASES = [
    (
        lambda: user_not_found("users/ann"),
        NotFound,
        "users/ann does not exist",
        Reason.USER_NOT_FOUND,
    ),
    (
        lambda: user_exists("users/ann"),
        ResourceError,
        "users/ann already exists",
        Reason.USER_ALREADY_EXISTS,
    ),
    (
        lambda: email_in_use("users/ann"),
        ResourceError,
        "another user has this email",
        Reason.EMAIL_ALREADY_IN_USE,
    ),
    (
        lambda: request_id_reused(),
        InvalidArgument,
        "request_id: was already used for a different request",
        Reason.REQUEST_ID_REUSED,
    ),
    (
        lambda: store_unavailable(),
        Unavailable,
        "the user store is unavailable; retry later",
        Reason.STORE_UNAVAILABLE,
    ),
    (
        lambda: schema_not_current(2, 3),
        Unavailable,
        "database schema is at version 2, expected 3",
        Reason.STORE_UNAVAILABLE,
    ),
    (
        lambda: too_complex_for_store(),
        InvalidArgument,
        "request: is too complex for the user store; stay within the limits the contract states",
        Reason.INVALID_ARGUMENT,
    ),
]


# Each case builds its error inside the test (not at import), so that a mutation
# run, which switches the code under test per test, sees the constructor called.
@pytest.mark.parametrize(("build", "kind", "message", "reason"), CASES)
def test_each_constructor_builds_its_error_with_the_message_and_reason_callers_know(
    build: Callable[[], DomainError], kind: type[DomainError], message: str, reason: Reason
) -> None:
    error = build()
    assert isinstance(error, kind)
    assert str(error) == message
    assert (error.message, error.reason, error.metadata) == (message, reason, {})


@pytest.mark.parametrize("build", [user_not_found, user_exists, email_in_use])
def test_user_errors_name_the_given_user_as_their_resource(
    build: Callable[[str], ResourceError],
) -> None:
    assert build("users/bob").resource_name == "users/bob"


def test_a_reused_request_id_names_the_request_id_field() -> None:
    assert [(v.field, v.description) for v in request_id_reused().violations] == [
        ("request_id", "was already used for a different request")
    ]


def test_a_request_too_complex_for_the_store_names_the_whole_request() -> None:
    assert [(v.field, v.description) for v in too_complex_for_store().violations] == [
        ("request", "is too complex for the user store; stay within the limits the contract states")
    ]


def test_a_retry_delay_is_kept_for_the_boundary_to_report() -> None:
    assert ResourceExhausted("m", retry_delay=0.25).retry_delay == 0.25
    assert ResourceExhausted("m").retry_delay is None
