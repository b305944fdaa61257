"""Who is calling: the verified identity of the current call, visible to logs."""

from __future__ import annotations

import contextvars
import dataclasses

# Set for the duration of an authenticated handler; the JSON log formatter
# reads it so every line logged while serving a call names its caller.
SUBJECT: contextvars.ContextVar[str | None] = contextvars.ContextVar("subject", default=None)
# The scopes of the call being served, for handlers whose requests need more than
# the method's scope (a forced purge); None when authentication is off.
SCOPES: contextvars.ContextVar[frozenset[str] | None] = contextvars.ContextVar(
    "scopes", default=None
)
# A subject is the caller's to choose (within a valid token): logs keep a bounded prefix.
MAX_LOGGED_SUBJECT = 128


def loggable(subject: str) -> str:
    """`subject` as logs show it: at most MAX_LOGGED_SUBJECT characters, marked when cut."""
    if len(subject) <= MAX_LOGGED_SUBJECT:
        return subject
    return subject[:MAX_LOGGED_SUBJECT] + "...(cut)"


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller: the token's `sub`, its scopes, when the token expires (epoch s).

    `key` is the fingerprint of the key that signed the token: a stream lasts only
    while that key is still trusted.
    """

    subject: str
    scopes: frozenset[str]
    expires_at: float
    key: str = ""


def granted(scope: str) -> bool:
    """Whether the call being served may use `scope`: always, when authentication is off."""
    scopes = SCOPES.get()
    return scopes is None or scope in scopes
