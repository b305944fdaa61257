"""Verification of JWT bearer tokens: signature, algorithm, issuer, audience and lifetime.

Strict beyond PyJWT: one spelling per token (canonical base64url only), RFC 7519
NumericDate types for the time claims, and `typ`, when present, JWT or at+jwt (RFC 9068).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Sequence
from typing import Any, NoReturn

import jwt

from roster_user.security.jwks import KeySet, TrustedKey
from roster_user.security.principal import Principal

_SCHEME = "bearer"
# What a caller is told: it knows whether it sent a token, not which check failed.
MISSING = "this method requires a bearer token in the authorization metadata"
INVALID = "the bearer token is not valid for this service"
DUPLICATE = "send one authorization metadata entry; this call had several"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_TIME_CLAIMS = ("exp", "nbf", "iat")
# RFC 7515 4.1.9: media type names are case-insensitive, "application/" may be left out.
_TYPES = frozenset({"jwt", "at+jwt", "application/jwt", "application/at+jwt"})


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
        _check_spelling(token.strip())
        try:
            claims, key = self._decode(token.strip())
        except jwt.PyJWTError as error:
            _refuse(type(error).__name__)
        _check_times(claims)
        subject, scope = claims.get("sub"), claims.get("scope", "")
        if not isinstance(subject, str) or not subject or not isinstance(scope, str):
            _refuse("sub or scope claim malformed")
        return Principal(subject, frozenset(scope.split()), float(claims["exp"]), key.fingerprint)

    def _decode(self, token: str) -> tuple[dict[str, Any], TrustedKey]:
        header = jwt.get_unverified_header(token)
        algorithm = header.get("alg")
        if algorithm not in self._algorithms:
            raise jwt.InvalidAlgorithmError("algorithm not allowed")
        typ = header.get("typ")
        if typ is not None and (not isinstance(typ, str) or typ.lower() not in _TYPES):
            raise jwt.InvalidTokenError("typ is neither JWT nor at+jwt")
        kid = header.get("kid")
        key = self._keys.key(kid if isinstance(kid, str) else None, str(algorithm))
        if key is None:
            raise jwt.InvalidKeyError("no key for kid and algorithm")
        claims: dict[str, Any] = jwt.decode(
            token,
            key.jwk,
            algorithms=[str(algorithm)],
            audience=self._audience,
            issuer=self._issuer,
            leeway=self._leeway,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
        return claims, key


def _check_spelling(token: str) -> None:
    """Refuse any but the one canonical spelling: three unpadded base64url parts, no spare bits."""
    parts = token.split(".")
    if len(parts) != 3:
        _refuse("not three base64url parts")
    for part in parts:
        if not _BASE64URL.fullmatch(part):
            _refuse("not canonical base64url")
        try:
            decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            _refuse("not canonical base64url")
        if base64.urlsafe_b64encode(decoded).rstrip(b"=").decode() != part:
            _refuse("not canonical base64url")


def _check_times(claims: dict[str, Any]) -> None:
    """exp, nbf and iat must be JSON numbers (RFC 7519 NumericDate), finite; not strings."""
    for name in _TIME_CLAIMS:
        if name not in claims:
            continue
        value = claims[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            _refuse(f"{name} is not a NumericDate")
        if not math.isfinite(value):
            _refuse(f"{name} is not a NumericDate")


def _refuse(cause: str) -> NoReturn:
    raise Refused(INVALID, cause)
