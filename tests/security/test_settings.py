"""Security settings fail fast, naming the variable to set."""

from __future__ import annotations

import pytest

from roster_user.config import Settings, SettingsError


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"ROSTER_AUTH_JWKS_FILE": "/k.json", "ROSTER_AUTH_AUDIENCE": "a"}, "ROSTER_AUTH_ISSUER"),
        ({"ROSTER_AUTH_JWKS_FILE": "/k.json", "ROSTER_AUTH_ISSUER": "i"}, "ROSTER_AUTH_AUDIENCE"),
        ({"ROSTER_TLS_CERT_FILE": "/c.pem"}, "ROSTER_TLS_KEY_FILE"),
        ({"ROSTER_TLS_KEY_FILE": "/k.pem"}, "ROSTER_TLS_CERT_FILE"),
        ({"ROSTER_TLS_CLIENT_CA_FILE": "/ca.pem"}, "ROSTER_TLS_CERT_FILE"),
        ({"ROSTER_AUTH_ALGORITHMS": "RS256,HS256"}, "ROSTER_AUTH_ALGORITHMS"),
        ({"ROSTER_AUTH_ALGORITHMS": "none"}, "ROSTER_AUTH_ALGORITHMS"),
    ],
)
def test_an_incomplete_or_unsafe_security_setting_is_refused_by_name(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.load(environ)


def test_auth_and_tls_are_off_by_default() -> None:
    settings = Settings.load({})
    assert (settings.auth_jwks_file, settings.tls_cert_file) == ("", "")
