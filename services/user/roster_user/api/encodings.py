"""UserEncodings: each user's wire encoding under one contract, built once per version.

The read methods answer with bytes assembled from these (api/wire.py), and
their handlers are registered with a serializer that passes bytes through
(pipeline/layer.py `Registry.pass_through`): a cached user is written to the
wire without building a message. Converting a user and serializing it was
most of a read's CPU after the store (bench/results.md: about 27 us per user
of a ListUsers page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from google.protobuf.message import Message

from roster_user.api.wire import repeated_field
from roster_user.api.wire_cache import Version, WireCache
from roster_user.domain.model import User


class UserEncodings:
    """Encodes users as `convert` builds them for one contract, through a shared WireCache."""

    def __init__(self, contract: str, convert: Callable[[User], Message], cache: WireCache) -> None:
        self._contract = contract
        self._convert = convert
        self._cache = cache

    def of(self, user: User) -> bytes:
        """The encoding of this version of `user`, from the cache when it holds it."""
        key = Version(self._contract, user.user_id, user.uid, user.version)
        encoded = self._cache.get(key)
        if encoded is None:
            # Deterministic: labels (a map) encode in key order, so the bytes
            # are one function of the version, whoever built them.
            encoded = self._convert(user).SerializeToString(deterministic=True)
            self._cache.put(key, encoded)
        return encoded

    def repeated(self, users: Iterable[User], number: int = 1) -> bytes:
        """`users` as the entries of the repeated User field `number` of a response."""
        return repeated_field(number, (self.of(user) for user in users))
