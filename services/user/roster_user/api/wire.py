"""Protobuf wire building blocks: the fields a response is made of, written as bytes.

A message's encoding is the concatenation of its fields' encodings, in field
number order as every protobuf runtime writes them, so a response whose
fields are already encoded (api/encodings.py) is assembled here without
building a message. Only what Roster's responses need: length-delimited and
varint fields.
"""

from __future__ import annotations

from collections.abc import Iterable

_LENGTH_DELIMITED = 2
_VARINT = 0


def varint(value: int) -> bytes:
    """The base-128 varint of a non-negative integer."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def message_field(number: int, encoded: bytes) -> bytes:
    """A message (or bytes) field: its tag, the length, then the encoding, even when empty."""
    return varint(number << 3 | _LENGTH_DELIMITED) + varint(len(encoded)) + encoded


def repeated_field(number: int, encodings: Iterable[bytes]) -> bytes:
    """A repeated message field: one entry per encoding, in order."""
    tag = varint(number << 3 | _LENGTH_DELIMITED)
    return b"".join(tag + varint(len(encoded)) + encoded for encoded in encodings)


def string_field(number: int, text: str) -> bytes:
    """A proto3 string field, absent when empty as every runtime writes it."""
    return message_field(number, text.encode()) if text else b""


def int_field(number: int, value: int) -> bytes:
    """A proto3 int64 field of a non-negative value, absent when zero."""
    return varint(number << 3 | _VARINT) + varint(value) if value else b""
