"""Masking: errors the client is not meant to see become a generic one with the request id.

Client-facing errors are ApiError (codes of API.md) and GraphQL's own syntax and validation
errors. A database outage is DATABASE_UNAVAILABLE (try again shortly), logged in one line;
anything else is a bug: logged with its traceback and request id, never shown.
"""

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from permissions.errors import ApiError
from portcullis import outage

log = logging.getLogger("portcullis.errors")


def is_client_error(error: GraphQLError) -> bool:
    """GraphQL's own errors (syntax, validation, variables that do not fit their types) and
    ours; a variable coercion error wraps a GraphQLError of its own."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def with_code(error: GraphQLError) -> GraphQLError:
    """Variables of the wrong shape are the client's input: BAD_USER_INPUT, like our own."""
    original = error.original_error
    extensions = error.extensions or {}
    ours = isinstance(original, ApiError)
    if isinstance(original, GraphQLError) and not ours and "code" not in extensions:
        error.extensions = {**extensions, "code": "BAD_USER_INPUT"}
    return error


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
        message, code = "Internal server error.", "INTERNAL_SERVER_ERROR"
    return GraphQLError(
        message,
        nodes=error.nodes,
        path=error.path,
        extensions={"code": code, "requestId": request_id},
    )
