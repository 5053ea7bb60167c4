"""What the rate limit costs a request: `python -m bench.rate_limit_cost --database-url URL`.

In one process (the ASGI app over httpx's in-process transport, no network), the same cheap
authenticated request (`{ viewer { email } }`) is sent in batches of 100 without the limiter
and with it, alternately, until each has sent N (1,000); a figure adds up each mode's best
batches, so that a busy machine (other processes stealing the CPU) shows as little as it can.
Wall time includes the database server's work; CPU time is this process's alone. SQL statements
are counted with portcullis/sql_count.py. The counter's statement is also timed alone, beside
`SELECT 1`, the cheapest round trip. The database must be one the benchmarks may write to (its
name contains `bench`); the script adds one account and removes it at the end.
"""

import argparse
import asyncio
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import httpx
from tortoise import connections

from models.directory import Account
from permissions.auth import issue_personal_token
from portcullis import sql_count
from portcullis.db import close_database, migrate
from portcullis.http.app import create_app
from portcullis.http.rate_counter import counter_for
from portcullis.settings import RateLimit, Settings

QUERY = {"query": "{ viewer { email } }"}
BATCH = 100
REPEAT = 3  # each mode sends REPEAT x N requests; its best N count


@dataclass
class Batches:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    statements: int = 0

    def best(self, batches: int) -> tuple[float, float]:
        """Seconds of wall and CPU time of the fastest batches adding up to N requests."""
        order = sorted(range(len(self.wall)), key=self.wall.__getitem__)[:batches]
        return sum(self.wall[i] for i in order), sum(self.cpu[i] for i in order)


async def batch(http: httpx.AsyncClient, token: str, into: Batches) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(BATCH):
        response = await http.post("/graphql", json=QUERY, headers=headers)
        if response.status_code != 200 or "errors" in response.json():
            raise SystemExit(f"request failed: {response.status_code} {response.text[:200]}")
    into.wall.append(time.perf_counter() - wall)
    into.cpu.append(time.process_time() - cpu)


async def alternate(modes: dict[str, Settings], token: str, n: int) -> dict[str, Batches]:
    counted = sql_count.install()
    found = {name: Batches() for name in modes}
    clients = {
        name: httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(settings, manage_database=False)),
            base_url="http://bench",
        )
        for name, settings in modes.items()
    }
    for _ in range(REPEAT * n // BATCH):
        for name, http in clients.items():
            before = counted.statements
            await batch(http, token, found[name])
            found[name].statements += counted.statements - before
    for http in clients.values():
        await http.aclose()
    return found


async def one_statement(sql: str, values: list[str], n: int) -> float:
    """Milliseconds per statement, best of three runs of n."""
    db = connections.get("default")
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(n):
            await db.execute_query_dict(sql, values)
        runs.append(time.perf_counter() - started)
    return 1000 * min(runs) / n


async def counter_alone(database_url: str, n: int) -> float:
    counter = counter_for(database_url, 60)
    started = time.perf_counter()
    for _ in range(n):
        await counter.hit("bench:counter-alone")
    return 1000 * (time.perf_counter() - started) / n


async def measure(database_url: str, n: int) -> None:
    await migrate(database_url)
    email = f"rate-limit-cost-{secrets.token_hex(4)}@bench.example"
    account = await Account.create(email=email, display_name="Rate limit cost")
    token = await issue_personal_token(account, "bench", lifetime=None)
    off = Settings(database_url=database_url, graphiql=False, log_level="warning")
    on = replace(off, rate_limit=RateLimit(requests=10**9, window_s=60))
    try:
        found = await alternate({"off": off, "on": on}, token, n)
        alone = min([await counter_alone(database_url, n) for _ in range(3)])
        select_1 = await one_statement("SELECT 1", [], n)
    finally:
        await account.delete()
        if database_url.startswith("postgres"):
            await connections.get("default").execute_query(
                "DELETE FROM rate_limit_counter WHERE key LIKE 'bench:%' OR key LIKE 'pct_%'"
            )
    report(database_url, n, found, alone, select_1)


def report(url: str, n: int, found: dict[str, Batches], alone: float, select_1: float) -> None:
    print(f"{url.split('://')[0]}: {n} requests of {{ viewer {{ email }} }} per mode")
    walls = {}
    for name, batches in found.items():
        wall, cpu = batches.best(n // BATCH)
        walls[name] = wall
        statements = batches.statements / (len(batches.wall) * BATCH)
        print(
            f"  limiter {name:<3}  {wall:6.2f} s  {n / wall:5.0f} req/s  "
            f"{1000 * wall / n:5.2f} ms/request  CPU {1000 * cpu / n:5.2f} ms/request  "
            f"{statements:4.2f} statements/request"
        )
    print(f"  difference: {1000 * (walls['on'] - walls['off']) / n:+.3f} ms/request (wall)")
    print(f"  the counter alone: {alone:.3f} ms per hit; SELECT 1: {select_1:.3f} ms")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args(argv)
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        raise SystemExit("refusing a database whose name does not contain 'bench'")

    async def run() -> None:
        try:
            await measure(args.database_url, args.requests)
        finally:
            await close_database()

    asyncio.run(run())


if __name__ == "__main__":
    main()
