"""Field behaviours read from the contract's google.api.field_behavior annotations."""

from __future__ import annotations

from google.api import field_behavior_pb2
from google.protobuf import descriptor

from roster.user.v1 import user_pb2


def fields_with(message: descriptor.Descriptor, behavior: int) -> frozenset[str]:
    """Names of the fields of `message` annotated with `behavior`."""
    return frozenset(
        field.name
        for field in message.fields
        if behavior in field.GetOptions().Extensions[field_behavior_pb2.field_behavior]  # type: ignore[index]
    )


USER = user_pb2.User.DESCRIPTOR
OUTPUT_ONLY = fields_with(USER, field_behavior_pb2.OUTPUT_ONLY) | fields_with(
    USER, field_behavior_pb2.IDENTIFIER
)
IMMUTABLE = fields_with(USER, field_behavior_pb2.IMMUTABLE)
REQUIRED = fields_with(USER, field_behavior_pb2.REQUIRED)
# etag travels with the user but is a precondition, not a value to write.
WRITABLE = frozenset(field.name for field in USER.fields) - OUTPUT_ONLY - {"etag"}
