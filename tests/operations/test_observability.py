"""portcullis/observability.py on its own: a bug that escapes everything else is answered as a
masked 500 with the request id and logged at ERROR with its traceback; `serve` runs several
workers on PostgreSQL, whose metrics /metrics sums, and refuses them on SQLite."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from portcullis.observability import ObservedRequests
from tests.operations.test_metrics import samples, value
from tests.support.servers import run_cli, running_server


async def broken(_: Request) -> Response:
    raise RuntimeError("a bug outside GraphQL")


async def test_an_escaped_bug_is_a_masked_500_logged_with_its_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Starlette(routes=[Route("/broken", broken)])
    app.add_middleware(ObservedRequests)
    transport = httpx.ASGITransport(app=app)
    with caplog.at_level(logging.INFO, logger="portcullis.request"):
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            response = await client.get("/broken", headers={"X-Request-Id": "mine"})
    request_id = response.headers["x-request-id"]
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {
                "message": "Internal server error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
            }
        ]
    }
    [record] = [r for r in caplog.records if r.name == "portcullis.request"]
    fields: dict[str, Any] = record.request  # type: ignore[attr-defined]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert "a bug outside GraphQL" in str(record.exc_info[1])
    assert (fields["request_id"], fields["client_request_id"]) == (request_id, "mine")
    assert (fields["status"], fields["error_codes"]) == (500, ["INTERNAL_SERVER_ERROR"])


async def half_answered(_: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"data": '
        raise RuntimeError("a bug half-way through an answer")

    return StreamingResponse(chunks(), media_type="application/json")


async def test_a_bug_after_the_answer_began_is_still_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Starlette(routes=[Route("/half", half_answered)])
    app.add_middleware(ObservedRequests)
    sent: list[dict[str, Any]] = []
    asked = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if asked.is_set():  # the client stays: StreamingResponse listens for a disconnect
            await asyncio.Event().wait()
        asked.set()
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/half", "headers": [], "query_string": b""}
    with caplog.at_level(logging.INFO, logger="portcullis.request"):
        await app(scope, receive, send)  # returns: the server then closes the connection
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 200  # sent before the bug; the body is cut short
    [record] = [r for r in caplog.records if r.name == "portcullis.request"]
    assert record.levelno == logging.ERROR
    assert record.request["error_codes"] == ["INTERNAL_SERVER_ERROR"]  # type: ignore[attr-defined]
    assert record.exc_info is not None


@pytest.fixture
def two_workers(server_env: dict[str, str], is_postgres: bool, tmp_path: Any) -> Iterator[str]:
    if not is_postgres:
        pytest.skip("several workers need PostgreSQL")
    env = {**server_env, "PORTCULLIS_WORKERS": "2"}
    with running_server(env, tmp_path / "server.log") as server:
        yield server.base


def test_the_metrics_of_every_worker_are_summed(two_workers: str) -> None:
    query = {"query": "query Catalog { productCatalog { key } }"}
    with httpx.Client(base_url=two_workers) as client:  # a new connection each: any worker
        for _ in range(10):
            assert httpx.post(f"{two_workers}/graphql", json=query).status_code == 200
        found = samples(client.get("/metrics").text)
    labels = {"operation_type": "query", "operation_name": "Catalog", "outcome": "ok"}
    assert value(found, "portcullis_graphql_operations_total", **labels) == 10


def test_several_workers_are_refused_on_sqlite(tmp_path: Any) -> None:
    env = {"DATABASE_URL": f"sqlite://{tmp_path / 'w.sqlite3'}", "PORTCULLIS_WORKERS": "2"}
    done = run_cli({**env, "PATH": "/usr/bin:/bin"}, "serve", "--port", "1")
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "portcullis: PORTCULLIS_WORKERS / --workers above 1 needs PostgreSQL."
    )
