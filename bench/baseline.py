"""The baseline: `python -m bench.baseline --database-url URL --port P`.

A minimal Starlette app, one uvicorn process, answering the runner's two read requests (the
admin page and an integrator's productAccess, bench/queries.py) with the same JSON as the
GraphQL API, from hand-written SQL on the driver Tortoise uses (asyncpg; aiosqlite on one
connection). No GraphQL, no ORM, no permission engine: a credential is checked with one
query (prefix, SHA-256, and for the admin page whether its account is an organization
admin there). The effective-access relation is the application's own SQL
(resolvers/effective_access.py), so the ratio measures everything around that query.
Independent reads run concurrently (asyncio.gather), as a hand-tuned service would.
"""

import argparse
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.baseline_answers import HANDLERS, Database, Rows, refused
from portcullis.db import is_postgres

POOL_SIZE = 5  # Tortoise's asyncpg pool: at most 5 connections
_OPERATION = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")


class Postgres:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool, self.statements = pool, 0

    async def fetch(self, sql: str, params: Sequence[Any]) -> Rows:
        self.statements += 1
        parts = sql.split("?")
        numbered = "".join(f"{p}${i}" for i, p in enumerate(parts[:-1], 1)) + parts[-1]
        return [dict(r) for r in await self.pool.fetch(numbered, *params)]

    async def close(self) -> None:
        await self.pool.close()


class Sqlite:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection, self.statements = connection, 0

    async def fetch(self, sql: str, params: Sequence[Any]) -> Rows:
        self.statements += 1
        return [dict(r) for r in await self.connection.execute_fetchall(sql, params)]

    async def close(self) -> None:
        await self.connection.close()


async def connect(database_url: str) -> Database:
    if is_postgres(database_url):
        return Postgres(await asyncpg.create_pool(database_url, min_size=1, max_size=POOL_SIZE))
    connection = await aiosqlite.connect(database_url.removeprefix("sqlite://"))
    connection.row_factory = sqlite3.Row
    return Sqlite(connection)


def create_app(database_url: str) -> Starlette:
    state: dict[str, Database] = {}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        state["db"] = await connect(database_url)
        yield
        await state["db"].close()

    async def graphql(request: Request) -> JSONResponse:
        body = await request.json()
        operation = _OPERATION.match(body["query"])
        handler = HANDLERS.get(operation[1]) if operation else None
        if handler is None:
            return JSONResponse(refused("The baseline answers AdminPage and UserAccess only."), 400)
        return JSONResponse(await handler(state["db"], request, body.get("variables") or {}))

    async def count(_: Request) -> JSONResponse:
        return JSONResponse({"statements": state["db"].statements})

    async def healthz(_: Request) -> JSONResponse:
        await state["db"].fetch("SELECT 1", [])
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/graphql", graphql, methods=["POST"]),
        Route("/debug/sql-count", count, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    # The same server stack as `portcullis serve` (uvloop and httptools), so the comparison
    # measures the apps, not the stacks.
    uvicorn.run(
        create_app(args.database_url),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        loop="uvloop",
        http="httptools",
    )


if __name__ == "__main__":
    main()
