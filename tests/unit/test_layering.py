"""roster_user keeps its shape: layers import inward, and only the composition root knows every piece.

The rules live in tests/support/layering.py; the same functions check the real source
and the small synthetic trees below, which show that each rule can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import import_graph, loaded_by
from tests.support.layering import (
    PACKAGE,
    ROOT_IMPORTERS,
    RULES,
    domain_is_innermost,
    only_the_root_knows_the_root,
    shape_of,
    single_process_skips_the_pool,
    stores_see_only_the_domain,
)

SOURCE_ROOT = Path(__file__).resolve().parents[2] / "services" / "user"


def assert_kept(violations: list[str]) -> None:
    """Passes when a rule holds; otherwise lists every import that breaks it, one a line."""
    assert violations == [], "\n".join(["imports that break the rule:", *violations])


def test_the_domain_imports_nothing_of_roster_user_outside_the_domain() -> None:
    assert_kept(domain_is_innermost(shape_of(SOURCE_ROOT)))


def test_the_stores_import_only_the_domain_and_the_store_package() -> None:
    assert_kept(stores_see_only_the_domain(shape_of(SOURCE_ROOT)))


def test_no_layer_package_imports_the_composition_root() -> None:
    assert_kept(only_the_root_knows_the_root(shape_of(SOURCE_ROOT)))


def test_every_allowed_importer_of_the_composition_root_still_imports_it() -> None:
    importers = {
        i.importer
        for i in shape_of(SOURCE_ROOT)
        if i.target in (f"{PACKAGE}.server", f"{PACKAGE}.cli")
    }
    assert sorted(set(ROOT_IMPORTERS) - importers) == []


def test_the_single_process_path_loads_no_module_of_the_pool() -> None:
    # Fails until the lead's decoupling of pool/ from server.py, lifecycle/running.py
    # and cli.py lands; the failure lists each import still to remove.
    assert_kept(single_process_skips_the_pool(shape_of(SOURCE_ROOT)))


def test_the_walk_finds_the_imports_of_every_layer() -> None:
    importers = {
        i.importer.split(".")[1] for i in shape_of(SOURCE_ROOT) if i.importer.count(".") >= 1
    }
    assert {
        "domain",
        "store",
        "users",
        "api",
        "pipeline",
        "security",
        "lifecycle",
        "pool",
    } <= importers


# A small roster_user that keeps every rule; each BROKEN case replaces or adds modules.
CLEAN = {
    "domain/model.py": "import dataclasses\n",
    "domain/rules.py": "from roster_user.domain.model import User\nfrom . import model\n",
    "users/directory.py": "from roster_user.store.base import UserStore\n",
    "store/base.py": "from roster_user.domain import model\n",
    "store/sqlite/store.py": "from ..base import UserStore\nfrom roster_user.domain import model\n",
    "api/convert.py": "from roster_user.domain import model\n",
    "api/errors.py": "from roster_user.domain import model\n",
    "observability/metrics.py": "",
    "lifecycle/running.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from roster_user.pool import peer_nudges\n"
    ),
    "pool/peer_nudges.py": "",
    "pool/supervisor.py": "from roster_user import server\n",
    "server.py": "from roster_user.lifecycle import running\nfrom roster_user.store.sqlite import store\n",
    "cli.py": "from roster_user import server\ndef main() -> None:\n    from roster_user.pool import supervisor\n",
}

R = PACKAGE + "."
BROKEN = [
    pytest.param(
        "domain",
        {"domain/rules.py": "from roster_user.users import directory\n"},
        f"{R}domain.rules imports {R}users.directory (line 1)",
        id="domain imports a use case",
    ),
    pytest.param(
        "domain",
        {"domain/query.py": "def parse() -> None:\n    import roster_user.store.base\n"},
        f"{R}domain.query imports {R}store.base (line 2)",
        id="domain imports the store inside a function",
    ),
    pytest.param(
        "domain",
        {
            "domain/paging.py": "import typing\nif typing.TYPE_CHECKING:\n    from roster_user.api import convert\n"
        },
        f"{R}domain.paging imports {R}api.convert (line 3)",
        id="domain imports the api for types only",
    ),
    pytest.param(
        "domain",
        {"domain/__init__.py": "from ..config import Settings\n"},
        f"{R}domain imports {R}config (line 1)",
        id="domain package imports config relatively",
    ),
    pytest.param(
        "store",
        {"store/codec.py": "from roster_user.api.errors import to_status\n"},
        f"{R}store.codec imports {R}api.errors (line 1)",
        id="store imports the status table",
    ),
    pytest.param(
        "store",
        {"store/sqlite/files.py": "class Files:\n    from ...observability import metrics\n"},
        f"{R}store.sqlite.files imports {R}observability.metrics (line 2)",
        id="sqlite store imports observability relatively",
    ),
    pytest.param(
        "composition root",
        {"api/servicer.py": "from roster_user import server\n"},
        f"{R}api.servicer imports {R}server (line 1)",
        id="api imports server",
    ),
    pytest.param(
        "composition root",
        {"pool/reservation.py": "def hold() -> None:\n    import roster_user.cli\n"},
        f"{R}pool.reservation imports {R}cli (line 2)",
        id="pool imports cli inside a function",
    ),
    pytest.param(
        "single process",
        {"cli.py": "from roster_user.pool.supervisor import supervise\n"},
        f"{R}cli imports {R}pool.supervisor (line 1)",
        id="cli imports the supervisor",
    ),
    pytest.param(
        "single process",
        {
            "lifecycle/shutdown.py": "from roster_user.pool import peer_nudges\n",
            "lifecycle/running.py": "from . import shutdown\n",
        },
        f"{R}lifecycle.shutdown imports {R}pool.peer_nudges (line 1),"
        f" loaded via {R}server -> {R}lifecycle.running -> {R}lifecycle.shutdown",
        id="server reaches the pool through two modules",
    ),
    pytest.param(
        "single process",
        {"lifecycle/__init__.py": "import roster_user.pool\n"},
        f"{R}lifecycle imports {R}pool (line 1), loaded via {R}server -> {R}lifecycle",
        id="a package loaded on the way imports the pool",
    ),
]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """A roster_user package under `root` with these modules; every folder gets an __init__.py."""
    top = root / PACKAGE
    for relative, text in files.items():
        path = top / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in [path.parent, *path.parent.parents]:
            (folder / "__init__.py").touch()
            if folder == top:
                break
        path.write_text(text, encoding="utf-8")
    return root


def test_a_tree_that_keeps_the_shape_breaks_no_rule(tmp_path: Path) -> None:
    graph = shape_of(write_tree(tmp_path, CLEAN))
    assert {name: rule(graph) for name, rule in RULES.items()} == {name: [] for name in RULES}


@pytest.mark.parametrize(("rule", "change", "violation"), BROKEN)
def test_each_rule_names_the_module_and_the_import_that_break_it(
    tmp_path: Path, rule: str, change: dict[str, str], violation: str
) -> None:
    graph = shape_of(write_tree(tmp_path, {**CLEAN, **change}))
    broken = {name: found for name, check in RULES.items() if (found := check(graph))}
    assert broken == {rule: [violation]}


def test_imports_inside_functions_or_for_types_only_load_nothing(tmp_path: Path) -> None:
    graph = import_graph(write_tree(tmp_path, CLEAN), PACKAGE)
    loaded = loaded_by(graph, [f"{PACKAGE}.cli"])
    assert f"{PACKAGE}.store.sqlite.store" in loaded
    assert [name for name in loaded if name.startswith(f"{PACKAGE}.pool")] == []
