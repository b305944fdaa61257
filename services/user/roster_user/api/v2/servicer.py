"""UserServicer for roster.user.v2: the second adapter over the same use cases as v1.

As in v1 (api/servicer.py), the methods in ENCODED answer with encoded bytes
built from each user's cached encoding, through a pass-through serializer. A
read mask makes another encoding of the user: masked answers are converted
each time and never cached.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import grpc
from google.api import field_behavior_pb2

from roster.user.v2 import user_pb2, user_service_pb2_grpc
from roster.user.v2 import user_service_pb2 as pb
from roster_user.api.change_events import ChangeEvents
from roster_user.api.encodings import UserEncodings
from roster_user.api.field_behavior import fields_with
from roster_user.api.v2.convert import (
    bookmark,
    change_to_proto,
    fields_from_proto,
    masked,
    read_mask,
    user_to_proto,
)
from roster_user.api.wire import repeated_field, string_field
from roster_user.api.wire_cache import WireCache
from roster_user.domain import filter as user_filter
from roster_user.domain.errors import FieldViolation, InvalidArgument
from roster_user.domain.model import Change, EventType, State, User
from roster_user.pipeline.errors import PermissionDenied
from roster_user.security.principal import SUBJECT, granted
from roster_user.security.scopes import ADMIN
from roster_user.users.directory import UserDirectory
from roster_user.users.erasure import Erasure
from roster_user.users.feed import ChangeFeed
from roster_user.users.watching import Bookmark, watch

Context = grpc.aio.ServicerContext[Any, Any]
MAX_CHANGES_PER_RESPONSE = 1000
_USER = user_pb2.User.DESCRIPTOR
# From the v2 contract: state is output-only here, so no mask can name it.
WRITABLE = (
    frozenset(_USER.fields_by_name)
    - fields_with(_USER, field_behavior_pb2.OUTPUT_ONLY)
    - fields_with(_USER, field_behavior_pb2.IDENTIFIER)
    - {"etag"}
)
IMMUTABLE = fields_with(_USER, field_behavior_pb2.IMMUTABLE)
# Methods answering with encoded bytes, registered with a pass-through serializer.
ENCODED = (
    "GetUser",
    "BatchGetUsers",
    "ListUsers",
    "CreateUser",
    "BatchCreateUsers",
    "UpdateUser",
    "DeleteUser",
    "SuspendUser",
    "ActivateUser",
    "UndeleteUser",
    "WatchUsers",
)


class UserServicerV2(user_service_pb2_grpc.UserServiceServicer):
    """Translates each v2 RPC to a use case and the result back to the resource."""

    def __init__(
        self,
        users: UserDirectory,
        feed: ChangeFeed,
        erasure: Erasure,
        *,
        purge_after: timedelta | None = None,
        cache: WireCache | None = None,
    ) -> None:
        self._users = users
        self._feed = feed
        self._erasure = erasure
        self._purge_after = purge_after
        self._encoded = UserEncodings(
            "v2", self._proto, cache if cache is not None else WireCache(0, 0)
        )
        self._events = ChangeEvents(lambda change: change_to_proto(change, purge_after))

    def _proto(self, user: User, paths: frozenset[str] | None = None) -> user_pb2.User:
        return masked(user_to_proto(user, self._purge_after), paths)

    def _encode(self, user: User, paths: frozenset[str] | None = None) -> bytes:
        """The User's encoding: the cached one unmasked, a fresh one under a read mask."""
        if paths is None:
            return self._encoded.of(user)
        return self._proto(user, paths).SerializeToString(deterministic=True)

    def _users_field(self, users: list[User], paths: frozenset[str] | None) -> bytes:
        """`users` as the repeated field 1 of a list or batch response."""
        if paths is None:
            return self._encoded.repeated(users)
        return repeated_field(1, (self._encode(user, paths) for user in users))

    async def GetUser(self, request: pb.GetUserRequest, context: Context) -> bytes:  # type: ignore[override]
        """Read one user, with only the fields of the read mask: an encoded User."""
        paths = read_mask(request.read_mask)
        return self._encode(await self._users.get(request.name), paths)

    async def BatchGetUsers(  # type: ignore[override]
        self, request: pb.BatchGetUsersRequest, context: Context
    ) -> bytes:
        """Read several users, all or nothing: an encoded BatchGetUsersResponse."""
        paths = read_mask(request.read_mask)
        return self._users_field(await self._users.batch_get(list(request.names)), paths)

    async def ListUsers(  # type: ignore[override]
        self, request: pb.ListUsersRequest, context: Context
    ) -> bytes:
        """Read a page of users matching the v2 filter language."""
        paths = read_mask(request.read_mask)
        page = await self._users.page(
            size=request.page_size,
            token=request.page_token,
            filter_text=request.filter,
            order_by=request.order_by,
            show_deleted=request.show_deleted,
            expression=True,
        )
        # users = 1 and next_page_token = 2, in field order as a message would encode them.
        return self._users_field(page.users, paths) + string_field(2, page.next_page_token)

    async def CreateUser(self, request: pb.CreateUserRequest, context: Context) -> bytes:  # type: ignore[override]
        """Create an active user, idempotently when a request_id is given."""
        if not request.HasField("user"):
            raise InvalidArgument.of("user", "is required")
        user = await self._users.create(
            fields_from_proto(request.user), user_id=request.user_id, request_id=request.request_id
        )
        return self._encode(user)  # and the next read of this version is cached

    async def BatchCreateUsers(  # type: ignore[override]
        self, request: pb.BatchCreateUsersRequest, context: Context
    ) -> bytes:
        """Create up to 1000 users, all or nothing."""
        violations = [
            FieldViolation(f"requests[{i}].request_id", "must be empty; set the batch's request_id")
            for i, item in enumerate(request.requests)
            if item.request_id
        ]
        if violations:
            raise InvalidArgument(violations)
        items = [(fields_from_proto(item.user), item.user_id) for item in request.requests]
        users = await self._users.batch_create(items, request_id=request.request_id)
        return self._encoded.repeated(users)  # BatchCreateUsersResponse.users = 1

    async def UpdateUser(self, request: pb.UpdateUserRequest, context: Context) -> bytes:  # type: ignore[override]
        """Change the masked fields of a user; state is not among them."""
        if not request.HasField("user"):
            raise InvalidArgument.of("user", "is required")
        user = await self._users.update(
            request.user.name,
            fields_from_proto(request.user),
            _mask_paths(request),
            request.user.etag,
        )
        return self._encode(user)

    async def SuspendUser(self, request: pb.SuspendUserRequest, context: Context) -> bytes:  # type: ignore[override]
        """Suspend an active user."""
        user = await self._users.transition(
            request.name, State.SUSPENDED, reason=request.reason, etag=request.etag
        )
        return self._encode(user)

    async def ActivateUser(  # type: ignore[override]
        self, request: pb.ActivateUserRequest, context: Context
    ) -> bytes:
        """Activate a suspended user."""
        user = await self._users.transition(
            request.name, State.ACTIVE, reason=request.reason, etag=request.etag
        )
        return self._encode(user)

    async def DeleteUser(self, request: pb.DeleteUserRequest, context: Context) -> bytes:  # type: ignore[override]
        """Soft-delete a user; an empty User (no bytes) when allow_missing found nothing."""
        user = await self._users.delete(
            request.name, etag=request.etag, allow_missing=request.allow_missing
        )
        return b"" if user is None else self._encode(user)

    async def UndeleteUser(  # type: ignore[override]
        self, request: pb.UndeleteUserRequest, context: Context
    ) -> bytes:
        """Restore a soft-deleted user."""
        return self._encode(await self._users.undelete(request.name, etag=request.etag))

    async def PurgeUser(
        self, request: pb.PurgeUserRequest, context: Context
    ) -> pb.PurgeUserResponse:
        """Remove a user for good; force (a user not deleted) needs the admin scope."""
        if request.force and not granted(ADMIN):
            raise PermissionDenied(
                f"purging with force needs the scope {ADMIN}", metadata={"required_scope": ADMIN}
            )
        user = await self._erasure.purge(
            request.name,
            etag=request.etag,
            force=request.force,
            subject=SUBJECT.get() or "anonymous",
        )
        return pb.PurgeUserResponse(name=user.name, uid=user.uid)

    async def WatchUsers(  # type: ignore[override]
        self, request: pb.WatchUsersRequest, context: Context
    ) -> AsyncIterator[bytes]:
        """Stream the changes whose user matches the filter: a bookmark, the backlog, then live."""
        violations = []
        if request.start_revision < 0:
            violations.append(FieldViolation("start_revision", "must not be negative"))
        if request.max_changes_per_response < 0:
            violations.append(FieldViolation("max_changes_per_response", "must not be negative"))
        if violations:
            raise InvalidArgument(violations)
        expr = user_filter.parse(request.filter)
        per_response = min(max(request.max_changes_per_response, 1), MAX_CHANGES_PER_RESPONSE)
        watched = watch(
            self._users, self._feed, start_revision=request.start_revision, per_batch=per_response
        )
        async with contextlib.aclosing(watched):
            async for item in watched:
                if isinstance(item, Bookmark):
                    yield bookmark(item.revision).SerializeToString()
                    continue
                # Encoded once for every watcher with the same changes (api/change_events.py).
                wanted = [change for change in item if _wanted(expr, change)]
                if per_response == 1 and wanted:
                    yield self._events.of(wanted[0])
                elif wanted:
                    yield self._events.run_of(wanted)


def _wanted(expr: user_filter.Expr | None, change: Change) -> bool:
    """Whether a watcher with filter `expr` gets `change`; purges carry no fields to match."""
    if change.event_type is EventType.PURGED:
        return expr is None
    return user_filter.matches(expr, change.user)


def _mask_paths(request: pb.UpdateUserRequest) -> frozenset[str]:
    """The user fields an update changes, per AIP-134 and AIP-161."""
    paths = list(request.update_mask.paths)
    if not paths:
        return frozenset(
            name
            for name in WRITABLE
            if (len(request.user.labels) if name == "labels" else getattr(request.user, name))
        )
    if paths == ["*"]:
        return WRITABLE - IMMUTABLE
    violations = [
        FieldViolation(f"update_mask.paths[{i}]", f"{path!r} is not a writable field of User")
        for i, path in enumerate(paths)
        if path not in WRITABLE
    ]
    if violations:
        raise InvalidArgument(violations)
    return frozenset(paths)
