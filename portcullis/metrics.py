"""Prometheus metrics (prometheus-client), served at GET /metrics.

What a request costs: at its end, two counters and two histograms are updated from its record
(portcullis/observability.py); each decision the engine takes
(once per feature and target per request) adds one to a counter whose label child is kept.
`python -m bench.observability_cost --hooks N` measures it (docs/operations.md).

Label values are bounded: paths by their known prefix (`/graphql`, `/scim/v2`, ... or
`other`), operation names by the first MAX_OPERATION_NAMES seen (then `other`; a client
chooses them), error codes and features by their enums.

With several worker processes (`portcullis serve --workers N`) each process writes its values
to files in PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode, set up by `serve`)
and /metrics, answered by any one of them, sums them.
"""

import os
from functools import cache
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from tortoise import connections

from permissions.codes import TopLevelErrorCode
from portcullis.request_log import RequestRecord

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
PATH_PREFIXES = ("/graphql", "/scim/v2", "/metrics", "/livez", "/readyz", "/healthz")
MAX_OPERATION_NAMES = 200
METHODS = frozenset({"GET", "POST", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
ANONYMOUS = "(anonymous)"
# Seconds; a GraphQL page takes milliseconds to a second (bench/README.md).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "portcullis_http_requests_total",
    "HTTP requests answered, by path prefix (/graphql, /scim/v2, ...), method and status.",
    ["path_prefix", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "portcullis_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by path prefix.",
    ["path_prefix"],
    buckets=LATENCY_BUCKETS,
)
OPERATIONS = Counter(
    "portcullis_graphql_operations_total",
    "GraphQL requests by operation type and name, and outcome: ok, or the error code that "
    "decided it (INTERNAL_SERVER_ERROR first, then DATABASE_UNAVAILABLE, then the first).",
    ["operation_type", "operation_name", "outcome"],
)
OPERATION_LATENCY = Histogram(
    "portcullis_graphql_request_duration_seconds",
    "Time to answer a GraphQL request, by operation type and name.",
    ["operation_type", "operation_name"],
    buckets=LATENCY_BUCKETS,
)
DECISIONS = Counter(
    "portcullis_decisions_total",
    "Decisions of the permission engine (one per feature and target per request).",
    ["feature", "outcome"],
)
RATE_LIMITED = Counter(
    "portcullis_rate_limit_refusals_total", "Requests refused by the rate limit (HTTP 429)."
)
DB_POOL = Gauge(
    "portcullis_db_pool_connections",
    "PostgreSQL connections of the pool (state: in_use, idle), summed over live processes.",
    ["state"],
    multiprocess_mode="livesum",
)

_operation_names: set[str] = set()


def path_prefix(path: str) -> str:
    for prefix in PATH_PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix
    return "other"


def operation_label(name: str | None) -> str:
    if not name:
        return ANONYMOUS
    if name not in _operation_names:
        if len(_operation_names) >= MAX_OPERATION_NAMES:
            return "other"
        _operation_names.add(name)
    return name


def outcome(codes: list[str]) -> str:
    if not codes:
        return "ok"
    for worst in (TopLevelErrorCode.INTERNAL_SERVER_ERROR, TopLevelErrorCode.DATABASE_UNAVAILABLE):
        if worst in codes:
            return worst
    return codes[0]


@cache
def _decision_child(feature: str, allowed: bool) -> Any:
    return DECISIONS.labels(feature, "allowed" if allowed else "refused")


def count_decision(feature: str, allowed: bool) -> None:
    _decision_child(feature, allowed).inc()


@cache
def _http_children(prefix: str, method: str, status: int) -> tuple[Any, Any]:
    """The label children of a path prefix, method and status, each from a bounded set (a
    method the client made up is `other`), so this cache stays small."""
    method = method if method in METHODS else "other"
    return HTTP_REQUESTS.labels(prefix, method, str(status)), HTTP_LATENCY.labels(prefix)


def observe(record: RequestRecord) -> None:
    """A request ended: count it and its latency."""
    prefix = path_prefix(record.path)
    method = record.method if record.method in METHODS else "other"
    requests, latency = _http_children(prefix, method, record.status)
    requests.inc()
    latency.observe(record.seconds)
    if TopLevelErrorCode.RATE_LIMITED in record.error_codes:
        RATE_LIMITED.inc()
    if prefix == "/graphql" and record.operation_type is not None:
        name = operation_label(record.operation_name)
        OPERATIONS.labels(record.operation_type, name, outcome(record.error_codes)).inc()
        OPERATION_LATENCY.labels(record.operation_type, name).observe(record.seconds)


def sample_pool() -> None:
    """The PostgreSQL pool's connections now (nothing on SQLite, which has no pool), at each
    scrape: not per request, which would look the connection up for nothing. Tortoise
    keeps asyncpg's pool in a private attribute: read here only, and only if it is there."""
    try:
        pool = getattr(connections.get("default"), "_pool", None)
    except Exception:  # Tortoise not initialised (yet): nothing to report
        return
    if pool is not None and hasattr(pool, "get_idle_size"):
        idle = pool.get_idle_size()
        DB_POOL.labels("in_use").set(pool.get_size() - idle)
        DB_POOL.labels("idle").set(idle)


def exposition() -> tuple[bytes, str]:
    """The text format and its content type, for this process or, in multiprocess mode,
    summed over every worker."""
    sample_pool()
    if os.environ.get(MULTIPROC_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
