"""Signing keys, a JWKS file and a token mint for the security tests."""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ISSUER = "https://issuer.test"
AUDIENCE = "roster-user"


@functools.cache
def _trusted_keys() -> dict[str, Any]:
    # Generated once per run: RSA key generation is the slow part of the suite.
    return {
        "ec-1": ec.generate_private_key(ec.SECP256R1()),
        "rsa-1": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


class Mint:
    """Issues JWTs from test keys; `jwks_file` publishes the trusted public keys.

    Every token it makes is remembered so the leak check can look for it.
    """

    def __init__(self, directory: Path) -> None:
        self.jwks_file = directory / "jwks.json"
        self.keys: dict[str, Any] = dict(_trusted_keys())
        self.untrusted = ec.generate_private_key(ec.SECP256R1())
        self.issued: set[str] = set()
        self.publish()

    def publish(self) -> None:
        """Write the public half of every trusted key to the JWKS file."""
        keys = []
        for kid, key in self.keys.items():
            algorithm = (
                jwt.algorithms.ECAlgorithm if kid.startswith("ec") else jwt.algorithms.RSAAlgorithm
            )
            jwk = json.loads(algorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig"})
        self.jwks_file.write_text(json.dumps({"keys": keys}))

    def token(
        self,
        subject: str = "alice",
        scope: str = "users.read users.write",
        *,
        kid: str = "ec-1",
        lifetime: float = 300,
        forged: bool = False,
        header: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> str:
        """A token naming key `kid`, signed by it unless `forged`; `overrides` change claims.

        `header` adds or replaces JOSE header members (typ, jku, ...).
        """
        now = time.time()
        claims = {
            "sub": subject,
            "scope": scope,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": int(now),
            "exp": now + lifetime,
            **overrides,
        }
        key = self.untrusted if forged else self.keys[kid]
        algorithm = "RS256" if kid.startswith("rsa") else "ES256"
        headers = {"kid": kid, **(header or {})}
        return self.remember(jwt.encode(claims, key, algorithm=algorithm, headers=headers))

    def remember(self, token: str) -> str:
        """Note a token made outside `token()` (forgeries) for the leak check."""
        self.issued.add(token)
        return token

    def public_pem(self, kid: str) -> bytes:
        """The PEM of a trusted public key (what an HS256 forger would use as secret)."""
        return bytes(
            self.keys[kid]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
