"""One log line per request, from a real `portcullis serve` over HTTP (portcullis/request_log.py):
its fields for a success, a refusal and an internal error, in JSON and in text, and
PORTCULLIS_LOG_LEVEL governing the service's own loggers."""

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.servers import Server, cli, running_server

CREATE_ORG = (
    'mutation Found { createOrganization(input: {name: "Logged", experience: CENTRALIZED}) '
    "{ organization { id } errors { code } } }"
)
AUDIT = "query Audit($org: ID!) { organization(id: $org) { auditLog(first: 5) { totalCount } } }"
# The request line is written once the answer has been sent, so a client holding the response
# may read the log a moment before it: reads wait this long for the line.
LOG_WAIT_SECONDS = 10.0


class Served:
    def __init__(self, server: Server, env: dict[str, str], database: Path) -> None:
        self.server, self.env, self.database = server, env, database

    def post(self, query: str, token: str, **extra: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", **extra.pop("headers", {})}
        return httpx.post(
            f"{self.server.base}/graphql", json={"query": query, **extra}, headers=headers
        )

    def output_after(self, response: httpx.Response) -> str:
        """The server's whole lines once the request line of `response` is among them (JSON
        or text: both name the logger and the request id)."""
        request_id = response.headers["x-request-id"]
        deadline = time.monotonic() + LOG_WAIT_SECONDS
        while True:
            output = self.server.output()
            complete = output[: output.rfind("\n") + 1]  # a line being written is left out
            if any(
                "portcullis.request" in line and request_id in line
                for line in complete.splitlines()
            ):
                return complete
            assert time.monotonic() < deadline, f"no request line for {request_id}:\n{output}"
            time.sleep(0.05)

    def lines(self, response: httpx.Response) -> list[dict[str, Any]]:
        """The JSON lines, once `response`'s request line is written."""
        return [json.loads(line) for line in self.output_after(response).splitlines() if line]

    def request_line(self, response: httpx.Response) -> dict[str, Any]:
        request_id = response.headers["x-request-id"]
        found = [
            line
            for line in self.lines(response)
            if line["logger"] == "portcullis.request" and line["request_id"] == request_id
        ]
        assert len(found) == 1, self.server.output()
        return found[0]


def start(tmp: Path, **env: str) -> Iterator[Served]:
    database = tmp / "log.sqlite3"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{database}",
        "PORTCULLIS_LOG_FORMAT": "json",
        "PORTCULLIS_LOG_LEVEL": "info",
        **env,
    }
    with running_server(environment, tmp / "server.log") as server:
        yield Served(server, environment, database)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from start(tmp_path_factory.mktemp("request-log"))


@pytest.fixture(scope="module")
def token(served: Served) -> str:
    cli(served.env, "user", "create", "--email", "lee@log.example", "--name", "Lee")
    return cli(served.env, "token", "create", "--email", "lee@log.example")


def public_id(token: str) -> str:
    """`pct_<prefix>` of `pct_<prefix>_<secret>` (README, Security; the prefix is hex, the
    secret base64url, which may hold `_`)."""
    return "_".join(token.split("_", 2)[:2])


def secret_of(token: str) -> str:
    return token.split("_", 2)[2]


def test_a_success_is_one_line_with_its_operation_caller_status_and_statements(
    served: Served, token: str
) -> None:
    response = served.post(CREATE_ORG, token, headers={"X-Request-Id": "client-7"})
    assert response.json()["data"]["createOrganization"]["errors"] == []
    line = served.request_line(response)
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    assert line["client_request_id"] == "client-7"
    assert line["request_id"] != "client-7"
    expected = {
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "operation_name": "Found",
        "operation_type": "mutation",
        "caller_kind": "personal_token",
        "credential": public_id(token),
        "error_codes": [],
    }
    assert {k: line[k] for k in expected} == expected
    assert line["caller_id"].isdigit()
    assert line["latency_ms"] > 0
    # Authentication, the organization, its admin role, its audit event, and more.
    assert line["sql_statements"] >= 4


def test_a_refusal_names_its_code_and_never_the_secret(served: Served, token: str) -> None:
    forged = f"{public_id(token)}_{'A' * 43}"  # the right prefix, a wrong secret
    response = served.post("query Me { viewer { email } }", forged)
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    line = served.request_line(response)
    # A credential that is not valid is a 401 before the document is read (docs/http-api.md).
    expected = {
        "level": "INFO",
        "status": 401,
        "operation_name": None,
        "operation_type": None,
        "caller_kind": "anonymous",
        "caller_id": None,
        "credential": None,
        "error_codes": ["UNAUTHENTICATED"],
    }
    assert {k: line[k] for k in expected} == expected
    output = served.output_after(response)
    assert forged not in output
    assert secret_of(token) not in output  # the real secret, used by the other tests


def test_an_internal_error_is_logged_at_error_with_its_request_id_and_traceback(
    served: Served, token: str
) -> None:
    response = internal_error(served, token)
    request_id = response.headers["x-request-id"]
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "audit_event" not in response.text  # masked: nothing of the bug reaches the client
    line = served.request_line(response)
    assert (line["level"], line["status"]) == ("ERROR", 200)
    assert (line["operation_name"], line["error_codes"]) == ("Audit", ["INTERNAL_SERVER_ERROR"])
    [traced] = [
        other
        for other in served.lines(response)
        if other.get("request_id") == request_id and "traceback" in other
    ]
    assert (traced["level"], traced["logger"]) == ("ERROR", "portcullis.errors")
    assert "no such table: audit_event" in traced["traceback"]


def internal_error(served: Served, token: str) -> httpx.Response:
    """A bug's stand-in: the audit log's table gone while the server reads it."""
    created = served.post(CREATE_ORG, token).json()
    org = created["data"]["createOrganization"]["organization"]["id"]
    with sqlite3.connect(served.database) as broken:
        broken.execute("ALTER TABLE audit_event RENAME TO audit_event_gone")
    try:
        return served.post(AUDIT, token, variables={"org": org})
    finally:
        with sqlite3.connect(served.database) as mended:
            mended.execute("ALTER TABLE audit_event_gone RENAME TO audit_event")


def test_the_level_governs_every_logger_and_text_reads_the_same(tmp_path: Path) -> None:
    """At `warning` a success leaves no line (nor does uvicorn's start-up); a bug leaves its
    request line and its traceback, with the request id, in the text format."""
    for served in start(tmp_path, PORTCULLIS_LOG_FORMAT="text", PORTCULLIS_LOG_LEVEL="warning"):
        cli(served.env, "user", "create", "--email", "kim@log.example", "--name", "Kim")
        token = cli(served.env, "token", "create", "--email", "kim@log.example")
        quiet = served.post("{ viewer { email } }", token)
        assert quiet.status_code == 200
        failed = internal_error(served, token)
        output = served.output_after(failed)
        assert quiet.headers["x-request-id"] not in output
        assert "Uvicorn running" not in output
        request_id = failed.headers["x-request-id"]
        [line] = [line for line in output.splitlines() if " portcullis.request " in line]
        assert " ERROR portcullis.request POST /graphql 200 " in line
        assert f"request_id={request_id} " in line
        assert "operation_name=Audit " in line
        assert "error_codes=INTERNAL_SERVER_ERROR " in line
        assert "no such table: audit_event" in output.split(line)[0]  # the traceback, before
