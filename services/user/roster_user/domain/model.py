"""The User entity and the change events the store records for it."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Mapping
from datetime import datetime

NAME_PREFIX = "users/"


class State(enum.IntEnum):
    """Account state; numbers match roster.user.v1.User.State."""

    UNSPECIFIED = 0
    ACTIVE = 1
    SUSPENDED = 2


class EventType(enum.IntEnum):
    """What a change did; numbers match WatchUsersResponse.EventType."""

    CREATED = 1
    UPDATED = 2
    DELETED = 3
    UNDELETED = 4
    # 5 is the contract's EVENT_TYPE_BOOKMARK, which is never stored.
    PURGED = 6


@dataclasses.dataclass(frozen=True, slots=True)
class User:
    """A user as stored; `version` counts committed changes and drives the etag."""

    user_id: str
    uid: str
    email: str
    display_name: str
    state: State
    labels: Mapping[str, str]
    external_id: str
    create_time: datetime
    update_time: datetime
    delete_time: datetime | None
    version: int
    # Why the user is in its state: the reason of the last SuspendUser or
    # ActivateUser; a state set any other way clears it.
    state_reason: str = ""

    @property
    def name(self) -> str:
        """The resource name, `users/{user_id}`."""
        return NAME_PREFIX + self.user_id

    @property
    def etag(self) -> str:
        """An opaque checksum of this version of this user."""
        return hashlib.sha256(f"{self.uid}:{self.version}".encode()).hexdigest()[:20]

    @property
    def deleted(self) -> bool:
        """Whether the user is soft-deleted."""
        return self.delete_time is not None


@dataclasses.dataclass(frozen=True, slots=True)
class UserFields:
    """The caller-writable fields of a user, as given on create or update."""

    email: str = ""
    display_name: str = ""
    state: State = State.UNSPECIFIED
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    external_id: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """One committed change to one user, at a position in the global commit order."""

    revision: int
    event_type: EventType
    user: User
    commit_time: datetime


def without_personal_data(user: User) -> User:
    """The user with every personal field cleared: all a purged user's change events keep.

    The name and uid stay so that watchers can match the events to the user;
    state, times and version are about the record, not the person. A state
    reason may describe the person, so it goes too.
    """
    return dataclasses.replace(
        user, email="", display_name="", labels={}, external_id="", state_reason=""
    )
