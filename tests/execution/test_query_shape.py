"""How a document is measured (portcullis/execution/query_shape.py), and the documented queries
against the
default limits: the README's and the benchmark's must stay well within them."""

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLError,
    OperationDefinitionNode,
    get_introspection_query,
    parse,
    print_ast,
    validate,
)

from bench import queries
from portcullis.execution.query_shape import LIST_ESTIMATE, Shape, shape_of
from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema
from portcullis.settings import Limits

GRAPHQL = core_schema(schema)


def shape(query: str, operation: str | None = None) -> Shape:
    measured = shape_of(GRAPHQL, query, parse(query), operation)
    assert measured is not None
    return measured


def nodes(query: str, variables: dict[str, Any] | None = None) -> int:
    return shape(query).nodes(variables)


ORG = 'organization(id: "x")'


def test_a_connection_without_first_counts_its_default_of_50() -> None:
    assert nodes(f"{{ {ORG} {{ users {{ totalCount }} }} }}") == 50


def test_nested_connections_multiply_and_edges_are_not_counted_again() -> None:
    query = (
        '{ organization(id: "x") { users(first: 20) { edges { node {'
        " groups(first: 5) { edges { node { id } } } } } } } }"
    )
    assert nodes(query) == 20 + 20 * 5


def test_a_plain_list_counts_the_fixed_estimate_per_parent() -> None:
    query = (
        '{ organization(id: "x") { users(first: 3) { edges { node {'
        " productAccess { sources { kind } } } } } } }"
    )
    assert nodes(query) == 3 + 3 * LIST_ESTIMATE + 3 * LIST_ESTIMATE * LIST_ESTIMATE


def test_lists_of_scalars_and_single_objects_count_nothing() -> None:
    assert nodes('{ node(id: "x") { id } viewer { email } }') == 0


def test_variables_give_first_then_the_operation_default_then_the_field_default() -> None:
    with_default = f"query ($n: Int! = 7) {{ {ORG} {{ users(first: $n) {{ totalCount }} }} }}"
    without = f"query ($n: Int!) {{ {ORG} {{ users(first: $n) {{ totalCount }} }} }}"
    assert nodes(with_default, {"n": 3}) == 3
    assert nodes(with_default) == 7
    assert nodes(without) == 50
    assert nodes(without, {"n": "three"}) == 50  # refused by coercion anyway
    assert nodes(without, {"n": 10**9}) == 100  # the field refuses more than 100
    assert nodes(without, {"n": -5}) == 0


def test_a_backward_page_counts_last_given_or_in_a_variable() -> None:
    assert nodes(f"{{ {ORG} {{ users(last: 7) {{ totalCount }} }} }}") == 7
    both = f"query ($f: Int, $l: Int) {{ {ORG} {{ users(first: $f, last: $l) {{ totalCount }} }} }}"
    assert nodes(both, {"l": 30}) == 30  # $f not given: the console pages backwards
    assert nodes(both, {"f": 4}) == 4
    assert nodes(both) == 50


def test_depth_counts_fields_not_fragments_and_aliases_count_per_spread() -> None:
    query = """
    { a: viewer { ...F } b: viewer { ... on Viewer { ...F } } }
    fragment F on Viewer { mail: email organizations { name } }
    """
    measured = shape(query)
    assert measured.depth == 3
    assert measured.aliases == 2 + 2  # a, b, and `mail` once per spread


def test_fragments_spread_into_fragments_are_measured_once_and_their_counts_multiply() -> None:
    """Eight spreads per level over twelve levels: 8**12 paths, measured in linear time."""
    levels = 12

    def body(i: int) -> str:
        return " ".join([f"...F{i + 1}"] * 8) if i + 1 < levels else "organizations { name }"

    fragments = [f"fragment F{i} on Viewer {{ {body(i)} }}" for i in range(levels)]
    query = "{ viewer { ...F0 } } " + " ".join(fragments)
    assert nodes(query) == LIST_ESTIMATE * 8 ** (levels - 1)


def test_only_the_operation_that_runs_is_measured() -> None:
    query = (
        f"query Small {{ viewer {{ email }} }} query Big {{ {ORG} {{ users {{ totalCount }} }} }}"
    )
    assert shape(query, "Small").nodes(None) == 0
    assert shape(query, "Big").nodes(None) == 50
    assert shape_of(GRAPHQL, query, parse(query), "Missing") is None


def _readme_documents(readme: str) -> list[str]:
    """Every ```graphql block of the README and docs/, one document per operation; the
    mutation reference (bare field calls) becomes one mutation per call."""
    documents = []
    for block in re.findall(r"```graphql\n(.*?)```", readme, re.S):
        try:
            parsed = parse(block)
        except GraphQLError:
            wrapped = parse("mutation {\n" + block + "\n}").definitions[0]
            assert isinstance(wrapped, OperationDefinitionNode)
            selections = wrapped.selection_set.selections
            documents += [f"mutation {{ {print_ast(call)} }}" for call in selections]
            continue
        documents += [block[d.loc.start : d.loc.end] for d in parsed.definitions if d.loc]
    return documents


def _documented() -> list[str]:
    root = Path(__file__).resolve().parents[2]
    pages = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    readme = "\n".join(page.read_text() for page in pages)
    bench = [
        queries.ADMIN_PAGE,
        queries.USER_ACCESS,
        queries.EXPLAIN_ACCESS,
        queries.GRANT,
        queries.INSTANCE_USERS,
    ]
    return bench + _readme_documents(readme)


def test_the_readme_holds_the_documents_this_test_expects() -> None:
    assert len(_documented()) > 30


@pytest.mark.parametrize("query", _documented())
def test_documented_queries_are_well_within_the_default_limits(query: str) -> None:
    """Half of each limit at most, with every `first` left at its default."""
    limits = Limits()
    document = parse(query, max_tokens=limits.max_tokens // 2)
    assert validate(GRAPHQL, document) == []
    measured = shape(query)
    assert measured.depth <= limits.max_depth // 2
    assert measured.aliases <= limits.max_aliases // 2
    assert measured.nodes(None) <= limits.max_nodes // 2


def test_the_full_introspection_query_is_within_the_default_limits() -> None:
    """GraphiQL asks for this (graphql-core's query nests `ofType` nine deep, one more than
    GraphiQL's own)."""
    limits = Limits()
    query = get_introspection_query(descriptions=True, input_value_deprecation=True)
    parse(query, max_tokens=limits.max_tokens)
    measured = shape(query)
    assert measured.depth <= limits.max_depth
    assert measured.nodes(None) <= limits.max_nodes
