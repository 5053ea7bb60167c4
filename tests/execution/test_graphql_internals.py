"""Each door of portcullis/graphql_internals.py against the installed strawberry and graphql-core:
an upgrade that moves a private name or rewords a message fails here, by name, first."""

from enum import StrEnum
from typing import Any

import httpx
import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    parse,
)
from graphql.validation import validate
from strawberry.extensions import SchemaExtension

from portcullis import graphql_internals as internals


@strawberry.type
class Query:
    @strawberry.field
    def name(self, info: strawberry.Info) -> str:
        raw = internals.resolve_info(info)  # what schema/selection.py reads of it
        assert isinstance(raw.fragments, dict)
        return str(raw.field_nodes[0].name.value)

    @strawberry.field
    def plain(self) -> str:
        return "resolved"


toy = strawberry.Schema(query=Query)


def test_core_schema_is_the_graphql_core_schema_strawberry_built() -> None:
    built = internals.core_schema(toy)
    assert isinstance(built, GraphQLSchema)
    assert built.query_type is not None
    assert set(built.query_type.fields) == {"name", "plain"}


async def test_resolve_info_is_graphql_cores_info_of_the_field() -> None:
    result = await toy.execute("{ name }")
    assert result.errors is None
    assert result.data == {"name": "name"}


@pytest.mark.parametrize(
    ("document", "operation_name", "expected"),
    [
        ("query A { plain }", None, None),  # strawberry's public operation_name would say "A"
        ("query A { plain }", "A", "A"),
        ("query A { plain } query B { plain }", "B", "B"),
    ],
)
async def test_requested_operation_name_is_what_the_request_sent(
    document: str, operation_name: str | None, expected: str | None
) -> None:
    seen: list[str | None] = []

    class Record(SchemaExtension):
        def on_execute(self) -> Any:
            seen.append(internals.requested_operation_name(self.execution_context))
            yield

    schema = strawberry.Schema(query=Query, extensions=[Record])
    result = await schema.execute(document, operation_name=operation_name)
    assert result.errors is None
    assert seen == [expected]


def test_the_parsers_token_limit_error_is_recognised() -> None:
    with pytest.raises(GraphQLSyntaxError) as raised:
        parse("{ a b c d e f }", max_tokens=3)
    assert internals.is_token_limit_error(raised.value)
    assert not internals.is_token_limit_error(GraphQLError("Syntax Error: Unexpected Name 'x'."))


def test_suggestions_are_removed_from_validation_messages() -> None:
    errors = validate(internals.core_schema(toy), parse("{ plian }"))
    assert len(errors) == 1
    assert "Did you mean" in errors[0].message
    assert internals.without_suggestions(errors[0].message) == (
        "Cannot query field 'plian' on type 'Query'."
    )


async def test_check_batch_sees_a_json_array_before_any_item_runs() -> None:
    batches: list[int] = []

    class View(internals.BatchCheckingView[None]):
        def check_batch(self, request_data: Any) -> None:
            batches.append(len(request_data))

    app = View(toy, allow_queries_via_get=False, multipart_uploads_enabled=False)
    app.schema.config.batching_config = {"max_operations": 10}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post("/", json=[{"query": "{ plain }"}, {"query": "{ plain }"}])
    assert batches == [2]
    assert response.status_code == 200


class Shade(StrEnum):
    DARK = "DARK"
    LIGHT = "LIGHT"


def test_describe_enum_values_reaches_the_built_schema() -> None:
    strawberry.enum(Shade, name="Shade")
    internals.describe_enum_values(Shade, {"DARK": "No light.", "LIGHT": "Some light."})

    @strawberry.type
    class ShadeQuery:
        shade: Shade = Shade.DARK

    built = internals.core_schema(strawberry.Schema(query=ShadeQuery)).get_type("Shade")
    assert isinstance(built, GraphQLEnumType)
    assert {n: v.description for n, v in built.values.items()} == {
        "DARK": "No light.",
        "LIGHT": "Some light.",
    }


def test_describe_enum_values_refuses_an_enum_strawberry_does_not_know() -> None:
    class Loose(StrEnum):
        ONE = "ONE"

    with pytest.raises(TypeError, match="Loose"):
        internals.describe_enum_values(Loose, {"ONE": "One."})
