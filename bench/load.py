"""The client process: `python -m bench.load SPEC.json` sends one kind of request and prints
its figures as JSON on stdout.

The spec names the server, the credential, the request bodies (the first `warmup` are sent
untimed), the number of concurrent connections and a time limit. With `count_sql` it reads the
server's /debug/sql-count after the warm-up and after the timed requests, so the statements
of exactly the timed requests are counted. Run by bench/run.py, never by pytest.
"""

import asyncio
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

TIMEOUT = 120.0


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    stopped_early: bool = False


def refused(answer: Any) -> str | None:
    """A top-level GraphQL error, or a mutation payload's `errors`; None when all is well."""
    if not isinstance(answer, dict):
        return "not a JSON object"
    if answer.get("errors"):
        return json.dumps(answer["errors"])[:300]
    for value in (answer.get("data") or {}).values():
        if isinstance(value, dict) and value.get("errors"):
            return json.dumps(value["errors"])[:300]
    return None


async def send(
    client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str], tally: Tally
) -> None:
    start = time.perf_counter()
    response = await client.post("/graphql", json=body, headers=headers)
    tally.latencies.append(time.perf_counter() - start)
    if response.status_code != 200:
        problem: str | None = f"HTTP {response.status_code}: {response.text[:200]}"
    else:
        problem = refused(response.json())
    if problem is not None:
        tally.errors += 1
        tally.first_error = tally.first_error or problem


async def drive(
    client: httpx.AsyncClient,
    bodies: list[dict[str, Any]],
    headers: dict[str, str],
    concurrency: int,
    max_seconds: float,
) -> tuple[Tally, float]:
    """Send every body over `concurrency` connections; stop starting new ones after
    max_seconds. Returns the tally and the elapsed seconds."""
    tally, pending = Tally(), iter(bodies)
    start = time.perf_counter()

    async def worker() -> None:
        for body in pending:
            if time.perf_counter() - start > max_seconds:
                tally.stopped_early = True
                return
            await send(client, body, headers, tally)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return tally, time.perf_counter() - start


async def statements(client: httpx.AsyncClient, count_sql: bool) -> int | None:
    if not count_sql:
        return None
    answer = (await client.get("/debug/sql-count")).json()
    return int(answer["statements"])


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {spec['credential']}"}
    bodies: list[dict[str, Any]] = spec["bodies"]
    warmup, concurrency = int(spec["warmup"]), int(spec["concurrency"])
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=spec["url"], timeout=TIMEOUT, limits=limits) as client:
        warm, _ = await drive(client, bodies[:warmup], headers, concurrency, TIMEOUT)
        before = await statements(client, spec["count_sql"])
        cpu = time.process_time()
        tally, elapsed = await drive(
            client, bodies[warmup:], headers, concurrency, float(spec["max_seconds"])
        )
        cpu = time.process_time() - cpu
        after = await statements(client, spec["count_sql"])
    done = sorted(tally.latencies)
    per_request = None
    if before is not None and after is not None and done:
        per_request = (after - before) / len(done)
    return {
        "requests": len(done),
        "seconds": elapsed,
        "rps": len(done) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(done, 0.50) * 1e3,
        "p99_ms": percentile(done, 0.99) * 1e3,
        "mean_ms": sum(done) / len(done) * 1e3 if done else float("nan"),
        "errors": tally.errors + warm.errors,
        "first_error": tally.first_error or warm.first_error,
        "stopped_early": tally.stopped_early,
        "statements_per_request": per_request,
        "client_cpu_share": cpu / elapsed if elapsed else 0.0,
    }


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(asyncio.run(run(spec))))


if __name__ == "__main__":
    main()
