"""Erasure: purging users for good, on request or once their retention period ends."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from roster_user.domain.errors import EtagMismatch, FailedPrecondition, Reason
from roster_user.domain.model import User
from roster_user.domain.rules import user_id_from_name
from roster_user.store.base import UserStore

log = logging.getLogger(__name__)
# Expired users purged per transaction: short transactions keep the change
# counter (PostgreSQL) and the write lock (SQLite) free for calls.
SWEEP_BATCH = 100
# Who the audit log names for purges nobody asked for.
RETENTION_SUBJECT = "roster-user/retention"


class Cause(enum.StrEnum):
    """Why a user was purged: the audit log's `reason` and the metric's `cause` label."""

    REQUEST = "request"  # PurgeUser on a soft-deleted user
    FORCED = "forced"  # PurgeUser with force (an erasure request)
    EXPIRED = "expired"  # soft-deleted longer than the retention period


def _now() -> datetime:
    return datetime.now(UTC)


class Erasure:
    """Purges users and forgets old idempotency records, logging an audit line per purge."""

    def __init__(
        self,
        store: UserStore,
        *,
        purge_after: timedelta | None,
        keep_requests: timedelta,
        on_write: Callable[[], None] = lambda: None,
        on_purge: Callable[[Cause], None] = lambda cause: None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._store = store
        self._purge_after = purge_after
        self._keep_requests = keep_requests
        self._on_write = on_write
        self._on_purge = on_purge
        self._clock = clock

    async def purge(self, name: str, *, etag: str, force: bool, subject: str) -> User:
        """Purge the named user (soft-deleted unless `force`); the user as it was."""
        user_id = user_id_from_name(name)

        def check(current: User) -> None:
            if not current.deleted and not force:
                raise FailedPrecondition(
                    f"{name} is not deleted; delete it first or purge with force",
                    reason=Reason.USER_NOT_DELETED,
                )
            if etag and etag != current.etag:
                raise EtagMismatch(f"{name} changed since the etag was read; read it again")

        user = await self._store.purge(user_id, check, self._clock())
        self._on_write()
        self._audit(user, Cause.FORCED if force else Cause.REQUEST, subject)
        return user

    async def sweep(self) -> int:
        """Purge every expired user, batch by batch, then forget old request ids; how many."""
        now = self._clock()
        purged = 0
        if self._purge_after is not None:
            while True:
                batch = await self._store.purge_expired(now - self._purge_after, SWEEP_BATCH, now)
                if batch is None:  # another process is sweeping
                    break
                for user in batch:
                    self._audit(user, Cause.EXPIRED, RETENTION_SUBJECT)
                purged += len(batch)
                if batch:
                    self._on_write()
                if len(batch) < SWEEP_BATCH:
                    break
        await self._store.forget_requests(now - self._keep_requests)
        return purged

    def _audit(self, user: User, cause: Cause, subject: str) -> None:
        # The uid only: the email and the name may be the personal data erased.
        log.info("user purged", extra={"uid": user.uid, "reason": str(cause), "subject": subject})
        self._on_purge(cause)
