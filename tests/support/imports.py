"""The import graph of a package's source, read with `ast` (nothing is imported or run)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    """One import statement naming one module of the package, as written in `importer`."""

    importer: str
    target: str
    line: int
    # False inside a function body or an `if TYPE_CHECKING:` block: written, but
    # not executed when the importer itself is imported.
    at_import_time: bool

    def __str__(self) -> str:
        return f"{self.importer} imports {self.target} (line {self.line})"


def modules(source_root: Path, package: str) -> dict[str, Path]:
    """Every module of `package` under `source_root`, by dotted name (packages by their __init__)."""
    found: dict[str, Path] = {}
    for path in sorted((source_root / package).rglob("*.py")):
        parts = path.relative_to(source_root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph(source_root: Path, package: str) -> list[Import]:
    """Every import of a module of `package` written anywhere in `package`'s source."""
    known = modules(source_root, package)
    graph: list[Import] = []
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, at_import_time in _import_nodes(tree.body, at_import_time=True):
            for target in dict.fromkeys(_targets(node, name, is_package, known)):
                if target == package or target.startswith(package + "."):
                    graph.append(Import(name, target, node.lineno, at_import_time))
    return graph


def loaded_by(graph: Iterable[Import], roots: Iterable[str]) -> dict[str, list[Import]]:
    """The modules importing `roots` loads, each with the chain of imports that loads it."""
    edges: dict[str, list[Import]] = {}
    for edge in graph:
        if edge.at_import_time:
            edges.setdefault(edge.importer, []).append(edge)
    chains: dict[str, list[Import]] = {root: [] for root in roots}
    pending = list(chains)
    while pending:
        importer = pending.pop(0)
        for edge in edges.get(importer, []):
            # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
            for loaded in _with_parents(edge.target):
                if loaded not in chains:
                    chains[loaded] = [*chains[importer], edge]
                    pending.append(loaded)
    return chains


def _import_nodes(
    body: list[ast.stmt], *, at_import_time: bool
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement in `body`, nested ones too, and whether it runs at import time."""
    for statement in body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            yield statement, at_import_time
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _import_nodes(statement.body, at_import_time=False)
        elif isinstance(statement, ast.If) and _is_type_checking(statement.test):
            yield from _import_nodes(statement.body, at_import_time=False)
            yield from _import_nodes(statement.orelse, at_import_time=at_import_time)
        else:
            # Class bodies, try/except, with, loops and other ifs run as they are reached.
            yield from _import_nodes(_nested(statement), at_import_time=at_import_time)


def _nested(statement: ast.stmt) -> list[ast.stmt]:
    """The statements directly inside a compound statement, from every branch."""
    nested: list[ast.stmt] = []
    for field in ("body", "orelse", "finalbody"):
        nested += getattr(statement, field, [])
    for branch in [*getattr(statement, "handlers", []), *getattr(statement, "cases", [])]:
        nested += branch.body
    return nested


def _is_type_checking(test: ast.expr) -> bool:
    """True for `TYPE_CHECKING` and `typing.TYPE_CHECKING`."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _targets(
    node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: dict[str, Path]
) -> list[str]:
    """The modules one statement imports: `from pkg import mod` names pkg.mod when it is a module."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = _absolute(node, importer, is_package)
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
    ]


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module a `from ... import` reads from, resolving leading dots."""
    if node.level == 0:
        return node.module or ""
    parts = importer.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join([*anchor, node.module] if node.module else anchor)


def _with_parents(name: str) -> list[str]:
    """`a.b.c` and the packages it sits in: a, a.b, a.b.c."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]
