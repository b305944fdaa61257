"""The JWKS file: only asymmetric public signing keys are trusted, and removing a key revokes it."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from roster_user.security.jwks import KeySet, KeySetError

RELOAD = 10.0
STALE = 300.0


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _public_jwk(**extra: str) -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    return {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), **extra}


def _key_set(tmp_path: Path, clock: Clock, keys: list[dict[str, str]]) -> tuple[Path, KeySet]:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": keys}))
    return path, KeySet(path, reload_seconds=RELOAD, max_stale_seconds=STALE, clock=clock)


UNUSABLE_SETS: dict[str, Callable[[], list[dict[str, str]]]] = {
    "symmetric": lambda: [{"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"}],
    "encryption": lambda: [_public_jwk(kid="enc", use="enc")],
    "private": lambda: [{**_public_jwk(kid="private"), "d": "AAAA"}],
    "empty": lambda: [],
}


@pytest.mark.parametrize("case", UNUSABLE_SETS)
def test_a_key_set_without_an_asymmetric_public_signing_key_cannot_start_the_server(
    tmp_path: Path, case: str
) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": UNUSABLE_SETS[case]()}))
    with pytest.raises(KeySetError):
        KeySet(path)


@pytest.mark.parametrize("case", UNUSABLE_SETS)
def test_a_valid_set_without_a_usable_key_replaces_the_keys_and_trusts_none(
    tmp_path: Path, case: str
) -> None:
    path, keys = _key_set(tmp_path, Clock(), [_public_jwk(kid="ec")])
    path.write_text(json.dumps({"keys": UNUSABLE_SETS[case]()}))
    assert keys.key("ec", "ES256") is None
    assert (keys.status, keys.size) == ("empty", 0)


def test_a_key_is_only_offered_for_an_algorithm_its_type_and_alg_allow(tmp_path: Path) -> None:
    _, keys = _key_set(tmp_path, Clock(), [_public_jwk(kid="ec", alg="ES256")])
    assert keys.key("ec", "ES256") is not None
    assert keys.key(None, "ES256") is not None  # the only key
    assert keys.key("ec", "RS256") is None
    assert keys.key("other", "ES256") is None


@pytest.mark.parametrize("damage", ["unparseable", "deleted"])
def test_an_unusable_file_keeps_the_previous_keys_only_for_the_stale_bound(
    tmp_path: Path, damage: str
) -> None:
    clock = Clock()
    path, keys = _key_set(tmp_path, clock, [_public_jwk(kid="ec")])
    if damage == "deleted":
        path.unlink()
    else:
        path.write_text('{"keys": [')
    assert keys.key("ec", "ES256") is not None
    assert keys.status == "stale"
    clock.now += STALE - 1
    assert keys.key("ec", "ES256") is not None
    clock.now += 1
    assert keys.key("ec", "ES256") is None
    assert (keys.status, keys.size) == ("failed", 0)


def test_a_usable_file_after_a_failure_is_trusted_again(tmp_path: Path) -> None:
    clock = Clock()
    path, keys = _key_set(tmp_path, clock, [_public_jwk(kid="ec")])
    good = path.read_text()
    path.unlink()
    keys.refresh()
    clock.now += STALE
    keys.refresh()
    assert keys.status == "failed"
    path.write_text(good)
    assert keys.key("ec", "ES256") is not None
    assert keys.status == "ok"


def test_a_rewrite_keeping_size_and_modification_time_is_found_within_the_reload_period(
    tmp_path: Path,
) -> None:
    clock = Clock()
    path, keys = _key_set(tmp_path, clock, [_public_jwk(kid="ec")])
    before = os.stat(path)
    replacement = json.dumps({"keys": [_public_jwk(kid="ec")]})
    assert len(replacement) == before.st_size  # P-256 coordinates have a fixed length
    with path.open("r+") as file:  # in place: same inode, as `cp -p` or `rsync --inplace` do
        file.write(replacement)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    old = keys.key("ec", "ES256")
    assert old is not None
    clock.now += RELOAD
    new = keys.key("ec", "ES256")
    assert new is not None and new.fingerprint != old.fingerprint
    assert not keys.trusts(old.fingerprint)


def test_an_unusable_file_is_warned_about_once_per_interval_not_per_call(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    path, keys = _key_set(tmp_path, clock, [_public_jwk(kid="ec")])
    path.unlink()
    with caplog.at_level(logging.WARNING, logger="roster_user.security.jwks"):
        for _ in range(100):
            keys.key("ec", "ES256")
            clock.now += 0.1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
