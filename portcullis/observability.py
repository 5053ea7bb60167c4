"""What an operator sees of each request, hooked into the app by `install`:

- the request id, made here for every request (a client's X-Request-Id is kept beside it in
  the log, never used as ours: the audit log's ids are the service's own);
- one log line per request when it ends (portcullis/request_log.py), and a bug that escaped
  everything else answered as a masked 500 and logged at ERROR with its traceback;
- its metrics (portcullis/metrics.py), its span when tracing is on (portcullis/tracing.py);
- the rate limit's RateLimit-Limit / -Remaining / -Reset headers on every counted answer;
- the routes /metrics, /livez and /readyz (portcullis/health.py).
"""

import re
import time
import uuid

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from permissions.codes import TopLevelErrorCode
from portcullis import health, metrics, request_log, tracing
from portcullis.request_log import RequestRecord

_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:/+=-]{1,128}$")
INTERNAL_MESSAGE = "Internal server error."


class ObservedRequests:
    """Outermost of the app's middleware: everything below sees the request id and adds to the
    record; the line is written when the answer is complete (or the request failed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        record = _open(scope, headers)
        token = request_log.current.set(record)
        try:
            with tracing.request_span(record.method, record.path, headers) as span:
                error = await self._serve(scope, receive, send, record)
                _close(scope, record)
                tracing.end_request(span, record.status, record.request_id)
            request_log.write(record, error=error)
            metrics.observe(record)
        finally:
            request_log.current.reset(token)

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, record: RequestRecord
    ) -> BaseException | None:
        """Run the request; the bug that escaped it, if any, answered here."""
        state = scope["state"]

        async def observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
                response_headers = MutableHeaders(scope=message)
                response_headers["x-request-id"] = record.request_id
                limit = state.get("rate_limit")
                if limit is not None:
                    for name, value in zip(_RATE_LIMIT_HEADERS, limit, strict=True):
                        response_headers[name] = str(value)
            await send(message)

        try:
            await self.app(scope, receive, observed)
        except Exception as error:
            record.error_codes.append(TopLevelErrorCode.INTERNAL_SERVER_ERROR)
            # Once the answer has begun nothing more can be said: the server closes the
            # connection of an answer left unfinished. Logged either way, with the traceback.
            if not record.status:
                await _internal_error(record.request_id)(scope, receive, observed)
            return error
        return None


_RATE_LIMIT_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")


def _open(scope: Scope, headers: Headers) -> RequestRecord:
    request_id = uuid.uuid4().hex
    scope.setdefault("state", {})["request_id"] = request_id
    sent = headers.get("x-request-id")
    client_id = sent if sent is not None and _CLIENT_REQUEST_ID.match(sent) else None
    return RequestRecord(request_id, scope["method"], scope["path"], client_id)


def _close(scope: Scope, record: RequestRecord) -> None:
    """The caller, as authentication found it (never the credential's secret)."""
    record.seconds = time.perf_counter() - record.started
    principal = scope["state"].get("principal")
    if principal is None:
        return
    if principal.api_key_id is not None:
        record.caller_kind, record.caller_id = "api_key", str(principal.api_key_id)
    else:
        record.caller_kind, record.caller_id = "personal_token", str(principal.account_id)
    record.credential = principal.credential or None


def _internal_error(request_id: str) -> JSONResponse:
    error = {
        "message": INTERNAL_MESSAGE,
        "extensions": {"code": TopLevelErrorCode.INTERNAL_SERVER_ERROR, "requestId": request_id},
    }
    return JSONResponse({"errors": [error]}, status_code=500)


async def metrics_endpoint(_: Request) -> Response:
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


def install(app: Starlette) -> Starlette:
    """Hook the above into the app: outermost middleware, and the operator's routes. What they
    need is read from the environment once per process (logging: the CLI; tracing: OTEL_*)."""
    request_log.count_statements()
    if not tracing.enabled():
        tracing.configure()
    app.add_middleware(ObservedRequests)
    app.router.routes.extend(
        [
            Route("/metrics", metrics_endpoint, methods=["GET"]),
            Route("/livez", health.livez, methods=["GET"]),
            Route("/readyz", health.readyz, methods=["GET"]),
        ]
    )
    return app
