"""Code snippets of the documents, compiled and run against the document's server."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.docs.blocks import REPO, Block
from tests.docs.session import BLOCK_SECONDS


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=BLOCK_SECONDS,
        check=False,
        env={**env, "GOFLAGS": "-mod=mod"},
    )


def run_python(
    block: Block, text: str, workdir: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """A Python snippet is a whole program, run by the project's virtualenv."""
    path = workdir / f"doc_example_{block.line}.py"
    path.write_text(text)
    return _run([str(REPO / ".venv" / "bin" / "python"), str(path)], workdir, env)


def run_go(
    block: Block, text: str, module: Path | None, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """A Go snippet is a main package in the module of the document's go.mod block."""
    assert module is not None, f"{block.where}: a Go block needs a go.mod input block before it"
    (module / "main.go").write_text(text)
    tidy = _run(["go", "mod", "tidy"], module, env)
    if tidy.returncode != 0:
        return tidy
    return _run(["go", "run", "."], module, env)
