"""Replaying a create from its idempotency record, or refusing when that cannot be done."""

from __future__ import annotations

from roster_user.domain.errors import InvalidArgument, Reason, request_id_reused
from roster_user.domain.model import User
from roster_user.store.base import IdempotencyKey
from roster_user.store.codec import from_snapshot

# What a purge leaves of an idempotency record: the request id alone, so that a
# retry is refused instead of creating the purged user again.
TOMBSTONE_DIGEST = ""


def replay(seen_digest: str, seen_snapshot: str, key: IdempotencyKey) -> User:
    """The user the first use of `key.request_id` created; InvalidArgument if unusable."""
    if seen_digest == TOMBSTONE_DIGEST:
        raise InvalidArgument.of(
            "request_id",
            "created a user that has since been purged",
            Reason.REQUEST_ID_PURGED,
        )
    if seen_digest != key.request_digest:
        raise request_id_reused()
    return from_snapshot(seen_snapshot)
