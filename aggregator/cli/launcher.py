"""The ``lekstat-server`` entry point, safe to run where only the client is installed."""

from __future__ import annotations

import os
import sys


def main() -> int:
    """Run ``lekstat-server``; say what to install when the server part is missing."""
    # The release engine's matrices are small: one BLAS thread is steady (0.13 s to plan a
    # release), while one per core stalled for seconds on a busy machine (docs/benchmarks.md).
    # Set before numpy is imported; an operator's own setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        from aggregator.cli.main import main as run
    except ModuleNotFoundError as exc:
        print(
            f"lekstat-server: the server part of lekstat is not installed (missing: {exc.name}); "
            "install it with: pip install 'lekstat[server]'",
            file=sys.stderr,
        )
        return 3
    return run()
