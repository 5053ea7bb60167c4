"""Errors that reach clients as top-level GraphQL errors, each with `extensions.code` (API.md)."""

from typing import Any

from graphql import GraphQLError

from permissions.codes import TopLevelErrorCode


class ApiError(GraphQLError):
    """An error the client is meant to see; anything else is masked as an internal error."""

    code = TopLevelErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class Unauthenticated(ApiError):
    code = TopLevelErrorCode.UNAUTHENTICATED


class Forbidden(ApiError):
    """Refused by the matrix or a domain rule; `rule` names the feature id or the R- rule."""

    code = TopLevelErrorCode.FORBIDDEN

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message, rule=rule)


class NotFound(ApiError):
    """The id does not exist or the viewer may not see it: existence is never leaked."""

    code = TopLevelErrorCode.NOT_FOUND

    def __init__(self, message: str = "No such object.") -> None:
        super().__init__(message)


class BadUserInput(ApiError):
    code = TopLevelErrorCode.BAD_USER_INPUT
