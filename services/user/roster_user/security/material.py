"""The security material a server starts with: TLS files and the token authenticator."""

from __future__ import annotations

import dataclasses

import grpc

from roster_user.config import Settings
from roster_user.security import tls
from roster_user.security.authenticator import Authenticator, authenticator


@dataclasses.dataclass(frozen=True, slots=True)
class Security:
    """Credentials and the token authenticator, read before anything else opens."""

    auth: Authenticator | None
    files: tls.CertificateFiles | None

    @property
    def credentials(self) -> grpc.ServerCredentials | None:
        """The server's TLS credentials, or None for plaintext."""
        return tls.server_credentials(self.files) if self.files is not None else None


def read_security(settings: Settings) -> Security:
    """The key set and TLS files, checked; SettingsError names the variable of an unusable one.

    The entry point calls this before serving, so a bad file exits 2 like any bad setting.
    """
    return Security(authenticator(settings), tls.certificate_files(settings))
