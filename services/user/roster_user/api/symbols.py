"""Which .proto file defines a symbol: every kind the reflection protocol names.

protobuf's `DescriptorPool.FindFileContainingSymbol` finds services, messages,
enums, enum values, fields and extensions, but not methods
(`roster.user.v1.UserService.GetUser`), which is what ghz and grpcui ask for
first. A name the pool does not know is split at its last dot and looked up as
a member of its parent, so methods (and anything else the pool misses) resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from google.protobuf import descriptor, descriptor_pool

# Each kind of parent, and the names of the members it scopes.
_Members = Callable[[descriptor_pool.DescriptorPool, str], Collection[str]]


def _service_members(pool: descriptor_pool.DescriptorPool, name: str) -> Collection[str]:
    return pool.FindServiceByName(name).methods_by_name.keys()


def _message_members(pool: descriptor_pool.DescriptorPool, name: str) -> Collection[str]:
    message = pool.FindMessageTypeByName(name)
    return {
        *message.fields_by_name,
        *message.nested_types_by_name,
        *message.enum_types_by_name,
        *message.extensions_by_name,
        *message.oneofs_by_name,
    }


def _enum_members(pool: descriptor_pool.DescriptorPool, name: str) -> Collection[str]:
    return pool.FindEnumTypeByName(name).values_by_name.keys()


_PARENTS: tuple[_Members, ...] = (_service_members, _message_members, _enum_members)


def file_containing(pool: descriptor_pool.DescriptorPool, symbol: str) -> descriptor.FileDescriptor:
    """The file defining `symbol` (fully qualified, no leading dot); KeyError if none does."""
    try:
        return pool.FindFileContainingSymbol(symbol)
    except KeyError:
        pass
    parent, _, member = symbol.rpartition(".")
    for members in _PARENTS:
        try:
            if member in members(pool, parent):
                return pool.FindFileContainingSymbol(parent)
        except KeyError:
            continue
    raise KeyError(symbol)


def with_dependencies(file: descriptor.FileDescriptor) -> list[descriptor.FileDescriptor]:
    """`file` first, then every file it imports, directly or not, each once."""
    seen: dict[str, descriptor.FileDescriptor] = {}
    pending = [file]
    while pending:
        current = pending.pop()
        if current.name not in seen:
            seen[current.name] = current
            pending.extend(reversed(current.dependencies))
    return list(seen.values())
