"""Authentication: verifies the caller's token, checks the method's scope, names the caller.

What happens to the call is the pipeline's business (roster_user.pipeline.auth).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from roster_user.config import Settings
from roster_user.security.jwks import KeySet, KeySetError
from roster_user.security.principal import Principal
from roster_user.security.scopes import required_scope
from roster_user.security.tokens import Refused, TokenVerifier

log = logging.getLogger(__name__)


class Denied(Exception):
    """A verified caller lacks the scope a method needs (`scope` None: no scope allows it)."""

    def __init__(self, scope: str | None) -> None:
        super().__init__(scope)
        self.scope = scope


class Authenticator:
    """Admits a call only with a valid bearer token carrying the scope its method needs."""

    def __init__(self, verifier: TokenVerifier, *, leeway_seconds: float) -> None:
        self._verifier = verifier
        self._leeway = leeway_seconds

    def admit(self, method: str, metadata: Iterable[tuple[str, str | bytes]] | None) -> Principal:
        """The caller, if its token is valid (else Refused) and has `method`'s scope (else Denied)."""
        try:
            principal = self._verifier.verify(_authorization(metadata))
        except Refused as refused:
            log.info("call refused", extra={"grpc_method": method, "cause": refused.cause})
            raise
        scope = required_scope(method)
        if scope is None or scope not in principal.scopes:
            who = {"grpc_method": method, "subject": principal.subject, "required_scope": scope}
            log.info("call denied", extra=who)
            raise Denied(scope)
        return principal

    def expiry(self, principal: Principal) -> float:
        """When `principal`'s token stops being accepted (epoch seconds), leeway included."""
        return principal.expires_at + self._leeway


def _authorization(metadata: Iterable[tuple[str, str | bytes]] | None) -> str | None:
    values = [value for key, value in metadata or () if key == "authorization"]
    if len(values) != 1 or not isinstance(values[0], str):
        # Zero or several: an ambiguous credential is no credential.
        return None
    return values[0]


def authenticator(settings: Settings) -> Authenticator | None:
    """The authenticator the settings ask for; None when auth is off (no JWKS file)."""
    if not settings.auth_jwks_file:
        return None
    try:
        keys = KeySet(Path(settings.auth_jwks_file))
    except KeySetError as error:
        # RuntimeError: serve() reports it as a failed start, naming the variable.
        raise RuntimeError(f"invalid ROSTER_AUTH_JWKS_FILE: {error}") from None
    verifier = TokenVerifier(
        keys,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        algorithms=settings.auth_algorithms,
        leeway_seconds=settings.auth_leeway_seconds,
    )
    return Authenticator(verifier, leeway_seconds=settings.auth_leeway_seconds)
