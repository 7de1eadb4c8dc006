"""The lekstat aggregator: the service, its DuckDB store, the release engine and the report."""
