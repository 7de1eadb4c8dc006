"""What each command loads before it works: the non-timing guard of the start-up benchmark.

``lekstat --help`` took a second, mostly importing pandas and pandera that help text does not
need (issue 17). The timings are in ``benchmarks/bench_cli_startup.py``; these tests pin the
cause: which heavy modules a fresh interpreter has loaded after the command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
HEAVY = ("pandas", "pandera", "numpy", "openpyxl")


def _loaded_after(code: str, tmp_path: Path) -> set[str]:
    """The modules of ``HEAVY`` and httpx that running ``code`` in a fresh process loads."""
    script = f"""
import sys
{code}
print("LOADED=" + ",".join(m for m in {(*HEAVY, "httpx")!r} if m in sys.modules))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEKSTAT_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path), LEKSTAT_URL="http://x.test")
    env["LEKSTAT_TOKEN"] = "t0ken"
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    last = run.stdout.strip().splitlines()[-1]
    assert last.startswith("LOADED="), run.stdout + run.stderr
    return {m for m in last.removeprefix("LOADED=").split(",") if m}


def test_startup_help_loads_neither_httpx_nor_pandas_nor_pandera(tmp_path: Path) -> None:
    code = """
from client.cli import main
for argv in (["--help"], ["status", "--help"], ["validate"], ["--lang", "en", "--help"]):
    main(argv)
"""
    assert _loaded_after(code, tmp_path) == set()


def test_startup_status_talks_to_the_server_without_pandas_or_pandera(tmp_path: Path) -> None:
    me = {"token_id": "t", "role": "municipality", "municipality": "GM0363"}
    receipt = {"id": "s1", "period": "2026-Q1", "version": 1, "sha256": "0" * 64}
    answers = {
        "/api/v1/me": me,
        "/api/v1/submissions": {"submissions": [receipt]},
        "/api/v1/releases": {"releases": []},
    }
    code = f"""
import httpx
from client.cli import main
answers = {json.dumps(answers)}
def handler(request):
    body = answers.get(request.url.path)
    return httpx.Response(200 if body else 404, json=body or {{"error": {{}}}})
for argv in (["status"], ["status", "--json"], ["releases"]):
    assert main(argv, transport=httpx.MockTransport(handler)) == 0, argv
"""
    assert _loaded_after(code, tmp_path) == {"httpx"}


def test_startup_guard_can_fail_validation_does_load_pandera(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("function_type,count\n")
    code = f"""
from client.cli import main
main(["validate", {str(path)!r}, "--period", "2026-Q1"])
"""
    assert {"pandas", "pandera"} <= _loaded_after(code, tmp_path)
