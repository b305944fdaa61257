"""The documents run as written: every shell block and code snippet, against a fresh `make run`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.docs import blocks, programs, session
from tests.docs.blocks import DOCUMENTS, REPO, Block

_IDS = [str(document.relative_to(REPO)) for document in DOCUMENTS]


@pytest.mark.parametrize("document", DOCUMENTS, ids=_IDS)
def test_every_block_is_run_or_marked_not_runnable_with_a_reason(document: Path) -> None:
    found = [problem for block in blocks.blocks(document) for problem in blocks.problems(block)]
    assert found == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=_IDS)
def test_the_document_runs_as_written(document: Path, tmp_path: Path) -> None:
    found = blocks.blocks(document)
    if not any(blocks.runnable(block) for block in found):
        pytest.skip("no runnable block")  # every block is text or marked not runnable
    workdir = session.mirror(tmp_path / "repo")
    server = session.Server(workdir, tmp_path / "make-run.log")
    background: list[tuple[Block, subprocess.Popen[bytes], Path]] = []
    module: Path | None = None
    env = session.block_environment(server.serving)
    try:
        for block in found:
            text = session.substitute(block.text, server.serving)
            if block.mode == "input":
                target = workdir / block.argument
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
                module = target.parent if target.name == "go.mod" else module
            elif block.mode == "background":
                output = tmp_path / f"background-{block.line}.log"
                process = session.start_background(text, workdir, env, output)
                background.append((block, process, output))
            elif blocks.runnable(block):
                check(block, execute(block, text, workdir, module, env))
    finally:
        for _, process, _ in background:
            session.stop_background(process)
        server.stop()
    for block, _, output in background:
        printed = output.read_text()
        assert printed.strip(), f"{block.where}: the background block printed nothing"
        assert block.argument in printed, (
            f"{block.where}: no {block.argument!r} in:\n{printed[-2000:]}"
        )


def execute(
    block: Block, text: str, workdir: Path, module: Path | None, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run one block the way its language is run."""
    if block.language in blocks.SHELL:
        return session.run_shell(text, workdir, env)
    if block.language == "python":
        return programs.run_python(block, text, workdir, env)
    if block.language == "go":
        return programs.run_go(block, text, module, env)
    raise AssertionError(f"{block.where}: no runner for {block.language!r}")


def check(block: Block, result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, (
        f"{block.where} failed ({result.returncode}):\n{block.text}\n"
        f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    )


def mentioned_targets() -> set[str]:
    """Every `make TARGET` written in code in a document (inline or in a block)."""
    targets: set[str] = set()
    for document in DOCUMENTS:
        text = document.read_text()
        code = re.findall(r"`([^`\n]+)`", text) + [block.text for block in blocks.blocks(document)]
        for snippet in code:
            targets.update(re.findall(r"(?:^|[\s(;&|])make ([a-z][a-z0-9-]*)", snippet))
    return targets


def test_make_help_lists_every_target_a_document_mentions() -> None:
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = {line.split()[0] for line in shown.splitlines() if line.strip()}
    assert mentioned_targets() - listed == set()
    assert {"run", "test", "setup", "help"} <= mentioned_targets()
