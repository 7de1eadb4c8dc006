"""The command-line edge: ``lekstat-server``."""
