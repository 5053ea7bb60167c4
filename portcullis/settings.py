"""Settings from the environment, read once per process.

Durations read `<integer><unit>` with the unit s, m, h or d (`90d`, `12h`, `60s`); a bare
number is refused rather than guessed at.
"""

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("data") / "portcullis.sqlite3"
DEFAULT_TOKEN_LIFETIME = "90d"
DEFAULT_RATE_LIMIT = "600"
DEFAULT_RATE_WINDOW = "60s"
NEVER = "never"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
LOG_FORMATS = ("json", "text")
_YES = ("1", "true", "yes")
_NO = ("0", "false", "no")
_DURATION = re.compile(r"^([1-9][0-9]{0,8})([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class SettingsError(ValueError):
    """A setting that cannot be read: start-up stops with this message."""


@dataclass(frozen=True)
class RateLimit:
    """At most `requests` per credential (or client address) in each window of `window_s`."""

    requests: int
    window_s: int


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
    log_format: str = "text"  # json | text (portcullis/request_log.py)
    workers: int = 1  # processes of `portcullis serve` (PORTCULLIS_WORKERS, or --workers)
    count_sql: bool = False  # benchmarks only: portcullis/sql_count.py
    rate_limit: RateLimit | None = None  # None: no limit (what tests get unless they ask)
    token_lifetime: timedelta | None = None  # None: personal tokens never expire
    limits: Limits = field(default_factory=Limits)


def load_settings() -> Settings:
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or f"sqlite://{DEFAULT_SQLITE_PATH}",
        graphiql=_flag("PORTCULLIS_GRAPHIQL", True),
        log_level=_choice("PORTCULLIS_LOG_LEVEL", "info", LOG_LEVELS),
        log_format=_choice("PORTCULLIS_LOG_FORMAT", "text", LOG_FORMATS),
        workers=_count("PORTCULLIS_WORKERS", 1),
        count_sql=os.environ.get("PORTCULLIS_COUNT_SQL", "0") in _YES,
        rate_limit=_rate_limit(),
        token_lifetime=lifetime(
            os.environ.get("PORTCULLIS_TOKEN_LIFETIME", DEFAULT_TOKEN_LIFETIME),
            "PORTCULLIS_TOKEN_LIFETIME",
        ),
        limits=load_limits(),
    )


def duration(text: str, name: str) -> timedelta:
    found = _DURATION.match(text.strip().lower())
    if found is None:
        raise SettingsError(
            f"{name}: '{text}' is not a duration; write a whole number and a unit "
            "(s, m, h or d), e.g. 90d or 12h"
        )
    return timedelta(**{_UNITS[found[2]]: int(found[1])})


def lifetime(text: str, name: str) -> timedelta | None:
    """A token lifetime: a duration, or `never` (only when asked for by name)."""
    return None if text.strip().lower() == NEVER else duration(text, name)


def _rate_limit() -> RateLimit | None:
    requests = os.environ.get("PORTCULLIS_RATE_LIMIT", DEFAULT_RATE_LIMIT).strip().lower()
    if not (requests == "off" or re.fullmatch(r"[0-9]{1,9}", requests)):
        raise SettingsError(
            f"PORTCULLIS_RATE_LIMIT: '{requests}' is neither a number of requests nor 'off'"
        )
    if requests == "off" or int(requests) == 0:
        return None
    window = duration(
        os.environ.get("PORTCULLIS_RATE_LIMIT_WINDOW", DEFAULT_RATE_WINDOW),
        "PORTCULLIS_RATE_LIMIT_WINDOW",
    )
    return RateLimit(requests=int(requests), window_s=int(window.total_seconds()))


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


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name, "").strip().lower() or default
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {raw!r}.")
    return raw
