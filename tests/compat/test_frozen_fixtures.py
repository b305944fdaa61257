"""Every wire fixture of every frozen release still reads the same in today's code.

Today's generated code of all four languages decodes each frozen binary to the message
the frozen JSON describes and re-encodes it to the identical bytes. A field the old
release lacked is simply absent from its fixtures; a renumbered, retyped or renamed field
shows up as an unknown field, a JSON parse error or different bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from google.protobuf import unknown_fields

from tests.compat.releases import ROOT, Release, releases
from tests.fixtures.message_diff import first_difference
from tests.fixtures.test_wire_python import (
    Fixture,
    byte_mismatch,
    from_binary,
    from_json,
    known_part,
    mismatch,
)

RELEASES = releases()
LANGUAGE_TIMEOUT = 900


def frozen_fixtures(release: Release) -> list[Fixture]:
    """The release's manifest entries with their files read."""
    manifest = json.loads((release.wire / "manifest.json").read_text(encoding="utf-8"))
    return [
        Fixture(
            name=f"{release.version}/{entry['name']}",
            type=str(entry["type"]),
            binary=(release.wire / str(entry["binary"])).read_bytes(),
            json=(release.wire / str(entry["json"])).read_text(encoding="utf-8"),
            unknown_fields=bool(entry["unknown_fields"]),
            unknown_enum=bool(entry["unknown_enum"]),
        )
        for entry in manifest["cases"]
    ]


FIXTURES = [fixture for release in RELEASES for fixture in frozen_fixtures(release)]


def fixture_id(fixture: Fixture) -> str:
    return fixture.name


def release_id(release: Release) -> str:
    return release.label


def test_at_least_one_release_is_frozen() -> None:
    # Without one the checks below would pass by checking nothing.
    assert RELEASES and FIXTURES


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_python_re_encodes_a_frozen_binary_to_identical_bytes(fixture: Fixture) -> None:
    got = from_binary(fixture).SerializeToString(deterministic=True)
    assert got == fixture.binary, byte_mismatch(fixture, "re-encoding changed", got, fixture.binary)


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_python_reads_a_frozen_binary_and_its_json_as_one_message(fixture: Fixture) -> None:
    path = first_difference(known_part(from_binary(fixture)), from_json(fixture))
    assert path is None, mismatch(fixture, "binary and JSON decode differently", path)


@pytest.mark.parametrize("fixture", FIXTURES, ids=fixture_id)
def test_a_frozen_binary_has_unknown_fields_only_where_it_had_them(fixture: Fixture) -> None:
    # A field that moved to another number (or changed type) is unknown to today's code.
    unknown = unknown_fields.UnknownFieldSet(from_binary(fixture))
    numbers = sorted(unknown[index].field_number for index in range(len(unknown)))
    assert bool(numbers) == fixture.unknown_fields, mismatch(
        fixture, "unknown fields", str(numbers)
    )


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a language's check; fail with its output unless it exits 0; return stdout."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=LANGUAGE_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("release", RELEASES, ids=release_id)
def test_go_decodes_and_re_encodes_every_frozen_fixture(release: Release) -> None:
    test = "^TestEveryWireFixtureDecodesAndReencodesIdentically$"
    command = ["go", "test", "-count=1", "-v", "-run", test, "."]
    out = run(command, ROOT / "clients/go", {"ROSTER_WIRE_FIXTURES": str(release.wire)})
    assert "--- PASS: TestEveryWireFixtureDecodesAndReencodesIdentically" in out, out


@pytest.mark.slow
@pytest.mark.parametrize("release", RELEASES, ids=release_id)
def test_typescript_decodes_and_re_encodes_every_frozen_fixture(release: Release) -> None:
    run(["make", "--no-print-directory", "clients/node/dist/.built"], ROOT, {})
    test = "clients/node/dist/clients/node/test/wire-fixtures.test.js"
    out = run(
        ["node", "--test", "--test-reporter=tap", test],
        ROOT,
        {"ROSTER_WIRE_FIXTURES": str(release.wire)},
    )
    assert "ok 1 - the wire fixture manifest lists at least one case" in out, out


@pytest.mark.slow
@pytest.mark.parametrize("release", RELEASES, ids=release_id)
def test_java_decodes_and_re_encodes_every_frozen_fixture(release: Release) -> None:
    mvn = shutil.which("mvn")
    assert mvn is not None, "mvn (Maven) is not on PATH"
    reports = ROOT / "clients/java/target/surefire-reports"
    shutil.rmtree(reports, ignore_errors=True)
    fixtures = f"-Droster.fixtures.dir={release.wire}"
    # Only the v1 factory: a v1 release has no v2/ fixtures (those have their own suite).
    only_v1 = "-Dtest=WireFixturesTest#everyWireFixtureRoundTrips"
    run(
        [mvn, "-B", "-q", "-Dstyle.color=never", "test", only_v1, fixtures],
        ROOT / "clients/java",
        {},
    )
    # Our own build's output, not untrusted input.
    report = ET.parse(reports / "TEST-dev.roster.client.WireFixturesTest.xml").getroot()  # noqa: S314
    assert int(report.get("tests", "0")) > 0
