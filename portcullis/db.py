"""Database set-up: the Tortoise configuration, migrations and the catalog sync."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
from tortoise import Tortoise
from tortoise.migrations.api import migrate as run_migrations

from models import MODEL_MODULES
from portcullis.settings import load_settings
from resolvers.catalog import sync_catalog


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _with_sqlite_dir(database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": "models.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _with_sqlite_dir(database_url: str) -> str:
    """Create the folder of a SQLite file so the zero set-up default just works."""
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    return database_url


# PostgreSQL waits, in seconds, unless DATABASE_URL sets them: connecting (asyncpg's `timeout`)
# and one statement (`command_timeout`). Past them a request answers DATABASE_UNAVAILABLE
# rather than hanging on a database that stopped answering without closing its sockets.
POSTGRES_TIMEOUTS = {"timeout": "10", "command_timeout": "30"}


def is_postgres(database_url: str) -> bool:
    """Whether DATABASE_URL names PostgreSQL (Tortoise's schemes for asyncpg)."""
    return urlsplit(database_url).scheme in ("postgres", "postgresql", "asyncpg")


def with_timeouts(database_url: str) -> str:
    """The URL with POSTGRES_TIMEOUTS added where it sets none (for serving, not migrating:
    a migration may rightly run one long statement)."""
    if not is_postgres(database_url):
        return database_url
    parts = urlsplit(database_url)
    given = parse_qs(parts.query)
    missing = [f"{k}={v}" for k, v in POSTGRES_TIMEOUTS.items() if k not in given]
    if not missing:
        return database_url
    return parts._replace(query="&".join([parts.query, *missing]).lstrip("&")).geturl()


# The key of the session-level advisory lock `migrate` holds on PostgreSQL (any constant
# bigint that nothing else in the database uses; "portcullis" in ASCII, cut to 63 bits).
MIGRATION_LOCK = 0x706F7274637573


async def migrate(database_url: str) -> None:
    """Apply committed migrations, then bring the product catalog rows up to date.

    On PostgreSQL under an advisory lock, so that replicas starting together migrate one after
    the other: the first applies what is missing, the others then find nothing to do (without
    it, two of three concurrent `portcullis migrate` on an empty database failed creating the
    same tables). Leaves Tortoise initialised for normal use. The migration API initialises
    apps without connections (its models are migration state), so Tortoise is initialised
    again after it, as the global context: Starlette runs the lifespan and the requests in
    different tasks.
    """
    async with migration_lock(database_url):
        await run_migrations(config=tortoise_config(database_url))
        await Tortoise.close_connections()
        await open_database(database_url)
        await sync_catalog()


@asynccontextmanager
async def migration_lock(database_url: str) -> AsyncIterator[None]:
    """PostgreSQL: hold the migration lock on a connection of its own for the block (the lock
    goes with the connection if the process dies). SQLite: one file, one writer; nothing."""
    if not is_postgres(database_url):
        yield
        return
    parts = urlsplit(database_url)  # Tortoise's own URL options are not asyncpg's: left out
    connection = await asyncpg.connect(parts._replace(scheme="postgresql", query="").geturl())
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        yield
    finally:
        await connection.close()  # ends the session, and with it the lock


async def open_database(database_url: str) -> None:
    """Connect without migrating (tests, which migrate once per session)."""
    config = tortoise_config(with_timeouts(database_url))
    await Tortoise.init(config=config, _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


# For Tortoise's own CLI: `tortoise -c portcullis.db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config(load_settings().database_url)
