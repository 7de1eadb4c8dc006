"""The client stays light: it never imports the server side, and its extra does not pull it in."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: What only the server needs: the client must neither import it nor install it.
SERVER_SIDE = ("duckdb", "opendp", "fastapi", "uvicorn", "starlette", "weasyprint")
ROOT = Path(__file__).parents[2]


def test_client_imports_no_server_side_module(tmp_path: Path) -> None:
    # Import everything, and run the offline commands too, since some imports are lazy.
    modules = ("aggregator", *SERVER_SIDE)
    code = f"""
import sys
import client, client.cli, client.api, client.files, client.config, client.render
from client.cli import main
assert main(["template", "--out", {str(tmp_path / "t.xlsx")!r}]) == 0
assert main(["validate", {str(tmp_path / "t.xlsx")!r}, "--period", "2026-Q1"]) == 1
print("LOADED=" + ",".join(m for m in {modules!r} if m in sys.modules))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip().splitlines()[-1] == "LOADED="


def installed_closure(distribution: str, extras: frozenset[str] = frozenset()) -> set[str]:
    """Every distribution that installing ``distribution[extras]`` brings, as installed here.

    Walks ``importlib.metadata.requires()`` transitively; a requirement counts when its marker
    holds in this environment for no extra or for one of the extras asked of that distribution,
    so ``pandera``'s ``fastapi; extra == "fastapi"`` does not count unless someone asks for it.
    """
    seen: dict[str, set[str]] = {}  # distribution → the extras already followed ("" for none)
    todo = [(canonicalize_name(distribution), {"", *extras})]
    while todo:
        name, asked = todo.pop()
        new = asked - seen.setdefault(name, set())
        if not new:
            continue
        seen[name] |= new
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError as exc:  # pip would have installed it
            raise AssertionError(f"{name} is required but not installed") from exc
        for text in requires:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in new):
                todo.append((canonicalize_name(requirement.name), {"", *requirement.extras}))
    return set(seen)


def test_client_extra_does_not_install_the_server_side() -> None:
    installed = installed_closure("lekstat", frozenset({"client"}))
    # direct requirements, and ones only reached through them (httpx → httpcore → h11,
    # pandas → numpy): the walk is transitive
    assert {"httpx", "openpyxl", "pandas", "pandera", "httpcore", "h11", "numpy"} <= installed
    assert not installed & set(SERVER_SIDE), installed & set(SERVER_SIDE)


def test_client_closure_walk_does_reach_the_server_side_through_the_server_extra() -> None:
    # the same walk finds every one of them from the server extra (starlette only through
    # fastapi), so the test above can fail
    assert set(SERVER_SIDE) <= installed_closure("lekstat", frozenset({"server"}))
    assert "fastapi" not in installed_closure("pandera")  # only its "fastapi" extra has it
    assert "fastapi" in installed_closure("pandera", frozenset({"fastapi"}))
