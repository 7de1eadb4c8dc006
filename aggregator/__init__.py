"""The lekstat aggregator: the service, its DuckDB store, the release engine and the report."""

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """The installed lekstat version."""
    try:
        return version("lekstat")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"
