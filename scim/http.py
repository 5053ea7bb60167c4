"""The SCIM endpoint's HTTP plumbing: authentication by SCIM token, request bodies and query
parameters read with scim2-models, and every refusal answered as an RFC 7644 error body."""

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from scim2_models import Context, ListResponse, ResponseParameters, SCIMException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.transactions import in_transaction

from permissions.errors import NotFound
from portcullis import outage
from resolvers.errors import DomainError
from scim import discovery
from scim.auth import authenticate
from scim.directory import Directory
from scim.errors import MEDIA_TYPE, ScimError, of_domain
from scim.resources import Group, User

log = logging.getLogger("portcullis.scim")
PREFIX = "/scim/v2"
Handler = Callable[[Request, Directory], Awaitable[Response]]
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def scim_response(body: dict[str, Any], status: int = 200, location: str | None = None) -> Response:
    headers = {"Location": location} if location else None
    return JSONResponse(body, status, headers=headers, media_type=MEDIA_TYPE)


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Authenticate, run, and answer every refusal as SCIM does."""

    async def run(request: Request) -> Response:
        try:
            token = await authenticate(request.headers.get("authorization"))
            if token is None:
                raise ScimError(401, "Invalid or revoked SCIM token.")
            base = str(request.base_url).rstrip("/") + PREFIX
            directory = Directory.of(token, request.state.request_id, base)
            if request.method not in WRITES:
                return await handler(request, directory)
            # A write is one transaction with its audit events (R-AUDIT-1), as a mutation is in
            # resolvers/runner.py: the resolvers it calls open none of their own.
            async with in_transaction():
                return await handler(request, directory)
        except ScimError as error:
            extra = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
            return error.response(extra)
        except DomainError as error:
            return of_domain(error).response()
        except NotFound:
            return ScimError(404, "No such resource in this organization.").response()
        except SCIMException as error:
            return ScimError(error.status, error.detail, error.scim_type or None).response()
        except ValidationError as error:
            return ScimError(400, _first(error), "invalidValue").response()
        except Exception as error:
            if not outage.is_database_unavailable(error):
                raise
            log.warning("SCIM request: database unavailable: %r", error)
            retry = {"Retry-After": str(outage.RETRY_AFTER_SECONDS)}
            return ScimError(503, outage.MESSAGE).response(retry)

    return run


def _first(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(p) for p in problem.get("loc", ()))
    return f"{where}: {problem.get('msg', 'invalid')}" if where else str(problem.get("msg"))


async def body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, RecursionError):
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from None


def parameters(request: Request, model: type[User] | type[Group]) -> ResponseParameters[Any]:
    query = request.query_params
    try:
        return ResponseParameters[model].model_validate(  # type: ignore[valid-type]
            {
                "attributes": query.get("attributes"),
                "excludedAttributes": query.get("excludedAttributes"),
            }
        )
    except (ValidationError, SCIMException):
        raise ScimError(
            400, "attributes or excludedAttributes names no attribute.", "invalidPath"
        ) from None


def dump(item: User | Group, request: Request, ctx: Context) -> dict[str, Any]:
    result: dict[str, Any] = item.model_dump(
        scim_ctx=ctx, response_parameters=parameters(request, type(item))
    )
    return result


def page(request: Request) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        text = request.query_params.get(name)
        try:
            return int(text) if text is not None else default
        except ValueError:
            raise ScimError(400, f"{name} must be a number.", "invalidValue") from None

    start = max(1, number("startIndex", 1))
    count = min(max(0, number("count", 100)), discovery.MAX_RESULTS)
    return start, count


def listed(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


def list_response(
    request: Request, model: type[User] | type[Group], found: list[Any], total: int, start: int
) -> Response:
    listed = ListResponse[model](  # type: ignore[valid-type]
        total_results=total, start_index=start, items_per_page=len(found), resources=found
    )
    body: dict[str, Any] = listed.model_dump(
        scim_ctx=Context.SEARCH_RESPONSE, response_parameters=parameters(request, model)
    )
    return scim_response(body)
