"""The SQL statements behind one request of each kind, and what each costs on its own.

    python -m bench.statements --database-url postgres://postgres@127.0.0.1:5432/bench_large \
        --manifest bench/data/bench_large.json [--kinds admin_page,instance_users] [--plans]

Runs one request of each kind in-process (the real app over httpx's ASGI transport), records
the statements Tortoise sends, then times each SELECT alone: on PostgreSQL the execution time
EXPLAIN (ANALYZE, BUFFERS) reports (or, with `--wall`, the time the client waits for the
rows), on SQLite the wall time of running it; the median of
`--repeat` runs. `--plans` prints PostgreSQL's plans (SQLite's EXPLAIN QUERY PLAN). A grant
really grants (the next unused pair of the manifest): undo with `bench.generate --reset-grants`.
Nothing here is asserted; the machine is shared, so repeat and compare medians.
"""

import argparse
import asyncio
import json
import logging
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from tortoise import connections

from bench.generate import Manifest
from bench.queries import KINDS, Kind
from portcullis.db import close_database, is_postgres, open_database
from portcullis.http.app import create_app
from portcullis.settings import Settings
from portcullis.sql_count import attached

Statement = tuple[str, list[Any]]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[Statement] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s" and isinstance(record.args, tuple):
            query, values = record.args
            self.statements.append((str(query), list(values) if isinstance(values, list) else []))


@contextmanager
def recording() -> Iterator[list[Statement]]:
    handler = _Recorder()
    with attached(handler):
        yield handler.statements


async def _time_statement(
    sql: str, values: list[Any], postgres: bool, plans: bool, wall: bool
) -> float:
    connection = connections.get("default")
    if postgres and not wall:
        explained = await connection.execute_query_dict(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", values
        )
        plan = explained[0]["QUERY PLAN"]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        if plans:
            text = await connection.execute_query(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", values)
            print("\n".join(r[0] for r in text[1]))
        return float(plan[0]["Execution Time"])
    if plans:
        for row in await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", values):
            print("  ", row["detail"])
    start = time.perf_counter()
    await connection.execute_query(sql, values)
    return (time.perf_counter() - start) * 1000


async def _request(http: httpx.AsyncClient, body: dict[str, Any], token: str) -> float:
    start = time.perf_counter()
    response = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})
    elapsed = (time.perf_counter() - start) * 1000
    answer = response.json()
    if response.status_code != 200 or answer.get("errors"):
        raise SystemExit(f"the request failed: {json.dumps(answer)[:500]}")
    return elapsed


async def _measure(
    http: httpx.AsyncClient, kind: Kind, manifest: Manifest, args: argparse.Namespace
) -> None:
    count = args.repeat if not kind.mutates else 1
    bodies = kind.bodies(manifest, count + args.offset, random.Random(args.seed))[args.offset :]
    times = []
    for body in bodies:
        with recording() as statements:
            times.append(await _request(http, body, manifest[kind.credential]))
    print(
        f"\n== {kind.label}: {len(statements)} statements, request median "
        f"{statistics.median(times):.1f} ms in-process ({len(times)} runs)"
    )
    total = 0.0
    for sql, values in statements:
        total += await _report(sql, values, args)
    print(f"{total:8.2f} ms in all SELECT statements")


async def _report(sql: str, values: list[Any], args: argparse.Namespace) -> float:
    """Print one statement's median time alone (and its plan); 0 for what is not a SELECT."""
    if not sql.lstrip().upper().startswith("SELECT"):
        print(f"   -      {sql[:110]}")
        return 0.0
    postgres = is_postgres(args.database_url)
    runs = [
        await _time_statement(sql, values, postgres, False, args.wall) for _ in range(args.repeat)
    ]
    if args.plans:
        print(f"-- {sql}\n   {values[:12]}")
        await _time_statement(sql, values, postgres, True, False)
    median = statistics.median(runs)
    print(f"{median:8.2f} ms {' '.join(sql.split())[:110]}")
    return median


async def main(args: argparse.Namespace) -> None:
    manifest = Manifest.read(Path(args.manifest))
    await open_database(args.database_url)
    settings = Settings(database_url=args.database_url, graphiql=False, log_level="warning")
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for kind in KINDS:
                if kind.key in args.kinds.split(","):
                    await _measure(http, kind, manifest, args)
    finally:
        await close_database()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--kinds", default=",".join(k.key for k in KINDS if not k.mutates))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--offset", type=int, default=0, help="skip this many bodies (grants)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument(
        "--wall", action="store_true", help="PostgreSQL too: wall time, not EXPLAIN's"
    )
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
