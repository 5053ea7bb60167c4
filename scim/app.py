"""The SCIM endpoint as a Starlette app, mounted at /scim/v2 (`mount()`): authentication by SCIM
token, request parsing with scim2-models, and every refusal as an RFC 7644 error body."""

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from scim2_models import (
    Context,
    ListResponse,
    PatchOp,
    ResponseParameters,
    SCIMException,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from models.directory import OrgUser
from models.group import Group as GroupRow
from permissions.errors import NotFound
from portcullis import outage
from resolvers.errors import DomainError
from scim import discovery, groups, users
from scim.auth import authenticate
from scim.directory import Directory
from scim.errors import MEDIA_TYPE, ScimError, of_domain
from scim.filters import GROUP_FIELDS, USER_FIELDS, to_query
from scim.resources import GROUP_SCHEMA, USER_SCHEMA, Group, User

log = logging.getLogger("portcullis.scim")
PREFIX = "/scim/v2"
Handler = Callable[[Request, Directory], Awaitable[Response]]


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


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, RecursionError):
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from None


def _parameters(request: Request, model: type[User] | type[Group]) -> ResponseParameters[Any]:
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


def _dump(item: User | Group, request: Request, ctx: Context) -> dict[str, Any]:
    result: dict[str, Any] = item.model_dump(
        scim_ctx=ctx, response_parameters=_parameters(request, type(item))
    )
    return result


def _page(request: Request) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        text = request.query_params.get(name)
        try:
            return int(text) if text is not None else default
        except ValueError:
            raise ScimError(400, f"{name} must be a number.", "invalidValue") from None

    start = max(1, number("startIndex", 1))
    count = min(max(0, number("count", 100)), discovery.MAX_RESULTS)
    return start, count


# --- Discovery ---------------------------------------------------------------------------------


async def service_provider_config(_: Request, d: Directory) -> Response:
    return scim_response(discovery.dump(discovery.service_provider_config(d.base)))


