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
DEFAULT_SIGN_IN_URL = "http://127.0.0.1:8000/console/"
# The admin console's persisted documents, shipped in its bundle (portcullis/console.py): the
# documents every mode knows, and the whole of what PORTCULLIS_DOCUMENTS=trusted answers
# unless PORTCULLIS_DOCUMENTS_MANIFEST names another manifest.
CONSOLE_MANIFEST = Path(__file__).with_name("console_bundle") / "persisted-documents.json"
DEFAULT_SIGN_IN_CODE_LIFETIME = "10m"
DOCUMENT_MODES = ("any", "trusted")
_ORIGIN = re.compile(r"^https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(:[0-9]{1,5})?$|^\*$")
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
    # Without valid credentials introspection would hand anyone the map of every mutation.
    anonymous_introspection: bool = False


@dataclass(frozen=True)
class Console:
    """What a browser console needs (docs/http-api.md): the origins that may call the API
    (CORS), which documents are answered (`any`, or only a manifest's: `trusted`), and where a
    one-time sign-in link points and how long its code lives."""

    cors_origins: tuple[str, ...] = ()  # empty: no cross-origin calls
    documents: str = "any"
    manifest: Path | None = CONSOLE_MANIFEST
    sign_in_url: str = DEFAULT_SIGN_IN_URL
    sign_in_code_lifetime: timedelta = timedelta(minutes=10)


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
    console: Console = field(default_factory=Console)


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
        console=load_console(),
    )


def load_console() -> Console:
    origins = tuple(
        o.strip().rstrip("/")
        for o in os.environ.get("PORTCULLIS_CORS_ORIGINS", "").split(",")
        if o.strip()
    )
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise SettingsError(
                f"PORTCULLIS_CORS_ORIGINS: {origin!r} is not an origin: write "
                "scheme://host[:port] (e.g. https://console.example.com), or *"
            )
    documents = os.environ.get("PORTCULLIS_DOCUMENTS", "any").strip().lower() or "any"
    if documents not in DOCUMENT_MODES:
        raise SettingsError(
            f"PORTCULLIS_DOCUMENTS must be one of {', '.join(DOCUMENT_MODES)}, not {documents!r}"
        )
    manifest_path = os.environ.get("PORTCULLIS_DOCUMENTS_MANIFEST", "").strip()
    manifest = Path(manifest_path) if manifest_path else CONSOLE_MANIFEST
    sign_in_url = os.environ.get("PORTCULLIS_SIGN_IN_URL", "").strip() or DEFAULT_SIGN_IN_URL
    if not re.match(r"^https?://", sign_in_url) or "#" in sign_in_url:
        raise SettingsError(
            f"PORTCULLIS_SIGN_IN_URL must be an http(s) URL without a #fragment, not "
            f"{sign_in_url!r}"
        )
    return Console(
        cors_origins=origins,
        documents=documents,
        manifest=manifest,
        sign_in_url=sign_in_url,
        sign_in_code_lifetime=duration(
            os.environ.get("PORTCULLIS_SIGN_IN_CODE_LIFETIME", DEFAULT_SIGN_IN_CODE_LIFETIME),
            "PORTCULLIS_SIGN_IN_CODE_LIFETIME",
        ),
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
        anonymous_introspection=_flag(
            "PORTCULLIS_ANONYMOUS_INTROSPECTION", default.anonymous_introspection
        ),
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
