"""Fuzzing every query and mutation with schemathesis (GraphQL mode), as organization admins.

schemathesis loads the schema from the ASGI app (`create_app`) by introspection and draws
documents for each root field (hypothesis-graphql underneath); tests/support/fuzz_values.py then
puts
real ids and values into most of their arguments. Each document is sent in-process over HTTP
with the personal token of alice (ORG_ADMIN of Acme Corp, CENTRALIZED) or olivia (ORG_ADMIN of
Globex, ORIGINAL), on the seeded demo data (tests/support/fuzz_support.py), fresh for every root
field.

Every answer must be below 500, conform to the schema (schemathesis's
`response_schema_conformance`), and carry an `extensions.code` on every error, never
INTERNAL_SERVER_ERROR (a masked bug). schemathesis's own GraphQL `not_a_server_error` is not
used: it counts any error with a `path` and no Apollo client code as a server failure, while
API.md makes NOT_FOUND and FORBIDDEN ordinary answers to a client.

Requests go through httpx's ASGI transport on the test's event loop rather than `case.call()`:
schemathesis's ASGI client runs the app on an event loop of its own in another thread, and the
database connections belong to the test's loop. Cases are drawn first (Hypothesis, from the run's
seed: fresh documents on every run, the same ones again with PORTCULLIS_FUZZ_SEED) and sent
after, so the count of cases tried is exact. The fuzz runs apart: `pytest -m fuzz`.
"""

from random import Random
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.checks import response_schema_conformance
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.graphql import nodes

from portcullis.execution.schema import schema as live_schema
from portcullis.graphql_internals import core_schema
from portcullis.http.app import create_app
from portcullis.settings import Limits, Settings
from tests.support.fuzz_support import (
    ADMIN,
    FOREIGN_ADMIN,
    FuzzWorld,
    Trial,
    draw_distinct,
    fuzz_scale,
    seed,
)
from tests.support.fuzz_values import realistic, weighted
from tests.support.graphql_client import GraphQLClient

EXAMPLES = 60  # drawn per root field (times PORTCULLIS_FUZZ_SCALE); duplicates are sent once
FLOOR = 10  # distinct cases per root field below which the run is broken, not lucky

APP = create_app(
    Settings(
        database_url="sqlite://:memory:",
        graphiql=False,
        log_level="warning",
        limits=Limits(anonymous_introspection=True),  # schemathesis introspects without a token
    ),
    manage_database=False,
)
SCHEMA = schemathesis.graphql.from_asgi("/graphql", APP)
# Strings with a NUL one time in four (`\u0000` in the document): PostgreSQL text cannot hold
# one, so each must be refused before it reaches SQL.
schemathesis.graphql.scalar(
    "String",
    weighted((st.text(max_size=20), 3), (st.text(max_size=8).map(lambda t: f"{t}\x00{t}"), 1)).map(
        nodes.String
    ),
)


def root_fields() -> list[str]:
    labels = []
    for result in SCHEMA.get_all_operations():
        assert isinstance(result, Ok), result
        labels.append(result.ok().label)
    return labels


LABELS = root_fields()


def draw_cases(label: str, world: FuzzWorld, count: int) -> list[tuple[str, Case[Any]]]:
    """Distinct (admin, case) pairs for one root field, real values already put in."""
    operation = SCHEMA.find_operation_by_label(label)
    assert operation is not None, label

    def realistic_case(drawn: tuple[Case[Any], str, Random]) -> tuple[str, Case[Any]]:
        case, admin, random = drawn
        case.body = realistic(document(case), world, admin, random)
        return admin, case

    admins = st.sampled_from([ADMIN, ADMIN, FOREIGN_ADMIN])
    cases = st.tuples(operation.as_strategy(), admins, st.randoms()).map(realistic_case)
    return draw_distinct(cases, count, key=lambda pair: (pair[0], document(pair[1])), name=label)


def document(case: Case[Any]) -> str:
    assert isinstance(case.body, str), case.body  # a GraphQL case's body is its document
    return case.body


def test_every_root_field_is_fuzzed() -> None:
    schema = core_schema(live_schema)
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    fields = [f"Query.{name}" for name in schema.query_type.fields]
    fields += [f"Mutation.{name}" for name in schema.mutation_type.fields]
    assert sorted(LABELS) == sorted(fields)


@pytest.mark.fuzz
@pytest.mark.parametrize("label", LABELS)
async def test_schemathesis_fuzz(
    served_api: GraphQLClient, pytestconfig: pytest.Config, label: str
) -> None:
    world = await seed(served_api)
    cases = draw_cases(label, world, EXAMPLES * fuzz_scale())
    trial = Trial()
    for admin, case in cases:
        response = await served_api.http.post(
            "/graphql",
            json={"query": document(case)},
            headers={"Authorization": f"Bearer {world.tokens[admin]}"},
        )
        trial.add(f"as {admin}:\n{document(case)}", response, nonconforming(case, response))
    print(f"{label}: {len(cases)} cases, {dict(trial.outcomes)}")
    trial.conclude(pytestconfig, f"schemathesis, {len(LABELS)} root fields", len(cases), FLOOR)
    assert trial.outcomes["answered"], f"none got past argument checks: {dict(trial.outcomes)}"


def nonconforming(case: Case[Any], response: httpx.Response) -> str | None:
    """schemathesis's check that the data fits the schema (no null in a non-null field, ...)."""
    try:
        case.validate_response(response, checks=[response_schema_conformance])
    except FailureGroup as failure:
        return str(failure)
    return None
