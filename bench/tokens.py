"""A signing key, its JWKS file and one bearer token, for the benchmark's `auth on` server."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

ISSUER = "https://issuer.bench.invalid"
AUDIENCE = "roster-user"
KID = "bench-ec-1"


@dataclasses.dataclass(frozen=True)
class Credentials:
    """The key set the server trusts, the claims it requires, and a token it accepts."""

    jwks_file: Path
    token: str

    def server_env(self) -> dict[str, str]:
        """The ROSTER_AUTH_* variables that turn authentication on."""
        return {
            "ROSTER_AUTH_JWKS_FILE": str(self.jwks_file),
            "ROSTER_AUTH_ISSUER": ISSUER,
            "ROSTER_AUTH_AUDIENCE": AUDIENCE,
        }

    def metadata(self) -> dict[str, str]:
        """What ghz sends with every call."""
        return {"authorization": f"Bearer {self.token}"}


def mint(directory: Path, lifetime_s: float) -> Credentials:
    """A fresh ES256 key published in `directory`/jwks.json and a users.read token valid for `lifetime_s`.

    ES256 is what the security tests use by default; one token for the whole run,
    as a long-lived client would reuse its token until it expires.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwks_file = directory / "jwks.json"
    jwks_file.write_text(json.dumps({"keys": [{**public, "kid": KID, "use": "sig"}]}))
    now = time.time()
    claims = {
        "sub": "bench",
        "scope": "users.read",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": int(now),
        "exp": int(now + lifetime_s),
    }
    token = jwt.encode(claims, key, algorithm="ES256", headers={"kid": KID})
    return Credentials(jwks_file, token)
