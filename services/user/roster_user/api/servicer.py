"""UserServicer: roster.user.v1.UserService over the UserDirectory and the ChangeFeed.

The methods in ENCODED answer with their response's encoding, assembled from
each user's cached encoding (api/encodings.py); the composition root
registers them with a serializer that passes bytes through. Their signatures
differ from the generated base class's for that reason (type: ignore[override]).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import grpc

from roster.user.v1 import user_pb2, user_service_pb2_grpc
from roster.user.v1 import user_service_pb2 as pb
from roster_user.api import field_behavior
from roster_user.api.change_events import ChangeEvents
from roster_user.api.convert import bookmark, change_to_proto, fields_from_proto, user_to_proto
from roster_user.api.encodings import UserEncodings
from roster_user.api.wire import message_field, string_field
from roster_user.api.wire_cache import WireCache
from roster_user.domain.errors import FieldViolation, InvalidArgument
from roster_user.domain.model import Change, User
from roster_user.pipeline.errors import PermissionDenied
from roster_user.security.principal import SUBJECT, granted
from roster_user.security.scopes import ADMIN
from roster_user.users.directory import UserDirectory
from roster_user.users.erasure import Erasure
from roster_user.users.feed import ChangeFeed
from roster_user.users.watching import Bookmark, watch

Context = grpc.aio.ServicerContext[Any, Any]
# The most changes one WatchUsers response carries, whatever the caller asks.
MAX_CHANGES_PER_RESPONSE = 1000
# Methods answering with encoded bytes, registered with a pass-through serializer.
ENCODED = (
    "GetUser",
    "BatchGetUsers",
    "ListUsers",
    "CreateUser",
    "UpdateUser",
    "DeleteUser",
    "UndeleteUser",
    "WatchUsers",
)


class UserServicer(user_service_pb2_grpc.UserServiceServicer):
    """Translates each RPC to a directory call and the result back to its response."""

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
        self._events = ChangeEvents(lambda change: change_to_proto(change, purge_after))
        self._encoded = UserEncodings(
            "v1", self._proto, cache if cache is not None else WireCache(0, 0)
        )

    def _proto(self, user: User) -> user_pb2.User:
        """The wire form of `user`, with expire_time when the server purges deleted users."""
        return user_to_proto(user, self._purge_after)

    def _user_response(self, user: User) -> bytes:
        """A response whose only field is `user` (field 1): GetUserResponse and the writes'."""
        return message_field(1, self._encoded.of(user))

    async def GetUser(self, request: pb.GetUserRequest, context: Context) -> bytes:  # type: ignore[override]
        """Read one user: an encoded GetUserResponse."""
        return self._user_response(await self._users.get(request.name))

    async def BatchGetUsers(  # type: ignore[override]
        self, request: pb.BatchGetUsersRequest, context: Context
    ) -> bytes:
        """Read several users, all or nothing: an encoded BatchGetUsersResponse."""
        return self._encoded.repeated(await self._users.batch_get(list(request.names)))

    async def ListUsers(  # type: ignore[override]
        self, request: pb.ListUsersRequest, context: Context
    ) -> bytes:
        """Read a page of users: an encoded ListUsersResponse."""
        page = await self._users.page(
            size=request.page_size,
            token=request.page_token,
            filter_text=request.filter,
            order_by=request.order_by,
            show_deleted=request.show_deleted,
        )
        # users = 1 and next_page_token = 2, in field order as a message would encode them.
        return self._encoded.repeated(page.users) + string_field(2, page.next_page_token)

    async def CreateUser(  # type: ignore[override]
        self, request: pb.CreateUserRequest, context: Context
    ) -> bytes:
        """Create a user, idempotently when a request_id is given."""
        if not request.HasField("user"):
            raise InvalidArgument.of("user", "is required")
        user = await self._users.create(
            fields_from_proto(request.user), user_id=request.user_id, request_id=request.request_id
        )
        return self._user_response(user)  # and the next read of this version is cached

    async def UpdateUser(  # type: ignore[override]
        self, request: pb.UpdateUserRequest, context: Context
    ) -> bytes:
        """Change the masked fields of a user."""
        if not request.HasField("user"):
            raise InvalidArgument.of("user", "is required")
        paths = _mask_paths(request)
        user = await self._users.update(
            request.user.name, fields_from_proto(request.user), paths, request.user.etag
        )
        return self._user_response(user)

    async def DeleteUser(  # type: ignore[override]
        self, request: pb.DeleteUserRequest, context: Context
    ) -> bytes:
        """Soft-delete a user; no user (no bytes) when allow_missing found nothing."""
        user = await self._users.delete(
            request.name, etag=request.etag, allow_missing=request.allow_missing
        )
        return b"" if user is None else self._user_response(user)

    async def UndeleteUser(  # type: ignore[override]
        self, request: pb.UndeleteUserRequest, context: Context
    ) -> bytes:
        """Restore a soft-deleted user."""
        return self._user_response(await self._users.undelete(request.name, etag=request.etag))

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
        """Stream changes after the start revision: first a bookmark, then the backlog, then live."""
        violations = []
        if request.start_revision < 0:
            violations.append(FieldViolation("start_revision", "must not be negative"))
        if request.max_changes_per_response < 0:
            violations.append(FieldViolation("max_changes_per_response", "must not be negative"))
        if violations:
            raise InvalidArgument(violations)
        per_response = min(max(request.max_changes_per_response, 1), MAX_CHANGES_PER_RESPONSE)
        watched = watch(
            self._users, self._feed, start_revision=request.start_revision, per_batch=per_response
        )
        # Closed here, not whenever it is collected: closing it ends the subscription.
        async with contextlib.aclosing(watched):
            async for item in watched:
                if isinstance(item, Bookmark):
                    yield bookmark(item.revision).SerializeToString()
                else:
                    yield self._response(item, per_response)

    def _response(self, changes: list[Change], per_response: int) -> bytes:
        """One change as its own response, or several in `changes` when the caller asked.

        The same bytes for every watcher of the change (api/change_events.py).
        """
        if per_response == 1:
            return self._events.of(changes[0])
        return self._events.run_of(changes)


def _mask_paths(request: pb.UpdateUserRequest) -> frozenset[str]:
    """The user fields an update changes, per AIP-134 and AIP-161."""
    paths = list(request.update_mask.paths)
    if not paths:
        return frozenset(
            name
            for name in field_behavior.WRITABLE
            if (len(request.user.labels) if name == "labels" else getattr(request.user, name))
        )
    if paths == ["*"]:
        # A full replacement leaves immutable fields as they are.
        return field_behavior.WRITABLE - field_behavior.IMMUTABLE
    violations = [
        FieldViolation(f"update_mask.paths[{i}]", f"{path!r} is not a writable field of User")
        for i, path in enumerate(paths)
        if path not in field_behavior.WRITABLE
    ]
    if violations:
        raise InvalidArgument(violations)
    return frozenset(paths)
