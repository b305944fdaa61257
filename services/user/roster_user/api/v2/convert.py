"""Translation between roster.user.v2 messages and domain objects."""

from __future__ import annotations

from datetime import timedelta

from google.protobuf import field_mask_pb2

from roster.user.v2 import user_pb2, user_service_pb2
from roster_user.api.convert import timestamp
from roster_user.domain.errors import FieldViolation, InvalidArgument
from roster_user.domain.model import Change, EventType, State, User, UserFields

Response = user_service_pb2.WatchUsersResponse
_USER_FIELDS = frozenset(user_pb2.User.DESCRIPTOR.fields_by_name)


def user_to_proto(user: User, purge_after: timedelta | None = None) -> user_pb2.User:
    """The v2 wire form of a stored user; `purge_after` sets a deleted user's expire_time."""
    message = user_pb2.User(
        name=user.name,
        uid=user.uid,
        email=user.email,
        display_name=user.display_name,
        state=user_pb2.User.State.ValueType(int(user.state)),
        state_reason=user.state_reason,
        labels=dict(user.labels),
        create_time=timestamp(user.create_time),
        update_time=timestamp(user.update_time),
        etag=user.etag,
        external_id=user.external_id,
    )
    if user.delete_time is not None:
        message.delete_time.CopyFrom(timestamp(user.delete_time))
        if purge_after is not None:
            message.expire_time.CopyFrom(timestamp(user.delete_time + purge_after))
    return message


def fields_from_proto(message: user_pb2.User) -> UserFields:
    """The writable fields of a request's user; state is output-only in v2 and ignored."""
    return UserFields(
        email=message.email,
        display_name=message.display_name,
        state=State.UNSPECIFIED,
        labels=dict(message.labels),
        external_id=message.external_id,
    )


def read_mask(mask: field_mask_pb2.FieldMask, field: str = "read_mask") -> frozenset[str] | None:
    """The User fields an AIP-157 read mask keeps; None keeps every field."""
    paths = list(mask.paths)
    if not paths or paths == ["*"]:
        return None
    violations = [
        FieldViolation(f"{field}.paths[{i}]", f"{path!r} is not a field of User")
        for i, path in enumerate(paths)
        if path not in _USER_FIELDS
    ]
    if violations:
        raise InvalidArgument(violations)
    return frozenset(paths)


def masked(message: user_pb2.User, paths: frozenset[str] | None) -> user_pb2.User:
    """`message` with only the fields in `paths` (all of them when None)."""
    if paths is None:
        return message
    kept = user_pb2.User()
    field_mask_pb2.FieldMask(paths=sorted(paths)).MergeMessage(message, kept)
    return kept


def change_to_proto(change: Change, purge_after: timedelta | None = None) -> Response:
    """One change as a v2 WatchUsers event; a purge names the user and nothing more."""
    if change.event_type is EventType.PURGED:
        user = user_pb2.User(name=change.user.name, uid=change.user.uid)
    else:
        user = user_to_proto(change.user, purge_after)
    return Response(
        revision=change.revision,
        event_type=Response.EventType.ValueType(int(change.event_type)),
        user=user,
        commit_time=timestamp(change.commit_time),
    )


def bookmark(revision: int) -> Response:
    """A bookmark event reporting the stream's position."""
    return Response(revision=revision, event_type=Response.EVENT_TYPE_BOOKMARK)
