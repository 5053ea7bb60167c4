"""The compiled plan answers exactly what graphql-core's executor answers (issue 19).

Every request below is answered by both executors (portcullis/execution/planned.py) on the same
seeded data, one after the other, and the two bodies must be the same JSON, byte for byte:
data, errors, messages, paths and locations. Only a masked error's request id (new per request)
is left out, and errors are compared in a fixed order: graphql-core itself reports the errors
of siblings that wait on the database in the order the database answers
(tests/execution/test_plan_semantics.py compares the order where it is determined).

- The corpus: every query document of tests/, bench/queries.py, the console's persisted
  documents and the docs (tests/support/differential.py), with real variables, for every demo
  credential and none.
- Generated documents: hypothesis-graphql draws queries from the schema (random selections and
  arguments, inline fragments on abstract types); real ids replace most of their arguments
  (tests/support/fuzz_values.py: own, foreign, of another type, of nothing), and each is dressed
  with
  aliases, fragment spreads and @include/@skip on variables. A few dozen in the normal run,
  thousands under `pytest -m fuzz`; Hypothesis shrinks a mismatch to the smallest document
  that shows it.
"""

import json
from dataclasses import dataclass
from random import Random
from typing import Any

import pytest
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    parse,
    print_ast,
)
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis_graphql import strategies as graphql_strategies

from portcullis.demo import load_demo
from portcullis.execution import compile as plans
from portcullis.execution.planned import GraphQLCoreExecutor, PlanExecutor
from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema
from portcullis.http.app import create_app
from portcullis.settings import Settings, SettingsError, load_settings
from tests.support.differential import both, corpus, credentials, random_values, variables_for
from tests.support.fuzz_support import FuzzWorld, fuzz_scale, fuzz_seed, seed
from tests.support.fuzz_values import realistic
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")


@dataclass
class Seeded:
    world: FuzzWorld
    api_key: str


@pytest.fixture
async def seeded(roomy_api: GraphQLClient) -> Seeded:
    world = await seed(roomy_api)
    _tokens, api_key = await load_demo(lifetime=None)  # the fuzz world keeps no API key
    return Seeded(world, api_key)


async def test_the_corpus_is_answered_alike(roomy_api: GraphQLClient, seeded: Seeded) -> None:
    documents = corpus()
    assert len(documents) > 60, "the corpus lost its documents"
    mismatches, answered = [], 0
    for index, text in enumerate(documents):
        variables = variables_for(text, random_values(seeded.world, index))
        for token in credentials(seeded.world, seeded.api_key):
            answers = await both(roomy_api, text, variables, token)
            answered += '"data": {' in answers.plan
            if not answers.same:
                mismatches.append(
                    f"{text}\n{variables}\nplan: {answers.plan}\n"
                    f"graphql-core: {answers.graphql_core}"
                )
    assert not mismatches, f"{len(mismatches)} differ; the first:\n" + mismatches[0]
    assert answered > len(documents), "most documents must be answered with data"
    # Every document was answered by its plan, but those graphql-core answers whole.
    uncovered = [
        print_ast(entry.operation)
        for entry in plans._operations.values()
        if None in entry.plans.values()
    ]
    assert all("__schema" in text or "__type(" in text for text in uncovered), uncovered


# --- Generated documents -----------------------------------------------------------------------


@st.composite
def dressed_queries(draw: st.DrawFn) -> tuple[str, Random]:
    """A query from the schema, and the randomness of its real values and its dressing (drawn
    from Hypothesis, so that it shrinks too)."""
    text = draw(
        graphql_strategies.queries(
            core_schema(schema), allow_x00=False, allow_null=True, codec="utf-8"
        )
    )
    return str(text), draw(st.randoms(use_true_random=False))


