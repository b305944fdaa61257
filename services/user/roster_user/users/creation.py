"""A new user as a create builds it, and the request digest its request id is bound to."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from roster_user.domain.model import State, User, UserFields


def new_user(fields: UserFields, user_id: str, now: datetime) -> User:
    """A user about to be created: its uid drawn now, its name from user_id or the uid."""
    uid = str(uuid.uuid4())
    return User(
        user_id=user_id or uid,
        uid=uid,
        email=fields.email,
        display_name=fields.display_name,
        state=fields.state or State.ACTIVE,
        labels=dict(fields.labels),
        external_id=fields.external_id,
        create_time=now,
        update_time=now,
        delete_time=None,
        version=1,
    )


def digest(user_id: str, fields: UserFields) -> str:
    """What a request id is bound to: the request's content, canonically."""
    canonical = repr(
        (
            user_id,
            # The same repr as dataclasses.astuple(fields)[:3] gave, which deep-copies:
            # digests already stored with request ids must not change.
            (fields.email, fields.display_name, fields.state),
            sorted(fields.labels.items()),
            fields.external_id,
        )
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
