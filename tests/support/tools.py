"""The command-line tools `make setup` installs into .tools/bin, and running them."""

from __future__ import annotations

import asyncio
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".tools" / "bin"


def installed(name: str) -> str:
    """The path of a tool from .tools/bin; fails naming the make target when it is missing."""
    path = TOOLS / name
    assert path.exists(), f"{path} is missing: run `make setup`"
    return str(path)


async def run_tool(name: str, *args: str, timeout: float = 60) -> tuple[int, str, str]:
    """Run a tool to completion; its exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        installed(name), *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode or 0, out.decode(), err.decode()
