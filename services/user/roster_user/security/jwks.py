"""The JSON Web Key Set file that verifies tokens, re-read whenever its content changes.

What an operator can rely on (docs/security.md, "Key set semantics"):
- a readable, valid set replaces the keys, even one without a usable key
  (then every token is refused, and `status` says so);
- an unreadable, unparseable or deleted file keeps the previous keys for
  `max_stale_seconds` at most, then no key is trusted (fail closed);
- changes are found by content hash: a rewrite keeping size and modification
  time (`cp -p`, `rsync --inplace -t`) is found within `reload_seconds`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import jwt

from roster_user.security.file_stamp import FileStamp

log = logging.getLogger(__name__)
# Symmetric keys would let anyone holding the set mint tokens.
_ASYMMETRIC_KEY_TYPES = frozenset({"RSA", "EC", "OKP"})
# While the file stays unusable, one warning per this many seconds (not one per call).
WARNING_INTERVAL_SECONDS = 60.0
OK, EMPTY, STALE, FAILED = "ok", "empty", "stale", "failed"


class TrustedKey(NamedTuple):
    """A key of the set, ready to verify, and the fingerprint that says whether it still is."""

    jwk: jwt.PyJWK
    fingerprint: str


class KeySetError(ValueError):
    """The key set file cannot be used; the message says why."""


class KeySet:
    """Public signing keys by key id, from a JWKS file; `refresh` picks up its changes."""

    def __init__(
        self,
        path: Path,
        *,
        reload_seconds: float = 10.0,
        max_stale_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.reload_seconds = reload_seconds
        self._max_stale = max_stale_seconds
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self._stamp, raw = FileStamp.of(path), path.read_bytes()
        except OSError as error:
            raise KeySetError(error.strerror or str(error)) from None
        self._keys = _parse(raw)
        if not self._keys:
            raise KeySetError("no asymmetric public signing key")  # a mistake at start-up
        self._digest = hashlib.sha256(raw).digest()
        self._checked_at = clock()
        self._failing_since: float | None = None
        self._warned_at: float | None = None
        self._cache: dict[tuple[str, str], TrustedKey] = {}

    @property
    def status(self) -> str:
        """ok; empty (a valid set without usable keys); stale (unusable, old keys kept); failed."""
        if self._failing_since is not None:
            return FAILED if not self._keys else STALE
        return OK if self._keys else EMPTY

    @property
    def size(self) -> int:
        """How many keys are trusted now."""
        return len(self._keys)

    def refresh(self) -> None:
        """Re-read the file if its stamp changed or `reload_seconds` passed since the last read."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            try:
                stamp = FileStamp.of(self.path)
                if stamp == self._stamp and now - self._checked_at < self.reload_seconds:
                    return
                self._stamp, self._checked_at = stamp, now
                raw = self.path.read_bytes()
                digest = hashlib.sha256(raw).digest()
                if digest == self._digest and self._failing_since is None:
                    return
                keys = _parse(raw)
            except (OSError, KeySetError) as error:
                self._unusable(now, error)
                return
            self._digest, self._failing_since = digest, None
            self._replace(keys)

    async def watch(self) -> None:
        """Refresh every `reload_seconds`, so changes are found without calls arriving."""
        while True:
            await asyncio.sleep(self.reload_seconds)
            self.refresh()

    def _replace(self, keys: dict[str, dict[str, Any]]) -> None:
        self._keys, self._cache = keys, {}
        if keys:
            log.info("JWKS reloaded", extra={"keys": len(keys)})
        else:
            log.warning("JWKS has no usable signing key; every token is refused")

    def _unusable(self, now: float, error: Exception) -> None:
        """Keep the previous keys, but only for `max_stale_seconds` after the file went bad."""
        if self._failing_since is None:
            self._failing_since = now
        stale = now - self._failing_since
        if self._expire(now):
            return
        if self._warned_at is None or now - self._warned_at >= WARNING_INTERVAL_SECONDS:
            self._warned_at = now
            log.warning(
                "JWKS file unusable; keeping the previous keys for a while",
                extra={"jwks_file": str(self.path), "error": _why(error), "stale_seconds": stale},
            )

    def _expire(self, now: float) -> bool:
        """Fail closed once the file has been unusable for `max_stale_seconds`; whether it did."""
        if self._failing_since is None or not self._keys:
            return False
        if now - self._failing_since < self._max_stale:
            return False
        self._keys, self._cache = {}, {}
        log.error(
            "JWKS file unusable for too long; no key is trusted any more",
            extra={"jwks_file": str(self.path), "stale_seconds": now - self._failing_since},
        )
        return True

    def key(self, kid: str | None, algorithm: str) -> TrustedKey | None:
        """The key with id `kid` (or the only key when there is no kid) usable with `algorithm`."""
        self.refresh()
        keys = self._keys
        if kid is None:
            if len(keys) != 1:
                return None
            kid = next(iter(keys))
        data = keys.get(kid)
        if data is None or data.get("alg", algorithm) != algorithm:
            return None
        cached = self._cache.get((kid, algorithm))
        if cached is None:
            try:
                cached = TrustedKey(jwt.PyJWK(data, algorithm), fingerprint(data))
            except jwt.PyJWTError:
                return None  # e.g. an RSA key asked for an EC algorithm
            self._cache[(kid, algorithm)] = cached
        return cached

    def trusts(self, key_fingerprint: str) -> bool:
        """Whether the key with this fingerprint is still in the set (open streams ask)."""
        self.refresh()
        return any(fingerprint(data) == key_fingerprint for data in self._keys.values())


def fingerprint(data: dict[str, Any]) -> str:
    """A stable name of a key's public material (its members other than metadata)."""
    public = {k: v for k, v in data.items() if k not in ("kid", "use", "alg", "key_ops")}
    return hashlib.sha256(json.dumps(public, sort_keys=True).encode()).hexdigest()


def _why(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error)


def _parse(raw: bytes) -> dict[str, dict[str, Any]]:
    """Signing keys by kid (possibly none); raises KeySetError when the file is not a key set."""
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
    return keys
