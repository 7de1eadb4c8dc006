"""The lekstat client: the Python API and the ``lekstat`` command line."""
