"""The README's Layout names every package and module of roster_user once, and nothing else.

The list sits under the line starting `services/user/roster_user/ the service` in the
Layout block: one line per folder (`name/`) or module (`name.py`), indented two
spaces per level below its folder, a few words after the name. A package is named by
its folder line, so __init__.py files are not listed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEADING = "services/user/roster_user/ the service"


def listed(readme: str) -> list[str]:
    """The paths the Layout list names, relative to roster_user/ (folders end with '/')."""
    lines = readme.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(HEADING)) + 1
    names: list[str] = []
    folders: list[str] = []  # the open folder at each depth
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        depth = (len(line) - len(line.lstrip(" "))) // 2 - 1
        if depth > len(folders):
            raise ValueError(f"{line.strip()!r} is indented below no folder")
        del folders[depth:]
        name = "".join(folders) + line.split()[0]
        names.append(name)
        if name.endswith("/"):
            folders.append(line.split()[0])
    return names


def present(package: Path) -> list[str]:
    """Every package (as 'folder/') and module of `package`, relative to it, __init__.py aside."""
    found = [
        f"{p.parent.relative_to(package)}/"
        for p in package.rglob("__init__.py")
        if p.parent != package
    ]
    found += [str(p.relative_to(package)) for p in package.rglob("*.py") if p.name != "__init__.py"]
    return sorted(found)


def differences(names: list[str], actual: list[str]) -> list[str]:
    """What is wrong with the list: names missing, named twice, or naming nothing."""
    counts = Counter(names)
    return (
        [f"missing: {name}" for name in actual if name not in counts]
        + [f"named {counts[name]} times: {name}" for name in sorted(counts) if counts[name] > 1]
        + [f"no such package or module: {name}" for name in sorted(counts) if name not in actual]
    )


def test_the_readme_layout_names_every_package_and_module_of_roster_user_once() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    problems = differences(listed(readme), present(REPO / "services" / "user" / "roster_user"))
    assert problems == [], "README.md Layout is stale:\n" + "\n".join(problems)


SOURCE = ["a.py", "b/", "b/c.py", "b/d/", "b/d/e.py"]


@pytest.mark.parametrize(
    ("lines", "problems"),
    [
        pytest.param(["a.py", "b/", "  c.py", "  d/", "    e.py"], [], id="complete"),
        pytest.param(
            ["a.py", "b/", "  c.py", "  d/"], ["missing: b/d/e.py"], id="a module left out"
        ),
        pytest.param(
            ["b/", "  c.py", "  d/", "    e.py"], ["missing: a.py"], id="a root module left out"
        ),
        pytest.param(
            ["a.py", "b/", "  c.py", "  d/", "    e.py", "  c.py"],
            ["named 2 times: b/c.py"],
            id="a module named twice",
        ),
        pytest.param(
            ["a.py", "b/", "  c.py", "  d/", "    e.py", "  gone.py"],
            ["no such package or module: b/gone.py"],
            id="a module that does not exist",
        ),
        pytest.param(
            ["a.py", "b/", "  c.py", "  d/", "  e.py"],
            ["missing: b/d/e.py", "no such package or module: b/e.py"],
            id="a module under the wrong folder",
        ),
    ],
)
def test_the_layout_check_reports_each_kind_of_drift(lines: list[str], problems: list[str]) -> None:
    readme = "\n".join(
        ["```", HEADING + ":", *(f"  {line}    words" for line in lines), "clients/", "```"]
    )
    assert differences(listed(readme), SOURCE) == problems


def test_a_name_indented_below_no_folder_is_an_error() -> None:
    with pytest.raises(ValueError, match="below no folder"):
        listed("\n".join([HEADING + ":", "  a.py", "    b.py"]))


def test_the_source_scan_finds_packages_and_modules(tmp_path: Path) -> None:
    for relative in [
        "__init__.py",
        "a.py",
        "b/__init__.py",
        "b/c.py",
        "b/d/__init__.py",
        "b/d/e.py",
    ]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).touch()
    assert present(tmp_path) == SOURCE
