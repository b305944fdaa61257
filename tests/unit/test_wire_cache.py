"""WireCache: bounded by entries and by bytes, exactly at each bound and one past."""

from __future__ import annotations

from roster_user.api.wire_cache import Version, WireCache


def _key(n: int, version: int = 1, contract: str = "v1") -> Version:
    return Version(contract, f"user-{n}", f"uid-{n}", version)


def test_exactly_max_entries_are_all_kept() -> None:
    cache = WireCache(max_entries=3, max_bytes=1000)
    for n in range(3):
        cache.put(_key(n), b"x" * 10)
    assert [cache.get(_key(n)) for n in range(3)] == [b"x" * 10] * 3
    assert (cache.entries, cache.size) == (3, 30)


def test_one_entry_past_the_bound_evicts_the_least_recently_used() -> None:
    cache = WireCache(max_entries=3, max_bytes=1000)
    for n in range(3):
        cache.put(_key(n), b"x")
    cache.get(_key(0))  # now user-1 is the least recently used
    cache.put(_key(3), b"y")
    assert cache.get(_key(1)) is None
    assert [cache.get(_key(n)) for n in (0, 2, 3)] == [b"x", b"x", b"y"]
    assert (cache.entries, cache.size) == (3, 3)


def test_encodings_adding_up_to_exactly_max_bytes_are_all_kept() -> None:
    cache = WireCache(max_entries=100, max_bytes=10)
    cache.put(_key(0), b"a" * 4)
    cache.put(_key(1), b"b" * 6)
    assert (cache.entries, cache.size) == (2, 10)
    assert cache.get(_key(0)) == b"a" * 4


def test_one_byte_past_max_bytes_evicts_the_least_recently_used() -> None:
    cache = WireCache(max_entries=100, max_bytes=10)
    cache.put(_key(0), b"a" * 4)
    cache.put(_key(1), b"b" * 6)
    cache.put(_key(2), b"c")
    assert cache.get(_key(0)) is None
    assert (cache.entries, cache.size) == (2, 7)


def test_an_encoding_of_exactly_max_bytes_is_kept_and_one_byte_longer_is_not() -> None:
    cache = WireCache(max_entries=100, max_bytes=10)
    cache.put(_key(0), b"a" * 10)
    assert cache.get(_key(0)) == b"a" * 10
    cache.put(_key(1), b"b" * 11)
    assert cache.get(_key(1)) is None
    assert (cache.entries, cache.size) == (1, 10)


def test_zero_entries_keeps_nothing() -> None:
    cache = WireCache(max_entries=0, max_bytes=1000)
    cache.put(_key(0), b"a")
    assert cache.get(_key(0)) is None
    assert (cache.entries, cache.size) == (0, 0)


def test_a_new_version_replaces_the_one_before_and_is_never_read_for_it() -> None:
    cache = WireCache(max_entries=10, max_bytes=1000)
    cache.put(_key(0, version=1), b"old")
    cache.put(_key(0, version=2), b"newer")
    assert cache.get(_key(0, version=1)) is None
    assert cache.get(_key(0, version=2)) == b"newer"
    assert (cache.entries, cache.size) == (1, 5)


def test_contracts_and_uids_are_kept_apart() -> None:
    cache = WireCache(max_entries=10, max_bytes=1000)
    cache.put(_key(0, contract="v1"), b"one")
    assert cache.get(_key(0, contract="v2")) is None
    # A purged user created again under its old id has a new uid: another key.
    assert cache.get(Version("v1", "user-0", "uid-other", 1)) is None
    assert cache.get(_key(0, contract="v1")) == b"one"


def test_putting_the_same_version_again_counts_its_bytes_once() -> None:
    cache = WireCache(max_entries=10, max_bytes=1000)
    cache.put(_key(0), b"abc")
    cache.put(_key(0), b"abc")
    assert (cache.entries, cache.size) == (1, 3)
