"""Query limits over the API (README, Security): each just under and just over its limit, each
refusal a client error with its own code, refused before anything runs."""

from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
import strawberry
from graphql import get_introspection_query, parse

from models.organization import Site
from portcullis.execution.limits import QueryLimits
from portcullis.execution.masking import MaskInternalErrors
from portcullis.settings import Limits
from resolvers.context import Context
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, Result, app_for, in_process


def limited(database: str, **limits: Any) -> AbstractAsyncContextManager[GraphQLClient]:
    return in_process(app_for(database, Limits(**limits)))


def refused(result: Result, code: str, limit: int, actual: int) -> None:
    assert result.status == 200
    assert result.data is None, result.body
    assert result.codes == [code], result.body
    assert result.errors[0]["extensions"] == {"code": code, "limit": limit, "actual": actual}


@pytest.mark.parametrize(
    ("limit", "fits", "over", "code"),
    [
        (
            {"max_depth": 3},
            "{ viewer { organizations { name } } }",
            "{ viewer { organizations { sites(first: 1) { totalCount } } } }",
            "QUERY_TOO_DEEP",
        ),
        (
            {"max_aliases": 3},
            "{ a: viewer { email } b: viewer { email } c: viewer { email } }",
            "{ a: viewer { email } b: viewer { email } c: viewer { email } d: viewer { email } }",
            "TOO_MANY_ALIASES",
        ),
    ],
    ids=["depth", "aliases"],
)
async def test_at_the_limit_runs_and_one_more_is_refused(
    database: str, limit: dict[str, int], fits: str, over: str, code: str
) -> None:
    world = await factories.world()
    async with limited(database, **limit) as api:
        under = await api(fits, token=world.admin_token)
        beyond = await api(over, token=world.admin_token)
    assert under.ok()
    (value,) = limit.values()
    refused(beyond, code, value, value + 1)


async def test_tokens_at_the_limit_parse_and_one_more_is_too_many_tokens(database: str) -> None:
    world = await factories.world()
    query = "{ viewer { email organizations { name } } }"
    tokens = parse(query).token_count
    async with limited(database, max_tokens=tokens) as api:
        fits = await api(query, token=world.admin_token)
        commented = await api(f"# one comment more\n{query}", token=world.admin_token)
    assert fits.ok()["viewer"]["email"] == world.admin.email
    assert commented.data is None
    assert commented.codes == ["TOO_MANY_TOKENS"], commented.body
    assert commented.errors[0]["extensions"]["limit"] == tokens


NESTED_PAGES = """
query ($org: ID!, $users: Int!, $groups: Int!) {
  organization(id: $org) {
    users(first: $users) { edges { node { groups(first: $groups) { totalCount } } } }
  }
}
"""


async def test_nodes_follow_the_variables_first(database: str) -> None:
    """10 users + 10 x 10 groups = 110 nodes; 10 x 11 more is 120."""
    world = await factories.world()
    org = gid("Organization", world.org.id)
    async with limited(database, max_nodes=110) as api:
        fits = await api(NESTED_PAGES, {"org": org, "users": 10, "groups": 10}, world.admin_token)
        more = await api(NESTED_PAGES, {"org": org, "users": 10, "groups": 11}, world.admin_token)
    assert fits.ok()["organization"]["users"]["edges"]
    refused(more, "TOO_MANY_NODES", 110, 120)


async def test_first_beyond_the_page_size_is_bad_user_input_not_a_limit(database: str) -> None:
    """The estimate counts at most 100 per page; the field itself refuses 101."""
    world = await factories.world()
    org = gid("Organization", world.org.id)
    async with limited(database, max_nodes=200) as api:
        result = await api(NESTED_PAGES, {"org": org, "users": 101, "groups": 0}, world.admin_token)
    assert result.codes == ["BAD_USER_INPUT"], result.body


async def test_a_refused_mutation_changes_nothing(database: str) -> None:
    world = await factories.world()
    before = await Site.all().count()
    async with limited(database, max_nodes=15) as api:
        result = await api(
            'mutation ($o: ID!) { createSite(input: {organizationId: $o, name: "x.example.net"})'
            " { site { products { id } } errors { code } } }",
            {"o": gid("Organization", world.org.id)},
            world.admin_token,
        )
    refused(result, "TOO_MANY_NODES", 15, 20)  # products and errors: 10 each
    assert await Site.all().count() == before


async def test_authorization_and_input_codes_pass_through_the_limits(api: GraphQLClient) -> None:
    world = await factories.world()
    _, member_token = await world.member()
    result = await api(
        "query ($o: ID!) { organization(id: $o) { users { totalCount } } }",
        {"o": gid("Organization", world.org.id)},
        member_token,
    )
    assert result.codes == ["FORBIDDEN"], result.body
    assert result.errors[0]["extensions"]["rule"] == "view_users_in_organization"


INTROSPECTION = [
    "{ __schema { queryType { name } } }",
    '{ __type(name: "User") { name } }',
    get_introspection_query(descriptions=True, input_value_deprecation=True),  # GraphiQL's
]


@pytest.mark.parametrize("query", INTROSPECTION)
async def test_introspection_switched_off_is_introspection_disabled(
    database: str, query: str
) -> None:
    async with limited(database, introspection=False) as api:
        off = await api(query)
        typename = await api("{ __typename }")
    assert off.data is None
    assert off.codes == ["INTROSPECTION_DISABLED"], off.body
    assert typename.ok() == {"__typename": "Query"}


@pytest.mark.parametrize("query", INTROSPECTION)
async def test_introspection_is_on_by_default_for_callers_signed_in(
    api: GraphQLClient, query: str
) -> None:
    world = await factories.world()
    assert (await api(query, token=world.admin_token)).ok()


async def test_field_suggestions_only_for_callers_signed_in(api: GraphQLClient) -> None:
    world = await factories.world()
    typo = "{ viewer { emial } }"
    signed_in = await api(typo, token=world.admin_token)
    anonymous = await api(typo)
    bad_token = await api(typo, token="pct_0123456789ab_not-a-secret")
    assert "Did you mean 'email'?" in signed_in.errors[0]["message"]
    assert anonymous.errors[0]["message"] == "Cannot query field 'emial' on type 'Viewer'."
    # A bad credential is refused before the document is looked at (docs/http-api.md).
    assert (bad_token.status, bad_token.codes) == (401, ["UNAUTHENTICATED"])


async def test_enum_suggestions_in_variables_only_for_callers_signed_in(api: GraphQLClient) -> None:
    world = await factories.world()
    query = "query ($e: UserManagementExperience!) { roleMatrix(experience: $e) { roles } }"
    signed_in = await api(query, {"e": "ORIGINALL"}, world.admin_token)
    anonymous = await api(query, {"e": "ORIGINALL"})
    assert "Did you mean" in signed_in.errors[0]["message"]
    assert anonymous.errors, anonymous.body
    assert "Did you mean" not in anonymous.errors[0]["message"]


@strawberry.type
class _Broken:
    @strawberry.field
    def bug(self) -> int | None:
        raise RuntimeError("secret internal detail")


async def test_internal_errors_stay_masked_beside_the_limits() -> None:
    schema = strawberry.Schema(query=_Broken, extensions=[MaskInternalErrors, QueryLimits])
    result = await schema.execute("{ bug }", context_value=Context(None, "req-7"))
    errors = result.errors or []
    assert [e.extensions for e in errors] == [
        {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-7"}
    ]
    assert "secret" not in errors[0].message
