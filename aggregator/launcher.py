"""The ``lekstat-server`` entry point, safe to run where only the client is installed."""

from __future__ import annotations

import sys


def main() -> int:
    """Run ``lekstat-server``; say what to install when the server part is missing."""
    try:
        from aggregator.cli import main as run
    except ModuleNotFoundError as exc:
        print(
            f"lekstat-server: the server part of lekstat is not installed (missing: {exc.name}); "
            "install it with: pip install 'lekstat[server]'",
            file=sys.stderr,
        )
        return 3
    return run()
