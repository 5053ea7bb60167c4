"""What the request log, the metrics and the traces cost one request, in CPU:
`python -m bench.observability_cost --manifest bench/data/NAME.json`.

As bench/cpu.py: the app in-process over httpx's ASGI transport, `time.process_time()` around
each round, the best of several rounds, per kind of read. Three apps on the same data:

- `off`: the app without portcullis/observability.py's middleware (a bare request id in its
  place) and without the SQL statement tally: what a request cost before issue 18;
- `on`: as shipped, with the JSON request line formatted and written (to /dev/null) at INFO,
  metrics updated and SQL statements counted, tracing off;
- `traced`: `on` with tracing on, every span exported to an exporter that drops it (the SDK's
  cost, without the network's).

The schema's ObserveOperation extension runs in all three (it is part of the schema); its cost
is one generator per operation.

`--hooks` measures the hooks alone, which a shared machine's noise hides in a whole request:
CPU per call of a trivial endpoint (an empty JSON answer) behind the bare request id, behind
ObservedRequests as shipped, and traced; and per SQL statement, Tortoise's debug call with
the statement tally against the same call with its logger off. Nothing here is asserted.
"""

import argparse
import asyncio
import logging
import os
import random
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.cpu import _send
from bench.generate import Manifest
from bench.queries import KINDS
from portcullis import request_log, tracing
from portcullis.cli import tune_garbage_collector
from portcullis.db import close_database, migrate
from portcullis.http.app import create_app
from portcullis.observability import ObservedRequests
from portcullis.settings import Settings

VARIANTS = ("off", "on", "traced")


class BareRequestId:
    """What stood in ObservedRequests' place before: a request id, nothing else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["request_id"] = uuid.uuid4().hex
        await self.app(scope, receive, send)


class DroppingExporter(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def app_for(url: str, variant: str) -> Starlette:
    app = create_app(Settings(url, graphiql=False, log_level="info"), manage_database=False)
    statements = logging.getLogger(request_log.QUERY_LOGGER)
    if variant == "off":
        app.user_middleware = [
            Middleware(BareRequestId) if cast(Any, m).cls is ObservedRequests else m
            for m in app.user_middleware
        ]
        statements.handlers = []
        statements.setLevel(logging.WARNING)
    if variant == "traced":
        tracing.configure(SimpleSpanProcessor(DroppingExporter()))
    return app


async def measure(manifest: Manifest, variant: str, requests: int, rounds: int) -> list[float]:
    url = manifest["database_url"]
    await migrate(url)
    transport = httpx.ASGITransport(app=app_for(url, variant))
    figures = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for kind in KINDS:
            if kind.mutates:
                continue
            bodies = kind.bodies(manifest, requests, random.Random(6))
            headers = {"Authorization": f"Bearer {manifest[kind.credential]}"}
            await _send(client, bodies[:5], headers)
            best = float("inf")
            for _ in range(rounds):
                start = time.process_time()
                await _send(client, bodies, headers)
                best = min(best, (time.process_time() - start) / len(bodies))
            figures.append(best * 1000)
    await close_database()
    return figures


def log_to_nowhere() -> None:
    """The JSON line is formatted and written, as in production, to /dev/null."""
    sink = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 (lives with the process)
    sink.setFormatter(request_log.JsonFormatter())
    sink.setLevel(logging.INFO)
    logging.getLogger().handlers = [sink]
    logging.getLogger().setLevel(logging.INFO)


async def _empty(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def hook_cost(wrapper: ASGIApp, calls: int) -> float:
    """Microseconds of CPU per request through `wrapper`, best of five rounds."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_: Any) -> None:
        return None

    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(calls):
            scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": []}
            await wrapper(scope, receive, send)
        best = min(best, (time.process_time() - start) / calls)
    return best * 1e6


def statement_cost(calls: int) -> tuple[float, float]:
    """Microseconds per Tortoise debug call: logger off, and with the tally (in a request)."""
    logger = logging.getLogger(request_log.QUERY_LOGGER)
    figures = []
    for tally in (False, True):
        logger.handlers, logger.level = [], logging.WARNING
        if tally:
            request_log.count_statements()
        token = request_log.current.set(request_log.RequestRecord("bench", "POST", "/graphql"))
        start = time.process_time()
        for _ in range(calls):
            logger.debug("%s: %s", "SELECT 1", None)
        figures.append((time.process_time() - start) / calls * 1e6)
        request_log.current.reset(token)
    return figures[0], figures[1]


def hooks(calls: int) -> None:
    log_to_nowhere()
    bare = asyncio.run(hook_cost(BareRequestId(_empty), calls))
    shipped = asyncio.run(hook_cost(ObservedRequests(_empty), calls))
    tracing.configure(SimpleSpanProcessor(DroppingExporter()))
    traced = asyncio.run(hook_cost(ObservedRequests(_empty), calls))
    off, tallied = statement_cost(calls * 10)
    print(f"CPU µs per request, best of 5 rounds of {calls}:")
    for label, figure in (("bare request id", bare), ("as shipped", shipped), ("traced", traced)):
        print(f"| {label} | {figure:.1f} |")
    print(f"CPU µs per SQL statement: logger off {off:.2f}, with the tally {tallied:.2f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, help="from bench.generate")
    parser.add_argument("--hooks", type=int, metavar="CALLS", help="measure the hooks alone")
    parser.add_argument("--variant", choices=VARIANTS, help="one only (default: all, in turn)")
    parser.add_argument("--requests", type=int, default=100, help="per round and kind")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.hooks:
        hooks(args.hooks)
        return
    if args.manifest is None:
        parser.error("--manifest or --hooks")
    manifest = Manifest.read(args.manifest)
    log_to_nowhere()
    tune_garbage_collector()
    labels = [kind.label for kind in KINDS if not kind.mutates]
    print(f"{manifest['database_url']}: CPU ms per request, best of {args.rounds} rounds")
    print("| variant | " + " | ".join(labels) + " |")
    for variant in [args.variant] if args.variant else VARIANTS:
        figures = asyncio.run(measure(manifest, variant, args.requests, args.rounds))
        print(f"| {variant} | " + " | ".join(f"{ms:.3f}" for ms in figures) + " |")


if __name__ == "__main__":
    main()
