"""Who is calling: the verified identity of the current call, visible to logs."""

from __future__ import annotations

import contextvars
import dataclasses

# Set for the duration of an authenticated handler; the JSON log formatter
# reads it so every line logged while serving a call names its caller.
SUBJECT: contextvars.ContextVar[str | None] = contextvars.ContextVar("subject", default=None)


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller: the token's `sub`, its scopes and when the token expires (epoch s)."""

    subject: str
    scopes: frozenset[str]
    expires_at: float
