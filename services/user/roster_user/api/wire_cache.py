"""WireCache: encoded users kept per version, bounded by entries and by bytes.

An entry's key names the contract, the user and the exact version the store
returned (its uid and version number, which the etag digests). Every write
commits a new version and a purged user comes back with a new uid, so a key
never names other content: a read keyed by what the store returned for it
cannot be answered with a stale encoding, however many processes or replicas
write to the same database. The store read stays; what is saved is the
conversion and the serialization.
"""

from __future__ import annotations

import collections
from typing import NamedTuple


class Version(NamedTuple):
    """One version of one user under one contract: what an encoding depends on."""

    contract: str
    user_id: str
    uid: str
    version: int


class WireCache:
    """The encodings used last, up to `max_entries` of them and `max_bytes` in total.

    Reads and writes run on the event loop only, so nothing is locked. An
    encoding larger than `max_bytes` on its own is not kept; zero for either
    bound turns the cache off.
    """

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: collections.OrderedDict[Version, bytes] = collections.OrderedDict()
        self._bytes = 0

    @property
    def entries(self) -> int:
        """How many encodings are kept."""
        return len(self._entries)

    @property
    def size(self) -> int:
        """The bytes of the encodings kept."""
        return self._bytes

    def get(self, key: Version) -> bytes | None:
        """The encoding of exactly this version, if kept; it becomes the most recently used."""
        encoded = self._entries.get(key)
        if encoded is not None:
            self._entries.move_to_end(key)
        return encoded

    def put(self, key: Version, encoded: bytes) -> None:
        """Keep `encoded`, dropping the previous version of the user and then the least used."""
        if len(encoded) > self.max_bytes or self.max_entries == 0:
            return
        # A newer version makes the one before it useless to every reader.
        self._drop(key._replace(version=key.version - 1))
        self._drop(key)
        self._entries[key] = encoded
        self._bytes += len(encoded)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, oldest = self._entries.popitem(last=False)
            self._bytes -= len(oldest)

    def _drop(self, key: Version) -> None:
        dropped = self._entries.pop(key, None)
        if dropped is not None:
            self._bytes -= len(dropped)
