"""The SCIM endpoint's routes, mounted at /scim/v2 (`mount()`): discovery, Users and Groups."""

from scim2_models import Context, PatchOp
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from models.directory import OrgUser
from models.group import Group as GroupRow
from scim import discovery, groups, users
from scim.directory import Directory
from scim.errors import ScimError
from scim.filters import GROUP_FIELDS, USER_FIELDS, to_query
from scim.http import PREFIX, body, dump, endpoint, list_response, listed, page, scim_response
from scim.resources import GROUP_SCHEMA, USER_SCHEMA, Group, User

# --- Discovery ---------------------------------------------------------------------------------


async def service_provider_config(_: Request, d: Directory) -> Response:
    return scim_response(discovery.dump(discovery.service_provider_config(d.base)))


async def list_resource_types(_: Request, d: Directory) -> Response:
    return scim_response(listed([discovery.dump(r) for r in discovery.resource_types(d.base)]))


async def get_resource_type(request: Request, d: Directory) -> Response:
    for rt in discovery.resource_types(d.base):
        if rt.id == request.path_params["id"]:
            return scim_response(discovery.dump(rt))
    raise ScimError(404, "No such resource type.")


async def list_schemas(_: Request, d: Directory) -> Response:
    return scim_response(listed([discovery.dump(s) for s in discovery.schemas(d.base)]))


async def get_schema(request: Request, d: Directory) -> Response:
    for schema in discovery.schemas(d.base):
        if schema.id == request.path_params["id"]:
            return scim_response(discovery.dump(schema))
    raise ScimError(404, "No such schema.")


# --- Users ---------------------------------------------------------------------------------------


async def list_users(request: Request, d: Directory) -> Response:
    start, count = page(request)
    query = OrgUser.filter(organization_id=d.organization.id)
    if text := request.query_params.get("filter"):
        query = query.filter(
            await to_query(text, USER_FIELDS, USER_SCHEMA, d.organization.id)
        ).distinct()
    total = await query.count()
    rows = await query.order_by("id").offset(start - 1).limit(count).select_related("account")
    found = await users.resources(d, rows) if rows else []
    return list_response(request, User, found, total, start)


async def get_user(request: Request, d: Directory) -> Response:
    user = await users.load_user(d, request.path_params["id"])
    (found,) = await users.resources(d, [user])
    return scim_response(dump(found, request, Context.RESOURCE_QUERY_RESPONSE))


async def create_user(request: Request, d: Directory) -> Response:
    resource = User.model_validate(await body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    user = await users.create_user(d, resource)
    (found,) = await users.resources(d, [user])
    answer = dump(found, request, Context.RESOURCE_CREATION_RESPONSE)
    return scim_response(answer, 201, location=d.location("Users", user.id))


async def replace_user(request: Request, d: Directory) -> Response:
    user = await users.load_user(d, request.path_params["id"])
    resource = User.model_validate(
        await body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
    )
    user = await users.replace_user(d, user, resource)
    (found,) = await users.resources(d, [user])
    return scim_response(dump(found, request, Context.RESOURCE_REPLACEMENT_RESPONSE))


async def patch_user(request: Request, d: Directory) -> Response:
    user = await users.load_user(d, request.path_params["id"])
    (current,) = await users.resources(d, [user])
    operations = PatchOp[User].model_validate(
        await body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    operations.patch(current)
    user = await users.replace_user(d, user, current)
    (found,) = await users.resources(d, [user])
    return scim_response(dump(found, request, Context.RESOURCE_PATCH_RESPONSE))


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
    start, count = page(request)
    query = GroupRow.filter(organization_id=d.organization.id)
    if text := request.query_params.get("filter"):
        query = query.filter(
            await to_query(text, GROUP_FIELDS, GROUP_SCHEMA, d.organization.id)
        ).distinct()
    total = await query.count()
    rows = await query.order_by("id").offset(start - 1).limit(count)
    found = await groups.resources(d, rows, _with_members(request)) if rows else []
    return list_response(request, Group, found, total, start)


async def get_group(request: Request, d: Directory) -> Response:
    group = await groups.load_group(d, request.path_params["id"])
    (found,) = await groups.resources(d, [group], _with_members(request))
    return scim_response(dump(found, request, Context.RESOURCE_QUERY_RESPONSE))


async def create_group(request: Request, d: Directory) -> Response:
    sent = await body(request)
    resource = Group.model_validate(sent, scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    group = await groups.create_group(d, resource)
    (found,) = await groups.resources(d, [group])
    answer = dump(found, request, Context.RESOURCE_CREATION_RESPONSE)
    return scim_response(answer, 201, location=d.location("Groups", group.id))


async def replace_group(request: Request, d: Directory) -> Response:
    group = await groups.load_group(d, request.path_params["id"])
    sent = await body(request)
    resource = Group.model_validate(sent, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    group = await groups.replace_group(d, group, resource)
    (found,) = await groups.resources(d, [group])
    return scim_response(dump(found, request, Context.RESOURCE_REPLACEMENT_RESPONSE))


async def patch_group(request: Request, d: Directory) -> Response:
    group = await groups.load_group(d, request.path_params["id"])
    (current,) = await groups.resources(d, [group])
    operations = PatchOp[Group].model_validate(
        await body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    operations.patch(current)
    group = await groups.replace_group(d, group, current)
    (found,) = await groups.resources(d, [group])
    return scim_response(dump(found, request, Context.RESOURCE_PATCH_RESPONSE))


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
