"""OpenTelemetry traces: off unless OTEL_TRACES_EXPORTER names an exporter.

Configured with the SDK's own variables: OTEL_TRACES_EXPORTER (`otlp`, which is OTLP over
HTTP/protobuf, `otlp_proto_http`, or `console`; `none` or unset: off), OTEL_SDK_DISABLED,
OTEL_SERVICE_NAME (default `portcullis`), OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and its
argument, OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS / _TIMEOUT..., OTEL_BSP_* for the batching.

Spans: one per HTTP request (SERVER kind, continuing a `traceparent` the client sent), one per
GraphQL operation inside it (portcullis/execution/observed.py), and one per SQL statement on
PostgreSQL from
opentelemetry-instrumentation-asyncpg. None per field: strawberry's tracing extension wraps
every resolver, which cost a third of a request's CPU here. When off, nothing is imported
beyond the API and each hook is a test of one module global.
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import entry_points
from typing import Any

from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from permissions.codes import TopLevelErrorCode
from portcullis.settings import SettingsError

EXPORTERS_GROUP = "opentelemetry_traces_exporter"
ALIASES = {"otlp": "otlp_proto_http"}  # only the HTTP/protobuf exporter is installed
SERVICE_NAME = "portcullis"

_tracer: Tracer | None = None  # None: tracing is off


def enabled() -> bool:
    return _tracer is not None


def exporter_name() -> str | None:
    """The exporter OTEL_TRACES_EXPORTER asks for, or None when tracing is off."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    name = os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if name in ("", "none"):
        return None
    return ALIASES.get(name, name)


def configure(processor: Any | None = None) -> bool:
    """Turn tracing on as the environment says; `processor` replaces the exporter's batch
    processor (tests give an in-memory exporter). Whether tracing is on."""
    global _tracer
    name = exporter_name()
    if name is None and processor is None:
        return False
    from opentelemetry.sdk.environment_variables import OTEL_SERVICE_NAME
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    service = {} if os.environ.get(OTEL_SERVICE_NAME) else {"service.name": SERVICE_NAME}
    provider = TracerProvider(resource=Resource.create(service))
    provider.add_span_processor(processor or BatchSpanProcessor(_exporter(name or "")))
    _tracer = provider.get_tracer("portcullis")
    _instrument_database(provider)
    return True


def disable() -> None:
    """Tests: back to off."""
    global _tracer
    _tracer = None
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    AsyncPGInstrumentor().uninstrument()  # type: ignore[no-untyped-call]


def _exporter(name: str) -> Any:
    found = entry_points(group=EXPORTERS_GROUP, name=name)
    if not found:
        known = ", ".join(
            sorted({*ALIASES, *(e.name for e in entry_points(group=EXPORTERS_GROUP))})
        )
        raise SettingsError(f"OTEL_TRACES_EXPORTER: '{name}' is not one of none, {known}")
    return next(iter(found)).load()()


def _instrument_database(provider: Any) -> None:
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)


@contextmanager
def request_span(method: str, path: str, headers: Mapping[str, str]) -> Iterator[Span | None]:
    """The SERVER span of one HTTP request (None when tracing is off)."""
    if _tracer is None:
        yield None
        return
    attributes = {"http.request.method": method, "url.path": path}
    with _tracer.start_as_current_span(
        f"{method} {path}",
        context=propagate.extract(headers),
        kind=SpanKind.SERVER,
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        yield span


def end_request(span: Span | None, status: int, request_id: str) -> None:
    if span is None:
        return
    span.set_attribute("http.response.status_code", status)
    span.set_attribute("portcullis.request_id", request_id)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))


@contextmanager
def operation_span() -> Iterator[Span | None]:
    """The span of one GraphQL operation (a batch has one per operation); named when it ends,
    once the document is parsed."""
    if _tracer is None:
        yield None
        return
    with _tracer.start_as_current_span("graphql", kind=SpanKind.INTERNAL) as span:
        yield span


def end_operation(
    span: Span | None, operation_type: str | None, name: str | None, codes: list[str]
) -> None:
    if span is None:
        return
    span.update_name(f"{operation_type or 'graphql'} {name or '(anonymous)'}")
    if operation_type:
        span.set_attribute("graphql.operation.type", operation_type)
    if name:
        span.set_attribute("graphql.operation.name", name)
    if codes:
        span.set_attribute("graphql.error_codes", codes)
    if (
        TopLevelErrorCode.INTERNAL_SERVER_ERROR in codes
        or TopLevelErrorCode.DATABASE_UNAVAILABLE in codes
    ):
        span.set_status(Status(StatusCode.ERROR))
