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


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller: the token's `sub`, its scopes and when the token expires (epoch s)."""

    subject: str
    scopes: frozenset[str]
    expires_at: float


def granted(scope: str) -> bool:
    """Whether the call being served may use `scope`: always, when authentication is off."""
    scopes = SCOPES.get()
    return scopes is None or scope in scopes
