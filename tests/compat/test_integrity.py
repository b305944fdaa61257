"""The guards of frozen releases fail when they should: files, checksums, answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.compat import conversation, integrity
from tests.compat.releases import COMPAT, Release, read_release, releases


def copy_of_first_release(tmp_path: Path) -> Release:
    """A copy of the first frozen release, to break without touching compat/."""
    original = releases()[0]
    target = tmp_path / original.contract / original.version
    shutil.copytree(original.directory, target)
    return read_release(target)


def test_every_frozen_release_matches_its_checksums() -> None:
    assert [p for r in releases() for p in integrity.file_problems(r, {})] == []


def test_a_changed_frozen_file_is_reported_with_its_new_checksum(tmp_path: Path) -> None:
    release = copy_of_first_release(tmp_path)
    manifest = release.wire / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8") + " ", encoding="utf-8")
    where = f"{release.contract}/{release.version}/wire/manifest.json"
    digest = integrity.sha256(manifest)
    assert integrity.file_problems(release, {}) == [f"{where}: changed (sha256 {digest})"]


def test_an_exception_naming_the_path_and_new_checksum_excuses_the_change(tmp_path: Path) -> None:
    release = copy_of_first_release(tmp_path)
    fixture = release.wire / "user_full.json"
    fixture.write_text("{}\n", encoding="utf-8")
    key = f"{release.contract}/{release.version}/wire/user_full.json {integrity.sha256(fixture)}"
    assert integrity.file_problems(release, {key: "reviewed"}) == []


def test_added_and_removed_frozen_files_are_reported(tmp_path: Path) -> None:
    release = copy_of_first_release(tmp_path)
    (release.wire / "user_full.json").unlink()
    (release.wire / "extra.json").write_text("{}\n", encoding="utf-8")
    states = [p.split(": ")[1].split(" ")[0] for p in integrity.file_problems(release, {})]
    assert states == ["added", "removed"]


def test_no_commit_has_changed_a_frozen_checksum_file() -> None:
    assert integrity.history_problems(COMPAT) == []


def answers(message: dict[str, object]) -> list[dict[str, object]]:
    return [{"step": "get", "method": "GetUser", "request": {}, "code": "OK", "message": message}]


def test_volatile_values_become_tokens_numbered_by_first_appearance() -> None:
    record = answers({"user": {"uid": "x", "etag": "e"}, "users": [{"uid": "y"}, {"uid": "x"}]})
    (answer,) = conversation.normalise(record)
    assert answer["message"] == {
        "user": {"uid": "<uid-1>", "etag": "<etag-1>"},
        "users": [{"uid": "<uid-2>"}, {"uid": "<uid-1>"}],
    }


def test_a_changed_default_value_in_an_answer_is_a_difference() -> None:
    was = answers({"user": {"state": "STATE_ACTIVE"}})
    now = answers({"user": {"state": "STATE_SUSPENDED"}})
    assert [line.split(":")[0] for line in conversation.differences(was, now)] == ["get"]


def test_the_recorded_conversation_keeps_its_requests_unnormalised() -> None:
    recorded = json.loads(releases()[0].conversation.read_text(encoding="utf-8"))
    requests = json.dumps([answer["request"] for answer in recorded])
    assert "$get_alice.user.etag" in requests and "<etag-" not in requests
