"""Opaque, tamper-evident page tokens bound to the query that issued them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from roster_user.domain.errors import InvalidArgument, Reason
from roster_user.domain.query import Cursor, UserQuery

_MAC_BYTES = 16


class PageTokens:
    """Signs and verifies page tokens with a key shared by every replica."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def _query_id(self, query: UserQuery) -> str:
        return hashlib.sha256(query.fingerprint().encode()).hexdigest()[:16]

    def issue(self, query: UserQuery, cursor: Cursor) -> str:
        """A token resuming `query` after `cursor`."""
        payload = json.dumps(
            [1, self._query_id(query), cursor.sort_value, cursor.seq], separators=(",", ":")
        ).encode()
        return base64.urlsafe_b64encode(payload + self._mac(payload)).decode().rstrip("=")

    def read(self, query: UserQuery, token: str) -> Cursor:
        """The cursor in `token`, or INVALID_ARGUMENT if altered or from another query."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise _invalid("is not a page token issued by this service") from None
        payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        if len(raw) <= _MAC_BYTES or not hmac.compare_digest(mac, self._mac(payload)):
            raise _invalid("is not a page token issued by this service")
        version, query_id, sort_value, seq = json.loads(payload)
        if version != 1 or query_id != self._query_id(query):
            raise _invalid("was issued for a different filter, order_by or show_deleted")
        return Cursor(sort_value=sort_value, seq=seq)


def _invalid(description: str) -> InvalidArgument:
    return InvalidArgument.of("page_token", description, reason=Reason.INVALID_PAGE_TOKEN)
