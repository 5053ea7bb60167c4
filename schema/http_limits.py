"""Limits on the HTTP request itself (README, Security): the body size, and batched operations.

Both are refused with a JSON body shaped like a GraphQL response, `{"errors": [{message,
extensions: {code, limit}}]}`, before the body is parsed as JSON.
"""

from collections.abc import Sequence
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData, GraphQLRequestProtocol
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult
from strawberry.types.execution import SubscriptionExecutionResult

from portcullis.settings import Limits
from resolvers.context import Context
from schema.http import HttpMiddleware, error_response


class RequestRefused(Exception):
    def __init__(self, status: int, code: str, message: str, limit: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.limit = status, code, message, limit

    def response(self) -> JSONResponse:
        limit: dict[str, Any] = {} if self.limit is None else {"limit": self.limit}
        return error_response(self.status, self.message, self.code, **limit)


class BodyLimitMiddleware(HttpMiddleware):
    """Refuses a body over `max_bytes` with 413: at once when Content-Length says so, otherwise
    (chunked, or a Content-Length that lies short) as soon as the bytes read pass the limit.
    The body is read here, then handed on whole, so nothing behind reads more than the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = Headers(scope=scope).get("content-length", "")
        body = None if declared.isdigit() and int(declared) > self.max_bytes else b""
        while body is not None:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left: there is no one to answer
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                body = None
            elif not message.get("more_body", False):
                break
        if body is None:
            await self.too_large().response()(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def too_large(self) -> RequestRefused:
        message = f"The request body is larger than {self.max_bytes} bytes."
        return RequestRefused(413, "REQUEST_TOO_LARGE", message, self.max_bytes)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class LimitedGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with our batching policy: a JSON array of operations is refused
    unless batching is on, and then holds 1 to `max_batch` operations, run one after the other,
    each with a context of its own, as if sent one by one."""

    def __init__(self, schema: BaseSchema, limits: Limits, **options: Any) -> None:
        super().__init__(schema, **options)
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except RequestRefused as refusal:
            await refusal.response()(scope, receive, send)

    def _validate_batch_request(
        self, request_data: Sequence[Any], protocol: GraphQLRequestProtocol
    ) -> None:
        """Strawberry's hook for a JSON array body, called before any item is read."""
        limits = self.limits
        if not limits.batching:
            message = "Batched operations (a JSON array) are not accepted; send one at a time."
            raise RequestRefused(400, "BATCHING_DISABLED", message)
        if len(request_data) > limits.max_batch:
            message = (
                f"A batch holds at most {limits.max_batch} operations, not {len(request_data)}."
            )
            raise RequestRefused(400, "BATCH_TOO_LARGE", message, limits.max_batch)
        if not request_data:
            raise HTTPException(400, "A batch holds at least one operation.")
        for item in request_data:
            _check_operation(item)

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        if not isinstance(request_data, list):
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
        results = []
        for index, operation in enumerate(request_data):
            own = context if index == 0 else await self.get_context(request, sub_response)
            results.append(
                await self.execute_single(
                    request, request_adapter, sub_response, own, root_value, operation
                )
            )
        return results


def _check_operation(item: Any) -> None:
    """What strawberry checks of a single operation, for each operation of a batch."""
    if not isinstance(item, dict):
        raise HTTPException(400, "Each operation of a batch must be a JSON object.")
    expected = {"query": str, "operationName": str, "variables": dict, "extensions": dict}
    for key, kind in expected.items():
        if not isinstance(item.get(key), kind | None):
            raise HTTPException(400, f"The operation's `{key}` must be a {kind.__name__} or null.")
