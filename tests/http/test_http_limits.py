"""Limits on the HTTP request (README, Security): the body size over a real server (uvicorn),
with Content-Length and chunked; batched operations off and on; GraphiQL off and on."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
import uvicorn

from portcullis.settings import Limits
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, app_for, in_process

MAX_BODY = 1000


@pytest.fixture(scope="module")
def server(database: str) -> Iterator[str]:
    """The app behind uvicorn in a thread of its own; the requests here never reach the
    database (no credentials, `{ __typename }`), so it needs no connection of its own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    app = app_for(database, Limits(max_body_bytes=MAX_BODY))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=30)


def _body(size: int) -> bytes:
    """A valid request of exactly `size` bytes."""
    empty = {"query": "{ __typename }", "variables": {"pad": ""}}
    padding = size - len(json.dumps(empty).encode())
    return json.dumps({**empty, "variables": {"pad": "x" * padding}}).encode()


def _chunks(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), 300):
        yield body[start : start + 300]


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_at_the_limit_runs(server: str, chunked: bool) -> None:
    body = _body(MAX_BODY)
    content = _chunks(body) if chunked else body
    response = httpx.post(f"{server}/graphql", content=content, headers=JSON, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_request_too_large(server: str, chunked: bool) -> None:
    body = _body(MAX_BODY + 1)
    content = _chunks(body) if chunked else body
    with httpx.Client(timeout=30) as client:
        request = client.build_request("POST", f"{server}/graphql", content=content, headers=JSON)
        assert ("content-length" in request.headers) is not chunked
        response = client.send(request)
    assert response.status_code == 413
    assert response.headers["x-request-id"]
    assert response.json() == {
        "errors": [
            {
                "message": f"The request body is larger than {MAX_BODY} bytes.",
                "extensions": {"code": "REQUEST_TOO_LARGE", "limit": MAX_BODY},
            }
        ]
    }


def test_a_declared_length_over_the_limit_is_refused_before_the_body_arrives(server: str) -> None:
    """Only the headers are sent: the answer comes without waiting for the body."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {10 * MAX_BODY}\r\n\r\n".encode()
        )
        answer = b""
        while b"REQUEST_TOO_LARGE" not in answer:  # headers and body may come apart
            received = raw.recv(4096)
            if not received:
                break
            answer += received
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert b"REQUEST_TOO_LARGE" in answer


def client(
    database: str, graphiql: bool = True, **limits: Any
) -> AbstractAsyncContextManager[GraphQLClient]:
    return in_process(app_for(database, Limits(**limits), graphiql))


TYPENAME = {"query": "{ __typename }"}


async def test_a_batch_is_batching_disabled_by_default(api: GraphQLClient) -> None:
    response = await api.http.post("/graphql", json=[TYPENAME])
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BATCHING_DISABLED"}


async def test_a_batch_runs_in_order_each_operation_as_its_own_request(database: str) -> None:
    """The third operation reads the name the second one set: the operations run one after the
    other (strawberry's own batching runs them at once, and the third read the old name)."""
    world = await factories.world()
    async with client(database, batching=True, max_batch=3) as api:
        made = await api(
            'mutation ($o: ID!) { createGroup(input: {organizationId: $o, name: "before"})'
            " { group { id } } }",
            {"o": gid("Organization", world.org.id)},
            world.admin_token,
        )
        group = {"g": made.ok()["createGroup"]["group"]["id"]}
        read = "query ($g: ID!) { node(id: $g) { ... on Group { name } } }"
        rename = (
            'mutation ($g: ID!) { updateGroup(input: {groupId: $g, name: "after"})'
            " { errors { code } } }"
        )
        batch = [{"query": q, "variables": group} for q in (read, rename, read)]
        headers = {"Authorization": f"Bearer {world.admin_token}"}
        response = await api.http.post("/graphql", json=batch, headers=headers)
    assert response.status_code == 200, response.text
    before, renamed, after = (answer["data"] for answer in response.json())
    assert before["node"]["name"] == "before"
    assert renamed["updateGroup"]["errors"] == []
    assert after["node"]["name"] == "after"


async def test_a_batch_over_its_maximum_is_batch_too_large(database: str) -> None:
    async with client(database, batching=True, max_batch=2) as api:
        response = await api.http.post("/graphql", json=[TYPENAME] * 3)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BATCH_TOO_LARGE", "limit": 2}


@pytest.mark.parametrize(
    "batch",
    [[], [1], [{"query": 42}], [{"query": "{ __typename }", "variables": []}], [None]],
)
async def test_a_malformed_batch_is_a_client_error(database: str, batch: list[Any]) -> None:
    async with client(database, batching=True) as api:
        response = await api.http.post("/graphql", json=batch)
    assert response.status_code == 400, response.text


GRAPHIQL = {"Accept": "text/html"}


async def test_graphiql_is_served_when_on(database: str) -> None:
    async with client(database, graphiql=True) as api:
        response = await api.http.get("/graphql", headers=GRAPHIQL)
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_graphiql_switched_off_is_not_found(database: str) -> None:
    async with client(database, graphiql=False) as api:
        page = await api.http.get("/graphql", headers=GRAPHIQL)
        query = await api.http.post("/graphql", json=TYPENAME)
    assert page.status_code == 404
    assert query.json() == {"data": {"__typename": "Query"}}


def _send_whole_then_read(server: str, head: bytes, body: bytes) -> bytes:
    """What most clients do: send the whole request, then read the answer (issue 13.20)."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as raw:
        raw.sendall(head + body)  # a reset while sending raises here
        answer = b""
        while received := raw.recv(65536):
            answer += received
            if b"REQUEST_TOO_LARGE" in answer:
                break
    return answer


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_20_mb_body_sent_whole_before_reading_gets_its_413(server: str, chunked: bool) -> None:
    """The refused body is read and thrown away before the answer ends, so the client is not
    reset while it is still sending (it was: the socket was closed with 20 MB unread)."""
    body = b"x" * (20 * 1024 * 1024)
    head = b"POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    head += b"Content-Type: application/json\r\n"
    if chunked:
        size = 1024 * 1024
        pieces = [body[i : i + size] for i in range(0, len(body), size)]
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        head += b"Transfer-Encoding: chunked\r\n\r\n"
    else:
        head += f"Content-Length: {len(body)}\r\n\r\n".encode()
    answer = _send_whole_then_read(server, head, body)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code":"REQUEST_TOO_LARGE"' in answer
