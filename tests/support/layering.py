"""The shape of roster_user as rules over its import graph; each rule lists the imports breaking it.

Which imports count: the direction rules (domain, store, composition root) read every
import written in a module, including those inside functions and under
`if TYPE_CHECKING:`, because a deferred or type-only import is still a dependency
between layers. The single-process rule is about what gets loaded, so it follows
only the imports that run when a module is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.support.imports import Import, import_graph, loaded_by

PACKAGE = "roster_user"
COMPOSITION_ROOT = frozenset({f"{PACKAGE}.server", f"{PACKAGE}.cli"})
ROOT_MODULES = frozenset({PACKAGE, f"{PACKAGE}.cli", f"{PACKAGE}.config", f"{PACKAGE}.server"})

# Layer modules allowed to import the composition root, each with the reason. The
# supervisor runs server.build_server in every worker process it forks: for
# ROSTER_WORKERS > 1 it is a second entry point. Remove an entry once it no longer
# holds; the test of this table fails while an entry is stale.
ROOT_IMPORTERS = {
    f"{PACKAGE}.pool.supervisor": "runs the composition root in each forked worker",
}

Rule = Callable[[list[Import]], list[str]]


def shape_of(source_root: Path) -> list[Import]:
    """The import graph of roster_user as found under `source_root`."""
    return import_graph(source_root, PACKAGE)


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def domain_is_innermost(graph: list[Import]) -> list[str]:
    """The domain imports nothing of roster_user outside the domain."""
    domain = f"{PACKAGE}.domain"
    return [str(i) for i in graph if _within(i.importer, domain) and not _within(i.target, domain)]


def stores_see_only_the_domain(graph: list[Import]) -> list[str]:
    """store/ imports only the domain and store/ itself."""
    allowed = (f"{PACKAGE}.domain", f"{PACKAGE}.store")
    return [
        str(i)
        for i in graph
        if _within(i.importer, allowed[1]) and not any(_within(i.target, a) for a in allowed)
    ]


def only_the_root_knows_the_root(graph: list[Import]) -> list[str]:
    """No layer package imports the composition root (roster_user.server, roster_user.cli)."""
    return [
        str(i)
        for i in graph
        if i.importer not in ROOT_MODULES
        and i.importer not in ROOT_IMPORTERS
        and i.target in COMPOSITION_ROOT
    ]


def single_process_skips_the_pool(graph: list[Import]) -> list[str]:
    """Importing server and cli loads no module of pool/: the pool is only for ROSTER_WORKERS > 1."""
    pool = f"{PACKAGE}.pool"
    chains = loaded_by(graph, sorted(COMPOSITION_ROOT))
    # Every import that reaches into pool/ from a loaded module outside it.
    return [
        f"{i}{_how_loaded(chains[i.importer], i.importer)}"
        for i in graph
        if i.at_import_time
        and i.importer in chains
        and not _within(i.importer, pool)
        and _within(i.target, pool)
    ]


def _how_loaded(chain: list[Import], module: str) -> str:
    """', loaded via a -> b' for a module reached through others; empty for server and cli."""
    if not chain:
        return ""
    return ", loaded via " + " -> ".join([*(link.importer for link in chain), module])


RULES: dict[str, Rule] = {
    "domain": domain_is_innermost,
    "store": stores_see_only_the_domain,
    "composition root": only_the_root_knows_the_root,
    "single process": single_process_skips_the_pool,
}
