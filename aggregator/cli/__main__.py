"""``python -m aggregator.cli``: the same as ``lekstat-server``."""

import sys

from aggregator.cli.launcher import main

sys.exit(main())
