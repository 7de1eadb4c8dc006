"""``python -m aggregator.cli``: the same as ``lekstat-server``."""

import sys

from aggregator.launcher import main

sys.exit(main())
