"""Server TLS and mTLS credentials that pick up rotated certificate files without a restart."""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from roster_user.config import Settings
from roster_user.security.file_stamp import FileStamp

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class _Pair:
    key: bytes
    chain: bytes
    client_ca: bytes | None


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
        chain, key = self._paths[0].read_bytes(), self._paths[1].read_bytes()
        client_ca = self._paths[2].read_bytes() if len(self._paths) > 2 else None
        _check_pair(chain, key)
        return _Pair(key, chain, client_ca)

    def configuration(self) -> grpc.ServerCertificateConfiguration:
        """The grpc configuration of the pair loaded last."""
        pair = self.current
        return grpc.ssl_server_certificate_configuration([(pair.key, pair.chain)], pair.client_ca)

    def fetch(self) -> grpc.ServerCertificateConfiguration | None:
        """A new configuration when the files changed and form a valid pair, else None."""
        with self._lock:
            try:
                stamp = FileStamp.of(*self._paths)
                if stamp == self._stamp:
                    return None
                pair = self._load()
            except (OSError, ValueError) as error:
                # A rotation is often two writes (certificate, then key): until both
                # are in place, keep serving the previous pair and look again later.
                log.warning(
                    "TLS files unusable; keeping the previous pair", extra={"error": str(error)}
                )
                return None
            self._stamp, self.current = stamp, pair
            log.info("TLS certificate reloaded", extra={"cert_file": str(self._paths[0])})
            return self.configuration()


def _check_pair(chain: bytes, key: bytes) -> None:
    """Raise ValueError unless `key` is the private key of the first certificate in `chain`."""
    certificate = x509.load_pem_x509_certificate(chain)
    private = serialization.load_pem_private_key(key, password=None)
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    encoding = serialization.Encoding.DER
    if certificate.public_key().public_bytes(encoding, public) != private.public_key().public_bytes(
        encoding, public
    ):
        raise ValueError("the private key does not match the certificate")


def server_credentials(files: CertificateFiles) -> grpc.ServerCredentials:
    """Reloading credentials; client certificates are required when a client CA is set."""
    return grpc.dynamic_ssl_server_credentials(
        files.configuration(),
        # grpc documents None as "keep the current configuration"; the stubs omit it.
        files.fetch,  # type: ignore[arg-type]
        require_client_authentication=files.current.client_ca is not None,
    )


def credentials(settings: Settings) -> grpc.ServerCredentials | None:
    """The server's TLS credentials, or None for plaintext; RuntimeError if the files are unusable."""
    if not settings.tls_cert_file:
        return None
    try:
        files = CertificateFiles(
            Path(settings.tls_cert_file),
            Path(settings.tls_key_file),
            Path(settings.tls_client_ca_file) if settings.tls_client_ca_file else None,
        )
    except ValueError as error:
        # RuntimeError: serve() reports it as a failed start, naming the variables.
        raise RuntimeError(f"invalid ROSTER_TLS_CERT_FILE/ROSTER_TLS_KEY_FILE: {error}") from None
    return server_credentials(files)


def bind(server: grpc.aio.Server, address: str, tls: grpc.ServerCredentials | None) -> int:
    """Listen on `address`, with TLS when credentials are given; the bound port."""
    if tls is None:
        return server.add_insecure_port(address)
    return server.add_secure_port(address, tls)
