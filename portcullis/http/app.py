"""The ASGI application (Starlette): /graphql, /healthz, GraphiQL, /scim/v2 and /console."""

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from tortoise import connections

from permissions.auth import authenticate
from portcullis import observability, outage, sql_count
from portcullis.console import console_routes
from portcullis.execution.context import RequestContext
from portcullis.execution.schema import schema
from portcullis.held_connection import HeldConnectionMiddleware
from portcullis.http import graphiql, over_http, rate_limit
from portcullis.http.base import HttpMiddleware, error_response
from portcullis.http.body_limits import BodyLimitMiddleware
from portcullis.http.persisted import Documents
from portcullis.metrics import count_decision
from portcullis.settings import Settings
from resolvers.context import Context
from scim.app import mount as scim_endpoint

log = logging.getLogger("portcullis")


class DatabaseOutageMiddleware(HttpMiddleware):
    """A database outage met outside GraphQL execution (authenticating the request, before
    any field runs) is a 503 with a GraphQL-shaped body and Retry-After, never a 500.

    Outages met inside execution become DATABASE_UNAVAILABLE errors (MaskInternalErrors).
    Anything else is left to fail as the bug it is.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as error:
            if started or not outage.is_database_unavailable(error):
                raise
            request_id = scope["state"]["request_id"]
            log.warning("request %s: database unavailable: %r", request_id, error)
            await unavailable(request_id)(scope, receive, send)


def unavailable(request_id: str) -> JSONResponse:
    retry = {"Retry-After": str(outage.RETRY_AFTER_SECONDS)}
    return error_response(503, outage.MESSAGE, outage.CODE, headers=retry, requestId=request_id)


class GraphQLApp(over_http.GraphQLOverHttp):
    def encode_json(self, data: object) -> bytes:
        """orjson: an admin page's 77 kB answer encodes in about a tenth of json.dumps's time
        (a few % of its CPU, docs/operations.md); json.dumps only for what orjson refuses
        (an integer past 64 bits)."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":")).encode()

    def parse_json(self, data: str | bytes) -> Any:
        """strawberry answers 400 only to a JSONDecodeError: bytes that are not UTF-8
        (UnicodeDecodeError) or nesting deeper than Python's recursion limit (RecursionError)
        were 500s. Found by tests/fuzz/test_fuzz_bodies.py."""
        try:
            return json.loads(data)
        except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError too
            raise HTTPException(400, "Unable to parse request body as JSON") from None

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """A JSON body that is a bare number, string, boolean or null was a 500: strawberry
        reads it as an object. Only an object (or an array: a batch, refused) starts with `{`
        or `[`, so the body is not decoded twice to tell."""
        content_type, _ = parse_content_type(request.content_type or "")
        if request.method == "POST" and "application/json" in content_type:
            start = (await request.get_body()).lstrip()[:1]
            if start not in (b"{", b"["):
                raise HTTPException(400, "The request body must be a JSON object.")
        return await super().parse_http_body(request)

    async def get_context(self, request: Request, response: Response | None = None) -> Context:  # type: ignore[override]
        request_id: str = request.state.request_id
        authorization = request.headers.get("authorization")
        # An outage here, authenticating or counting the request: DatabaseOutageMiddleware.
        principal = await authenticate(authorization)
        request.state.principal = principal  # the request log's caller (portcullis/observability)
        await rate_limit.enforce(request, principal)
        if authorization and principal is None:
            raise over_http.invalid_credential()
        return RequestContext(
            principal=principal,
            request_id=request_id,
            credentials_sent=bool(authorization),
            on_decision=count_decision,
            limits=self.limits,
        )


async def healthz(_: Request) -> JSONResponse:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:  # any failure means "not healthy", never a 500
        log.warning("health check failed: %s", error)
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def _sql_count_route() -> Route:
    """Benchmarks only (PORTCULLIS_COUNT_SQL=1): the statements run since start-up."""
    counter = sql_count.install()

    async def count(_: Request) -> JSONResponse:
        return JSONResponse({"statements": counter.statements})

    return Route("/debug/sql-count", count, methods=["GET"])


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """The ASGI app. With manage_database it migrates and opens the database on start-up."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        from portcullis.db import close_database, migrate

        await migrate(settings.database_url)
        try:
            yield
        finally:
            await close_database()

    limits = settings.limits
    graphql = GraphQLApp(schema, limits, graphql_ide="graphiql" if settings.graphiql else None)
    graphql.documents = Documents.of(settings.console)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        *graphiql.routes(settings.graphiql),
        scim_endpoint(),  # /scim/v2 (scim/)
        *console_routes(),
    ]
    if settings.count_sql:
        routes.append(_sql_count_route())
    middleware = [
        *over_http.cors(settings.console.cors_origins),  # when on: every answer gets CORS
        Middleware(DatabaseOutageMiddleware),
        Middleware(HeldConnectionMiddleware),  # inside: an outage giving it back is answered
        Middleware(BodyLimitMiddleware, max_bytes=limits.max_body_bytes),
    ]
    errors = {StarletteHTTPException: over_http.http_error}
    app = Starlette(
        routes=routes, lifespan=lifespan, middleware=middleware, exception_handlers=errors
    )
    # Outermost: the request id, log line, metrics and span cover every refusal below too.
    return observability.install(rate_limit.install(app, settings))
