"""schemas/ is the shared contract: it may depend on pandas and pandera only."""

from __future__ import annotations

import subprocess
import sys


def test_schemas_imports_no_client_or_server_code() -> None:
    code = (
        "import sys, schemas, schemas.validation, schemas.tables\n"
        "bad = [m for m in ('client', 'aggregator', 'duckdb', 'opendp', 'fastapi', 'httpx',"
        " 'openpyxl') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
