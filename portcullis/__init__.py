"""The runtime: HTTP (http/), GraphQL execution (execution/), settings, database, command line,
logs, metrics, traces, health and demo data."""
