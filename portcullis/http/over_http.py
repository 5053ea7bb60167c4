"""GraphQL over HTTP (the GraphQL-over-HTTP specification), docs/http-api.md.

- The answer's media type is negotiated from `Accept`: `application/graphql-response+json`
  when the client accepts it at least as much as `application/json`; `application/json`
  otherwise (no `Accept`, `*/*`, or only types we do not speak: what old clients send).
- Status codes: with `application/graphql-response+json`, a request error (the document does
  not parse or validate, its variables do not fit, a limit refuses it: nothing was executed)
  is 400 and the body has no `data`; with `application/json` it stays 200 with `data: null`,
  as before. Field errors (a refusal, a missing object) are 200 under both.
- Refusals of the request as a whole are the same under both media types: a mutation over GET
  is 405 with `Allow: POST`; a body that is not `application/json` is 415; a credential that
  is not valid is 401 with `WWW-Authenticate: Bearer`; Starlette's own 404 and 405 too.
- Every answer that is not 200 is a JSON body with `errors[].extensions.code`.
"""

import logging
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from permissions.codes import TopLevelErrorCode
from portcullis.http import graphiql
from portcullis.http.base import error_response
from portcullis.http.body_limits import LimitedGraphQL, RequestRefused
from portcullis.http.persisted import Documents
from resolvers.context import Context

log = logging.getLogger("portcullis")
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# Request errors that are answered 200 under both media types: Apollo's clients take a 400 as
# "this server has no persisted queries" and stop sending hashes, rather than retry with text.
ANSWERED_200 = frozenset({TopLevelErrorCode.PERSISTED_QUERY_NOT_FOUND})
_CODES = {
    400: TopLevelErrorCode.BAD_REQUEST,
    401: TopLevelErrorCode.UNAUTHENTICATED,
    404: TopLevelErrorCode.NOT_FOUND,
    405: TopLevelErrorCode.METHOD_NOT_ALLOWED,
    406: TopLevelErrorCode.NOT_ACCEPTABLE,
    415: TopLevelErrorCode.UNSUPPORTED_MEDIA_TYPE,
}


class Refused(RequestRefused):
    """A refusal of the whole request with headers of its own (Allow, WWW-Authenticate)."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status, code, message)
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return error_response(self.status, self.message, self.code, headers=self.headers)


def invalid_credential() -> Refused:
    """RFC 6750: a bearer credential that was sent and is not valid (unknown, wrong secret,
    revoked or expired: the client learns no more than that)."""
    challenge = 'Bearer error="invalid_token", error_description="Invalid or expired credentials"'
    return Refused(
        401,
        TopLevelErrorCode.UNAUTHENTICATED,
        "Invalid or expired credentials.",
        headers={"WWW-Authenticate": challenge},
    )


def negotiate(accept: str | None) -> str:
    """The media type of the answer, from the request's Accept header (q-values weigh)."""
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        kind, _, parameters = part.partition(";")
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        key = kind.strip().lower()
        weights[key] = max(weights.get(key, 0.0), weight)
    graphql = weights.get(GRAPHQL_RESPONSE, 0.0)
    return GRAPHQL_RESPONSE if graphql > 0 and graphql >= weights.get(JSON, 0.0) else JSON


def is_request_error(response: GraphQLHTTPResponse | ExecutionResult) -> bool:
    """Nothing was executed: no data, and no error has a path (a field error has one)."""
    if isinstance(response, ExecutionResult):
        return (
            response.data is None
            and bool(response.errors)
            and not any(error.path for error in response.errors or [])
        )
    errors: list[Any] = list(response.get("errors") or [])
    return (
        response.get("data") is None
        and bool(errors)
        and not any(isinstance(e, dict) and e.get("path") for e in errors)
    )


def _codes(response: GraphQLHTTPResponse) -> set[str]:
    errors: list[Any] = list(response.get("errors") or [])
    return {
        str(e.get("extensions", {}).get("code"))
        for e in errors
        if isinstance(e, dict) and isinstance(e.get("extensions"), dict)
    }


