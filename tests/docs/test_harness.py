"""The doc-test harness itself: `# fails: CODE` lines and plain lines are checked both ways."""

from __future__ import annotations

import os
from pathlib import Path

from tests.docs import blocks, session

FAILED_NOT_FOUND = """bash -c 'printf "ERROR:\\n  Code: NotFound\\n" >&2; exit 1'"""


def run(text: str, tmp_path: Path) -> int:
    return session.run_shell(text, tmp_path, dict(os.environ)).returncode


def test_a_line_marked_fails_passes_when_it_fails_with_that_code(tmp_path: Path) -> None:
    assert run(f"{FAILED_NOT_FOUND}   # fails: NotFound\n", tmp_path) == 0
    assert run(f"{FAILED_NOT_FOUND}   # fails: NOT_FOUND\n", tmp_path) == 0


def test_a_line_marked_fails_fails_when_it_succeeds_or_fails_otherwise(tmp_path: Path) -> None:
    assert run("echo fine   # fails: NotFound\n", tmp_path) != 0
    assert run(f"{FAILED_NOT_FOUND}   # fails: Aborted\n", tmp_path) != 0


def test_an_unmarked_failing_line_fails_the_block(tmp_path: Path) -> None:
    assert run("true\nfalse\necho after\n", tmp_path) != 0


def test_a_skip_without_a_reason_or_an_unknown_language_is_reported(tmp_path: Path) -> None:
    document = tmp_path / "doc.md"
    document.write_text(
        "<!-- doc-test: skip -->\n```sh\nkubectl get pods\n```\n\n```ruby\nputs 1\n```\n"
    )
    found = [problem for block in blocks.blocks(document) for problem in blocks.problems(block)]
    assert len(found) == 2


def test_an_xml_block_is_text_that_is_read_not_run(tmp_path: Path) -> None:
    document = tmp_path / "doc.md"
    document.write_text("```xml\n<dependency><artifactId>x</artifactId></dependency>\n```\n")
    (found,) = blocks.blocks(document)
    assert blocks.problems(found) == []
    assert not blocks.runnable(found)
