"""OpenTelemetry traces (portcullis/tracing.py): off unless OTEL_TRACES_EXPORTER names an
exporter; when on, a SERVER span per request continuing the caller's trace, a span per GraphQL
operation inside it, PostgreSQL statements as spans of the asyncpg instrumentation, and no
span per field. Exported here to the SDK's in-memory exporter."""

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from portcullis import tracing
from portcullis.settings import SettingsError
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
def exported() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    assert tracing.configure(SimpleSpanProcessor(exporter))
    try:
        yield exporter
    finally:
        tracing.disable()


async def test_a_request_is_a_server_span_with_its_operation_and_statements_inside(
    api: GraphQLClient, exported: InMemorySpanExporter, is_postgres: bool
) -> None:
    world = await factories.world()
    response = await api.http.post(
        "/graphql",
        json={"query": "query Me { viewer { email organizations { name } } }"},
        headers={"traceparent": TRACEPARENT, "Authorization": f"Bearer {world.admin_token}"},
    )
    assert response.status_code == 200
    spans = exported.get_finished_spans()
    [server] = [s for s in spans if s.kind is SpanKind.SERVER]
    [operation] = [s for s in spans if s.name == "query Me"]
    assert server.name == "POST /graphql"
    assert format(server.context.trace_id, "032x") == TRACE_ID  # the caller's trace goes on
    assert server.attributes is not None
    assert server.attributes["http.response.status_code"] == 200
    assert server.attributes["portcullis.request_id"] == response.headers["x-request-id"]
    assert parent_of(operation) == server.context.span_id
    assert operation.attributes == {
        "graphql.operation.type": "query",
        "graphql.operation.name": "Me",
    }
    # (The test's own set-up statements are traced too, outside the request's trace.)
    in_trace = [s for s in spans if s.context.trace_id == server.context.trace_id]
    statements = [s for s in in_trace if s not in (server, operation)]
    if is_postgres:
        assert statements, [s.name for s in spans]
        assert all(
            s.attributes and s.attributes.get("db.system") == "postgresql" for s in statements
        )
        # Authenticating under the request; reading the organizations under the operation.
        parents = {parent_of(s) for s in statements}
        assert parents == {server.context.span_id, operation.context.span_id}
    else:
        assert statements == []  # SQLite: no instrumentation fits aiosqlite
    assert not {"viewer", "email", "organizations", "name"} & {
        s.name for s in spans
    }  # no span per field


def parent_of(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


async def test_an_operations_errors_are_on_its_span(
    api: GraphQLClient, exported: InMemorySpanExporter
) -> None:
    result = await api("query Me { viewer { email } }")
    assert result.codes == ["UNAUTHENTICATED"]
    [operation] = [s for s in exported.get_finished_spans() if s.name == "query Me"]
    assert operation.attributes is not None
    assert operation.attributes["graphql.error_codes"] == ("UNAUTHENTICATED",)


async def test_off_by_default_nothing_is_recorded(api: GraphQLClient) -> None:
    assert not tracing.enabled()
    assert (await api("{ productCatalog { key } }")).ok()


@pytest.mark.parametrize(
    ("environment", "exporter"),
    [
        ({}, None),
        ({"OTEL_TRACES_EXPORTER": "none"}, None),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, None),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, "otlp_proto_http"),
        ({"OTEL_TRACES_EXPORTER": "console"}, "console"),
    ],
)
def test_the_sdks_variables_choose_the_exporter(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], exporter: str | None
) -> None:
    for name in ("OTEL_TRACES_EXPORTER", "OTEL_SDK_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert tracing.exporter_name() == exporter


def test_an_unknown_exporter_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "jaegerz")
    with pytest.raises(SettingsError, match="OTEL_TRACES_EXPORTER: 'jaegerz' is not one of"):
        tracing.configure()
    assert not tracing.enabled()
