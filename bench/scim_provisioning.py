"""Creating users over SCIM (issue 17): `python -m bench.scim_provisioning`.

Starts `portcullis serve` on an empty database (a SQLite file in bench/data/, or the
PostgreSQL database given, which must be empty and whose name contains `bench`), makes an
organization and a SCIM token through the API, then POSTs `--users` users to /scim/v2/Users
from `--concurrency` clients, as an identity provider's first sync does. It prints the wall
time, users per second, p50 and p99 of one creation, and the SQL statements of a
`userName eq` lookup at that size (the server counts them, PORTCULLIS_COUNT_SQL=1)."""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.server import REPO, free_port, portcullis_command, running

DATA = REPO / "bench" / "data"
CREATE_ORG = (
    'mutation { createOrganization(input: {name: "Bench SCIM", experience: CENTRALIZED}) '
    "{ organization { id } } }"
)
CREATE_TOKEN = (
    'mutation ($org: ID!) { createScimToken(input: {organizationId: $org, name: "bench"}) '
    "{ secret } }"
)


def cli(env: dict[str, str], *args: str) -> str:
    script = Path(sys.executable).with_name("portcullis")
    done = subprocess.run([str(script), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def graphql(url: str, token: str, query: str, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    body = {"query": query, "variables": variables}
    return httpx.post(f"{url}/graphql", json=body, headers=headers, timeout=60).json()["data"]


async def provision(url: str, secret: str, users: int, concurrency: int) -> list[float]:
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/scim+json"}
    numbers = iter(range(users))
    took: list[float] = []

    async def client(http: httpx.AsyncClient) -> None:
        for k in numbers:
            body = {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": f"user{k}@bench.example",
                "externalId": f"ext-{k}",
                "displayName": f"User {k}",
                "emails": [{"value": f"user{k}@bench.example", "primary": True}],
                "active": True,
            }
            started = time.perf_counter()
            response = await http.post(f"{url}/scim/v2/Users", json=body, headers=headers)
            took.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"user {k}: {response.status_code} {response.text}")

    async with httpx.AsyncClient(timeout=60) as http:
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
    return took


def lookup_statements(url: str, secret: str, user_name: str) -> int:
    headers = {"Authorization": f"Bearer {secret}"}
    before = httpx.get(f"{url}/debug/sql-count").json()["statements"]
    found = httpx.get(
        f"{url}/scim/v2/Users", params={"filter": f'userName eq "{user_name}"'}, headers=headers
    ).json()
    assert found["totalResults"] == 1, found
    return int(httpx.get(f"{url}/debug/sql-count").json()["statements"]) - int(before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    url_db = args.database_url or f"sqlite://{DATA / 'bench_scim.sqlite3'}"
    if "bench" not in url_db:
        raise SystemExit("the database's name must contain 'bench'")
    if url_db.startswith("sqlite://"):
        Path(url_db.removeprefix("sqlite://")).unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url_db,
        "PORTCULLIS_LOG_LEVEL": "warning",
        "PORTCULLIS_COUNT_SQL": "1",
        "PORTCULLIS_RATE_LIMIT": "off",
    }
    port = free_port()
    with running(portcullis_command(port), env, DATA / "scim_server.log") as server:
        cli(env, "user", "create", "--email", "admin@bench.example", "--name", "Admin")
        token = cli(env, "token", "create", "--email", "admin@bench.example")
        org = graphql(server.url, token, CREATE_ORG)["createOrganization"]["organization"]["id"]
        secret = graphql(server.url, token, CREATE_TOKEN, org=org)["createScimToken"]["secret"]
        started = time.perf_counter()
        took = asyncio.run(provision(server.url, secret, args.users, args.concurrency))
        wall = time.perf_counter() - started
        statements = lookup_statements(server.url, secret, f"user{args.users // 2}@bench.example")
    cuts = statistics.quantiles(took, n=100)
    print(f"database: {url_db.split('://')[0]}, users: {args.users}, clients: {args.concurrency}")
    print(f"wall: {wall:.1f} s, {args.users / wall:.0f} users/s")
    print(f"one creation: p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms")
    print(f"`userName eq` lookup at {args.users + 1} users: {statements} SQL statements")


if __name__ == "__main__":
    main()
