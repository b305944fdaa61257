"""UserDirectory: the use cases of the user service, in domain terms over a UserStore."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from roster_user.domain.errors import (
    AlreadyExists,
    EtagMismatch,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    OutOfRange,
    user_not_found,
)
from roster_user.domain.fields import IMMUTABLE, WRITABLE
from roster_user.domain.filter import parse as expression_filter
from roster_user.domain.model import Change, EventType, State, User, UserFields
from roster_user.domain.paging import PageTokens
from roster_user.domain.query import (
    UserFilter,
    UserQuery,
    page_size,
    parse_filter,
    parse_order_by,
)
from roster_user.domain.rules import (
    check_fields,
    check_request_id,
    check_state_reason,
    check_transition,
    check_user_id,
    user_id_from_name,
)
from roster_user.store.base import IdempotencyKey, UserStore
from roster_user.users.batch import BatchCreation
from roster_user.users.creation import digest, new_user

MAX_BATCH_GET = 1000


def _now() -> datetime:
    return datetime.now(UTC)


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    """One page of a list and the token for the next, empty on the last page."""

    users: list[User]
    next_page_token: str


class UserDirectory:
    """Validates requests, applies the domain's rules and drives the store."""

    def __init__(
        self,
        store: UserStore,
        tokens: PageTokens,
        *,
        on_write: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._on_write = on_write
        self._clock = clock
        self._batches = BatchCreation(store, on_write=on_write, clock=clock)

    async def get(self, name: str) -> User:
        """The named user, deleted or not."""
        user_id = user_id_from_name(name)
        user = await self._store.get(user_id)
        if user is None:
            raise user_not_found(name)
        return user

    async def batch_get(self, names: Sequence[str]) -> list[User]:
        """The named users in order; NOT_FOUND names the first missing one."""
        if not 1 <= len(names) <= MAX_BATCH_GET:
            raise InvalidArgument.of("names", f"must hold 1 to {MAX_BATCH_GET} names")
        ids = [user_id_from_name(name, f"names[{i}]") for i, name in enumerate(names)]
        found = await self._store.get_many(ids)
        for name, user_id in zip(names, ids, strict=True):
            if user_id not in found:
                raise user_not_found(name)
        return [found[user_id] for user_id in ids]

    async def page(
        self,
        *,
        size: int,
        token: str,
        filter_text: str,
        order_by: str,
        show_deleted: bool,
        expression: bool = False,
    ) -> Page:
        """A page of users matching the query, in a stable order.

        `expression` reads the filter in v2's language (domain/filter.py)
        instead of v1's conjunction of equalities.
        """
        limit = page_size(size)
        sort_key, descending = parse_order_by(order_by)
        chosen = (
            (expression_filter(filter_text) or UserFilter())
            if expression
            else parse_filter(filter_text)
        )
        query = UserQuery(chosen, sort_key, descending, show_deleted)
        after = self._tokens.read(query, token) if token else None
        rows = await self._store.page(query, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        next_token = self._tokens.issue(query, rows[-1][1]) if more else ""
        return Page([user for user, _ in rows], next_token)

    async def create(self, fields: UserFields, *, user_id: str, request_id: str) -> User:
        """Create a user; a repeated request_id returns the first result."""
        violations = check_fields(fields, "user", WRITABLE)
        if user_id:
            violations += check_user_id(user_id)
        if request_id:
            violations += check_request_id(request_id)
        if violations:
            raise InvalidArgument(violations)
        user = new_user(fields, user_id, self._clock())
        key = IdempotencyKey(request_id, digest(user_id, fields)) if request_id else None
        created = await self._store.create(user, key)
        self._on_write()
        return created

    async def batch_create(
        self, items: Sequence[tuple[UserFields, str]], *, request_id: str
    ) -> list[User]:
        """Create (fields, user_id) pairs all or nothing (users/batch.py)."""
        return await self._batches.create(items, request_id=request_id)

    async def update(self, name: str, fields: UserFields, paths: frozenset[str], etag: str) -> User:
        """Change the given paths of a live user, honouring the etag and immutability."""
        user_id = user_id_from_name(name, "user.name")
        violations = check_fields(fields, "user", paths)
        if "state" in paths and fields.state is State.UNSPECIFIED:
            violations.append(
                FieldViolation("user.state", "must be STATE_ACTIVE or STATE_SUSPENDED")
            )
        if violations:
            raise InvalidArgument(violations)
        now = self._clock()

        def change(current: User) -> tuple[User, EventType]:
            _check_etag(current, etag)
            if current.deleted:
                raise FailedPrecondition(f"{current.name} is deleted; undelete it first")
            for path in paths & IMMUTABLE:
                if getattr(fields, path) != getattr(current, path):
                    raise InvalidArgument.of(f"user.{path}", "is immutable after creation")
            values = {path: getattr(fields, path) for path in paths}
            if "state" in paths and fields.state != current.state:
                # The reason belonged to the state a transition method set.
                values["state_reason"] = ""
            return _next(current, now, **values), EventType.UPDATED

        return await self._write(user_id, change)

    async def transition(self, name: str, to: State, *, reason: str, etag: str) -> User:
        """Suspend an active user or activate a suspended one (AIP-216), with a reason."""
        user_id = user_id_from_name(name)
        violations = check_state_reason(reason, "reason")
        if violations:
            raise InvalidArgument(violations)
        now = self._clock()

        def change(current: User) -> tuple[User, EventType]:
            _check_etag(current, etag)
            if current.deleted:
                raise FailedPrecondition(f"{current.name} is deleted; undelete it first")
            check_transition(current, to)
            return _next(current, now, state=to, state_reason=reason), EventType.UPDATED

        return await self._write(user_id, change)

    async def delete(self, name: str, *, etag: str, allow_missing: bool) -> User | None:
        """Soft-delete a user; with allow_missing, a missing or deleted one is no error."""
        user_id = user_id_from_name(name)
        now = self._clock()

        def change(current: User) -> tuple[User, EventType]:
            if current.deleted:
                raise NotFound(f"{name} is already deleted", resource_name=name)
            _check_etag(current, etag)
            return _next(current, now, delete_time=now), EventType.DELETED

        try:
            return await self._write(user_id, change)
        except NotFound:
            if allow_missing:
                return None
            raise

    async def undelete(self, name: str, *, etag: str) -> User:
        """Restore a soft-deleted user."""
        user_id = user_id_from_name(name)
        now = self._clock()

        def change(current: User) -> tuple[User, EventType]:
            if not current.deleted:
                raise AlreadyExists(f"{name} is not deleted", resource_name=name)
            _check_etag(current, etag)
            return _next(current, now, delete_time=None), EventType.UNDELETED

        return await self._write(user_id, change)

    async def changes_after(self, revision: int, limit: int) -> list[Change]:
        """Committed changes after `revision`, oldest first."""
        return await self._store.changes_after(revision, limit)

    async def check_resumable(self, revision: int, newest_known: int) -> None:
        """Refuse a watch start revision that is pruned or not yet committed."""
        low, high = await self._store.revision_bounds()
        if revision > max(high, newest_known):
            raise InvalidArgument.of("start_revision", "is newer than any committed change")
        if revision < low:
            raise OutOfRange(
                f"revision {revision} is no longer retained (oldest resumable is {low}); "
                "list users again and watch from the revision of the first bookmark",
                metadata={"oldest_resumable_revision": str(low)},
            )

    async def _write(self, user_id: str, change: Callable[[User], tuple[User, EventType]]) -> User:
        updated = await self._store.modify(user_id, change)
        self._on_write()
        return updated


def _check_etag(current: User, etag: str) -> None:
    if etag and etag != current.etag:
        raise EtagMismatch(f"{current.name} changed since the etag was read; read it again")


def _next(current: User, now: datetime, **values: object) -> User:
    changed: User = dataclasses.replace(current, update_time=now, version=current.version + 1)
    return dataclasses.replace(changed, **values)  # type: ignore[arg-type]
