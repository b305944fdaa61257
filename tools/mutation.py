"""Mutation testing of the service's core with mutmut: run, score per module, report survivors.

`python tools/mutation.py full` mutates the domain, the use cases, the error table,
the conversions, the page tokens and the store codec, running the tests that cover
them; `quick` mutates one small module to prove the tool works (`make test` runs it).

mutmut names modules after their path below the working directory (or src/), so the
run happens in a staging copy, build/mutation/<mode>/, holding src/roster_user, the
tests and this project's pyproject.toml with a [tool.mutmut] section for the mode.
A survivor is either killed by a test or listed, with a one-line reason, in
tools/mutation_equivalent.toml; the run fails below the target score.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "services" / "user" / "roster_user"
EQUIVALENT = ROOT / "tools" / "mutation_equivalent.toml"
TARGET = 0.90


@dataclass(frozen=True)
class Mode:
    """What one kind of run mutates and which tests it runs."""

    modules: tuple[str, ...]
    tests: tuple[str, ...]


MODES = {
    "full": Mode(
        modules=(
            "domain/errors.py",
            "domain/model.py",
            "domain/paging.py",
            "domain/query.py",
            "domain/rules.py",
            "users/directory.py",
            "users/feed.py",
            "users/watching.py",
            "users/retention.py",
            "api/errors.py",
            "api/convert.py",
            "api/change_events.py",
            "store/codec.py",
        ),
        tests=("tests/unit", "tests/store"),
    ),
    "quick": Mode(modules=("domain/paging.py",), tests=("tests/unit/test_page_tokens.py",)),
}

# Mutation runs fork one process per mutant; the PostgreSQL cluster is per session,
# so these runs use the SQLite half of the store suites (the contract is the same).
# Tests about the source tree itself (import directions, the README's module list,
# the suite's own guards) read files the staging copy does not hold.
PYTEST_ARGS = (
    "-p",
    "no:cacheprovider",
    "-k",
    "not postgresql",
    "--ignore=tests/unit/test_layering.py",
    "--ignore=tests/unit/test_readme_layout.py",
    "--ignore=tests/unit/test_suite_guards.py",
)


# Files at the project's root that tests read (the settings table, the released version).
DOCUMENTS = ("README.md", "CHANGELOG.md")


def _toml_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def stage(mode: Mode, where: Path) -> None:
    """A fresh copy of the package and tests with a mutmut configuration for `mode`."""
    shutil.rmtree(where, ignore_errors=True)
    (where / "src").mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(PACKAGE, where / "src" / "roster_user", ignore=ignore)
    shutil.copytree(ROOT / "tests", where / "tests", ignore=ignore)
    # Read by tests of what the code declares (the settings table, the contract).
    for document in DOCUMENTS:
        shutil.copy2(ROOT / document, where / document)
    shutil.copytree(ROOT / "proto", where / "proto", ignore=ignore)
    section = "\n".join(
        [
            "",
            "[tool.mutmut]",
            'source_paths = ["src/roster_user"]',
            "also_copy = " + _toml_list((*DOCUMENTS, "proto")),
            "only_mutate = " + _toml_list(tuple(f"src/roster_user/{m}" for m in mode.modules)),
            "pytest_add_cli_args = " + _toml_list(PYTEST_ARGS),
            "pytest_add_cli_args_test_selection = " + _toml_list(mode.tests),
            "",
        ]
    )
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (where / "pyproject.toml").write_text(text + section, encoding="utf-8")


def mutmut(where: Path, *args: str) -> str:
    """Run one mutmut command in the staging copy; its standard output."""
    command = [str(Path(sys.executable).parent / "mutmut"), *args]
    done = subprocess.run(command, cwd=where, check=True, capture_output=True, text=True)  # noqa: S603 (our own tool)
    return done.stdout


def results(where: Path) -> dict[str, str]:
    """Every mutant's name and status."""
    found: dict[str, str] = {}
    for line in mutmut(where, "results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def module_of(mutant: str) -> str:
    """The module a mutant name belongs to (`roster_user.domain.paging.x…__mutmut_3`)."""
    parts = mutant.split(".")
    return ".".join(p for p in parts if not p.startswith("x"))


# Statuses where the tests noticed the mutant (a hang or a crash counts as noticed).
DETECTED = {"killed", "timeout", "segfault", "suspicious"}


def score(statuses: dict[str, str], equivalent: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """Per module: (detected, equivalent, total)."""
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for name, status in statuses.items():
        row = counts[module_of(name)]
        row[2] += 1
        if status in DETECTED:
            row[0] += 1
        elif name in equivalent:
            row[1] += 1
    return {module: (d, e, t) for module, (d, e, t) in sorted(counts.items())}


def report(where: Path, statuses: dict[str, str], equivalent: dict[str, str]) -> tuple[str, float]:
    """The Markdown report and the overall score over non-equivalent mutants."""
    lines = ["# Mutation testing report", "", "| module | killed | equivalent | total | score |"]
    lines.append("|---|---|---|---|---|")
    detected_all = relevant_all = 0
    for module, (detected, same, total) in score(statuses, equivalent).items():
        relevant = total - same
        detected_all += detected
        relevant_all += relevant
        ratio = detected / relevant if relevant else 1.0
        lines.append(f"| {module} | {detected} | {same} | {total} | {ratio:.1%} |")
    overall = detected_all / relevant_all if relevant_all else 1.0
    lines += ["", f"Overall: {detected_all}/{relevant_all} = {overall:.1%} (target {TARGET:.0%})"]
    survivors = sorted(name for name, status in statuses.items() if status not in DETECTED)
    for name in survivors:
        why = equivalent.get(name)
        lines += ["", f"## {name}: {statuses[name]}"]
        lines.append(
            f"Equivalent: {why}" if why else "NOT TRIAGED: kill it or list it as equivalent"
        )
        lines += ["```diff", mutmut(where, "show", name).strip(), "```"]
    return "\n".join(lines) + "\n", overall


def main() -> int:
    """Run one mode, write its report, and fail below the target or on untriaged survivors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=sorted(MODES))
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "mutation")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="MODULE",
        help="mutate just these of the mode's modules (paths below roster_user/), to iterate on one",
    )
    args = parser.parse_args()
    mode = MODES[args.mode]
    where = args.out / args.mode
    if args.only:
        unknown = sorted(set(args.only) - set(mode.modules))
        if unknown:
            parser.error(f"not mutated in {args.mode} mode: {', '.join(unknown)}")
        mode = Mode(modules=tuple(args.only), tests=mode.tests)
        where = args.out / (args.mode + "-" + "-".join(m.replace("/", ".") for m in args.only))
    stage(mode, where)
    run = subprocess.run(  # noqa: S603 (our own tool)
        [str(Path(sys.executable).parent / "mutmut"), "run"],
        cwd=where,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        # mutmut first runs the chosen tests unmutated; say why that failed.
        output = (run.stdout + run.stderr).replace("\r", "\n")
        sys.stdout.write(output[-6000:])
        return run.returncode
    equivalent = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))["equivalent"]
    statuses = results(where)
    text, overall = report(where, statuses, equivalent)
    (where / "report.md").write_text(text, encoding="utf-8")
    summary = text.split("\n## ", 1)[0]
    sys.stdout.write(summary + f"\nFull report: {where / 'report.md'}\n")
    untriaged = [n for n, s in statuses.items() if s not in DETECTED and n not in equivalent]
    if untriaged:
        sys.stdout.write(f"{len(untriaged)} survivors not triaged (see the report)\n")
    return 0 if overall >= TARGET and statuses else 1


if __name__ == "__main__":
    sys.exit(main())