class GraphQLOverHttp(LimitedGraphQL):
    """The /graphql view: LimitedGraphQL's limits, the media types and status codes above, and
    persisted documents (portcullis/http/persisted.py)."""

    documents: Documents = Documents()

    async def run(  # type: ignore[override]
        self,
        request: Request | WebSocket,
        context: Context = UNSET,
        root_value: None = UNSET,
    ) -> Response | WebSocket:
        if self.is_websocket_request(request):
            return await super().run(request, context, root_value)
        assert isinstance(request, Request)
        try:
            return await super().run(request, context, root_value)
        except HTTPException as error:
            code = _CODES.get(error.status_code, TopLevelErrorCode.BAD_REQUEST)
            headers = {"Allow": "GET, POST"} if error.status_code == 405 else None
            refusal: RequestRefused = Refused(error.status_code, code, error.reason, headers)
        except RequestRefused as refused:
            refusal = refused
        response = refusal.response()
        response.headers["content-type"] = _content_type(request)
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type.lower() != JSON:
                message = (
                    f"Send the request body as {JSON}, not "
                    f"{content_type or 'without a Content-Type'}."
                )
                raise Refused(
                    415, TopLevelErrorCode.UNSUPPORTED_MEDIA_TYPE, message, {"Accept-Post": JSON}
                )
        return await super().parse_http_body(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        found = await self.documents.find(request_data)
        if isinstance(found, ExecutionResult):
            return found  # a persisted document refused or not found
        try:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, found.request
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError) and error.status_code == 400:
                message = f"{error.reason} Send mutations with POST."
                raise Refused(
                    405, TopLevelErrorCode.METHOD_NOT_ALLOWED, message, {"Allow": "POST"}
                ) from error
            raise
        if found.register and context.principal is not None and not is_request_error(result):
            try:
                await self.documents.register(found)
            except Exception as error:  # the operation ran (a mutation committed): answer it
                log.warning("request %s: document not registered: %r", context.request_id, error)
        return result

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = negotiate(request.headers.get("accept"))
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or JSON
        status = None
        if (
            media_type == GRAPHQL_RESPONSE
            and isinstance(response_data, dict)
            and is_request_error(response_data)
            and not _codes(response_data) <= ANSWERED_200
        ):
            response_data = {k: v for k, v in response_data.items() if k != "data"}  # type: ignore[assignment]
            status = 400
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        if status is not None and not sub_response.status_code:
            response.status_code = status
        return response


def _content_type(request: Request) -> str:
    return f"{negotiate(request.headers.get('accept'))}; charset=utf-8"


async def http_error(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (no such path: 404; a method the route does not take: 405)
    as JSON with a code, keeping their headers (Allow)."""
    assert isinstance(error, StarletteHTTPException)  # registered for this class only
    code = _CODES.get(error.status_code, TopLevelErrorCode.BAD_REQUEST)
    response = error_response(
        error.status_code, error.detail, code, headers=dict(error.headers or {})
    )
    response.headers["content-type"] = _content_type(request)
    return response


class Cors(CORSMiddleware):
    """Starlette's CORS middleware; a refused preflight answers JSON with a code."""

    def preflight_response(self, request_headers: Any) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        message = bytes(response.body).decode(errors="replace")
        refused = error_response(
            response.status_code, message, TopLevelErrorCode.CORS_PREFLIGHT_REFUSED
        )
        for name, value in response.headers.items():
            if name not in ("content-length", "content-type"):
                refused.headers[name] = value
        return refused


def cors(origins: tuple[str, ...]) -> list[Middleware]:
    """Browsers on `origins` may call the API with a bearer token (no cookies are used, so no
    credentials mode); no middleware at all when `origins` is empty. Outermost, so that every
    answer (413, 429, 503 too) reaches the page that asked."""
    if not origins:
        return []
    cors = Middleware(
        Cors,
        allow_origins=list(origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
        expose_headers=["X-Request-Id", "Retry-After", "WWW-Authenticate"],
        max_age=600,
    )
    return [cors]
