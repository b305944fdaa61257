"""How the server is secured, as the start log line reports it."""

from __future__ import annotations

from roster_user.config import Settings


def transport(settings: Settings) -> str:
    """plaintext, tls, or mtls (TLS that requires client certificates)."""
    if not settings.tls_cert_file:
        return "plaintext"
    return "mtls" if settings.tls_client_ca_file else "tls"


def summary(settings: Settings) -> dict[str, object]:
    """The security fields of the `serving` log line: transport, and auth with its claims."""
    fields: dict[str, object] = {"transport": transport(settings)}
    if settings.auth_jwks_file:
        fields.update(
            auth="on", auth_issuer=settings.auth_issuer, auth_audience=settings.auth_audience
        )
    else:
        fields["auth"] = "off"
    return fields
