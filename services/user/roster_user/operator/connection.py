"""The client the commands use: address, TLS and bearer token from flags or the environment."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from roster_client import TlsConfig, UserClient

# Client-side variables; the server's own settings (ROSTER_TLS_*) are another side's files.
ADDRESS = "ROSTER_ADDRESS"
CA_FILE = "ROSTER_CA_FILE"
CERT_FILE = "ROSTER_CLIENT_CERT_FILE"
KEY_FILE = "ROSTER_CLIENT_KEY_FILE"
TOKEN = "ROSTER_TOKEN"  # noqa: S105 (a variable name)
TOKEN_FILE = "ROSTER_TOKEN_FILE"  # noqa: S105 (a variable name)


def add_flags(parser: argparse.ArgumentParser) -> None:
    """The connection flags every command takes; each defaults to its variable."""
    env = os.environ.get
    group = parser.add_argument_group("connection (flags win over the variables)")
    group.add_argument(
        "--address", default=env(ADDRESS, "localhost:50051"), help=f"HOST:PORT (${ADDRESS})"
    )
    group.add_argument("--ca-file", default=env(CA_FILE), help=f"PEM CA: use TLS (${CA_FILE})")
    group.add_argument(
        "--cert-file", default=env(CERT_FILE), help=f"client cert, mTLS (${CERT_FILE})"
    )
    group.add_argument("--key-file", default=env(KEY_FILE), help=f"its key (${KEY_FILE})")
    group.add_argument("--server-name", help="name to check the server's certificate against")
    group.add_argument("--token", default=env(TOKEN), help=f"bearer JWT (${TOKEN})")
    group.add_argument(
        "--token-file", default=env(TOKEN_FILE), help=f"file with the JWT (${TOKEN_FILE})"
    )
    group.add_argument("--timeout", type=float, default=10.0, help="seconds per call (10)")


def client(args: argparse.Namespace) -> UserClient:
    """A client for the server the flags name."""
    tls = None
    if args.ca_file or args.cert_file:
        tls = TlsConfig(
            ca_file=Path(args.ca_file) if args.ca_file else None,
            cert_file=Path(args.cert_file) if args.cert_file else None,
            key_file=Path(args.key_file) if args.key_file else None,
            server_name=args.server_name,
        )
    token = args.token
    if args.token_file:
        token = Path(args.token_file).read_text().strip()
    return UserClient(args.address, timeout=args.timeout, tls=tls, token=token or None)
