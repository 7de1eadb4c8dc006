"""The ``lekstat`` command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``lekstat``."""
    print("lekstat: the client command line is not built yet (see issue 4)", file=sys.stderr)
    return 2
