"""A fault injected inside the database: triggers on every table of the schema count the rows a
transaction writes and fail the Nth write. `raise` fails the statement; `kill` (PostgreSQL)
has the server end its own connection there, as a crash or a failover would.

The count lives in a table of its own, written by the same transaction as the mutation, so a
fault that fires rolls the count back with everything else; the test arms it before each try.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from tortoise import connections

from tests.conftest import TABLES

COUNTER = "fault_counter"
FAULT_MESSAGE = "injected fault"

_PG_FUNCTION = f"""
CREATE FUNCTION injected_fault() RETURNS trigger AS $$
DECLARE
  remaining integer;
  killing boolean;
BEGIN
  UPDATE {COUNTER} SET n = n - 1 RETURNING n, kill INTO remaining, killing;
  IF remaining = 0 THEN
    IF killing THEN
      PERFORM pg_terminate_backend(pg_backend_pid());
      PERFORM pg_sleep(30);  -- the termination lands here, before anything else is written
    END IF;
    RAISE EXCEPTION '{FAULT_MESSAGE}';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql
"""


def _sqlite_trigger(table: str, operation: str) -> str:
    return f"""
CREATE TRIGGER fault_{table}_{operation.lower()} BEFORE {operation} ON {table}
BEGIN
  UPDATE {COUNTER} SET n = n - 1;
  SELECT RAISE(ABORT, '{FAULT_MESSAGE}') WHERE (SELECT n FROM {COUNTER}) = 0;
END"""


class Faults:
    """Arms the fault for the next transaction that writes: its `nth` row write fails."""

    def __init__(self, is_postgres: bool) -> None:
        self.is_postgres = is_postgres

    async def arm(self, nth: int, kill: bool = False) -> None:
        assert self.is_postgres or not kill, "only PostgreSQL can end its own connection"
        await _execute(f"UPDATE {COUNTER} SET n = ?, kill = ?", [nth, kill], self.is_postgres)

    async def disarm(self) -> None:
        await _execute(f"UPDATE {COUNTER} SET n = NULL, kill = ?", [False], self.is_postgres)

    async def install(self) -> None:
        await _execute(f"CREATE TABLE {COUNTER} (n integer, kill boolean)", [], self.is_postgres)
        await _execute(f"INSERT INTO {COUNTER} VALUES (NULL, ?)", [False], self.is_postgres)
        connection = connections.get("default")
        if self.is_postgres:
            await connection.execute_script(_PG_FUNCTION)
            for table in TABLES:
                await connection.execute_script(
                    f"CREATE TRIGGER fault_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION injected_fault()"
                )
            return
        for table in TABLES:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                await connection.execute_script(_sqlite_trigger(table, operation))

    async def remove(self) -> None:
        connection = connections.get("default")
        if self.is_postgres:
            for table in TABLES:
                await connection.execute_script(f"DROP TRIGGER IF EXISTS fault_{table} ON {table}")
            await connection.execute_script("DROP FUNCTION IF EXISTS injected_fault()")
        else:
            for table in TABLES:
                for operation in ("insert", "update", "delete"):
                    await connection.execute_script(
                        f"DROP TRIGGER IF EXISTS fault_{table}_{operation}"
                    )
        await connection.execute_script(f"DROP TABLE IF EXISTS {COUNTER}")


async def _execute(sql: str, values: list[Any], is_postgres: bool) -> None:
    if is_postgres:
        for number in range(1, len(values) + 1):
            sql = sql.replace("?", f"${number}", 1)
    await connections.get("default").execute_query(sql, values)


@asynccontextmanager
async def injected_faults(is_postgres: bool) -> AsyncIterator[Faults]:
    faults = Faults(is_postgres)
    await faults.install()
    try:
        yield faults
    finally:
        await faults.remove()


async def every_row(tables: Sequence[str] = TABLES) -> dict[str, list[list[tuple[str, Any]]]]:
    """Every row of the tables (by default every table of the schema: the whole database's
    state), in key order (the first column: `id`, or `key` for rate_limit_counter)."""
    connection = connections.get("default")
    found = {}
    for table in tables:
        rows = await connection.execute_query_dict(f"SELECT * FROM {table} ORDER BY 1")
        found[table] = [sorted(row.items()) for row in rows]
    return found
