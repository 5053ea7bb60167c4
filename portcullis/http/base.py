"""What the HTTP layer shares: a base for middleware that only looks at HTTP requests, and the
answer given outside GraphQL execution (a refused body, a batch, the rate limit, a database
outage), shaped like a GraphQL response so that clients read one format:
`{"errors": [{"message": ..., "extensions": {"code": ..., ...}}]}`.
"""

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from portcullis.request_log import note_error_code


class HttpMiddleware:
    """An ASGI middleware for HTTP requests (`handle`); anything else passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


def error_response(
    status: int,
    message: str,
    code: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    note_error_code(code)  # the request log's and the metrics' outcome
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return JSONResponse({"errors": [error]}, status_code=status, headers=headers)
