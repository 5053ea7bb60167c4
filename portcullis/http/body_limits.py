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
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult
from strawberry.types.execution import SubscriptionExecutionResult

from permissions.codes import TopLevelErrorCode
from portcullis.graphql_internals import BatchCheckingView
from portcullis.http.base import HttpMiddleware, error_response
from portcullis.settings import Limits
from resolvers.context import Context

# How much of a refused body is read (and thrown away) before the 413 ends. Discarding costs
# no memory; the bound keeps a client from holding a worker on an endless body.
DRAIN_BYTES = 64 * 1024 * 1024


class RequestRefused(Exception):
    def __init__(self, status: int, code: str, message: str, limit: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.limit = status, code, message, limit

    def response(self) -> JSONResponse:
        limit: dict[str, Any] = {} if self.limit is None else {"limit": self.limit}
        return error_response(self.status, self.message, self.code, **limit)


class BodyLimitMiddleware(HttpMiddleware):
    """Refuses a body over `max_bytes` with 413: at once when Content-Length says so, otherwise
    (chunked, or a Content-Length that lies short) as soon as the bytes read pass the limit;
    the connection is kept until the rest of the body is read and discarded (`refuse`). The
    body is read here, then handed on whole, so nothing behind holds more than the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        body: bytes | None = b""
        more = True  # whether the client has more of the body to send
        if declared.isdigit() and int(declared) > self.max_bytes:
            body = None
            # A client that waits for `100 Continue` sends nothing unless asked: nothing to drain.
            more = headers.get("expect", "").lower() != "100-continue"
        while body is not None and more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left: there is no one to answer
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                body = None
        if body is None:
            await self.refuse(send, receive if more else None)
            return
        await self.app(scope, _replay(body, receive), send)

    async def refuse(self, send: Send, unread: Receive | None) -> None:
        """The 413 goes out at once, but its end only after the rest of the body (`unread`) was
        read and thrown away, up to DRAIN_BYTES. uvicorn closes the connection as an answer ends
        when the client asked for that (`Connection: close`, HTTP/1.0), and a socket closed with
        bytes unread is reset: a client that sends its whole body before reading saw a reset,
        not the 413 (issue 13.20)."""
        answer = self.too_large().response()
        await send({"type": "http.response.start", "status": 413, "headers": answer.raw_headers})
        await send({"type": "http.response.body", "body": answer.body, "more_body": True})
        if unread is not None:
            await _drain(unread, DRAIN_BYTES)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def too_large(self) -> RequestRefused:
        message = f"The request body is larger than {self.max_bytes} bytes."
        return RequestRefused(413, TopLevelErrorCode.REQUEST_TOO_LARGE, message, self.max_bytes)


async def _drain(receive: Receive, bound: int) -> None:
    """Reads and discards the request's body until it ends, the client leaves, or `bound`
    bytes were thrown away (a client may not hold a worker on an endless body)."""
    discarded = 0
    while discarded <= bound:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return
        discarded += len(message.get("body", b""))


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class LimitedGraphQL(BatchCheckingView[Context]):
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

    def check_batch(self, request_data: Sequence[Any]) -> None:
        """A JSON array body, before any item is read."""
        limits = self.limits
        if not limits.batching:
            message = "Batched operations (a JSON array) are not accepted; send one at a time."
            raise RequestRefused(400, TopLevelErrorCode.BATCHING_DISABLED, message)
        if len(request_data) > limits.max_batch:
            message = (
                f"A batch holds at most {limits.max_batch} operations, not {len(request_data)}."
            )
            raise RequestRefused(400, TopLevelErrorCode.BATCH_TOO_LARGE, message, limits.max_batch)
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
