"""Security settings fail fast, naming the variable to set, files included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roster_user.config import Settings, SettingsError
from roster_user.security.material import read_security

from .pki import Authority
from .tokens import AUDIENCE, ISSUER, Mint


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
        ({"ROSTER_AUTH_LEEWAY_SECONDS": "999999"}, "ROSTER_AUTH_LEEWAY_SECONDS"),
        ({"ROSTER_AUTH_LEEWAY_SECONDS": "301"}, "ROSTER_AUTH_LEEWAY_SECONDS"),
        ({"ROSTER_AUTH_JWKS_RELOAD_SECONDS": "0"}, "ROSTER_AUTH_JWKS_RELOAD_SECONDS"),
        ({"ROSTER_AUTH_JWKS_MAX_STALE_SECONDS": "-1"}, "ROSTER_AUTH_JWKS_MAX_STALE_SECONDS"),
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


def _tls_files(tmp_path: Path) -> dict[str, str]:
    authority = Authority(tmp_path, "trusted")
    issued = authority.issue("server", server=True)
    return {
        "tls_cert_file": str(issued.cert_file),
        "tls_key_file": str(issued.key_file),
        "tls_client_ca_file": str(authority.ca_file),
    }


# (setting to spoil, what to write into it; None: remove the file)
SPOILED: dict[str, tuple[str, bytes | None]] = {
    "empty client CA": ("tls_client_ca_file", b""),
    "garbage client CA": ("tls_client_ca_file", b"-----BEGIN CERTIFICATE-----\ngarbage\n"),
    "missing client CA": ("tls_client_ca_file", None),
    "empty certificate": ("tls_cert_file", b""),
    "garbage certificate": ("tls_cert_file", b"garbage"),
    "garbage key": ("tls_key_file", b"garbage"),
    "missing key": ("tls_key_file", None),
    "empty JWKS": ("auth_jwks_file", b""),
    "JWKS with no usable key": ("auth_jwks_file", b'{"keys": []}'),
    "missing JWKS": ("auth_jwks_file", None),
}


def _spoiled(tmp_path: Path, case: str) -> dict[str, Any]:
    mint = Mint(tmp_path)
    files = _tls_files(tmp_path) | {"auth_jwks_file": str(mint.jwks_file)}
    setting, content = SPOILED[case]
    path = Path(files[setting])
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)
    return {**files, "auth_issuer": ISSUER, "auth_audience": AUDIENCE}


@pytest.mark.parametrize("case", SPOILED)
def test_an_unusable_security_file_is_a_bad_setting_naming_its_variable(
    tmp_path: Path, case: str
) -> None:
    settings = Settings(**_spoiled(tmp_path, case))
    with pytest.raises(SettingsError, match=f"ROSTER_{SPOILED[case][0].upper()}="):
        read_security(settings)


@pytest.mark.parametrize("case", ["empty client CA", "garbage key", "missing JWKS"])
def test_roster_user_serve_exits_2_with_one_line_naming_the_variable(
    tmp_path: Path, case: str
) -> None:
    settings = _spoiled(tmp_path, case)
    environ = {f"ROSTER_{name.upper()}": value for name, value in settings.items()}
    environ |= {"ROSTER_LISTEN_ADDRESS": "127.0.0.1:0", "ROSTER_METRICS_ADDRESS": ""}
    environ |= {"ROSTER_DATABASE_URL": f"sqlite:///{tmp_path}/roster.db"}
    result = subprocess.run(
        [sys.executable, "-m", "roster_user.cli", "serve"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and f"ROSTER_{SPOILED[case][0].upper()}=" in lines[0], lines