def _listed(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


async def list_resource_types(_: Request, d: Directory) -> Response:
    return scim_response(_listed([discovery.dump(r) for r in discovery.resource_types(d.base)]))


async def get_resource_type(request: Request, d: Directory) -> Response:
    for rt in discovery.resource_types(d.base):
        if rt.id == request.path_params["id"]:
            return scim_response(discovery.dump(rt))
    raise ScimError(404, "No such resource type.")


async def list_schemas(_: Request, d: Directory) -> Response:
    return scim_response(_listed([discovery.dump(s) for s in discovery.schemas(d.base)]))


async def get_schema(request: Request, d: Directory) -> Response:
    for schema in discovery.schemas(d.base):
        if schema.id == request.path_params["id"]:
            return scim_response(discovery.dump(schema))
    raise ScimError(404, "No such schema.")


# --- Users ---------------------------------------------------------------------------------------


async def list_users(request: Request, d: Directory) -> Response:
    start, count = _page(request)
    query = OrgUser.filter(organization_id=d.organization.id)
    if text := request.query_params.get("filter"):
        query = query.filter(to_query(text, USER_FIELDS, USER_SCHEMA)).distinct()
    total = await query.count()
    rows = await query.order_by("id").offset(start - 1).limit(count).select_related("account")
    found = await users.resources(d, rows) if rows else []
    return _list_response(request, User, found, total, start)


def _list_response(
    request: Request, model: type[User] | type[Group], found: list[Any], total: int, start: int
) -> Response:
    listed = ListResponse[model](  # type: ignore[valid-type]
        total_results=total, start_index=start, items_per_page=len(found), resources=found
    )
    body: dict[str, Any] = listed.model_dump(
        scim_ctx=Context.SEARCH_RESPONSE, response_parameters=_parameters(request, model)
    )
    return scim_response(body)


async def get_user(request: Request, d: Directory) -> Response:
    user = await users.load_user(d, request.path_params["id"])
    (found,) = await users.resources(d, [user])
    return scim_response(_dump(found, request, Context.RESOURCE_QUERY_RESPONSE))


async def create_user(request: Request, d: Directory) -> Response:
    resource = User.model_validate(await _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    user = await users.create_user(d, resource)
    (found,) = await users.resources(d, [user])
    body = _dump(found, request, Context.RESOURCE_CREATION_RESPONSE)
    return scim_response(body, 201, location=d.location("Users", user.id))


async def replace_user(request: Request, d: Directory) -> Response:
    user = await users.load_user(d, request.path_params["id"])
    resource = User.model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
    )
    user = await users.replace_user(d, user, resource)
    (found,) = await users.resources(d, [user])
    return scim_response(_dump(found, request, Context.RESOURCE_REPLACEMENT_RESPONSE))


async def patch_user(request: Request, d: Directory) -> Response:
    user = await users.load_user(d, request.path_params["id"])
    (current,) = await users.resources(d, [user])
    operations = PatchOp[User].model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    operations.patch(current)
    user = await users.replace_user(d, user, current)
    (found,) = await users.resources(d, [user])
    return scim_response(_dump(found, request, Context.RESOURCE_PATCH_RESPONSE))


async def delete_user(request: Request, d: Directory) -> Response:
    await users.delete_user(d, await users.load_user(d, request.path_params["id"]))
    return Response(status_code=204)


# --- Groups --------------------------------------------------------------------------------------


def _with_members(request: Request) -> bool:
    """An identity provider that asks for groups without their members gets them without
    reading the memberships."""
    asked = (request.query_params.get("attributes") or "").lower()
    excluded = (request.query_params.get("excludedAttributes") or "").lower()
    return "members" not in excluded and (not asked or "members" in asked)


async def list_groups(request: Request, d: Directory) -> Response:
    start, count = _page(request)
    query = GroupRow.filter(organization_id=d.organization.id)
    if text := request.query_params.get("filter"):
        query = query.filter(to_query(text, GROUP_FIELDS, GROUP_SCHEMA)).distinct()
    total = await query.count()
    rows = await query.order_by("id").offset(start - 1).limit(count)
    found = await groups.resources(d, rows, _with_members(request)) if rows else []
    return _list_response(request, Group, found, total, start)


async def get_group(request: Request, d: Directory) -> Response:
    group = await groups.load_group(d, request.path_params["id"])
    (found,) = await groups.resources(d, [group], _with_members(request))
    return scim_response(_dump(found, request, Context.RESOURCE_QUERY_RESPONSE))


async def create_group(request: Request, d: Directory) -> Response:
    body = await _body(request)
    resource = Group.model_validate(body, scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    group = await groups.create_group(d, resource)
    (found,) = await groups.resources(d, [group])
    body = _dump(found, request, Context.RESOURCE_CREATION_RESPONSE)
    return scim_response(body, 201, location=d.location("Groups", group.id))


async def replace_group(request: Request, d: Directory) -> Response:
    group = await groups.load_group(d, request.path_params["id"])
    body = await _body(request)
    resource = Group.model_validate(body, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    group = await groups.replace_group(d, group, resource)
    (found,) = await groups.resources(d, [group])
    return scim_response(_dump(found, request, Context.RESOURCE_REPLACEMENT_RESPONSE))


async def patch_group(request: Request, d: Directory) -> Response:
    group = await groups.load_group(d, request.path_params["id"])
    (current,) = await groups.resources(d, [group])
    operations = PatchOp[Group].model_validate(
        await _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    operations.patch(current)
    group = await groups.replace_group(d, group, current)
    (found,) = await groups.resources(d, [group])
    return scim_response(_dump(found, request, Context.RESOURCE_PATCH_RESPONSE))


async def delete_group(request: Request, d: Directory) -> Response:
    await groups.delete_group(d, await groups.load_group(d, request.path_params["id"]))
    return Response(status_code=204)


async def search_everything(_: Request, __: Directory) -> Response:
    raise ScimError(501, "Searching several resource types at once is not supported.")


async def nowhere(request: Request, _: Directory) -> Response:
    """A path of the endpoint with another method is 405 with Allow; anything else 404."""
    path = "/" + request.path_params["rest"]
    allowed = sorted(
        method
        for route in ROUTES[:-1]
        if route.path_regex.match(path)
        for method in route.methods or ()
        if method != "HEAD"
    )
    if allowed:
        return ScimError(405, f"{request.method} is not allowed here.").response(
            {"Allow": ", ".join(allowed)}
        )
    raise ScimError(404, "No such SCIM endpoint.")


ROUTES = [
    Route("/ServiceProviderConfig", endpoint(service_provider_config), methods=["GET"]),
    Route("/ResourceTypes", endpoint(list_resource_types), methods=["GET"]),
    Route("/ResourceTypes/{id}", endpoint(get_resource_type), methods=["GET"]),
    Route("/Schemas", endpoint(list_schemas), methods=["GET"]),
    Route("/Schemas/{id}", endpoint(get_schema), methods=["GET"]),
    Route("/Users", endpoint(list_users), methods=["GET"]),
    Route("/Users", endpoint(create_user), methods=["POST"]),
    Route("/Users/{id}", endpoint(get_user), methods=["GET"]),
    Route("/Users/{id}", endpoint(replace_user), methods=["PUT"]),
    Route("/Users/{id}", endpoint(patch_user), methods=["PATCH"]),
    Route("/Users/{id}", endpoint(delete_user), methods=["DELETE"]),
    Route("/Groups", endpoint(list_groups), methods=["GET"]),
    Route("/Groups", endpoint(create_group), methods=["POST"]),
    Route("/Groups/{id}", endpoint(get_group), methods=["GET"]),
    Route("/Groups/{id}", endpoint(replace_group), methods=["PUT"]),
    Route("/Groups/{id}", endpoint(patch_group), methods=["PATCH"]),
    Route("/Groups/{id}", endpoint(delete_group), methods=["DELETE"]),
    Route("/.search", endpoint(search_everything), methods=["POST"]),
    Route("/{rest:path}", endpoint(nowhere), methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
]


def mount() -> Mount:
    """The endpoint, for the app's routes: `Mount("/scim/v2", routes=ROUTES)`."""
    return Mount(PREFIX, routes=ROUTES)
