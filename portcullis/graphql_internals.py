"""The one door to strawberry's and graphql-core's internals.

Everything the service needs from the two libraries that is not their documented API is here:
private attributes, a private hook and the wording of messages we recognise. pyproject.toml
bounds both libraries to the versions tested, and tests/execution/test_graphql_internals.py
checks each name against the installed versions, so an upgrade that moves one of them fails
there, in one place, rather than deep inside a request.
"""

import re
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, Generic, TypeVar

from graphql import (
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
)
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestProtocol
from strawberry.types import ExecutionContext, Info
from strawberry.types.enum import has_enum_definition

# graphql-core's parser error past `max_tokens` (graphql/language/parser.py), which has no code.
_TOO_MANY_TOKENS = re.compile(r"Document contains more than \d+ tokens")
# The " Did you mean ...?" graphql-core's did_you_mean() appends to validation messages.
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")

ContextT = TypeVar("ContextT")


def core_schema(schema: Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built (strawberry keeps it as `_schema`)."""
    built: GraphQLSchema = schema._schema
    return built


def resolve_info(info: Info[Any, Any]) -> GraphQLResolveInfo[Any]:
    """graphql-core's resolve info behind strawberry's Info (strawberry's `_raw_info`)."""
    raw: GraphQLResolveInfo[Any] = info._raw_info
    return raw


def requested_operation_name(run: ExecutionContext) -> str | None:
    """The operationName the request sent. Strawberry keeps it privately: its public
    `operation_name` falls back to the first operation's name."""
    name: str | None = run._provided_operation_name
    return name


def describe_enum_values(enum: type[Enum], descriptions: Mapping[str, str]) -> None:
    """A description for each value of an enum registered with strawberry.enum, by value name.
    strawberry reads one only from strawberry.enum_value on the member itself, which an enum of
    models/ or resolvers/ cannot carry; the values of its definition are set here instead, before
    any schema is built from it."""
    if not has_enum_definition(enum):
        raise TypeError(f"{enum.__name__} is not registered with strawberry.enum")
    for value in enum.__strawberry_definition__.values:
        value.description = descriptions[value.name]


def is_token_limit_error(error: GraphQLError) -> bool:
    return bool(_TOO_MANY_TOKENS.search(error.message))


def without_suggestions(message: str) -> str:
    """A validation message without its "Did you mean" list (names of the schema)."""
    return _SUGGESTION.sub("", message)


class BatchCheckingView(GraphQL[ContextT, None], Generic[ContextT]):
    """Strawberry's ASGI view with its private hook for a JSON array body (called before any
    item is read) turned into `check_batch`."""

    def check_batch(self, request_data: Sequence[Any]) -> None:
        raise NotImplementedError

    def _validate_batch_request(
        self, request_data: Sequence[Any], protocol: GraphQLRequestProtocol
    ) -> None:
        self.check_batch(request_data)
