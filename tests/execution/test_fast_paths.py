"""The speed paths (issue 6) answer exactly what the plain paths answer.

- portcullis/execution/: a compiled plan runs each document instead of graphql-core's executor;
- resolvers/known.py: guards and nested objects answer at once from what the request has read;
- schema/access.py read_ahead: a user's product instances, sites and groups read together;
- portcullis/execution/document_cache.py: a query text is parsed and validated once per process.
Each document below is run by every demo token with the plan and with graphql-core's executor,
and the JSON must be identical (data and errors alike); tests/execution/test_differential.py does
the same
for every document the suite sends.
"""

import gc
from typing import Any

from graphql import GraphQLObjectType

from bench.queries import ADMIN_PAGE, EXPLAIN_ACCESS, INSTANCE_USERS, USER_ACCESS
from portcullis import cli
from portcullis.demo import load_demo
from portcullis.execution import document_cache
from portcullis.execution.planned import GraphQLCoreExecutor, PlanExecutor
from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema, plain_attribute
from tests.support.graphql_client import GraphQLClient

EVERYTHING = """
query Everything {
  viewer {
    email
    organizations {
      id name experience governmentCloud
      sites(first: 10) { totalCount edges { cursor node { id name organization { id }
        products { id anonymousAccess product { key name family } site { name }
          defaultGroups { id name protected isDefaultFor { role productInstance { id } } }
          billableUserCount
          users(first: 20) { totalCount edges { node { id email status } } } } } } }
      users(first: 20) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node {
          id email displayName accountType managed status organization { id }
          groups(first: 5) { totalCount edges { node { id name description site { name }
            productRoles { role productInstance { id } } } } }
          adminRoles { id role createdAt user { email }
            scope { __typename ... on Organization { id } ... on Site { id name }
                    ... on ProductInstance { id product { key } } } }
          productAccess { role billable productInstance { id site { name } }
            sources { kind role rule adminRole description group { id name } } }
          billing { billable reason rule productInstance { id } }
        } }
      }
      groups(first: 20) { edges { node { name members(first: 5) { edges { node { email } } } } } }
      admins(first: 20) { edges { node { role scope { __typename } user { email } } } }
      auditLog(first: 5) { edges { node { action actor { kind id displayName } rule targetType } } }
    }
  }
}
"""
DOCUMENTS = [EVERYTHING, USER_ACCESS, INSTANCE_USERS]


async def _answers(api: GraphQLClient, tokens: list[str], variables: dict[str, Any]) -> list[Any]:
    return [
        _comparable((await api(document, variables, token)).body)
        for document in [*DOCUMENTS, EXPLAIN_ACCESS, ADMIN_PAGE]
        for token in tokens
    ]


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """Errors without their paths: when a refusal nulls a non-null parent, which of several
    sibling refusals is reported depends on which finished first, in either executor."""
    errors = [{k: v for k, v in e.items() if k != "path"} for e in body.get("errors") or []]
    return {"data": body.get("data"), "errors": sorted(errors, key=str)}


async def test_fast_paths_answer_as_the_standard_executor(api: GraphQLClient) -> None:
    assert schema.execution_context_class is PlanExecutor
    demo_tokens, api_key = await load_demo(lifetime=None)
    tokens = [t.token for t in demo_tokens] + [api_key]
    viewer = (
        await api(
            "{ viewer { organizations { id users(first: 1) { edges { node { id } } } "
            "sites(first: 1) { edges { node { products { id } } } } } } }",
            token=tokens[0],
        )
    ).ok()
    acme = viewer["viewer"]["organizations"][0]
    variables = {
        "org": acme["id"],
        "after": None,
        "user": acme["users"]["edges"][0]["node"]["id"],
        "instance": acme["sites"]["edges"][0]["node"]["products"][0]["id"],
    }
    fast = await _answers(api, tokens, variables)
    standard_executor = schema.execution_context_class
    schema.execution_context_class = GraphQLCoreExecutor
    try:
        standard = await _answers(api, tokens, variables)
    finally:
        schema.execution_context_class = standard_executor
    assert fast == standard
    assert any(body.get("errors") for body in fast), "some token must be refused something"
    assert sum(len(str(body.get("data"))) for body in fast) > 20_000, "the answers hold data"


def test_plain_attributes_are_the_basic_fields_only() -> None:
    def field(type_name: str, name: str) -> Any:
        owner = core_schema(schema).type_map[type_name]
        assert isinstance(owner, GraphQLObjectType)
        return owner.fields[name]

    assert plain_attribute(field("User", "email")) == "email"
    assert plain_attribute(field("User", "status")) == "status"  # an enum
    assert plain_attribute(field("ProductAccess", "billable")) == "billable"
    assert plain_attribute(field("UserEdge", "node")) == "node"  # an object, read as it is
    assert plain_attribute(field("User", "groups")) is None  # a resolver with arguments
    assert plain_attribute(field("User", "productAccess")) is None  # guarded


async def test_invalid_documents_are_reported_every_time(api: GraphQLClient) -> None:
    """Only documents that parsed and validated are cached: errors are fresh per request."""
    for _ in range(2):
        syntax = await api("{ viewer { email ")
        assert syntax.status == 200, syntax.body
        assert syntax.errors, syntax.body
        unknown = await api("{ viewer { nonsense } }")
        assert unknown.errors, unknown.body
        assert "nonsense" in unknown.errors[0]["message"], unknown.body
        assert "INTERNAL_SERVER_ERROR" not in unknown.codes


async def test_the_document_cache_is_bounded(api: GraphQLClient) -> None:
    size = document_cache.MAX_DOCUMENTS
    for n in range(size + 20):
        await api(f"query Q{n} {{ productCatalog {{ key }} }}")
    assert len(document_cache._documents.entries) == size
    again = await api("query Q0 { productCatalog { key } }")  # evicted: parsed again, still right
    assert again.ok()["productCatalog"]


def test_serve_tunes_the_garbage_collector() -> None:
    before = gc.get_threshold()
    try:
        cli.tune_garbage_collector()
        assert gc.get_threshold()[0] == cli.GC_YOUNG_THRESHOLD
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.get_freeze_count() > 0  # start-up's objects are out of every collection
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
