"""Page tokens are opaque, signed, and bound to their query."""

from __future__ import annotations

import base64
import hashlib
import hmac

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


KEY = b"k" * 32
NOT_OURS = "is not a page token issued by this service"


def refusal(query: UserQuery, token: str) -> tuple[str, str, Reason]:
    """The field, description and reason with which `token` is refused."""
    with pytest.raises(InvalidArgument) as caught:
        PageTokens(KEY).read(query, token)
    [violation] = caught.value.violations
    return violation.field, violation.description, caught.value.reason


@pytest.mark.parametrize("seq", [5, 56, 567])  # payloads needing two, one and no "=" pads
def test_a_token_is_stable_across_processes_and_versions(seq: int) -> None:
    # Replicas and restarts must read each other's tokens: the encoding is fixed.
    token = PageTokens(KEY).issue(QUERY, Cursor(sort_value=1234, seq=seq))
    payload = b'[1,"' + query_id(QUERY).encode() + b'",1234,' + str(seq).encode() + b"]"
    mac = hmac.new(KEY, payload, hashlib.sha256).digest()[:16]
    assert token == base64.urlsafe_b64encode(payload + mac).decode().rstrip("=")


def test_a_thousand_tokens_of_every_ending_read_back() -> None:
    tokens = PageTokens(KEY)
    issued = [tokens.issue(QUERY, Cursor(sort_value="x", seq=seq)) for seq in range(1000)]
    assert {token[-1] for token in issued} >= {"X", "A", "_", "-"}
    assert [tokens.read(QUERY, token).seq for token in issued] == list(range(1000))


def query_id(query: UserQuery) -> str:
    """The 16 hex digits that bind a token to its query."""
    return hashlib.sha256(query.fingerprint().encode()).hexdigest()[:16]


def test_a_token_whose_cursor_was_changed_is_rejected() -> None:
    token = PageTokens(KEY).issue(QUERY, Cursor(sort_value=1, seq=1))
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    forged = raw.replace(b",1,1]", b",9,9]")
    assert forged != raw
    forged_token = base64.urlsafe_b64encode(forged).decode().rstrip("=")
    assert refusal(QUERY, forged_token) == ("page_token", NOT_OURS, Reason.INVALID_PAGE_TOKEN)


@pytest.mark.parametrize("token", ["!!", "a", "not base64 at all"])
def test_text_that_is_not_a_token_is_rejected(token: str) -> None:
    assert refusal(QUERY, token) == ("page_token", NOT_OURS, Reason.INVALID_PAGE_TOKEN)


def test_a_token_of_only_a_valid_signature_over_nothing_is_rejected() -> None:
    # Exactly the signature's length: an empty payload signed with the real key.
    mac = hmac.new(KEY, b"", hashlib.sha256).digest()[:16]
    token = base64.urlsafe_b64encode(mac).decode().rstrip("=")
    assert refusal(QUERY, token) == ("page_token", NOT_OURS, Reason.INVALID_PAGE_TOKEN)


def test_a_token_for_another_query_names_what_must_match() -> None:
    token = PageTokens(KEY).issue(QUERY, Cursor(1, 1))
    other = UserQuery(UserFilter(), SortKey.CREATE_TIME, True, False)
    assert refusal(other, token) == (
        "page_token",
        "was issued for a different filter, order_by or show_deleted",
        Reason.INVALID_PAGE_TOKEN,
    )


@pytest.mark.parametrize("seq", [0, 7, 1234567])
def test_tokens_of_every_length_read_back(seq: int) -> None:
    # Lengths modulo 4 differ, so the restored base64 padding differs too.
    tokens = PageTokens(KEY)
    for sort_value in ("", "a", "ab", "abc"):
        cursor = Cursor(sort_value=sort_value, seq=seq)
        assert tokens.read(QUERY, tokens.issue(QUERY, cursor)) == cursor
