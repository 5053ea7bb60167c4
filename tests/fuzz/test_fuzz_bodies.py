"""Malformed requests over HTTP, drawn by Hypothesis: every answer is a 4xx, or a 200 whose
errors each carry an `extensions.code` (never INTERNAL_SERVER_ERROR); never a 500.

Drawn: bytes that are not JSON or not UTF-8, JSON cut short, JSON of the wrong shape (arrays,
numbers, strings, null, deep nesting), envelopes whose query, variables, operationName or
extensions are missing or of the wrong type, and real operations whose variables are of wrong
types, or carry unknown ids, ids of the wrong type or ids of the other organization (foreign).
Sent by POST with several content types, or by GET, mostly with alice's token (ORG_ADMIN of
Acme Corp), sometimes with olivia's (Globex), none, or a bad one. As in
test_fuzz_schemathesis.py, requests are drawn first (from the run's seed) and sent after; the
fuzz runs apart: `pytest -m fuzz`.
"""

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    OperationDefinitionNode,
    is_required_input_field,
    parse,
    type_from_ast,
)
from hypothesis import strategies as st

from portcullis.execution.schema import schema as live_schema
from portcullis.graphql_internals import core_schema
from tests.support.fuzz_support import (
    ADMIN,
    FOREIGN_ADMIN,
    FuzzWorld,
    Trial,
    draw_distinct,
    fuzz_scale,
    seed,
)
from tests.support.fuzz_values import RealValues, weighted
from tests.support.graphql_client import GraphQLClient

REQUESTS = 600  # drawn per run (times PORTCULLIS_FUZZ_SCALE); duplicates are sent once
FLOOR = 300  # distinct requests below which the run is broken, not unlucky

# Real operations whose variables get wrong types and real, foreign, wrong-type or unknown ids.
# A variable is named after its argument, so tests/support/fuzz_values.py knows what it names.
OPERATIONS = [
    "query ($id: ID!) { node(id: $id) { id ... on User { email productAccess { role } } "
    "... on Group { name members(first: 5) { totalCount } } } }",
    "query ($organizationId: ID!, $first: Int!, $after: String, $since: DateTime, "
    "$until: DateTime, $action: String) { organization(id: $organizationId) { "
    "users(first: $first, after: $after) { totalCount edges { node { id } } } "
    "auditLog(first: $first, since: $since, until: $until, action: $action) { totalCount } } }",
    "query ($userId: ID!, $productInstanceId: ID!) { explainAccess(userId: $userId, "
    "productInstanceId: $productInstanceId) { hasAccess rule } }",
    "query ($feature: String!, $scopeId: ID) { viewer { can(feature: $feature, "
    "scopeId: $scopeId) { allowed rule } } }",
    "query ($experience: UserManagementExperience!) { roleMatrix(experience: $experience) { "
    "roles } }",
    *(
        f"mutation ($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{ "
        "clientMutationId errors { code field } } }"
        for name in (
            "grantProductAccess",
            "inviteUser",
            "addGroupMembers",
            "assignAdminRole",
            "createApiKey",
            "updateUserAccessSettings",
            "grantGroupProductAccess",
            "setDefaultGroup",
            "deleteGroup",
        )
    ),
]
JSON = "application/json"
CONTENT_TYPES = [
    *[JSON] * 6,
    "application/json; charset=utf-8",
    "text/plain",
    "application/graphql",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    None,
]
CREDENTIALS = [*[ADMIN] * 6, FOREIGN_ADMIN, None, "pct_zzzzzzzzzzzz_x", "Basic abc"]

