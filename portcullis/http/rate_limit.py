"""The rate limit on /graphql: at most N requests per credential in each window, refused with
HTTP 429, a GraphQL-shaped body (`extensions.code = "RATE_LIMITED"`) and `Retry-After`.

Who is counted: a valid credential by its public id (`pct_<prefix>`, `pck_<prefix>`), so each
token and API key has its own budget; a request without a valid credential by its client
address (an IPv6 address by its /64, which one host can fill at will). Counting only valid
credentials by credential keeps a forger who knows someone's prefix from spending that
person's budget. The counters are in PostgreSQL when the database is PostgreSQL, so several
API processes share one limit; in memory on SQLite (portcullis/http/rate_counter.py).
"""

import ipaddress

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from permissions.codes import TopLevelErrorCode
from permissions.principal import Principal
from portcullis.http.base import error_response
from portcullis.http.rate_counter import Counter, counter_for
from portcullis.settings import RateLimit, Settings

CODE = TopLevelErrorCode.RATE_LIMITED


class RateLimited(Exception):
    def __init__(self, limit: RateLimit, retry_after_s: int, by_credential: bool) -> None:
        super().__init__(CODE)
        self.limit, self.retry_after_s, self.by_credential = limit, retry_after_s, by_credential


class Limiter:
    def __init__(self, limit: RateLimit, counter: Counter) -> None:
        self.limit, self.counter = limit, counter

    async def enforce(self, request: Request, principal: Principal | None) -> None:
        key = principal.credential if principal is not None else address_key(request)
        hit = await self.counter.hit(key)
        # Limit, remaining and seconds to the window's end: the RateLimit-* headers of the
        # answer (portcullis/observability.py), so clients slow down before a 429.
        remaining = max(0, self.limit.requests - hit.count)
        request.state.rate_limit = (self.limit.requests, remaining, hit.retry_after_s)
        if hit.count > self.limit.requests:
            raise RateLimited(self.limit, hit.retry_after_s, principal is not None)


def address_key(request: Request) -> str:
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"addr:{host[:64]}"
    if address.version == 6:
        return f"addr:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"addr:{address}"


def install(app: Starlette, settings: Settings) -> Starlette:
    """Turn the limit on for the app when the settings ask for one (PORTCULLIS_RATE_LIMIT)."""
    if settings.rate_limit is not None:
        counter = counter_for(settings.database_url, settings.rate_limit.window_s)
        app.state.rate_limiter = Limiter(settings.rate_limit, counter)
        app.add_exception_handler(RateLimited, refuse)
    return app


async def enforce(request: Request, principal: Principal | None) -> None:
    """Count this request; raise RateLimited past the limit. Nothing when the limit is off."""
    limiter: Limiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is not None:
        await limiter.enforce(request, principal)


async def refuse(_: Request, error: Exception) -> Response:
    assert isinstance(error, RateLimited)  # registered for this class only
    limit, seconds = error.limit, error.retry_after_s
    who = "this credential" if error.by_credential else "this address without a valid credential"
    message = (
        f"Too many requests from {who}: at most {limit.requests} per {limit.window_s} s. "
        f"Retry in {seconds} s."
    )
    return error_response(
        429,
        message,
        CODE,
        headers={"Retry-After": str(seconds)},
        retryAfter=seconds,
        limit=limit.requests,
        windowSeconds=limit.window_s,
    )
