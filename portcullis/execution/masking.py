"""Masking: errors the client is not meant to see become a generic one with the request id.

Client-facing errors are ApiError (codes of API.md) and GraphQL's own syntax and validation
errors. A database outage is DATABASE_UNAVAILABLE (try again shortly), logged in one line;
anything else is a bug: logged with its traceback and request id, never shown.
"""

import logging
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, GraphQLSyntaxError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from permissions.codes import TopLevelErrorCode
from permissions.errors import BadUserInput
from portcullis import outage
from portcullis.graphql_internals import requested_operation_name

log = logging.getLogger("portcullis.errors")


def is_client_error(error: GraphQLError) -> bool:
    """GraphQL's own errors (syntax, validation, variables that do not fit their types) and
    ours; a variable coercion error wraps a GraphQLError of its own."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def with_code(error: GraphQLError) -> GraphQLError:
    """Every client error carries a code. A document that does not parse is
    GRAPHQL_PARSE_FAILED, one that does not fit the schema GRAPHQL_VALIDATION_FAILED (the codes
    GraphQL clients know from Apollo Server); variables of the wrong shape are the client's
    input: BAD_USER_INPUT, like our own. The first two had no code
    (tests/fuzz/test_fuzz_bodies.py)."""
    extensions = error.extensions or {}
    if "code" not in extensions:
        error.extensions = {**extensions, "code": _code_of(error)}
    return error


def _code_of(error: GraphQLError) -> str:
    if isinstance(error, GraphQLSyntaxError):
        return TopLevelErrorCode.GRAPHQL_PARSE_FAILED
    if error.original_error is None:
        return TopLevelErrorCode.GRAPHQL_VALIDATION_FAILED
    return TopLevelErrorCode.BAD_USER_INPUT


class MaskInternalErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        request_id = getattr(self.execution_context.context, "request_id", "-")
        masked: list[GraphQLError] = []
        for error in result.errors or []:
            if is_client_error(error):
                masked.append(with_code(error))
            else:
                masked.append(masked_error(error, request_id))
        result.errors = masked


def masked_error(error: GraphQLError, request_id: str) -> GraphQLError:
    if outage.is_database_unavailable(error.original_error):
        log.warning(
            "request %s at %s: database unavailable: %r",
            request_id,
            error.path,
            error.original_error,
        )
        message, code = outage.MESSAGE, outage.CODE
    else:
        log.error(
            "internal error in request %s at %s",
            request_id,
            error.path,
            exc_info=error.original_error,
        )
        message, code = "Internal server error.", TopLevelErrorCode.INTERNAL_SERVER_ERROR
    return GraphQLError(
        message,
        nodes=error.nodes,
        path=error.path,
        extensions={"code": code, "requestId": request_id},
    )


class RefuseUnpairedSurrogates(SchemaExtension):
    """A variable holding an unpaired surrogate (JSON allows the escape `\\ud800` alone) is not
    Unicode text: it cannot be encoded as UTF-8, so neither database stores or compares it.
    Refused before execution as BAD_USER_INPUT; wherever one reached SQL it was a masked
    internal error (found by tests/fuzz/test_fuzz_bodies.py). A document's own string literals
    cannot hold one: the parser refuses the escape."""

    def on_execute(self) -> Iterator[None]:
        name = variable_with_surrogate(self.execution_context.variables)
        if name is not None:
            refusal = BadUserInput(f"Variable '${name}' holds an unpaired surrogate: not text.")
            self.execution_context.result = ExecutionResult(data=None, errors=[refusal])
        yield


class RequireOperationName(SchemaExtension):
    """A document of several operations runs only the one `operationName` names. Without it the
    GraphQL spec (GetOperation) requires a request error, but strawberry takes the first
    operation's name and runs that one. Refused after validation, before anything executes, with
    Apollo Server's code for it (OPERATION_RESOLUTION_FAILURE)."""

    def on_execute(self) -> Iterator[None]:
        run = self.execution_context
        document = run.graphql_document
        # `operation_name` falls back to the first operation's: the name the request sent.
        if requested_operation_name(run) is None and document is not None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                refusal = GraphQLError(
                    "The document holds several operations: name the one to run in "
                    "`operationName`. Nothing was run.",
                    extensions={"code": TopLevelErrorCode.OPERATION_RESOLUTION_FAILURE},
                )
                run.result = ExecutionResult(data=None, errors=[refusal])
        yield


def variable_with_surrogate(variables: dict[str, Any] | None) -> str | None:
    """The first variable with a string that UTF-8 cannot encode. Iterative: variables may
    nest as deep as the JSON parser allowed."""
    for name, value in (variables or {}).items():
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, str) and not item.isascii() and not _encodable(item):
                return name
            if isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
