"""Replicas starting together (portcullis/db.py): three `portcullis migrate` at once on one
empty PostgreSQL database all exit 0, and each migration is applied exactly once. Without the
advisory lock, two of three exited 1 (DuplicateTableError)."""

import subprocess
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import pytest

from portcullis.health import MIGRATIONS_TABLE, expected_migrations
from tests.support.servers import PORTCULLIS, die_with_parent

REPLICAS = 3


@pytest.fixture
async def empty_database(database_url: str, is_postgres: bool) -> AsyncIterator[str]:
    """A new, empty database beside the test database, dropped afterwards."""
    if not is_postgres:
        pytest.skip("the migration lock is PostgreSQL's (SQLite has one writer)")
    parts = urlsplit(database_url)
    admin = parts._replace(scheme="postgresql", path="/postgres", query="").geturl()
    name = f"portcullis_migrate_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


async def test_concurrent_migrates_all_succeed_and_apply_each_migration_once(
    empty_database: str,
) -> None:
    answers = migrate_together({"DATABASE_URL": empty_database, "PATH": "/usr/bin:/bin"})
    assert [status for status, _ in answers] == [0] * REPLICAS, answers
    connection = await asyncpg.connect(empty_database.replace("postgres://", "postgresql://", 1))
    try:
        rows = await connection.fetch(
            f"SELECT name, count(*) AS n FROM {MIGRATIONS_TABLE} WHERE app = 'models' GROUP BY name"
        )
        catalog = await connection.fetchval("SELECT count(*) FROM product")
    finally:
        await connection.close()
    assert {row["name"]: row["n"] for row in rows} == dict.fromkeys(expected_migrations(), 1)
    assert catalog > 0  # the catalog was synced, once the tables were there


def migrate_together(env: dict[str, str]) -> list[tuple[int, str]]:
    """REPLICAS `portcullis migrate` started at once; each one's exit status and output."""
    started = [
        subprocess.Popen(
            [PORTCULLIS, "migrate"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent(),
        )
        for _ in range(REPLICAS)
    ]
    outputs = [process.communicate(timeout=120)[0].decode() for process in started]
    return [(process.returncode, out) for process, out in zip(started, outputs, strict=True)]
