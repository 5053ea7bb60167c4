"""Masking: errors the client is not meant to see become a generic one with the request id.

Client-facing errors are ApiError (codes of API.md) and GraphQL's own syntax and validation
errors; anything else is a bug: logged with its traceback and request id, never shown.
"""

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from permissions.errors import ApiError

log = logging.getLogger("portcullis.errors")


def is_client_error(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, ApiError)


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
                masked.append(error)
                continue
            log.error(
                "internal error in request %s at %s",
                request_id,
                error.path,
                exc_info=error.original_error,
            )
            masked.append(
                GraphQLError(
                    "Internal server error.",
                    nodes=error.nodes,
                    path=error.path,
                    extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                )
            )
        result.errors = masked
