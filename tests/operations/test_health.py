"""/livez and /readyz (portcullis/health.py). The database stopped under load, with /readyz 503
while it is down and 200 again after: tests/operations/test_database_outage.py (pytest -m
hardening)."""

from collections.abc import AsyncIterator

import pytest
from tortoise import connections

from portcullis.health import MIGRATIONS_TABLE, expected_migrations
from tests.support.graphql_client import GraphQLClient


async def test_live_and_ready_when_the_database_answers_and_is_migrated(
    api: GraphQLClient,
) -> None:
    live = await api.http.get("/livez")
    ready = await api.http.get("/readyz")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ok"})


def test_the_build_ships_its_migrations() -> None:
    assert "0001_initial" in expected_migrations()
    assert all(name[:4].isdigit() for name in expected_migrations())


@pytest.fixture
async def newest_unapplied() -> AsyncIterator[str]:
    """The newest migration's record taken away (as if this build were newer than the
    database), then put back."""
    newest = max(expected_migrations())
    connection = connections.get("default")
    where = f"FROM {MIGRATIONS_TABLE} WHERE app = 'models' AND name = '{newest}'"
    _, rows = await connection.execute_query(f"SELECT app, name, applied_at {where}")
    await connection.execute_script(f"DELETE {where}")
    try:
        yield newest
    finally:
        row = rows[0]
        await connection.execute_query(
            f"INSERT INTO {MIGRATIONS_TABLE} (app, name, applied_at) VALUES ({_marks()})",
            [row["app"], row["name"], row["applied_at"]],
        )


def _marks() -> str:
    dialect = connections.get("default").capabilities.dialect
    return "$1, $2, $3" if dialect == "postgres" else "?, ?, ?"


async def test_not_ready_while_a_migration_is_missing(
    api: GraphQLClient, newest_unapplied: str
) -> None:
    ready = await api.http.get("/readyz")
    body = {"status": "unavailable", "reason": "migrations", "missing": [newest_unapplied]}
    assert (ready.status_code, ready.json()) == (503, body)
    assert (await api.http.get("/livez")).status_code == 200
