"""Translation between roster.user.v1 messages and domain objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf import timestamp_pb2

from roster.user.v1 import user_pb2, user_service_pb2
from roster_user.domain.model import Change, EventType, State, User, UserFields

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Response = user_service_pb2.WatchUsersResponse


def timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    """A protobuf Timestamp for an aware datetime.

    Integer arithmetic on the difference from the epoch: a third of the cost of
    Timestamp.FromDatetime, which shows in every read's profile.
    """
    since = moment - _EPOCH
    return timestamp_pb2.Timestamp(
        seconds=since.days * 86_400 + since.seconds, nanos=since.microseconds * 1000
    )


def user_to_proto(user: User, purge_after: timedelta | None = None) -> user_pb2.User:
    """The wire form of a stored user; `purge_after` sets a deleted user's expire_time."""
    message = user_pb2.User(
        name=user.name,
        uid=user.uid,
        email=user.email,
        display_name=user.display_name,
        state=user_pb2.User.State.ValueType(int(user.state)),
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
    """The writable fields of a request's user; output-only fields are ignored (AIP-203)."""
    state = int(message.state)
    return UserFields(
        email=message.email,
        display_name=message.display_name,
        # Unknown enum numbers pass through so validation can name the field.
        state=State(state) if state in State.__members__.values() else state,  # type: ignore[arg-type]
        labels=dict(message.labels),
        external_id=message.external_id,
    )


def change_to_proto(
    change: Change, purge_after: timedelta | None = None
) -> user_service_pb2.WatchUsersResponse:
    """One change as a WatchUsers event; a purge names the user and nothing more."""
    if change.event_type is EventType.PURGED:
        user = user_pb2.User(name=change.user.name, uid=change.user.uid)
    else:
        user = user_to_proto(change.user, purge_after)
    return user_service_pb2.WatchUsersResponse(
        revision=change.revision,
        event_type=user_service_pb2.WatchUsersResponse.EventType.ValueType(int(change.event_type)),
        user=user,
        commit_time=timestamp(change.commit_time),
    )


def bookmark(revision: int) -> user_service_pb2.WatchUsersResponse:
    """A bookmark event reporting the stream's position."""
    return user_service_pb2.WatchUsersResponse(
        revision=revision,
        event_type=user_service_pb2.WatchUsersResponse.EVENT_TYPE_BOOKMARK,
    )