def dress(text: str, random: Random) -> tuple[str, dict[str, Any]]:
    """The document with aliases, fragment spreads and @include/@skip on variables put on some
    of its fields, and the variables' values."""
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments: list[FragmentDefinitionNode] = []
    variables: dict[str, Any] = {}

    def selections(node: SelectionSetNode | None, on: str | None) -> SelectionSetNode | None:
        if node is None:
            return None
        out: list[Any] = []
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                selection = FieldNode(
                    alias=NameNode(value=f"a{random.randrange(3)}")
                    if random.random() < 0.15 and selection.alias is None
                    else selection.alias,
                    name=selection.name,
                    arguments=selection.arguments,
                    directives=tuple(_condition(random, variables)),
                    selection_set=selections(selection.selection_set, None),
                )
                if selection.alias is not None and any(
                    isinstance(o, FieldNode) and o.alias and o.alias.value == selection.alias.value
                    for o in out
                ):
                    selection = FieldNode(
                        name=selection.name,
                        arguments=selection.arguments,
                        directives=selection.directives,
                        selection_set=selection.selection_set,
                    )
            elif isinstance(selection, InlineFragmentNode):
                selection = InlineFragmentNode(
                    type_condition=selection.type_condition,
                    directives=tuple(_condition(random, variables)),
                    selection_set=selections(selection.selection_set, None),  # type: ignore[arg-type]
                )
            out.append(selection)
        if random.random() < 0.1:
            out.insert(random.randrange(len(out) + 1), FieldNode(name=NameNode(value="__typename")))
        if on is not None and random.random() < 0.3 and out:
            name = f"F{len(fragments)}"
            fragments.append(
                FragmentDefinitionNode(
                    name=NameNode(value=name),
                    type_condition=NamedTypeNode(name=NameNode(value=on)),
                    selection_set=SelectionSetNode(selections=tuple(out)),
                )
            )
            out = [FragmentSpreadNode(name=NameNode(value=name), directives=())]
        return SelectionSetNode(selections=tuple(out))

    root = selections(operation.selection_set, "Query")
    definitions = [
        VariableDefinitionNode(
            variable=VariableNode(name=NameNode(value=name)),
            type=NonNullTypeNode(type=NamedTypeNode(name=NameNode(value="Boolean"))),
            directives=(),
        )
        for name in variables
    ]
    dressed = OperationDefinitionNode(
        operation=operation.operation,
        name=NameNode(value="Generated"),
        variable_definitions=tuple(definitions),
        directives=(),
        selection_set=root,  # type: ignore[arg-type]
    )
    return print_ast(type(document)(definitions=(dressed, *fragments))), variables


def _condition(random: Random, variables: dict[str, Any]) -> list[DirectiveNode]:
    if random.random() > 0.2:
        return []
    name = f"v{len(variables)}"
    variables[name] = random.random() < 0.6
    directive = random.choice(["include", "skip"])
    value = (
        VariableNode(name=NameNode(value=name))
        if random.random() < 0.8
        else BooleanValueNode(value=variables.pop(name))
    )
    argument = ArgumentNode(name=NameNode(value="if"), value=value)
    return [DirectiveNode(name=NameNode(value=directive), arguments=(argument,))]


async def _generated_alike(
    api: GraphQLClient, seeded: Seeded, text: str, random: Random, token_index: int
) -> None:
    tokens = credentials(seeded.world, seeded.api_key)
    token = tokens[token_index % len(tokens)]
    admin = "olivia@globex.example" if random.random() < 0.3 else "alice@acme.example"
    real = realistic(text, seeded.world, admin, random)
    document, variables = dress(real, random)
    note(f"document:\n{document}\nvariables: {json.dumps(variables)}")
    answers = await both(api, document, variables, token)
    event("answered with data" if '"data": {' in answers.plan else "refused whole")
    assert answers.same, f"plan: {answers.plan}\ngraphql-core: {answers.graphql_core}"


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(query=dressed_queries(), token_index=st.integers(0, 10))
async def test_generated_documents_are_answered_alike(
    roomy_api: GraphQLClient, seeded: Seeded, query: tuple[str, Random], token_index: int
) -> None:
    await _generated_alike(roomy_api, seeded, *query, token_index)


@pytest.mark.fuzz
@hypothesis_seed(fuzz_seed())
@settings(
    max_examples=2000 * fuzz_scale(),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(query=dressed_queries(), token_index=st.integers(0, 10))
async def test_many_generated_documents_are_answered_alike(
    roomy_api: GraphQLClient, seeded: Seeded, query: tuple[str, Random], token_index: int
) -> None:
    await _generated_alike(roomy_api, seeded, *query, token_index)


def test_the_switch_runs_graphql_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """PORTCULLIS_EXECUTOR=graphql-core: every request through graphql-core's executor."""
    monkeypatch.setenv("PORTCULLIS_EXECUTOR", "graphql-core")
    settings = load_settings()
    assert settings.executor == "graphql-core"
    try:
        create_app(settings, manage_database=False)
        assert _executor() is GraphQLCoreExecutor
    finally:
        create_app(Settings(settings.database_url, graphiql=False, log_level="warning"))
    assert _executor() is PlanExecutor
    monkeypatch.setenv("PORTCULLIS_EXECUTOR", "fast")
    with pytest.raises(SettingsError, match="PORTCULLIS_EXECUTOR"):
        load_settings()


def _executor() -> type:
    return schema.execution_context_class
