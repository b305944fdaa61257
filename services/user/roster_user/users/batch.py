"""Batch creation (AIP-233): up to 1000 users in one call, all or nothing."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from roster_user.domain.errors import FieldViolation, InvalidArgument
from roster_user.domain.fields import WRITABLE
from roster_user.domain.model import User, UserFields
from roster_user.domain.rules import check_fields, check_request_id, check_user_id, email_key
from roster_user.store.base import IdempotencyKey, UserStore
from roster_user.users.creation import digest, new_user

MAX_BATCH_CREATE = 1000


class BatchCreation:
    """Validates every user of a batch at once, then creates them in one transaction."""

    def __init__(
        self, store: UserStore, *, on_write: Callable[[], None], clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._on_write = on_write
        self._clock = clock

    async def create(
        self, items: Sequence[tuple[UserFields, str]], *, request_id: str
    ) -> list[User]:
        """Create (fields, user_id) pairs; a repeated request_id returns the first result."""
        _check(items, request_id)
        now = self._clock()
        users = [new_user(fields, user_id, now) for fields, user_id in items]
        keys = _keys(items, request_id) if request_id else [None] * len(users)
        created = await self._store.create_many(users, keys)
        self._on_write()
        return created


def _check(items: Sequence[tuple[UserFields, str]], request_id: str) -> None:
    """Every violation in the batch in one error, each named by its request's index."""
    if not 1 <= len(items) <= MAX_BATCH_CREATE:
        raise InvalidArgument.of("requests", f"must hold 1 to {MAX_BATCH_CREATE} requests")
    violations = check_request_id(request_id) if request_id else []
    emails: dict[str, int] = {}
    ids: dict[str, int] = {}
    for i, (fields, user_id) in enumerate(items):
        prefix = f"requests[{i}]"
        violations += check_fields(fields, f"{prefix}.user", WRITABLE)
        if user_id:
            violations += [
                FieldViolation(f"{prefix}.user_id", v.description) for v in check_user_id(user_id)
            ]
            violations += _repeat(ids, user_id, i, f"{prefix}.user_id")
        if fields.email:
            violations += _repeat(emails, email_key(fields.email), i, f"{prefix}.user.email")
    if violations:
        raise InvalidArgument(violations)


def _repeat(seen: dict[str, int], value: str, index: int, field: str) -> list[FieldViolation]:
    """A violation when an earlier request of the batch has the same value."""
    first = seen.setdefault(value, index)
    if first == index:
        return []
    return [FieldViolation(field, f"repeats the value of requests[{first}]")]


def _keys(items: Sequence[tuple[UserFields, str]], request_id: str) -> list[IdempotencyKey | None]:
    """One idempotency record per user, bound to the whole batch's content.

    Each user's request id is derived from the batch's and its index, so the
    store's single-create replay serves batches unchanged: a retry with other
    content differs in every digest and is refused as a reused request id.
    """
    whole = hashlib.sha256(
        "\n".join(digest(user_id, fields) for fields, user_id in items).encode()
    ).hexdigest()
    base = uuid.UUID(request_id)
    return [
        IdempotencyKey(str(uuid.uuid5(base, f"batch-item-{i}")), f"{whole}:{i}")
        for i in range(len(items))
    ]
