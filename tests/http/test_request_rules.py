"""What a request may be, over HTTP (issue 13.12, 13.13): introspection needs valid credentials
unless switched on for everyone; a document of several operations runs only the one named."""

import pytest
from graphql import get_introspection_query

from models.organization import Organization
from portcullis.settings import Limits
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, app_for, in_process

GRAPHIQL_INTROSPECTION = get_introspection_query(descriptions=True, input_value_deprecation=True)
TWO_OPERATIONS = """
mutation Make { createOrganization(input: {name: "Ran", experience: CENTRALIZED}) {
  organization { id } errors { code } } }
query Look { viewer { email } }
"""


async def introspect(api: GraphQLClient, token: str | None, status: int = 200) -> dict[str, object]:
    response = await api.http.post(
        "/graphql",
        json={"query": GRAPHIQL_INTROSPECTION},
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    assert response.status_code == status
    body: dict[str, object] = response.json()
    return body


async def test_introspection_without_credentials_is_refused(served_api: GraphQLClient) -> None:
    body = await introspect(served_api, None)
    assert body.get("data") is None
    assert body["errors"] == [
        {
            "message": "Introspection (__schema and __type) needs valid credentials on this "
            "server.",
            "locations": body["errors"][0]["locations"],  # type: ignore[index]
            "extensions": {"code": "INTROSPECTION_DISABLED"},
        }
    ]
    typename = await served_api("{ __typename }")
    assert typename.ok() == {"__typename": "Query"}


async def test_introspection_with_a_credential_that_is_not_valid_is_a_401(
    served_api: GraphQLClient,
) -> None:
    """A credential that is not valid is refused before the document is read (HTTP 401,
    docs/http-api.md), so nothing of the schema is answered either."""
    body = await introspect(served_api, "pct_0123456789ab_not-a-secret", status=401)
    assert body.get("data") is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]  # type: ignore[attr-defined]


async def test_introspection_with_a_token_works_as_graphiql_asks(served_api: GraphQLClient) -> None:
    world = await factories.world()
    body = await introspect(served_api, world.admin_token)
    assert "errors" not in body, body
    names = {t["name"] for t in body["data"]["__schema"]["types"]}  # type: ignore[index]
    assert {"Mutation", "Query", "User"} <= names


async def test_a_setting_turns_introspection_on_for_everyone(database: str) -> None:
    app = app_for(database, Limits(anonymous_introspection=True))
    async with in_process(app, raise_app_exceptions=False) as api:
        body = await introspect(api, None)
    assert "errors" not in body, body


@pytest.mark.parametrize("signed_in", [True, False], ids=["token", "anonymous"])
async def test_several_operations_without_an_operation_name_run_nothing(
    served_api: GraphQLClient, signed_in: bool
) -> None:
    world = await factories.world()
    before = await Organization.all().count()
    token = world.admin_token if signed_in else None
    result = await served_api(TWO_OPERATIONS, token=token)
    assert result.status == 200
    assert result.data is None, result.body
    assert result.codes == ["OPERATION_RESOLUTION_FAILURE"], result.body
    assert "operationName" in result.errors[0]["message"]
    assert await Organization.all().count() == before


async def test_the_named_operation_of_several_runs(served_api: GraphQLClient) -> None:
    world = await factories.world()
    before = await Organization.all().count()
    response = await served_api.http.post(
        "/graphql",
        json={"query": TWO_OPERATIONS, "operationName": "Look"},
        headers={"Authorization": f"Bearer {world.admin_token}"},
    )
    assert response.json() == {"data": {"viewer": {"email": world.admin.email}}}
    assert await Organization.all().count() == before


async def test_a_single_operation_needs_no_name(served_api: GraphQLClient) -> None:
    world = await factories.world()
    result = await served_api("query Look { viewer { email } }", token=world.admin_token)
    assert result.ok() == {"viewer": {"email": world.admin.email}}
