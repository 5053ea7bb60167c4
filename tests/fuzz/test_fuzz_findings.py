"""What the fuzz tests found, each kept as a regression test naming the input that broke it.

The first four were in the HTTP layer (strawberry's request parsing and error formatting),
before any resolver: a 500, or an error without `extensions.code`. The rest were text that
reached SQL without a check: masked internal errors.
"""

import json

import httpx
import pytest

from models.group import Group
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, Result

JSON = {"Content-Type": "application/json"}


def bad_request(response: httpx.Response) -> str:
    """The message of a 400 answered outside GraphQL (JSON with a code: docs/http-api.md)."""
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    return str(error["message"])


@pytest.mark.parametrize("body", [b"255", b"null", b'"query"', b"true", b" \n 1.5"])
async def test_a_json_body_that_is_not_an_object_is_400(
    served_api: GraphQLClient, body: bytes
) -> None:
    """Was a 500: strawberry read any JSON value as an object (AttributeError on `.get`)."""
    response = await served_api.http.post("/graphql", content=body, headers=JSON)
    assert response.status_code == 400, response.text
    assert bad_request(response) == "The request body must be a JSON object."


@pytest.mark.parametrize(
    "body", [b'[{}, [-9.74030454735928e-270], ["I\xc3\xb5\xc3\xa5"]]E\xd1', b'{"query": "\xff"}']
)
async def test_a_body_that_is_not_utf8_is_400(served_api: GraphQLClient, body: bytes) -> None:
    """Was a 500: json.loads raises UnicodeDecodeError, which strawberry did not catch."""
    response = await served_api.http.post("/graphql", content=body, headers=JSON)
    assert response.status_code == 400, response.text
    assert bad_request(response) == "Unable to parse request body as JSON"


async def test_json_nested_deeper_than_the_recursion_limit_is_400(
    served_api: GraphQLClient,
) -> None:
    """Was a 500 (RecursionError): variables holding 5,000 nested arrays, a 10 KB body."""
    deep = b"[" * 5000 + b"]" * 5000
    body = b'{"query": "{ viewer { email } }", "variables": {"v": ' + deep + b"}}"
    response = await served_api.http.post("/graphql", content=body, headers=JSON)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ viewer { organizations " * 300 + "{ id }" + " } }" * 300, "GRAPHQL_PARSE_FAILED"),
        ("{ viewer { email ", "GRAPHQL_PARSE_FAILED"),
        ("{ viewer { secretField } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query ($n: Int) { viewer { email } }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_syntax_and_validation_errors_carry_a_code(
    served_api: GraphQLClient, query: str, code: str
) -> None:
    """Had no `extensions.code`: a document nested too deeply to parse, one cut short, an
    unknown field, a variable never used."""
    result = await served_api(query)
    assert result.status == 200
    assert result.codes == [code], result.body


# Text PostgreSQL cannot take: a NUL reached SQL through these arguments and was a masked
# internal error there (SQLite stored or compared it). Unpaired surrogates failed on both.


async def test_a_nul_in_a_client_mutation_id_is_invalid_input(served_api: GraphQLClient) -> None:
    world = await factories.world()
    result = await served_api(
        'mutation ($o: ID!) { createGroup(input: {organizationId: $o, name: "writers", '
        'description: "d", clientMutationId: "o\\u0000o"}) '
        "{ group { id } errors { code field } } }",
        {"o": gid("Organization", world.org.id)},
        world.admin_token,
    )
    assert result.ok()["createGroup"] == {
        "group": None,
        "errors": [{"code": "INVALID_INPUT", "field": "clientMutationId"}],
    }
    assert not await Group.exists(name="writers")


@pytest.mark.parametrize(
    "where",
    [
        'auditLog(action: "user.\\u0000") { totalCount }',
        'auditLog(actor: "a\\u0000b") { totalCount }',
        'sites { edges { node { products { users(role: "US\\u0000ER") { totalCount } } } } }',
    ],
)
async def test_a_nul_in_a_list_filter_is_bad_user_input(
    served_api: GraphQLClient, where: str
) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    result = await served_api(
        f'{{ organization(id: "{org}") {{ {where} }} }}', token=world.admin_token
    )
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert "printable" in result.errors[0]["message"]


async def test_an_unpaired_surrogate_in_a_variable_is_bad_user_input(
    served_api: GraphQLClient,
) -> None:
    """JSON may escape half a surrogate pair (`"\\ud800"`); it is not text, and UTF-8 cannot
    encode it for either database."""
    world = await factories.world()
    variables = {"organizationId": gid("Organization", world.org.id), "name": "a\ud800b"}
    body = {
        "query": "mutation ($organizationId: ID!, $name: String!) { createGroup(input: "
        '{organizationId: $organizationId, name: $name, description: "d"}) { group { id } } }',
        "variables": variables,
    }
    response = await served_api.http.post(
        "/graphql",
        content=json.dumps(body).encode(),  # ASCII, the surrogate escaped: httpx cannot send it
        headers={**JSON, "Authorization": f"Bearer {world.admin_token}"},
    )
    result = Result(response.status_code, response.json())
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert result.data is None
    assert await Group.filter(organization_id=world.org.id, name__startswith="a").count() == 0
