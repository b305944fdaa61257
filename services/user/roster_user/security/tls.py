"""Server TLS and mTLS credentials that pick up rotated certificate files without a restart.

A rotation is used only once it has been loaded and checked here (the pair
matches, the client CA bundle holds certificates): grpc core silently keeps
its previous material when handed something it cannot load, so reporting
success before checking would be reporting what did not happen.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from roster_user.config import Settings, SettingsError
from roster_user.security.file_stamp import FileStamp

log = logging.getLogger(__name__)
CERT, KEY, CLIENT_CA = "ROSTER_TLS_CERT_FILE", "ROSTER_TLS_KEY_FILE", "ROSTER_TLS_CLIENT_CA_FILE"


class MaterialError(ValueError):
    """A TLS file cannot be used: `variable` names the setting, the message says why."""

    def __init__(self, variable: str, path: Path, why: str) -> None:
        super().__init__(f"invalid {variable}={str(path)!r}: {why}")
        self.variable = variable
        self.path = path


@dataclasses.dataclass(frozen=True, slots=True)
class InUse:
    """A certificate being served or trusted: its role, SHA-256 fingerprint and expiry (epoch s)."""

    role: str  # "server" (the leaf we present) or "client_ca"
    fingerprint: str
    not_after: float


@dataclasses.dataclass(frozen=True, slots=True)
class _Pair:
    key: bytes
    chain: bytes
    client_ca: bytes | None
    in_use: tuple[InUse, ...]


class CertificateFiles:
    """The PEM files of the server identity (and client CA); re-read when any of them changes.

    grpc asks `fetch` before each TLS handshake, from one of its own threads, so a
    rotated pair is used by the next new connection while open ones keep theirs.
    """

    def __init__(self, cert_file: Path, key_file: Path, client_ca_file: Path | None) -> None:
        self._paths = (cert_file, key_file, *([client_ca_file] if client_ca_file else []))
        self._lock = threading.Lock()
        self._stamp = FileStamp.of(*self._paths)
        self.current = self._load()

    def _load(self) -> _Pair:
        """Read and check every file; MaterialError names the first one that is unusable."""
        chain = _read(self._paths[0], CERT)
        key = _read(self._paths[1], KEY)
        client_ca = _read(self._paths[2], CLIENT_CA) if len(self._paths) > 2 else None
        leaf = _certificates(chain, self._paths[0], CERT)[0]
        _check_key(leaf, key, self._paths[1])
        in_use = [_in_use("server", leaf)]
        if client_ca is not None:
            authorities = _certificates(client_ca, self._paths[2], CLIENT_CA)
            in_use += [_in_use("client_ca", certificate) for certificate in authorities]
        return _Pair(key, chain, client_ca, tuple(in_use))

    def configuration(self) -> grpc.ServerCertificateConfiguration:
        """The grpc configuration of the pair loaded last."""
        pair = self.current
        return grpc.ssl_server_certificate_configuration([(pair.key, pair.chain)], pair.client_ca)

    def in_use(self) -> tuple[InUse, ...]:
        """The certificates served and trusted now (for the expiry metric)."""
        return self.current.in_use

    def fetch(self) -> grpc.ServerCertificateConfiguration | None:
        """A new configuration when the files changed and all load, else None (keep the current)."""
        with self._lock:
            try:
                stamp = FileStamp.of(*self._paths)
                if stamp == self._stamp:
                    return None
                # Looked at once per change: an unusable file warns once, not per handshake.
                self._stamp = stamp
                pair = self._load()
            except OSError as error:
                log.warning(
                    "TLS files unreadable; keeping the previous certificates",
                    extra={"error": error.strerror or type(error).__name__},
                )
                return None
            except MaterialError as error:
                # A rotation is often two writes (certificate, then key): until both
                # are in place, keep serving the previous material and look again later.
                log.warning(
                    "TLS file unusable; keeping the previous certificates",
                    extra={
                        "tls_file": str(error.path),
                        "setting": error.variable,
                        "error": str(error),
                    },
                )
                return None
            if pair == self.current:
                return None
            self.current = pair
            log.info("TLS certificates reloaded", extra={"cert_file": str(self._paths[0])})
            return self.configuration()


def _read(path: Path, variable: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MaterialError(variable, path, error.strerror or type(error).__name__) from None
    if not data.strip():
        raise MaterialError(variable, path, "the file is empty")
    return data


def _certificates(pem: bytes, path: Path, variable: str) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise MaterialError(variable, path, "no PEM certificate could be loaded") from None


def _check_key(leaf: x509.Certificate, key: bytes, path: Path) -> None:
    """MaterialError unless `key` is the private key of the leaf certificate."""
    try:
        private = serialization.load_pem_private_key(key, password=None)
    except (ValueError, TypeError):
        raise MaterialError(KEY, path, "no unencrypted PEM private key could be loaded") from None
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if leaf.public_key().public_bytes(der, public) != private.public_key().public_bytes(
        der, public
    ):
        raise MaterialError(KEY, path, "the private key does not match the certificate")


def _in_use(role: str, certificate: x509.Certificate) -> InUse:
    fingerprint = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()
    return InUse(role, fingerprint, certificate.not_valid_after_utc.timestamp())


def server_credentials(files: CertificateFiles) -> grpc.ServerCredentials:
    """Reloading credentials; client certificates are required when a client CA is set."""
    return grpc.dynamic_ssl_server_credentials(
        files.configuration(),
        # grpc documents None as "keep the current configuration"; the stubs omit it.
        files.fetch,  # type: ignore[arg-type]
        require_client_authentication=files.current.client_ca is not None,
    )


def certificate_files(settings: Settings) -> CertificateFiles | None:
    """The TLS files the settings name, checked; None for plaintext.

    SettingsError names the variable of an unusable file, like any bad setting.
    """
    if not settings.tls_cert_file:
        return None
    try:
        return CertificateFiles(
            Path(settings.tls_cert_file),
            Path(settings.tls_key_file),
            Path(settings.tls_client_ca_file) if settings.tls_client_ca_file else None,
        )
    except MaterialError as error:
        raise SettingsError(str(error)) from None
    except OSError as error:  # a file missing when first looked at
        variables = {
            settings.tls_cert_file: CERT,
            settings.tls_key_file: KEY,
            settings.tls_client_ca_file: CLIENT_CA,
        }
        variable = variables.get(str(error.filename), CERT)
        why = error.strerror or type(error).__name__
        raise SettingsError(f"invalid {variable}={str(error.filename)!r}: {why}") from None


def bind(server: grpc.aio.Server, address: str, tls: grpc.ServerCredentials | None) -> int:
    """Listen on `address`, with TLS when credentials are given; the bound port."""
    if tls is None:
        return server.add_insecure_port(address)
    return server.add_secure_port(address, tls)
