"""CPU per request, in one process: `python -m bench.cpu --manifest bench/data/NAME.json`.

The runner (bench/run.py) measures what a client sees of the real server; this measures what
one request costs the server's own process, for the API and for the baseline
(bench/baseline.py) in the same run: each app is called in-process as an ASGI app, with a
driver of a few lines instead of an HTTP client (so the client's own work, which httpx's ASGI
transport would add to both sides, is left out), and `time.process_time()` (this process's CPU,
the SQLite driver's thread included; not the PostgreSQL server's) is read around each round
of requests. The best of several rounds is reported, so other work on the machine inflates it
little. The rate limit is on, at a limit no run reaches, as bench.run serves it.

Fields per request: every value graphql-core resolves for the answer, counted in the answer's
`data` (each key of each object, lists' items included); CPU per request divided by it is the
issue's "µs per field, all included". Nothing here is asserted.

`--json PATH` writes the figures for bench.run's report; `--profile KIND` prints where one
round of that kind spends its CPU (cProfile, the top functions by own time and cumulative).
"""

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
from starlette.types import ASGIApp, Message

from bench.baseline import create_app as create_baseline
from bench.generate import Manifest
from bench.queries import KINDS, Kind
from portcullis.cli import tune_garbage_collector
from portcullis.db import close_database, migrate
from portcullis.http.app import create_app
from portcullis.settings import RateLimit, Settings

UNREACHED_LIMIT = RateLimit(999_999_999, 60)  # as bench.run: on, never reached


@dataclass(frozen=True)
class Figure:
    kind: str  # bench/queries.py's key
    label: str
    api_ms: float  # CPU per request, best round
    fields: float  # per request, averaged over the round's bodies
    baseline_ms: float | None  # the same bodies answered by bench/baseline.py


async def call(app: ASGIApp, body: bytes, authorization: bytes) -> bytes:
    """One POST /graphql through the app, as a server would hand it over; the answer's bytes."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", authorization),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
        "state": {},
    }
    sent = False
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if sent:  # nothing more comes: the connection stays open until the answer is sent
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks)


def fields_in(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(fields_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(fields_in(v) for v in value)
    return 0


async def _round(app: ASGIApp, bodies: Sequence[bytes], authorization: bytes) -> list[bytes]:
    return [await call(app, body, authorization) for body in bodies]


def _checked(answers: Sequence[bytes], who: str) -> list[Any]:
    decoded = [orjson.loads(a) for a in answers]
    for answer in decoded:
        if answer.get("errors") or answer.get("data") is None:
            raise SystemExit(f"{who} refused: {answer}")
    return decoded


async def _best(
    app: ASGIApp, bodies: Sequence[bytes], authorization: bytes, rounds: int, who: str
) -> tuple[float, float]:
    """(CPU ms per request, best round; fields per request)."""
    answers = _checked(await _round(app, bodies[:5], authorization), who)  # warm-up
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        answers = await _round(app, bodies, authorization)
        best = min(best, (time.process_time() - start) / len(bodies))
    decoded = _checked(answers, who)
    return best * 1000, sum(fields_in(a["data"]) for a in decoded) / len(decoded)


def _bodies(manifest: Manifest, kind: Kind, requests: int) -> list[bytes]:
    return [orjson.dumps(b) for b in kind.bodies(manifest, requests, random.Random(6))]


def _authorization(manifest: Manifest, kind: Kind) -> bytes:
    return f"Bearer {manifest[kind.credential]}".encode()


def _api(url: str) -> ASGIApp:
    settings = Settings(url, graphiql=False, log_level="warning", rate_limit=UNREACHED_LIMIT)
    return create_app(settings, manage_database=False)


async def measure(
    manifest: Manifest, requests: int, rounds: int, kinds: Sequence[str] | None = None
) -> list[Figure]:
    url = manifest["database_url"]
    await migrate(url)
    api = _api(url)
    baseline = create_baseline(url)
    figures = []
    async with baseline.router.lifespan_context(baseline):
        for kind in KINDS:
            if kind.mutates or (kinds and kind.key not in kinds):
                continue  # a grant changes the data the next run reads
            bodies = _bodies(manifest, kind, requests)
            authorization = _authorization(manifest, kind)
            ms, fields = await _best(api, bodies, authorization, rounds, "the API")
            base = None
            if kind.baseline:
                base, _ = await _best(baseline, bodies, authorization, rounds, "the baseline")
            figures.append(Figure(kind.key, kind.label, ms, fields, base))
    await close_database()
    return figures


async def profile(manifest: Manifest, kind_key: str, requests: int) -> str:
    """cProfile of one round of a kind, after a warm-up round."""
    kind = next(k for k in KINDS if k.key == kind_key)
    url = manifest["database_url"]
    await migrate(url)
    api = _api(url)
    bodies = _bodies(manifest, kind, requests)
    authorization = _authorization(manifest, kind)
    await _round(api, bodies, authorization)
    profiler = cProfile.Profile(time.process_time)  # CPU, not waiting on the database
    profiler.enable()
    await _round(api, bodies, authorization)
    profiler.disable()
    await close_database()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()


def table(figures: Sequence[Figure]) -> list[str]:
    lines = [
        "| request | API CPU ms | fields | µs / field | baseline CPU ms | API ÷ baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for f in figures:
        base = "" if f.baseline_ms is None else f"{f.baseline_ms:.2f}"
        ratio = "" if f.baseline_ms is None else f"{f.api_ms / f.baseline_ms:.1f}"
        lines.append(
            f"| {f.label} | {f.api_ms:.2f} | {f.fields:,.0f} | "
            f"{f.api_ms * 1000 / f.fields:.2f} | {base} | {ratio} |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--manifest", type=Path, required=True, help="from bench.generate")
    parser.add_argument("--requests", type=int, default=100, help="per round and kind")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kinds", help="comma-separated keys of bench/queries.py (all reads)")
    parser.add_argument("--json", type=Path, help="also write the figures here (bench.run)")
    parser.add_argument("--profile", metavar="KIND", help="cProfile one round of this kind")
    args = parser.parse_args(argv)
    manifest = Manifest.read(args.manifest)
    tune_garbage_collector()  # as `portcullis serve` does
    if args.profile:
        print(asyncio.run(profile(manifest, args.profile, args.requests)))
        return
    kinds = args.kinds.split(",") if args.kinds else None
    figures = asyncio.run(measure(manifest, args.requests, args.rounds, kinds))
    print(f"{manifest['database_url']}: CPU per request, best of {args.rounds} rounds")
    print("\n".join(table(figures)))
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], indent=1), "utf-8")


async def _send(
    client: httpx.AsyncClient, bodies: Sequence[dict[str, Any]], headers: dict[str, str]
) -> None:
    """Through httpx's ASGI transport (bench/observability_cost.py compares app variants
    with it, the client's work the same on each side)."""
    for body in bodies:
        answer = (await client.post("/graphql", json=body, headers=headers)).json()
        if answer.get("errors"):
            raise SystemExit(f"refused: {answer}")


if __name__ == "__main__":
    main()
