"""The client stays light: it never imports the server side, and its extra does not pull it in."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

FORBIDDEN = ("aggregator", "duckdb", "opendp", "fastapi", "uvicorn")
ROOT = Path(__file__).parents[2]


def test_client_imports_no_server_side_module(tmp_path: Path) -> None:
    # Import everything, and run the offline commands too, since some imports are lazy.
    code = f"""
import sys
import client, client.cli, client.api, client.files, client.config, client.render
from client.cli import main
assert main(["template", "--out", {str(tmp_path / "t.xlsx")!r}]) == 0
assert main(["validate", {str(tmp_path / "t.xlsx")!r}, "--period", "2026-Q1"]) == 1
print("LOADED=" + ",".join(m for m in {FORBIDDEN!r} if m in sys.modules))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip().splitlines()[-1] == "LOADED="


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _resolve(extra: str, project: dict, seen: set[str] | None = None) -> set[str]:
    """Every distribution the extra installs, following ``lekstat[...]`` references."""
    seen = seen or set()
    if extra in seen:
        return set()
    seen.add(extra)
    names = {_name(r) for r in project["dependencies"]}
    for requirement in project["optional-dependencies"][extra]:
        name = _name(requirement)
        if name == project["name"]:
            inner = re.search(r"\[(.*?)\]", requirement)
            for sub in inner.group(1).split(",") if inner else []:
                names |= _resolve(sub.strip(), project, seen)
        else:
            names.add(name)
    return names


def test_client_extra_does_not_install_the_server_side() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    installed = _resolve("client", project)
    assert {"httpx", "openpyxl", "pandas", "pandera"} <= installed
    assert not installed & set(FORBIDDEN), installed & set(FORBIDDEN)
    # The resolver follows self-references: the server extra does reach them.
    assert {"duckdb", "opendp", "fastapi", "uvicorn"} <= _resolve("server", project)
