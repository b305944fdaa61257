"""Validation rules for user fields, names and identifiers (AIP-122, AIP-155)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

from roster_user.domain.errors import FailedPrecondition, FieldViolation, InvalidArgument, Reason
from roster_user.domain.model import NAME_PREFIX, State, User, UserFields

USER_ID = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
LABEL_KEY = re.compile(r"[a-z][a-z0-9_-]{0,62}")
# Server-generated ids are UUIDs, which may start with a digit; AIP-122 lets
# the service choose its own format for ids it assigns.
GENERATED_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EMAIL_MAX = 254
DISPLAY_NAME_MAX = 200
EXTERNAL_ID_MAX = 128
LABELS_MAX = 64
LABEL_VALUE_MAX = 63
STATE_REASON_MAX = 200


def email_key(email: str) -> str:
    """The form in which emails are compared: unique ignoring case."""
    return email.casefold()


# Exactly the code points of Unicode categories Cc (controls) and Cs (surrogates);
# one regex search instead of a category lookup per character.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def user_id_from_name(name: str, field: str = "name") -> str:
    """The `{user}` part of `users/{user}`, or InvalidArgument naming `field`."""
    user_id = name.removeprefix(NAME_PREFIX)
    if not name.startswith(NAME_PREFIX) or not (
        USER_ID.fullmatch(user_id) or GENERATED_ID.fullmatch(user_id)
    ):
        raise InvalidArgument.of(field, "must be a user name of the form users/{user}")
    return user_id


def check_user_id(user_id: str) -> list[FieldViolation]:
    """Violations of AIP-122 for a client-chosen user id."""
    if USER_ID.fullmatch(user_id):
        return []
    return [
        FieldViolation(
            "user_id",
            "must be 1-63 lowercase letters, digits or hyphens, start with a letter "
            "and not end with a hyphen",
        )
    ]


def check_request_id(request_id: str) -> list[FieldViolation]:
    """Violations for an AIP-155 request id, which must be a UUID."""
    try:
        uuid.UUID(request_id)
    except ValueError:
        return [FieldViolation("request_id", "must be a UUID")]
    return []


def check_email(email: str, field: str) -> list[FieldViolation]:
    """Violations for an email address: required, one @, no spaces, bounded length."""
    if not email:
        return [FieldViolation(field, "is required")]
    local, at, domain = email.rpartition("@")
    if (
        len(email) > EMAIL_MAX
        or not at
        or not local
        or "." not in domain
        or domain.startswith(".")
        or domain.endswith(".")
        or any(ch.isspace() for ch in email)
        or _has_control(email)
    ):
        return [FieldViolation(field, "must be an email address such as ann@example.com")]
    return []


def check_display_name(display_name: str, field: str) -> list[FieldViolation]:
    """Violations for a display name: at most 200 characters, no control characters."""
    if len(display_name) > DISPLAY_NAME_MAX:
        return [FieldViolation(field, f"must be at most {DISPLAY_NAME_MAX} characters")]
    if _has_control(display_name):
        return [FieldViolation(field, "must not contain control characters")]
    return []


def check_state(state: int, field: str) -> list[FieldViolation]:
    """Violations for a state number: it must be one the contract defines."""
    if state not in State.__members__.values():
        return [FieldViolation(field, "must be STATE_ACTIVE or STATE_SUSPENDED")]
    return []


def check_labels(labels: Mapping[str, str], field: str) -> list[FieldViolation]:
    """Violations for labels: bounded count, key syntax and value length."""
    found: list[FieldViolation] = []
    if len(labels) > LABELS_MAX:
        found.append(FieldViolation(field, f"must have at most {LABELS_MAX} entries"))
    for key, value in sorted(labels.items()):
        if not LABEL_KEY.fullmatch(key):
            found.append(
                FieldViolation(f"{field}[{key!r}]", "key must match [a-z][a-z0-9_-]{0,62}")
            )
        elif len(value) > LABEL_VALUE_MAX or _has_control(value):
            found.append(
                FieldViolation(
                    f"{field}[{key!r}]",
                    f"value must be at most {LABEL_VALUE_MAX} characters without control characters",
                )
            )
    return found


def check_external_id(external_id: str, field: str) -> list[FieldViolation]:
    """Violations for an external id: bounded length, no control characters."""
    if len(external_id) > EXTERNAL_ID_MAX or _has_control(external_id):
        return [
            FieldViolation(
                field, f"must be at most {EXTERNAL_ID_MAX} characters without control characters"
            )
        ]
    return []


def check_state_reason(reason: str, field: str) -> list[FieldViolation]:
    """Violations for a state transition's reason: bounded length, no control characters."""
    if len(reason) > STATE_REASON_MAX or _has_control(reason):
        return [
            FieldViolation(
                field, f"must be at most {STATE_REASON_MAX} characters without control characters"
            )
        ]
    return []


# The one state a user must be in for each transition method to apply.
_TRANSITION_FROM = {State.SUSPENDED: State.ACTIVE, State.ACTIVE: State.SUSPENDED}


def check_transition(current: User, to: State) -> None:
    """Refuse a transition to `to` unless the user is in the state it starts from."""
    if current.state is not _TRANSITION_FROM[to]:
        raise FailedPrecondition(
            f"{current.name} is {current.state.name.lower()}, "
            f"not {_TRANSITION_FROM[to].name.lower()}",
            reason=Reason.STATE_TRANSITION_NOT_ALLOWED,
        )


def check_fields(fields: UserFields, prefix: str, paths: frozenset[str]) -> list[FieldViolation]:
    """Violations among the given paths of a user's writable fields."""
    checks = {
        "email": lambda: check_email(fields.email, f"{prefix}.email"),
        "display_name": lambda: check_display_name(fields.display_name, f"{prefix}.display_name"),
        "state": lambda: check_state(fields.state, f"{prefix}.state"),
        "labels": lambda: check_labels(fields.labels, f"{prefix}.labels"),
        "external_id": lambda: check_external_id(fields.external_id, f"{prefix}.external_id"),
    }
    return [v for path in sorted(paths) for v in checks[path]()]
