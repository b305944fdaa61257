"""The JWKS file: only asymmetric public signing keys are ever trusted."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from roster_user.security.jwks import KeySet, KeySetError


def _public_jwk(**extra: str) -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    return {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())), **extra}


@pytest.mark.parametrize(
    "keys",
    [
        [{"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"}],
        [_public_jwk(kid="enc", use="enc")],
        [{**_public_jwk(kid="private"), "d": "AAAA"}],
        [],
    ],
    ids=["symmetric", "encryption", "private", "empty"],
)
def test_a_key_set_without_an_asymmetric_public_signing_key_is_refused(
    tmp_path: Path, keys: list[dict[str, str]]
) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": keys}))
    with pytest.raises(KeySetError):
        KeySet(path)


def test_a_key_is_only_offered_for_an_algorithm_its_type_and_alg_allow(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [_public_jwk(kid="ec", alg="ES256")]}))
    keys = KeySet(path)
    assert keys.key("ec", "ES256") is not None
    assert keys.key(None, "ES256") is not None  # the only key
    assert keys.key("ec", "RS256") is None
    assert keys.key("other", "ES256") is None


def test_an_unreadable_rewrite_keeps_the_previous_keys(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [_public_jwk(kid="ec")]}))
    keys = KeySet(path)
    path.write_text('{"keys": [')
    assert keys.key("ec", "ES256") is not None
