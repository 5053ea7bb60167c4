"""Settings from the environment, read once per process."""

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("data") / "portcullis.sqlite3"


@dataclass(frozen=True)
class Settings:
    database_url: str
    graphiql: bool
    log_level: str
    count_sql: bool = False  # benchmarks only: portcullis/sql_count.py


def load_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or f"sqlite://{DEFAULT_SQLITE_PATH}",
        graphiql=os.environ.get("PORTCULLIS_GRAPHIQL", "1") not in ("0", "false", "no"),
        log_level=os.environ.get("PORTCULLIS_LOG_LEVEL", "info"),
        count_sql=os.environ.get("PORTCULLIS_COUNT_SQL", "0") in ("1", "true", "yes"),
    )
