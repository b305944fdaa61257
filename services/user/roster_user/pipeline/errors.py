"""Errors about a call rather than the domain: credentials, permission, the server's time limit.

Raised by the pipeline's layers, never by the domain, and mapped to statuses by
the one table in roster_user.api.errors like every other DomainError. This module
imports only the domain, so that table may import it without a cycle.
"""

from __future__ import annotations

from roster_user.domain.errors import DomainError, Reason


class Unauthenticated(DomainError):
    """The call has no valid credentials; the message never says which check failed."""

    default_reason = Reason.UNAUTHENTICATED


class PermissionDenied(DomainError):
    """The caller is known but may not call this method."""

    default_reason = Reason.PERMISSION_DENIED


class DeadlineExceeded(DomainError):
    """The call ran past the server's ceiling for one call."""

    default_reason = Reason.DEADLINE_EXCEEDED
