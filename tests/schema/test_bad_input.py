"""Bad input gets a clear error with a code and changes nothing; never a 500."""

import logging
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError

from models.organization import Site
from permissions.errors import BadUserInput
from portcullis.execution.masking import MaskInternalErrors
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        (b"{not json", 400, "Unable to parse request body as JSON"),
        (b"[]", 400, "BATCHING_DISABLED"),
        (b'{"query": 42}', 400, "`query` must be a string"),
        (b'{"variables": {}}', 400, "No GraphQL query found"),
        (b"", 400, "must be a JSON object"),
        (b'{"query": "{"}', 200, "GRAPHQL_PARSE_FAILED"),
    ],
)
async def test_malformed_bodies_are_client_errors(
    api: GraphQLClient, body: bytes, status: int, answer: str
) -> None:
    """Refused before execution: a 400 saying what is wrong, or a document that does not
    parse: a 200 with no data and GRAPHQL_PARSE_FAILED."""
    response = await api.http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status, response.text
    assert answer in response.text
    if status == 200:
        assert response.json()["data"] is None
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == [answer]


async def test_wrong_variable_types_and_unknown_fields_are_validation_errors(
    api: GraphQLClient,
) -> None:
    """Each is refused before execution, with its own code and nothing else: no data."""
    world = await factories.world()
    wrong = await api(
        "query ($id: ID!) { organization(id: $id) { name } }", {"id": {"a": 1}}, world.admin_token
    )
    assert (wrong.status, wrong.codes, wrong.data) == (200, ["BAD_USER_INPUT"], None), wrong.body
    assert "$id" in wrong.errors[0]["message"]
    unknown = await api("{ viewer { secretField } }", token=world.admin_token)
    assert (unknown.status, unknown.codes, unknown.data) == (
        200,
        ["GRAPHQL_VALIDATION_FAILED"],
        None,
    ), unknown.body
    assert "secretField" in unknown.errors[0]["message"]
    huge = await api(  # beyond GraphQL's 32-bit Int: the literal does not fit its argument
        "{ viewer { organizations { users(first: 99999999999) { totalCount } } } }",
        token=world.admin_token,
    )
    assert (huge.status, huge.codes, huge.data) == (
        200,
        ["GRAPHQL_VALIDATION_FAILED"],
        None,
    ), huge.body
    assert "99999999999" in huge.errors[0]["message"]


async def test_cursors_beyond_the_key_range_are_bad_user_input(api: GraphQLClient) -> None:
    world = await factories.world()
    import base64

    cursor = base64.urlsafe_b64encode(b"cursor:99999999999999").decode()
    result = await api(
        "query ($o: ID!, $a: String) { organization(id: $o) { users(after: $a) { totalCount } } }",
        {"o": gid("Organization", world.org.id), "a": cursor},
        world.admin_token,
    )
    assert result.codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("name", ["a\x00b.example.net", "-bad.example.net", "x" * 300, ""])
async def test_bad_site_names_are_invalid_input_and_change_nothing(
    api: GraphQLClient, name: str
) -> None:
    world = await factories.world()
    before = await Site.all().count()
    result = await api(
        "mutation ($o: ID!, $n: String!) { createSite(input: {organizationId: $o, "
        "name: $n}) { site { id } errors { code field } } }",
        {"o": gid("Organization", world.org.id), "n": name},
        world.admin_token,
    )
    assert result.ok()["createSite"] == {
        "site": None,
        "errors": [{"code": "INVALID_INPUT", "field": "name"}],
    }
    assert await Site.all().count() == before


async def test_control_characters_in_an_email_are_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    result = await api(
        "mutation ($o: ID!) { inviteUser(input: {organizationId: $o, "
        'email: "a\\u0000b@example.com"}) { user { id } errors { code field } } }',
        {"o": gid("Organization", world.org.id)},
        world.admin_token,
    )
    assert result.ok()["inviteUser"]["errors"] == [{"code": "INVALID_INPUT", "field": "email"}]


@pytest.mark.parametrize(
    "header", ["Bearer pct_\x7f_x", "Bearer pct_zzzzzzzzzzzz_x", "Basic abc", "Bearer", "pct_"]
)
async def test_odd_authorization_headers_are_unauthenticated(
    api: GraphQLClient, header: str
) -> None:
    response = await api.http.post(
        "/graphql", json={"query": "{ viewer { email } }"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    codes = [e["extensions"]["code"] for e in response.json()["errors"]]
    assert codes == ["UNAUTHENTICATED"]


@strawberry.type
class _Broken:
    @strawberry.field
    def bug(self) -> int | None:
        raise RuntimeError("secret internal detail")

    @strawberry.field
    def refused(self) -> int | None:
        raise BadUserInput("You sent something odd.")


async def test_internal_errors_are_masked_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = strawberry.Schema(query=_Broken, extensions=[MaskInternalErrors])

    class Context:
        request_id = "req-123"

    with caplog.at_level(logging.ERROR, logger="portcullis.errors"):
        result = await schema.execute("{ bug refused }", context_value=Context())
    errors: list[GraphQLError] = result.errors or []
    by_path: dict[Any, GraphQLError] = {tuple(e.path or ()): e for e in errors}
    bug = by_path[("bug",)]
    assert bug.message == "Internal server error."
    assert bug.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-123"}
    assert "secret internal detail" not in str(bug.formatted)
    assert by_path[("refused",)].extensions == {"code": "BAD_USER_INPUT"}
    assert "req-123" in caplog.text
    assert "secret internal detail" in caplog.text  # the traceback stays in the server log


async def test_variables_of_the_wrong_shape_are_client_errors_not_masked(
    api: GraphQLClient,
) -> None:
    missing_field = await api(
        "mutation ($i: CreateSiteInput!) { createSite(input: $i) { errors { code } } }",
        {"i": {"name": "x.example.net"}},
    )
    wrong_type = await api(
        'query ($f: Int!) { organization(id: "x") { sites(first: $f) { totalCount } } }',
        {"f": "many"},
    )
    for result in (missing_field, wrong_type):
        assert result.errors
        assert "INTERNAL_SERVER_ERROR" not in result.codes, result.body
        assert "Internal server error." not in result.errors[0]["message"]
        assert result.codes == ["BAD_USER_INPUT"], result.body
