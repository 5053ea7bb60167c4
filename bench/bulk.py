"""Bulk loading through the drivers Tortoise uses: COPY on PostgreSQL (asyncpg), one
transaction of executemany on SQLite (aiosqlite). And emptying a benchmark database first.
"""

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import connections
from tortoise.transactions import in_transaction

from bench.shape import COLUMNS, Row
from portcullis.db import is_postgres

SQLITE_CHUNK = 50_000


def database_name(database_url: str) -> str:
    if is_postgres(database_url):
        return urlsplit(database_url).path.lstrip("/")
    return Path(database_url.removeprefix("sqlite://")).name


async def recreate(database_url: str) -> None:
    """Drop and create the database (a SQLite file is deleted). Refuses a database whose name
    does not contain "bench": this runs against whatever URL it is given."""
    name = database_name(database_url)
    if "bench" not in name:
        raise SystemExit(f"refusing to empty '{name}': a benchmark database's name has 'bench'")
    if not is_postgres(database_url):
        path = Path(database_url.removeprefix("sqlite://"))
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    parts = urlsplit(database_url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    connection = await asyncpg.connect(maintenance)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


LOAD_TIMEOUT_S = 1800


async def load(rows: dict[str, list[Row]]) -> None:
    """Insert every table's rows, parents first (COLUMNS is in that order)."""
    client = connections.get("default")
    if client.capabilities.dialect == "sqlite":
        async with in_transaction() as connection:
            for table, found in rows.items():
                sql = _insert(table)
                for start in range(0, len(found), SQLITE_CHUNK):
                    chunk = found[start : start + SQLITE_CHUNK]
                    await connection.execute_many(sql, [_sqlite(r) for r in chunk])
        return
    async with client.acquire_connection() as raw:
        pg: asyncpg.Connection = raw
        async with pg.transaction():
            for table, found in rows.items():
                # Not the served statement timeout (portcullis/db.py): 600,000 rows on a busy
                # 2-CPU machine took longer than its 30 s.
                await pg.copy_records_to_table(
                    table, records=found, columns=COLUMNS[table], timeout=LOAD_TIMEOUT_S
                )
            for table in rows:  # explicit ids: move each serial past them
                await pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )


def _insert(table: str) -> str:
    columns = COLUMNS[table]
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


def _sqlite(row: Row) -> list[Any]:
    """Datetimes as Tortoise writes them on SQLite (UTC text with microseconds)."""
    return [
        v.isoformat(" ", timespec="microseconds") if isinstance(v, datetime) else v for v in row
    ]


async def analyze() -> None:
    """PostgreSQL: what autovacuum does soon after a load like this (PostgreSQL 13+ vacuums a
    table after enough inserts): the statistics, and the visibility map that lets index-only
    scans skip the table; without it the planner prices reading a product's memberships through
    an index above reading them all. SQLite: nothing, as the service never runs ANALYZE there."""
    client = connections.get("default")
    if client.capabilities.dialect != "sqlite":
        await client.execute_script("VACUUM ANALYZE")
