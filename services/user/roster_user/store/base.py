"""The UserStore protocol every storage engine implements, in domain terms."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from roster_user.domain.model import Change, EventType, User
from roster_user.domain.query import Cursor, UserQuery

# A change computed inside the write transaction from the user as committed;
# it may raise a DomainError to refuse (stale etag, deleted user...).
Mutation = Callable[[User], tuple[User, EventType]]
# Decides inside the purge transaction, from the user as committed, whether it
# may be purged; it raises a DomainError to refuse (not deleted, stale etag...).
PurgeCheck = Callable[[User], None]


@dataclasses.dataclass(frozen=True, slots=True)
class IdempotencyKey:
    """An AIP-155 request id and a digest of the request it was first used with."""

    request_id: str
    request_digest: str


class UserStore(Protocol):
    """Durable users plus the ordered change log that feeds WatchUsers."""

    kind: str

    async def migrate(self) -> None:
        """Bring the schema to the newest version; safe to run from several processes."""

    async def open(self) -> None:
        """Connect; fails with Unavailable if the schema is not migrated."""

    async def close(self) -> None:
        """Finish queued writes and release every connection."""

    async def check(self) -> None:
        """Raise Unavailable unless the database answers right now."""

    async def page_token_key(self) -> bytes:
        """The secret that signs page tokens, shared through the database by all replicas."""

    async def get(self, user_id: str) -> User | None:
        """One user by id, deleted or not."""

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, User]:
        """The users that exist among `user_ids`, keyed by id."""

    async def page(
        self, query: UserQuery, after: Cursor | None, limit: int
    ) -> list[tuple[User, Cursor]]:
        """Up to `limit` users matching `query`, strictly after `after`, with their cursors."""

    async def create(self, user: User, key: IdempotencyKey | None) -> User:
        """Insert `user` (or replay the user first created with `key`)."""

    async def create_many(
        self, users: Sequence[User], keys: Sequence[IdempotencyKey | None]
    ) -> list[User]:
        """Insert every user or none, in one transaction; `keys[i]` is the key of `users[i]`.

        The first conflict (user id taken, email in use) or refused replay fails
        the whole batch.
        """

    async def modify(self, user_id: str, mutation: Mutation) -> User:
        """Apply `mutation` to the committed user atomically and record the change."""

    async def changes_after(self, revision: int, limit: int) -> list[Change]:
        """Committed changes with revision greater than `revision`, oldest first."""

    async def revision_bounds(self) -> tuple[int, int]:
        """(oldest revision still retained minus one, newest committed revision)."""

    async def prune_changes(self, keep: int) -> None:
        """Forget all but the newest `keep` changes."""

    async def purge(self, user_id: str, check: PurgeCheck, when: datetime) -> User:
        """Remove a user for good, atomically, and return it as it was.

        The user's row goes; its change events keep their revisions but lose
        every personal field; its idempotency records keep only the request id
        (a retry must not create the user again); a PURGED change is recorded
        at `when`. Nothing of the person stays readable in the database files.
        """

    async def purge_expired(
        self, deleted_before: datetime, limit: int, when: datetime
    ) -> list[User] | None:
        """Purge up to `limit` users soft-deleted before `deleted_before`, oldest first.

        Returns the users purged, or None when another process holds the
        sweep lock (one process at a time sweeps a database).
        """

    async def forget_requests(self, created_before: datetime) -> int:
        """Delete the idempotency records created before `created_before`; how many went."""
