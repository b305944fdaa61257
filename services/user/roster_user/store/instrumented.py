"""InstrumentedStore: any UserStore, timed per operation and traced as child spans."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Sequence
from datetime import datetime
from typing import TypeVar

from opentelemetry import trace
from prometheus_client import Histogram

from roster_user.domain.model import Change, User
from roster_user.domain.query import Cursor, UserQuery
from roster_user.store.base import IdempotencyKey, Mutation, PurgeCheck, UserStore

T = TypeVar("T")

# Per operation: the kind of statement it runs and the table it reads or writes.
# Spans carry only these, never parameters: ids, emails and names are personal data.
STATEMENTS = {
    "page_token_key": ("SELECT", "meta"),
    "get": ("SELECT", "users"),
    "get_many": ("SELECT", "users"),
    "page": ("SELECT", "users"),
    "create": ("INSERT", "users"),
    "create_many": ("INSERT", "users"),
    "modify": ("UPDATE", "users"),
    "changes_after": ("SELECT", "changes"),
    "revision_bounds": ("SELECT", "changes"),
    "prune_changes": ("DELETE", "changes"),
    "check": ("SELECT", "schema_migrations"),
    "purge": ("DELETE", "users"),
    "purge_expired": ("DELETE", "users"),
    "forget_requests": ("DELETE", "request_ids"),
}


class InstrumentedStore:
    """Delegates to a store, observing each operation's duration and, inside a trace, a span."""

    def __init__(self, store: UserStore, tracer: trace.Tracer, durations: Histogram) -> None:
        self.kind = store.kind
        self._store = store
        self._tracer = tracer
        self._durations = {op: durations.labels(op, store.kind) for op in STATEMENTS}

    async def _observe(self, operation: str, call: Awaitable[T]) -> T:
        """Await `call`, timing it and, inside a recorded trace, wrapping it in a span."""
        begun = time.perf_counter()
        try:
            # Only requests being traced get DB spans: background polling of the
            # change log would otherwise start a root trace every few milliseconds.
            if not trace.get_current_span().is_recording():
                return await call
            statement, table = STATEMENTS[operation]
            attributes = {
                "db.system.name": self.kind,
                "db.operation.name": statement,
                "db.collection.name": table,
                "roster.store.operation": operation,
            }
            # Exceptions are summarised by type: their messages may name users.
            with self._tracer.start_as_current_span(
                f"{statement} {table}",
                kind=trace.SpanKind.CLIENT,
                attributes=attributes,
                record_exception=False,
                set_status_on_exception=False,
            ) as span:
                try:
                    return await call
                except Exception as error:
                    span.set_attribute("error.type", type(error).__name__)
                    span.set_status(trace.StatusCode.ERROR, type(error).__name__)
                    raise
        finally:
            self._durations[operation].observe(time.perf_counter() - begun)

    async def migrate(self) -> None:
        """Bring the schema to the newest version."""
        await self._store.migrate()

    async def open(self) -> None:
        """Connect."""
        await self._store.open()

    async def close(self) -> None:
        """Finish queued writes and release every connection."""
        await self._store.close()

    async def check(self) -> None:
        """Raise Unavailable unless the database answers right now."""
        await self._observe("check", self._store.check())

    async def page_token_key(self) -> bytes:
        """The secret that signs page tokens."""
        return await self._observe("page_token_key", self._store.page_token_key())

    async def get(self, user_id: str) -> User | None:
        """One user by id, deleted or not."""
        return await self._observe("get", self._store.get(user_id))

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, User]:
        """The users that exist among `user_ids`."""
        return await self._observe("get_many", self._store.get_many(user_ids))

    async def page(
        self, query: UserQuery, after: Cursor | None, limit: int
    ) -> list[tuple[User, Cursor]]:
        """Up to `limit` users matching `query` after `after`."""
        return await self._observe("page", self._store.page(query, after, limit))

    async def create(self, user: User, key: IdempotencyKey | None) -> User:
        """Insert `user` (or replay the user first created with `key`)."""
        return await self._observe("create", self._store.create(user, key))

    async def create_many(
        self, users: Sequence[User], keys: Sequence[IdempotencyKey | None]
    ) -> list[User]:
        """Insert every user or none (or replay the users first created with `keys`)."""
        return await self._observe("create_many", self._store.create_many(users, keys))

    async def modify(self, user_id: str, mutation: Mutation) -> User:
        """Apply `mutation` to the committed user atomically."""
        return await self._observe("modify", self._store.modify(user_id, mutation))

    async def changes_after(self, revision: int, limit: int) -> list[Change]:
        """Committed changes after `revision`, oldest first."""
        return await self._observe("changes_after", self._store.changes_after(revision, limit))

    async def revision_bounds(self) -> tuple[int, int]:
        """(oldest retained revision minus one, newest committed revision)."""
        return await self._observe("revision_bounds", self._store.revision_bounds())

    async def prune_changes(self, keep: int) -> None:
        """Forget all but the newest `keep` changes."""
        await self._observe("prune_changes", self._store.prune_changes(keep))

    async def purge(self, user_id: str, check: PurgeCheck, when: datetime) -> User:
        """Remove a user for good and scrub its personal data."""
        return await self._observe("purge", self._store.purge(user_id, check, when))

    async def purge_expired(
        self, deleted_before: datetime, limit: int, when: datetime
    ) -> list[User] | None:
        """Purge up to `limit` users soft-deleted before `deleted_before`."""
        call = self._store.purge_expired(deleted_before, limit, when)
        return await self._observe("purge_expired", call)

    async def forget_requests(self, created_before: datetime) -> int:
        """Delete idempotency records created before `created_before`."""
        return await self._observe("forget_requests", self._store.forget_requests(created_before))
