"""One release number: roster_user.version, pyproject.toml and CHANGELOG.md agree."""

import re
import tomllib
from pathlib import Path

from roster_user.version import CONTRACT, VERSION

REPO = Path(__file__).resolve().parents[2]
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
RELEASE_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\] - \d{4}-\d{2}-\d{2}$", re.MULTILINE)


def test_the_version_is_a_semantic_version() -> None:
    assert SEMVER.match(VERSION), VERSION


def test_pyproject_carries_the_same_version() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == VERSION


def test_the_changelog_s_latest_release_is_the_version() -> None:
    releases = RELEASE_HEADING.findall((REPO / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert releases, "CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' heading"
    assert releases[0] == VERSION


def test_the_contract_major_matches_the_version_major() -> None:
    # roster.user.v1 serves 1.x.y; a new major version is a new contract package.
    assert CONTRACT.rsplit(".", 1)[1] == f"v{VERSION.split('.')[0]}"
