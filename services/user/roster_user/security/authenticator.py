"""Authentication: verifies the caller's token, checks the method's scope, names the caller.

What happens to the call is the pipeline's business (roster_user.pipeline.auth).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from roster_user.config import Settings, SettingsError
from roster_user.security.jwks import KeySet, KeySetError
from roster_user.security.principal import Principal, loggable
from roster_user.security.scopes import required_scope
from roster_user.security.tokens import DUPLICATE, Refused, TokenVerifier

log = logging.getLogger(__name__)


class Denied(Exception):
    """A verified caller lacks the scope a method needs (`scope` None: no scope allows it)."""

    def __init__(self, scope: str | None) -> None:
        super().__init__(scope)
        self.scope = scope


class Authenticator:
    """Admits a call only with a valid bearer token carrying the scope its method needs."""

    def __init__(self, verifier: TokenVerifier, keys: KeySet, *, leeway_seconds: float) -> None:
        self._verifier = verifier
        self.keys = keys
        self._leeway = leeway_seconds

    def admit(self, method: str, metadata: Iterable[tuple[str, str | bytes]] | None) -> Principal:
        """The caller, if its token is valid (else Refused) and has `method`'s scope (else Denied)."""
        try:
            principal = self._verifier.verify(_authorization(metadata))
        except Refused as refused:
            # Never the token, and a method name only as long as a real one can be.
            log.info("call refused", extra={"grpc_method": method[:200], "cause": refused.cause})
            raise
        scope = required_scope(method)
        if scope is None or scope not in principal.scopes:
            who = {
                "grpc_method": method[:200],
                "subject": loggable(principal.subject),
                "required_scope": scope,
            }
            log.info("call denied", extra=who)
            raise Denied(scope)
        return principal

    def expiry(self, principal: Principal) -> float:
        """When `principal`'s token stops being accepted (epoch seconds), leeway included."""
        return principal.expires_at + self._leeway

    def still_trusted(self, principal: Principal) -> bool:
        """Whether the key that signed `principal`'s token is still in the key set."""
        return self.keys.trusts(principal.key)


def _authorization(metadata: Iterable[tuple[str, str | bytes]] | None) -> str | None:
    values = [value for key, value in metadata or () if key == "authorization"]
    if len(values) > 1:
        # An ambiguous credential is no credential; the caller is told it sent several.
        raise Refused(DUPLICATE, "several authorization headers")
    if not values or not isinstance(values[0], str):
        return None
    return values[0]


def authenticator(settings: Settings) -> Authenticator | None:
    """The authenticator the settings ask for; None when auth is off (no JWKS file)."""
    if not settings.auth_jwks_file:
        return None
    try:
        keys = KeySet(
            Path(settings.auth_jwks_file),
            reload_seconds=settings.auth_jwks_reload_seconds,
            max_stale_seconds=settings.auth_jwks_max_stale_seconds,
        )
    except KeySetError as error:
        # Like any bad setting: the entry point exits 2 with this one line.
        path = settings.auth_jwks_file
        raise SettingsError(f"invalid ROSTER_AUTH_JWKS_FILE={path!r}: {error}") from None
    verifier = TokenVerifier(
        keys,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        algorithms=settings.auth_algorithms,
        leeway_seconds=settings.auth_leeway_seconds,
    )
    return Authenticator(verifier, keys, leeway_seconds=settings.auth_leeway_seconds)
