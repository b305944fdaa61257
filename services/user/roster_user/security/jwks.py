"""The JSON Web Key Set file that verifies tokens, re-read whenever it changes."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import jwt

from roster_user.security.file_stamp import FileStamp

log = logging.getLogger(__name__)
# Symmetric keys would let anyone holding the set mint tokens.
_ASYMMETRIC_KEY_TYPES = frozenset({"RSA", "EC", "OKP"})


class KeySetError(ValueError):
    """The key set file cannot be used; the message says why."""


class KeySet:
    """Public signing keys by key id, from a JWKS file checked for changes on every lookup."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp = FileStamp.of(path)
        self._keys = _parse(path.read_bytes())
        self._cache: dict[tuple[str, str], jwt.PyJWK] = {}

    def _refresh(self) -> None:
        try:
            stamp = FileStamp.of(self._path)
            if stamp == self._stamp:
                return
            keys = _parse(self._path.read_bytes())
        except (OSError, KeySetError) as error:
            # A half-written or removed file must not lock every caller out.
            log.warning(
                "JWKS file unusable; keeping the previous keys", extra={"error": str(error)}
            )
            return
        self._stamp, self._keys, self._cache = stamp, keys, {}
        log.info("JWKS reloaded", extra={"keys": len(keys)})

    def key(self, kid: str | None, algorithm: str) -> jwt.PyJWK | None:
        """The key with id `kid` (or the only key when there is no kid) usable with `algorithm`."""
        self._refresh()
        if kid is None:
            if len(self._keys) != 1:
                return None
            kid = next(iter(self._keys))
        data = self._keys.get(kid)
        if data is None or data.get("alg", algorithm) != algorithm:
            return None
        cached = self._cache.get((kid, algorithm))
        if cached is None:
            try:
                cached = jwt.PyJWK(data, algorithm)
            except jwt.PyJWTError:
                return None  # e.g. an RSA key asked for an EC algorithm
            self._cache[(kid, algorithm)] = cached
        return cached


def _parse(raw: bytes) -> dict[str, dict[str, Any]]:
    """Signing keys by kid; raises KeySetError when the file is not a usable key set."""
    try:
        document = json.loads(raw)
    except ValueError:
        raise KeySetError("not JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise KeySetError('not a JSON Web Key Set (no "keys" list)')
    keys: dict[str, dict[str, Any]] = {}
    for index, key in enumerate(document["keys"]):
        if not isinstance(key, dict) or key.get("kty") not in _ASYMMETRIC_KEY_TYPES:
            continue
        if key.get("use", "sig") != "sig" or "d" in key:
            continue  # encryption keys and private keys never verify tokens
        keys[str(key.get("kid", f"#{index}"))] = key
    if not keys:
        raise KeySetError("no asymmetric signing key")
    return keys
