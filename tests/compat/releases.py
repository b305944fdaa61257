"""Where the frozen releases live under compat/, and what each one records about itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPAT = ROOT / "compat"
# Written once by `make release` next to the artefacts of each release.
RELEASE_FILE = "release.json"
SUMS_FILE = "SHA256SUMS"
IMAGE_FILE = "contract.binpb"
CONVERSATION_FILE = "conversation.json"
WIRE_DIR = "wire"
# Reviewed differences from frozen releases, each with its reason (see compat/README.md).
EXCEPTIONS_FILE = COMPAT / "exceptions.json"


@dataclass(frozen=True)
class Release:
    """One frozen release: compat/<contract>/<version>/."""

    contract: str
    version: str
    commit: str
    directory: Path

    @property
    def label(self) -> str:
        """`roster.user.v1 1.0.0`: how reports name the release."""
        return f"{self.contract} {self.version}"

    @property
    def image(self) -> Path:
        """The contract as `buf build -o` wrote it, imports included."""
        return self.directory / IMAGE_FILE

    @property
    def wire(self) -> Path:
        """The release's wire fixtures (manifest.json, binary and JSON files)."""
        return self.directory / WIRE_DIR

    @property
    def conversation(self) -> Path:
        """The recorded requests and normalised answers."""
        return self.directory / CONVERSATION_FILE


def read_release(directory: Path) -> Release:
    """The release frozen in `directory`, from its release.json."""
    record = json.loads((directory / RELEASE_FILE).read_text(encoding="utf-8"))
    return Release(
        contract=str(record["contract"]),
        version=str(record["version"]),
        commit=str(record["commit"]),
        directory=directory,
    )


def releases(compat: Path = COMPAT) -> list[Release]:
    """Every frozen release, ordered by contract and then by version number."""
    found = [read_release(path.parent) for path in compat.glob(f"*/*/{RELEASE_FILE}")]

    def order(release: Release) -> tuple[str, tuple[int, ...]]:
        return release.contract, tuple(int(part) for part in release.version.split("."))

    return sorted(found, key=order)


def exceptions(kind: str) -> dict[str, str]:
    """The reviewed exceptions of one kind ("frozen_files" or "behaviour"): key -> reason."""
    if not EXCEPTIONS_FILE.exists():
        return {}
    table = json.loads(EXCEPTIONS_FILE.read_text(encoding="utf-8"))
    return {str(entry["key"]): str(entry["reason"]) for entry in table.get(kind, [])}
