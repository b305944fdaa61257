"""Which User fields callers may write, may set only once, and must give."""

from __future__ import annotations

# The contract's google.api.field_behavior annotations say the same; a unit
# test keeps the two in step, so the domain needs no protobuf to know them.
WRITABLE = frozenset({"email", "display_name", "state", "labels", "external_id"})
IMMUTABLE = frozenset({"external_id"})
REQUIRED = frozenset({"email"})
