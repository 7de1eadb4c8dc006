"""The layers of lekstat, pinned by reading every import of every module (also local ones).

- ``schemas`` imports nothing of ours; ``client`` nothing of ``aggregator``;
- only ``aggregator/store/`` imports duckdb; only ``aggregator/dp/`` imports opendp;
- each part of ``aggregator`` imports only the parts below it (the table below), so nothing
  below the edges (http, cli, web) imports an edge;
- there is no import cycle between modules anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("schemas", "client", "aggregator")

#: Part of the code → the parts of ours it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "schemas": set(),
    "client": {"schemas"},
    "aggregator": set(),  # aggregator/__init__.py: the package version only
    "aggregator.clock": set(),
    "aggregator.config": set(),
    "aggregator.store": {"aggregator.clock", "schemas"},
    "aggregator.dp": {"schemas"},
    # The report sums and compares years with dp's post-processing (aggregator.dp.multiyear).
    "aggregator.report": {"aggregator.clock", "aggregator.dp", "schemas"},
    "aggregator.services": {
        "aggregator",
        "aggregator.clock",
        "aggregator.config",
        "aggregator.store",
        "aggregator.dp",
        "aggregator.report",
        "schemas",
    },
    # The edges: each over the services, and below nothing of each other but what composes them.
    "aggregator.http": {
        "aggregator",
        "aggregator.clock",
        "aggregator.config",
        "aggregator.store",
        "aggregator.dp",
        "aggregator.services",
        "aggregator.web",
        "schemas",
    },
    # The portal reads uploaded files and writes templates with the client's own readers.
    "aggregator.web": {
        "client",
        "aggregator",
        "aggregator.clock",
        "aggregator.config",
        "aggregator.store",
        "aggregator.dp",
        "aggregator.report",
        "aggregator.services",
        "schemas",
    },
    # The command line composes the service (serve builds the HTTP app); its argparse words in
    # Dutch are the client's.
    "aggregator.cli": {
        "client",
        "aggregator",
        "aggregator.clock",
        "aggregator.config",
        "aggregator.store",
        "aggregator.dp",
        "aggregator.services",
        "aggregator.http",
        "aggregator.demo",
        "schemas",
    },
    # The demo drives real processes: the client, the command line's operator channel.
    "aggregator.demo": {"aggregator.cli", "aggregator.dp", "client", "schemas"},
}
EDGES = {"aggregator.http", "aggregator.cli", "aggregator.web"}
BELOW_EDGES = {
    "aggregator.clock",
    "aggregator.config",
    "aggregator.store",
    "aggregator.dp",
    "aggregator.report",
    "aggregator.services",
    "schemas",
}


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, at any depth of its code, as absolute names."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # "from aggregator.services import budget" imports the module budget
            found.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES)
    return found


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _part(module: str) -> str:
    """The part of the code a module belongs to (the longest key of ALLOWED it is in)."""
    candidates = [p for p in ALLOWED if module == p or module.startswith(p + ".")]
    return max(candidates, key=len)


def _ours(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def test_layers_every_module_belongs_to_a_known_part() -> None:
    assert all(_part(m) for m in MODULES)
    assert {
        "aggregator.dp.privacy",
        "aggregator.store.store",
        "aggregator.services.releases",
    } <= set(MODULES)


def layer_violations(imports: dict[str, set[str]]) -> list[str]:
    """Imports of a part that its row of :data:`ALLOWED` does not allow."""
    return [
        f"{module} imports {target}"
        for module, imported in imports.items()
        for target in sorted(imported)
        if _ours(target)
        and _part(target) != _part(module)
        and _part(target) not in ALLOWED[_part(module)]
    ]


def edge_violations(imports: dict[str, set[str]]) -> list[str]:
    """Imports of an edge by a part below the edges."""
    return [
        f"{m} imports {t}"
        for m, imported in imports.items()
        if _part(m) in BELOW_EDGES
        for t in sorted(imported)
        if _ours(t) and _part(t) in EDGES
    ]


def cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles between modules (a module's own package ``__init__`` does not count)."""
    graph = {
        m: {t for t in imported if t in imports and t != m and not m.startswith(t + ".")}
        for m, imported in imports.items()
    }
    state: dict[str, int] = {}
    found: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return found


def test_layers_each_part_imports_only_the_parts_below_it() -> None:
    assert layer_violations(IMPORTS) == []


def test_layers_nothing_below_the_edges_imports_an_edge() -> None:
    assert edge_violations(IMPORTS) == []


def test_layers_there_is_no_import_cycle_between_modules() -> None:
    assert cycles(IMPORTS) == []


def test_layers_the_checks_see_what_they_must_refuse() -> None:
    bad = {
        "aggregator.services.budget": {"aggregator.http.errors", "aggregator.store"},
        "aggregator.http.errors": {"aggregator.services.budget"},
        "schemas.taxonomy": {"client.api"},
    }
    assert layer_violations(bad) == [
        "aggregator.services.budget imports aggregator.http.errors",
        "schemas.taxonomy imports client.api",
    ]
    assert edge_violations(bad) == ["aggregator.services.budget imports aggregator.http.errors"]
    assert cycles(bad) == [
        ["aggregator.http.errors", "aggregator.services.budget", "aggregator.http.errors"]
    ]


def test_layers_only_the_store_imports_duckdb_and_only_dp_imports_opendp() -> None:
    def importers(library: str) -> set[str]:
        return {
            m
            for m, imported in IMPORTS.items()
            if any(t == library or t.startswith(library + ".") for t in imported)
        }

    duckdb = importers("duckdb")
    opendp = importers("opendp")
    assert duckdb and all(m.startswith("aggregator.store.") for m in duckdb), duckdb
    assert opendp == {"aggregator.dp.privacy"}
