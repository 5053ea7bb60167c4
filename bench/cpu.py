"""CPU per request, in one process: `python -m bench.cpu --manifest bench/data/NAME.json`.

The runner (bench/run.py) measures what a client sees of the real server; this measures what
one request costs the server's own process, without the client, uvicorn or the other
connections sharing the machine: the app is called in-process over httpx's ASGI transport,
and `time.process_time()` (this process's CPU, the SQLite driver's thread included; not the
PostgreSQL server's) is read around each round of requests. The best of several rounds is
reported, so other work on the machine inflates it little. It is how the Python side of issue
6's step 4 was measured (bench/README.md); nothing here is asserted.
"""

import argparse
import asyncio
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.generate import Manifest
from bench.queries import KINDS, Kind
from portcullis.cli import tune_garbage_collector
from portcullis.db import close_database, migrate
from portcullis.http.app import create_app
from portcullis.settings import Settings


async def measure(manifest: Manifest, requests: int, rounds: int) -> list[tuple[str, float]]:
    url = manifest["database_url"]
    await migrate(url)
    app = create_app(Settings(url, graphiql=False, log_level="warning"), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    figures = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for kind in KINDS:
            if not kind.mutates:  # a grant changes the data the next run reads
                figures.append((kind.label, await _best(client, manifest, kind, requests, rounds)))
    await close_database()
    return figures


async def _best(
    client: httpx.AsyncClient, manifest: Manifest, kind: Kind, requests: int, rounds: int
) -> float:
    bodies = kind.bodies(manifest, requests, random.Random(6))
    headers = {"Authorization": f"Bearer {manifest[kind.credential]}"}
    await _send(client, bodies[:5], headers)  # warm-up: documents parsed, pools open
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        await _send(client, bodies, headers)
        best = min(best, (time.process_time() - start) / len(bodies))
    return best * 1000


async def _send(
    client: httpx.AsyncClient, bodies: Sequence[dict[str, Any]], headers: dict[str, str]
) -> None:
    for body in bodies:
        answer = (await client.post("/graphql", json=body, headers=headers)).json()
        if answer.get("errors"):
            raise SystemExit(f"refused: {answer['errors']}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, required=True, help="from bench.generate")
    parser.add_argument("--requests", type=int, default=100, help="per round and kind")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    manifest = Manifest.read(args.manifest)
    tune_garbage_collector()  # as `portcullis serve` does
    figures = asyncio.run(measure(manifest, args.requests, args.rounds))
    print(f"{manifest['database_url']}: CPU ms per request, best of {args.rounds} rounds")
    for label, ms in figures:
        print(f"| {label} | {ms:.2f} |")


if __name__ == "__main__":
    main()
