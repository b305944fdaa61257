"""Fast paths in validation and idempotency that must match the slow, obvious versions."""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata

from roster_user.domain.model import State, UserFields
from roster_user.domain.rules import _has_control
from roster_user.users.creation import digest


def test_the_control_character_check_matches_the_unicode_categories_for_every_code_point() -> None:
    for code in range(0x110000):
        char = chr(code)
        expected = unicodedata.category(char) in ("Cc", "Cs")
        assert _has_control(f"ab{char}cd") is expected, hex(code)


def test_request_digests_are_unchanged_from_those_already_stored() -> None:
    fields = UserFields("Zoë@example.com", "Zoë 😀", State.ACTIVE, {"b": "2", "a": "1"}, "ext-1")
    # The formula digests were first stored with; a change would turn every retry
    # of an earlier request into REQUEST_ID_REUSED.
    stored = repr(
        ("user-1", dataclasses.astuple(fields)[:3], sorted(fields.labels.items()), "ext-1")
    )
    assert digest("user-1", fields) == hashlib.sha256(stored.encode()).hexdigest()
