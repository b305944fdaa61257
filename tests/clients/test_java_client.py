"""The Java client's own suite (JUnit 5 through Maven Surefire) as part of the one pytest run."""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

JAVA_DIR = Path(__file__).resolve().parents[2] / "clients" / "java"
REPORTS = JAVA_DIR / "target" / "surefire-reports"
# A fresh machine resolves every Maven dependency on the first run.
MAVEN_TIMEOUT_SECONDS = 900


def _tests_run(suite: str) -> int:
    """How many tests Surefire's report says the JUnit class `suite` ran."""
    report = REPORTS / f"TEST-dev.roster.client.{suite}.xml"
    assert report.exists(), f"no Surefire report for {suite}: did Maven run it?"
    # Our own build's output, not untrusted input.
    root = ET.parse(report).getroot()  # noqa: S314
    return int(root.get("tests", "0"))


@pytest.mark.slow
def test_the_java_client_builds_and_its_junit_suite_passes() -> None:
    """`mvn test` exits 0: UserClient tests and the Java wire-fixture checks all pass."""
    mvn = shutil.which("mvn")
    assert mvn is not None, "mvn (Maven) is not on PATH"
    shutil.rmtree(REPORTS, ignore_errors=True)
    result = subprocess.run(
        [mvn, "-B", "-q", "-Dstyle.color=never", "test"],
        cwd=JAVA_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=MAVEN_TIMEOUT_SECONDS,
    )
    assert result.returncode == 0, f"mvn test failed:\n{result.stdout}\n{result.stderr}"
    assert _tests_run("UserClientTest") > 0
    assert _tests_run("WireFixturesTest") > 0
