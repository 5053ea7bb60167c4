"""Application wiring: settings, database, command line and demo data."""
