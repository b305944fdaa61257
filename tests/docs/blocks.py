"""The fenced code blocks of the documents, each with how the doc tests treat it.

A block runs as written unless an HTML comment on the line before its fence says
otherwise:

- `<!-- doc-test: skip: REASON -->`  not runnable here (a cluster, a registry push);
  the reason is required and shown in the test report.
- `<!-- doc-test: server -->`        the block that starts the server (`make run`); the
  harness runs that `make run` in the background for the rest of the document.
- `<!-- doc-test: background -->`    runs in the background (a second terminal) while
  the later blocks run, then is stopped; it must have printed something (and the text
  after a colon, if given: `<!-- doc-test: background: EVENT_TYPE_CREATED -->`).
- `<!-- doc-test: input: PATH -->`   a file the next blocks use (go.mod, a CSV, a Java
  program they compile and run), written to PATH in the run's directory.
- `<!-- doc-test: file: PATH -->`    a copy of the repository's file PATH, which a later
  block runs; the copy must match the file.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The documents a newcomer reads; every fenced block in them is accounted for.
DOCUMENTS = sorted([REPO / "README.md", *REPO.glob("docs/*.md"), *REPO.glob("clients/*/README.md")])
SHELL = frozenset({"sh", "bash", "shell", "console"})
PROGRAMS = frozenset({"python", "go", "ts", "typescript", "java"})
# Blocks that are pictures of text (directory trees, sample output, a Maven dependency
# to paste into a pom), not commands.
TEXT = frozenset({"", "text", "json", "yaml", "csv", "gomod", "xml"})

_FENCE = re.compile(r"^(```+)\s*([\w+-]*)\s*$")
_MARKER = re.compile(r"^<!--\s*doc-test:\s*(\w+)(?::\s*(.*?))?\s*-->\s*$")


@dataclasses.dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its text and its marker."""

    document: Path
    line: int
    language: str
    text: str
    mode: str = "run"
    argument: str = ""

    @property
    def where(self) -> str:
        shown = (
            self.document.relative_to(REPO) if self.document.is_relative_to(REPO) else self.document
        )
        return f"{shown}:{self.line}"


def blocks(document: Path) -> list[Block]:
    """Every fenced block of `document`, in order."""
    found: list[Block] = []
    lines = document.read_text().splitlines()
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == fence.group(1))
        marker = _MARKER.match(lines[index - 1].strip()) if index else None
        mode, argument = (marker.group(1), marker.group(2) or "") if marker else ("run", "")
        text = "\n".join(lines[index + 1 : end]) + "\n"
        found.append(Block(document, index + 1, fence.group(2), text, mode, argument))
        index = end + 1
    return found


def problems(block: Block) -> list[str]:
    """Why a block is not accounted for (an unknown language or marker, a skip with no reason)."""
    if block.mode not in {"run", "skip", "server", "background", "input", "file"}:
        return [f"{block.where}: unknown doc-test marker {block.mode!r}"]
    if block.mode == "skip" and not block.argument:
        return [f"{block.where}: a skipped block needs a reason"]
    if block.mode == "server" and "make run" not in block.text:
        return [f"{block.where}: the server block must be `make run`"]
    if block.mode in {"input", "file"} and not block.argument:
        return [f"{block.where}: an {block.mode} block needs a path"]
    if block.mode == "file" and (REPO / block.argument).read_text() != block.text:
        return [f"{block.where}: differs from {block.argument}"]
    if block.mode == "run" and block.language not in SHELL | PROGRAMS | TEXT:
        return [f"{block.where}: no doc test knows how to run {block.language!r} blocks"]
    return []


def runnable(block: Block) -> bool:
    """Whether the harness executes the block (text blocks are only read)."""
    return block.mode in {"run", "background"} and block.language in SHELL | PROGRAMS
