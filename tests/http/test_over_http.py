"""GraphQL over HTTP (docs/http-api.md, issue 15.3), against a real server: negotiated media
types, status codes, 405 with Allow, 415, 401 with WWW-Authenticate, a JSON body with a code on
every answer that is not 200; and gql, a GraphQL client from PyPI, speaking to it."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport

from tests.support import factories
from tests.support.servers import env_on, server

GRAPHQL_RESPONSE = "application/graphql-response+json"
VIEWER = "{ viewer { email } }"


@pytest.fixture(scope="module")
def base(database: str) -> Iterator[str]:
    with server(env_on(database)) as url:
        yield url


def post(base: str, body: Any, accept: str | None = None, **headers: str) -> httpx.Response:
    if accept is not None:
        headers["Accept"] = accept
    return httpx.post(f"{base}/graphql", json=body, headers=headers, timeout=30)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


def code(response: httpx.Response) -> str:
    body = response.json()
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json;q=0.9, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, application/json", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0", "application/json"),
        ("text/plain", "application/json"),
    ],
)
def test_the_media_type_is_negotiated(base: str, accept: str | None, expected: str) -> None:
    response = post(base, {"query": "{ productCatalog { key } }"}, accept)
    assert response.status_code == 200
    assert media_type(response) == expected
    assert "jira" in {p["key"] for p in response.json()["data"]["productCatalog"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ viewer { email", "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
        ("query ($n: Int!) { roleMatrix(experience: $n) { roles } }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
def test_a_request_error_is_400_without_data_only_under_graphql_response_json(
    base: str, query: str, expected: str
) -> None:
    new = post(base, {"query": query}, GRAPHQL_RESPONSE)
    assert (new.status_code, media_type(new), code(new)) == (400, GRAPHQL_RESPONSE, expected)
    assert "data" not in new.json()
    old = post(base, {"query": query}, "application/json")
    assert (old.status_code, media_type(old), code(old)) == (200, "application/json", expected)
    assert old.json()["data"] is None  # what old clients have always read


def test_a_field_error_is_200_with_data_under_both(base: str) -> None:
    query = "{ productCatalog { key } viewer { email } }"
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = post(base, {"query": query}, accept)
        assert response.status_code == 200, accept
        assert code(response) == "UNAUTHENTICATED"
        assert response.json()["errors"][0]["path"] == ["viewer"]


def test_a_mutation_over_get_is_405_with_allow_and_a_query_over_get_runs(base: str) -> None:
    mutation = 'mutation { createOrganization(input: {name: "X"}) { errors { code } } }'
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        refused = httpx.get(
            f"{base}/graphql", params={"query": mutation}, headers={"Accept": accept}
        )
        assert refused.status_code == 405
        assert refused.headers["allow"] == "POST"
        assert (media_type(refused), code(refused)) == (accept, "METHOD_NOT_ALLOWED")
    ran = httpx.get(
        f"{base}/graphql",
        params={"query": "{ productCatalog { key } }"},
        headers={"Accept": GRAPHQL_RESPONSE},
    )
    assert ran.status_code == 200
    assert ran.json()["data"]["productCatalog"]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/graphql",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        None,
    ],
)
def test_a_body_that_is_not_json_is_415(base: str, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(
        f"{base}/graphql", content=b'{"query": "{ __typename }"}', headers=headers
    )
    assert response.status_code == 415
    assert code(response) == "UNSUPPORTED_MEDIA_TYPE"
    assert response.headers["accept-post"] == "application/json"


async def test_a_bad_credential_is_401_with_a_bearer_challenge(base: str) -> None:
    world = await factories.world()
    secret = world.admin_token
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    for header in (f"Bearer {forged}", "Bearer nonsense", f"Basic {secret}"):
        for accept in (GRAPHQL_RESPONSE, "application/json"):
            response = post(base, {"query": VIEWER}, accept, Authorization=header)
            assert response.status_code == 401, header
            assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
            assert (media_type(response), code(response)) == (accept, "UNAUTHENTICATED")
    good = post(base, {"query": VIEWER}, GRAPHQL_RESPONSE, Authorization=f"Bearer {secret}")
    assert good.status_code == 200
    assert good.json() == {"data": {"viewer": {"email": world.admin.email}}}


def test_every_answer_that_is_not_200_is_json_with_a_code(base: str) -> None:
    answers = {
        "PUT": httpx.put(f"{base}/graphql", json={"query": VIEWER}),
        "DELETE": httpx.delete(f"{base}/graphql"),
        "OPTIONS without CORS": httpx.options(f"{base}/graphql"),
        "no such path": httpx.get(f"{base}/nowhere"),
        "not JSON": httpx.post(
            f"{base}/graphql", content=b"{nope", headers={"Content-Type": "application/json"}
        ),
        "a JSON string": post(base, "just a string"),
        "no query": post(base, {"variables": {}}),
        "GET without a query": httpx.get(f"{base}/graphql", headers={"Accept": "application/json"}),
        "a batch": post(base, [{"query": VIEWER}]),
        "too large": post(base, {"query": "{ __typename }", "pad": "x" * 200_000}),
    }
    expected = {
        "PUT": (405, "METHOD_NOT_ALLOWED"),
        "DELETE": (405, "METHOD_NOT_ALLOWED"),
        "OPTIONS without CORS": (405, "METHOD_NOT_ALLOWED"),
        "no such path": (404, "NOT_FOUND"),
        "not JSON": (400, "BAD_REQUEST"),
        "a JSON string": (400, "BAD_REQUEST"),
        "no query": (400, "BAD_REQUEST"),
        "GET without a query": (400, "BAD_REQUEST"),
        "a batch": (400, "BATCHING_DISABLED"),
        "too large": (413, "REQUEST_TOO_LARGE"),
    }
    got = {name: (r.status_code, code(r)) for name, r in answers.items()}
    assert got == expected
    for name in ("PUT", "DELETE", "OPTIONS without CORS"):
        assert "POST" in answers[name].headers["allow"], name


async def test_gql_a_client_from_pypi_reads_data_errors_and_the_401(base: str) -> None:
    world = await factories.world()
    transport = HTTPXTransport(
        url=f"{base}/graphql", headers={"Authorization": f"Bearer {world.admin_token}"}
    )
    with Client(transport=transport, fetch_schema_from_transport=True) as session:
        answer = session.execute(gql("{ viewer { email organizations { name } } }"))
        assert answer == {
            "viewer": {"email": world.admin.email, "organizations": [{"name": "Acme"}]}
        }
    anonymous = HTTPXTransport(url=f"{base}/graphql")
    with Client(transport=anonymous) as session, pytest.raises(TransportQueryError) as refused:
        session.execute(gql(VIEWER))
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    # gql reads the 401's body as a GraphQL answer: the client sees the code.
    forged = HTTPXTransport(url=f"{base}/graphql", headers={"Authorization": "Bearer pct_x"})
    with Client(transport=forged) as session, pytest.raises(TransportQueryError) as bad:
        session.execute(gql(VIEWER))
    assert bad.value.errors is not None
    assert bad.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
