"""Query limits, refused before anything runs, each with its own `extensions.code` (README,
Security): tokens (the parser's own limit), depth, aliases and estimated nodes (schema/
query_shape.py), introspection when switched off (for callers without valid credentials unless
switched on for them); and no field suggestions for callers without valid credentials.

The limits come from the request's context (the app's settings). Everything measured depends
on the document alone and is cached per query text; per request only the variables' `first`
values are read. Depth, aliases and nodes are checked at the start of execution, after the
document is known to be valid, so the check holds whether or not validation ran for this
request (a cache of valid documents may skip it).
"""

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, GraphQLSyntaxError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from permissions.codes import TopLevelErrorCode
from portcullis.execution.query_shape import Shape, shape_of
from portcullis.graphql_internals import core_schema, is_token_limit_error, without_suggestions
from portcullis.settings import Limits


def refused(code: str, message: str, limit: int, actual: int | None = None) -> GraphQLError:
    extensions: dict[str, Any] = {"code": code, "limit": limit}
    if actual is not None:
        extensions["actual"] = actual
    return GraphQLError(message, extensions=extensions)


class IntrospectionDisabled(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule, with our code, reported once rather than once per field."""

    reported = False
    message = "Introspection is disabled on this server (__schema and __type)."

    def report_error(self, error: GraphQLError) -> None:
        if not self.reported:
            self.reported = True
            super().report_error(
                GraphQLError(
                    self.message,
                    error.nodes,
                    extensions={"code": TopLevelErrorCode.INTROSPECTION_DISABLED},
                )
            )


class IntrospectionNeedsCredentials(IntrospectionDisabled):
    """The default for callers without valid credentials (PORTCULLIS_ANONYMOUS_INTROSPECTION)."""

    message = "Introspection (__schema and __type) needs valid credentials on this server."


def over_limit(
    shape: Shape, variables: dict[str, Any] | None, limits: Limits
) -> GraphQLError | None:
    """The first limit the operation exceeds, or None."""
    measured = (
        (TopLevelErrorCode.QUERY_TOO_DEEP, "nests fields {} deep", shape.depth, limits.max_depth),
        (TopLevelErrorCode.TOO_MANY_ALIASES, "uses {} aliases", shape.aliases, limits.max_aliases),
        (
            TopLevelErrorCode.TOO_MANY_NODES,
            "could return an estimated {} nodes",
            shape.nodes(variables),
            limits.max_nodes,
        ),
    )
    for code, what, actual, limit in measured:
        if actual > limit:
            message = f"The query {what.format(actual)}; the limit is {limit}."
            return refused(code, message + _HINTS.get(code, ""), limit, actual)
    return None


_HINTS = {
    TopLevelErrorCode.TOO_MANY_NODES: " Ask for smaller pages (`first`) or fewer nested lists."
}


class QueryLimits(SchemaExtension):
    """Sets the parser's token limit and the introspection rule before parsing, refuses an
    operation over a limit before it executes, and amends the errors on the way out."""

    def on_operation(self) -> Iterator[None]:
        run = self.execution_context
        limits = self._limits()
        run.parse_options["max_tokens"] = limits.max_tokens  # counts comments too
        signed_in = getattr(run.context, "principal", None) is not None
        if not limits.introspection:
            run.validation_rules = (*run.validation_rules, IntrospectionDisabled)
        elif not (signed_in or limits.anonymous_introspection):
            run.validation_rules = (*run.validation_rules, IntrospectionNeedsCredentials)
        yield
        errors = run.result.errors if run.result is not None else None
        for error in errors or ():
            _amend(error, limits, signed_in)

    def on_execute(self) -> Iterator[None]:
        run = self.execution_context
        if run.query is not None and run.graphql_document is not None:
            shape = shape_of(
                core_schema(run.schema), run.query, run.graphql_document, run.operation_name
            )
            refusal = shape and over_limit(shape, run.variables, self._limits())
            if refusal:
                run.result = ExecutionResult(data=None, errors=[refusal])
        yield

    def _limits(self) -> Limits:
        limits = getattr(self.execution_context.context, "limits", None)
        return limits if isinstance(limits, Limits) else Limits()


def _amend(error: GraphQLError, limits: Limits, signed_in: bool) -> None:
    """The parser's token limit gets its code; suggestions name fields and enum values of the
    schema, so callers without valid credentials do not get them."""
    if isinstance(error, GraphQLSyntaxError) and is_token_limit_error(error):
        error.extensions = {
            **(error.extensions or {}),
            "code": TopLevelErrorCode.TOO_MANY_TOKENS,
            "limit": limits.max_tokens,
        }
    if not signed_in:
        error.message = without_suggestions(error.message)
