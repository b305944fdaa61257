"""Make gen/python one importable package tree: add __init__.py and py.typed markers."""

import sys
from pathlib import Path


def main(root: str) -> None:
    """Mark every generated directory as a regular, typed package."""
    base = Path(root)
    for directory in sorted({p.parent for p in base.rglob("*.py")}):
        while directory != base:
            (directory / "__init__.py").touch()
            directory = directory.parent
    for top in base.iterdir():
        if top.is_dir():
            (top / "py.typed").touch()


if __name__ == "__main__":
    main(sys.argv[1])
