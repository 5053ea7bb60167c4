"""The documents and helpers of the access request tests (R-ACCESS-10)."""

from typing import Any

from models.access_settings import AccessRequest, UserAccessSetting
from models.audit import AuditEvent
from models.directory import Account, OrgUser
from models.enums import AdminRole
from models.group import DefaultGroup, GroupMembership
from models.product import ProductInstance
from resolvers import access, access_settings
from resolvers.access_settings import ApprovedDomain
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result

ERRORS = "errors { code message field rule }"
REQUEST = """
  id status createdAt decidedAt
  productInstance { id }
  productInstanceSummary { productInstanceId productKey productName siteName organizationName }
  requester { email displayName }
"""
PAYLOAD_FIELDS = {
    "updateUserAccessSettings": "userAccessSettings { productInstance { id } "
    "approvedDomains { domain requiresApproval } }",
    "requestProductAccess": f"accessRequest {{ {REQUEST} }}",
    "approveAccessRequest": f"accessRequest {{ {REQUEST} user {{ id email }} decidedBy {{ id }} }}",
    "denyAccessRequest": f"accessRequest {{ {REQUEST} decidedBy {{ id }} }}",
}


def document(mutation: str) -> str:
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    return (
        f"mutation ($input: {input_type}!) {{ {mutation}(input: $input) "
        f"{{ clientMutationId {PAYLOAD_FIELDS[mutation]} {ERRORS} }} }}"
    )


async def send(api: GraphQLClient, mutation: str, input: dict[str, Any], token: str) -> Result:
    return await api(document(mutation), {"input": input}, token)


async def mutate(
    api: GraphQLClient, mutation: str, input: dict[str, Any], token: str
) -> dict[str, Any]:
    """The payload; the request itself must have no top-level errors."""
    data: dict[str, Any] = (await send(api, mutation, input, token)).ok()[mutation]
    return data


def problems(payload: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return [(e["code"], e["field"], e["rule"]) for e in payload["errors"]]


def refusal(result: Result) -> tuple[str, str | None]:
    """(code, rule) of a top-level refusal; the mutation returned nothing."""
    assert result.empty, result.body
    extensions = result.errors[0]["extensions"]
    return extensions["code"], extensions.get("rule")


def instance_id(instance: ProductInstance) -> str:
    return gid("ProductInstance", instance.id)


def request_id(request: AccessRequest | int) -> str:
    return gid("AccessRequest", request if isinstance(request, int) else request.id)


def domains(*entries: tuple[str, bool]) -> list[dict[str, Any]]:
    return [{"domain": d, "requiresApproval": a} for d, a in entries]


async def approve_domains(
    world: World, instance: ProductInstance, *entries: tuple[str, bool]
) -> None:
    """Set approved domains directly, as the org admin (the resolver the mutation calls)."""
    wanted = [ApprovedDomain(d, a) for d, a in entries]
    await access_settings.update_user_access_settings(world.ctx, world.org, instance, wanted)


async def outsider(email: str) -> tuple[Account, str]:
    """An account outside every organization, and its token."""
    person = await factories.account(email)
    return person, await factories.token(person)


async def holder(world: World, role: AdminRole, scope_id: int) -> tuple[OrgUser, str]:
    user, token = await world.member()
    await world.role(user, role, scope_id)
    return user, token


async def holds(account: Account, instance: ProductInstance) -> bool:
    """The account's directory entry holds the product through a group (R-ACCESS-1)."""
    user = await OrgUser.get_or_none(organization_id=instance.organization_id, account=account)
    return user is not None and bool(await access.holdings(user.id, instance.id))


async def in_default_group(account: Account, instance: ProductInstance) -> bool:
    user = await OrgUser.get_or_none(organization_id=instance.organization_id, account=account)
    if user is None:
        return False
    default = await DefaultGroup.get(product_instance_id=instance.id, role="USER")
    return await GroupMembership.exists(group_id=default.group_id, user_id=user.id)


async def rows() -> dict[str, Any]:
    """What a refused mutation must leave alone."""
    requests = await AccessRequest.all().order_by("id").values_list("id", "status")
    settings = (
        await UserAccessSetting.all()
        .order_by("id")
        .values_list("id", "domain", "requires_approval")
    )
    return {
        "requests": requests,
        "settings": settings,
        "directory": await OrgUser.all().count(),
        "memberships": await GroupMembership.all().count(),
        "audit_events": await AuditEvent.all().count(),
    }


async def last_event_id() -> int:
    last = await AuditEvent.all().order_by("-id").first()
    return last.id if last else 0


async def events_after(first_id: int) -> list[AuditEvent]:
    return await AuditEvent.filter(id__gt=first_id).order_by("id")
