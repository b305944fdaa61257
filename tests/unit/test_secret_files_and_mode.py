"""The database URL from a file (a mounted Secret), and the security mode the start line reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster_user.config import Settings, SettingsError
from roster_user.security import mode

SECRET_URL = "postgresql://roster:s3cret-pw@db.internal:5432/roster"


def test_the_database_url_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "url"
    secret.write_text(SECRET_URL + "\n")
    settings = Settings.load({"ROSTER_DATABASE_URL_FILE": str(secret)})
    assert settings.database_url == SECRET_URL


def test_a_bad_url_file_is_named_without_showing_its_content(tmp_path: Path) -> None:
    secret = tmp_path / "url"
    secret.write_text("mysql://roster:s3cret-pw@db/roster")
    with pytest.raises(SettingsError) as raised:
        Settings.load({"ROSTER_DATABASE_URL_FILE": str(secret)})
    assert "ROSTER_DATABASE_URL_FILE" in str(raised.value)
    assert "s3cret" not in str(raised.value)
    with pytest.raises(SettingsError, match="ROSTER_DATABASE_URL_FILE"):
        Settings.load({"ROSTER_DATABASE_URL_FILE": str(tmp_path / "missing")})


def test_a_url_and_a_url_file_together_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "url"
    secret.write_text(SECRET_URL)
    environ = {"ROSTER_DATABASE_URL_FILE": str(secret), "ROSTER_DATABASE_URL": SECRET_URL}
    with pytest.raises(SettingsError, match="not both"):
        Settings.load(environ)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {"transport": "plaintext", "auth": "off"}),
        (
            {"ROSTER_TLS_CERT_FILE": "tls.crt", "ROSTER_TLS_KEY_FILE": "tls.key"},
            {"transport": "tls", "auth": "off"},
        ),
        (
            {
                "ROSTER_TLS_CERT_FILE": "tls.crt",
                "ROSTER_TLS_KEY_FILE": "tls.key",
                "ROSTER_TLS_CLIENT_CA_FILE": "ca.pem",
                "ROSTER_AUTH_JWKS_FILE": "jwks.json",
                "ROSTER_AUTH_ISSUER": "https://issuer.test/",
                "ROSTER_AUTH_AUDIENCE": "roster",
            },
            {
                "transport": "mtls",
                "auth": "on",
                "auth_issuer": "https://issuer.test/",
                "auth_audience": "roster",
            },
        ),
    ],
)
def test_the_start_line_names_transport_and_authentication(
    environ: dict[str, str], expected: dict[str, object]
) -> None:
    assert mode.summary(Settings.load(environ)) == expected
