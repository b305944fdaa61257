"""Verification of JWT bearer tokens: signature, algorithm, issuer, audience and lifetime."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

import jwt

from roster_user.security.jwks import KeySet
from roster_user.security.principal import Principal

_SCHEME = "bearer"
# What a caller is told: it knows whether it sent a token, not which check failed.
MISSING = "this method requires a bearer token in the authorization metadata"
INVALID = "the bearer token is not valid for this service"


class Refused(Exception):
    """A token was refused: `message` is for the caller, `cause` only for the server's log."""

    def __init__(self, message: str, cause: str) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause


class TokenVerifier:
    """Turns an `authorization` metadata value into a Principal, or raises Refused."""

    def __init__(
        self,
        keys: KeySet,
        *,
        issuer: str,
        audience: str,
        algorithms: Sequence[str],
        leeway_seconds: float,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._algorithms = frozenset(algorithms)
        self._leeway = leeway_seconds

    def verify(self, authorization: str | None) -> Principal:
        """The principal of a `Bearer <jwt>` value."""
        if not authorization:
            raise Refused(MISSING, "no authorization metadata")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != _SCHEME or not token.strip():
            _refuse("authorization is not a bearer token")
        try:
            claims = self._decode(token.strip())
        except jwt.PyJWTError as error:
            _refuse(type(error).__name__)
        subject, scope = claims.get("sub"), claims.get("scope", "")
        if not isinstance(subject, str) or not subject or not isinstance(scope, str):
            _refuse("sub or scope claim malformed")
        return Principal(subject, frozenset(scope.split()), float(claims["exp"]))

    def _decode(self, token: str) -> dict[str, Any]:
        header = jwt.get_unverified_header(token)
        algorithm = header.get("alg")
        if algorithm not in self._algorithms:
            raise jwt.InvalidAlgorithmError("algorithm not allowed")
        kid = header.get("kid")
        key = self._keys.key(kid if isinstance(kid, str) else None, str(algorithm))
        if key is None:
            raise jwt.InvalidKeyError("no key for kid and algorithm")
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[str(algorithm)],
            audience=self._audience,
            issuer=self._issuer,
            leeway=self._leeway,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
        return claims


def _refuse(cause: str) -> NoReturn:
    raise Refused(INVALID, cause)
