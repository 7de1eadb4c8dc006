"""``python -m client`` runs the ``lekstat`` command line."""

import sys

from client.cli import main

sys.exit(main())
