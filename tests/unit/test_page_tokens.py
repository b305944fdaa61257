"""Page tokens are opaque, signed, and bound to their query."""

from __future__ import annotations

import pytest

from roster_user.domain.errors import InvalidArgument, Reason
from roster_user.domain.paging import PageTokens
from roster_user.domain.query import Cursor, SortKey, UserFilter, UserQuery

QUERY = UserQuery(UserFilter(), SortKey.CREATE_TIME, False, False)


def test_a_token_reads_back_as_its_cursor() -> None:
    tokens = PageTokens(b"k" * 32)
    cursor = Cursor(sort_value="Zoë", seq=42)
    assert tokens.read(QUERY, tokens.issue(QUERY, cursor)) == cursor


def test_a_token_signed_with_another_key_is_rejected() -> None:
    token = PageTokens(b"a" * 32).issue(QUERY, Cursor(1, 1))
    with pytest.raises(InvalidArgument) as caught:
        PageTokens(b"b" * 32).read(QUERY, token)
    assert caught.value.reason is Reason.INVALID_PAGE_TOKEN


def test_a_token_for_another_query_is_rejected() -> None:
    tokens = PageTokens(b"k" * 32)
    token = tokens.issue(QUERY, Cursor(1, 1))
    other = UserQuery(UserFilter(email_key="a@b.c"), SortKey.CREATE_TIME, False, False)
    with pytest.raises(InvalidArgument, match="different filter"):
        tokens.read(other, token)