# Any code point, unpaired surrogates too (JSON escapes them, Python's JSON reads them back),
# and NUL often: PostgreSQL text holds neither.
texts = st.text(st.characters(exclude_categories=()), max_size=20) | st.text(max_size=5).map(
    lambda text: f"{text}\x00{text}"
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()  # NaN and Infinity too: Python's JSON reads and writes them
    | texts
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
odd_datetimes = st.sampled_from(
    ["2024-02-30T00:00:00", "9999-12-31T23:59:59+14:00", "0001-01-01", "2024-01-01T25:00:00Z"]
)


@dataclass(frozen=True)
class Request:
    method: str
    credential: str | None
    body: bytes = b""
    content_type: str | None = None
    params: tuple[tuple[str, str], ...] = field(default=())

    def headers(self, world: FuzzWorld) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.content_type:
            headers["Content-Type"] = self.content_type
        if self.credential in world.tokens:
            headers["Authorization"] = f"Bearer {world.tokens[self.credential]}"
        elif self.credential:
            headers["Authorization"] = self.credential
        return headers


class Variables:
    """Strategies for an operation's variables: mostly of their types, with real values where
    the name says what it is (tests/support/fuzz_values.py); one value in eight is any JSON."""

    def __init__(self, world: FuzzWorld) -> None:
        self.own, self.foreign = world.ids_for(ADMIN)

    def of(self, document: str) -> st.SearchStrategy[dict[str, Any]]:
        definition = parse(document).definitions[0]
        assert isinstance(definition, OperationDefinitionNode)
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for variable in definition.variable_definitions or ():
            name = variable.variable.name.value
            type_ = type_from_ast(core_schema(live_schema), variable.type)
            assert type_ is not None, name
            into = required if isinstance(type_, GraphQLNonNull) else optional
            into[name] = self.loose(type_, name)  # type: ignore[arg-type]
        whole = st.fixed_dictionaries(required, optional=optional)
        names = st.sampled_from([*required, *optional, "undeclared"])
        return weighted((whole, 6), (st.dictionaries(names, json_values, max_size=3), 1))

    def loose(self, type_: GraphQLInputType, name: str) -> st.SearchStrategy[Any]:
        fitting = self.fitting(type_, name)
        return weighted((fitting, 7), (json_values, 1))

    def fitting(self, type_: GraphQLInputType, name: str) -> st.SearchStrategy[Any]:
        if isinstance(type_, GraphQLNonNull):
            return self.fitting(type_.of_type, name)
        if RealValues.knows(name):
            return self.real(name)
        if isinstance(type_, GraphQLList):
            return st.lists(self.loose(type_.of_type, name), max_size=3)
        if isinstance(type_, GraphQLInputObjectType):
            return self.input_object(type_)
        if isinstance(type_, GraphQLEnumType):
            return st.sampled_from(sorted(type_.values))
        assert isinstance(type_, GraphQLScalarType)
        return self.real("id") if type_.name == "ID" else SCALARS[type_.name]

    def input_object(self, type_: GraphQLInputObjectType) -> st.SearchStrategy[dict[str, Any]]:
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for name, input_field in type_.fields.items():
            into = required if is_required_input_field(input_field) else optional
            into[name] = self.loose(input_field.type, name)
        return st.fixed_dictionaries(required, optional=optional)

    def real(self, name: str) -> st.SearchStrategy[Any]:
        return st.randoms().map(lambda r: RealValues(self.own, self.foreign, r).for_name(name))


SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "String": texts,
    "Int": st.integers(-(2**31), 2**31 - 1) | st.sampled_from([0, 1, 100, 101, 2**31]),
    "Boolean": st.booleans(),
    "DateTime": st.datetimes().map(lambda d: d.isoformat()) | odd_datetimes | st.text(max_size=25),
    "JSON": json_values,
}


def json_text(value: Any) -> bytes:
    return json.dumps(value).encode()  # ASCII: unpaired surrogates as escapes


def nested(depth: int) -> bytes:
    """JSON deeper than Python's recursion limit, around a valid query."""
    deep = "[" * depth + "]" * depth
    return f'{{"query": "{{ viewer {{ email }} }}", "variables": {{"v": {deep}}}}}'.encode()


def deep_query(depth: int) -> bytes:
    selection = "{ viewer { organizations " * depth + "{ id }" + " } }" * depth
    return json_text({"query": "{ " + selection[1:]})


def requests(variables: Variables) -> st.SearchStrategy[Request]:
    """Half real operations with loose variables, the rest anything else, POST or GET."""
    operations = st.sampled_from(OPERATIONS).flatmap(
        lambda document: variables.of(document).map(lambda v: {"query": document, "variables": v})
    )
    envelopes = st.fixed_dictionaries(
        {},
        optional={
            "query": st.sampled_from(OPERATIONS) | json_values,
            **dict.fromkeys(("variables", "operationName", "extensions"), json_values),
        },
    )
    documents = (operations | envelopes | json_values).map(json_text)
    odd_bodies = st.one_of(
        documents,
        st.tuples(documents, st.integers(0, 300), st.binary(max_size=3)).map(
            lambda cut: cut[0][: cut[1]] + cut[2]  # cut short, maybe not UTF-8 any more
        ),
        st.binary(max_size=60),
        st.integers(50, 5000).map(nested),
        st.integers(10, 400).map(deep_query),
    )
    credentials = st.sampled_from(CREDENTIALS)
    json_posts = st.builds(
        Request, st.just("POST"), credentials, operations.map(json_text), st.just(JSON)
    )
    odd_posts = st.builds(
        Request, st.just("POST"), credentials, odd_bodies, st.sampled_from(CONTENT_TYPES)
    )
    gets = st.builds(
        Request, st.just("GET"), credentials, params=(operations | envelopes).map(as_params)
    )
    return weighted((json_posts, 4), (odd_posts, 2), (gets, 1))


def as_params(envelope: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A GET request's query string: strings as they are, anything else as JSON."""
    return tuple((k, v if isinstance(v, str) else json.dumps(v)) for k, v in envelope.items())


@pytest.mark.fuzz
async def test_malformed_requests(served_api: GraphQLClient, pytestconfig: pytest.Config) -> None:
    world = await seed(served_api)
    drawn = draw_distinct(
        requests(Variables(world)), REQUESTS * fuzz_scale(), key=lambda r: r, name="bodies"
    )
    trial = Trial()
    for request in drawn:
        response = await served_api.http.request(
            request.method,
            "/graphql",
            content=request.body or None,
            params=request.params or None,
            headers=request.headers(world),
        )
        trial.add(str(request), response)
    trial.conclude(pytestconfig, "malformed requests", len(drawn), FLOOR)
