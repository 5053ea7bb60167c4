"""The group mutations' documents and helpers, shared by the group mutation tests."""

from typing import Any

from models.audit import AuditEvent
from models.directory import OrgUser
from models.enums import AdminRole
from models.group import DefaultGroup, Group, GroupMembership, GroupProductRole
from models.product import ProductInstance
from resolvers import organizations
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result

ERRORS = "errors { code message field rule }"
GROUP = """
  id name description protected site { id }
  members(first: 100) { totalCount edges { node { id } } }
  productRoles { role productInstance { id } }
  isDefaultFor { role productInstance { id } }
"""
PAYLOAD_FIELDS = {
    "createGroup": f"clientMutationId group {{ {GROUP} }}",
    "updateGroup": f"clientMutationId group {{ {GROUP} }}",
    "deleteGroup": "clientMutationId deletedGroupId",
    "addGroupMembers": f"clientMutationId group {{ {GROUP} }}",
    "removeGroupMembers": f"clientMutationId group {{ {GROUP} }}",
    "grantGroupProductAccess": f"clientMutationId groups {{ {GROUP} }}",
    "revokeGroupProductAccess": f"clientMutationId groups {{ {GROUP} }}",
    "setDefaultGroup": "clientMutationId productInstance { id defaultGroups { id } }",
}


def document(mutation: str) -> str:
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    return (
        f"mutation ($input: {input_type}!) {{ {mutation}(input: $input) "
        f"{{ {PAYLOAD_FIELDS[mutation]} {ERRORS} }} }}"
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
    """(code, field, rule) of each payload error."""
    return [(e["code"], e["field"], e["rule"]) for e in payload["errors"]]


def refusal(result: Result) -> tuple[str, str | None]:
    """(code, rule) of a top-level refusal; the mutation returned nothing."""
    assert result.empty, result.body
    extensions = result.errors[0]["extensions"]
    return extensions["code"], extensions.get("rule")


async def rows() -> dict[str, int]:
    """What a refused mutation must leave alone: group rows and the audit log."""
    return {
        "group": await Group.all().count(),
        "membership": await GroupMembership.all().count(),
        "product_role": await GroupProductRole.all().count(),
        "default_group": await DefaultGroup.all().count(),
        "audit_event": await AuditEvent.all().count(),
    }


async def events_after(first_id: int) -> list[AuditEvent]:
    return await AuditEvent.filter(id__gt=first_id).order_by("id")


async def last_event_id() -> int:
    last = await AuditEvent.all().order_by("-id").first()
    return last.id if last else 0


def group_id(group: Group) -> str:
    return gid("Group", group.id)


def user_id(user: OrgUser) -> str:
    return gid("User", user.id)


def instance_id(instance: ProductInstance) -> str:
    return gid("ProductInstance", instance.id)


def member_ids(group: dict[str, Any]) -> set[str]:
    return {edge["node"]["id"] for edge in group["members"]["edges"]}


def roles_of(group: dict[str, Any]) -> set[tuple[str, str]]:
    return {(r["productInstance"]["id"], r["role"]) for r in group["productRoles"]}


async def holder(world: World, role: AdminRole, scope_id: int) -> tuple[OrgUser, str]:
    """A member of the organization holding exactly one admin role, and their token."""
    user, token = await world.member()
    await world.role(user, role, scope_id)
    return user, token


async def confluence(world: World) -> ProductInstance:
    return await organizations.add_product(world.ctx, world.site.id, "confluence")


async def default_group(instance: ProductInstance, role: str = "USER") -> Group:
    default = await DefaultGroup.get(product_instance_id=instance.id, role=role)
    return await Group.get(id=default.group_id)


async def org_admins(world: World) -> Group:
    return await Group.get(organization_id=world.org.id, protected=True)
