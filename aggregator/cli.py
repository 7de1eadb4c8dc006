"""The ``lekstat-server`` command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``lekstat-server``."""
    print("lekstat-server: the service is not built yet (see issue 3)", file=sys.stderr)
    return 2
