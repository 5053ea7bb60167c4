"""Settings from the environment, read once per process."""

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("data") / "portcullis.sqlite3"
_YES = ("1", "true", "yes")
_NO = ("0", "false", "no")


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use: it refuses to start."""


@dataclass(frozen=True)
class Limits:
    """What one request may ask for (README, Security). Frozen and hashable: per-document work
    is cached per query text, never per limit object."""

    max_depth: int = 20
    max_aliases: int = 100
    max_tokens: int = 5000
    max_nodes: int = 50_000
    max_body_bytes: int = 102_400
    batching: bool = False
    max_batch: int = 10
    introspection: bool = True


@dataclass(frozen=True)
class Settings:
    database_url: str
    graphiql: bool
    log_level: str
    count_sql: bool = False  # benchmarks only: portcullis/sql_count.py
    limits: Limits = field(default_factory=Limits)


def load_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or f"sqlite://{DEFAULT_SQLITE_PATH}",
        graphiql=_flag("PORTCULLIS_GRAPHIQL", True),
        log_level=os.environ.get("PORTCULLIS_LOG_LEVEL", "info"),
        count_sql=os.environ.get("PORTCULLIS_COUNT_SQL", "0") in _YES,
        limits=load_limits(),
    )


def load_limits() -> Limits:
    default = Limits()
    return Limits(
        max_depth=_count("PORTCULLIS_MAX_DEPTH", default.max_depth),
        max_aliases=_count("PORTCULLIS_MAX_ALIASES", default.max_aliases),
        max_tokens=_count("PORTCULLIS_MAX_TOKENS", default.max_tokens),
        max_nodes=_count("PORTCULLIS_MAX_NODES", default.max_nodes),
        max_body_bytes=_count("PORTCULLIS_MAX_BODY_BYTES", default.max_body_bytes),
        batching=_flag("PORTCULLIS_BATCHING", default.batching),
        max_batch=_count("PORTCULLIS_MAX_BATCH", default.max_batch),
        introspection=_flag("PORTCULLIS_INTROSPECTION", default.introspection),
    )


def _count(name: str, default: int) -> int:
    """A positive whole number; a typo must stop the service, not silently lift a limit."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _YES + _NO:
        raise SettingsError(f"{name} must be one of {', '.join(_YES + _NO)}, not {raw!r}.")
    return raw in _YES
