"""How guards find their targets: from the parent object, the arguments or the mutation's input."""

import asyncio
from collections.abc import Sequence
from typing import Any

from strawberry.types import Info

from models.enums import Experience
from permissions.targets import Target
from resolvers import targets
from resolvers.context import Context
from schema.ids import decode

Ctx = Info[Context, None]


async def parent_organization(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    return [await targets.organization_target(info.context, source.row.id)]


async def parent_site(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    return [await targets.target_of_site(info.context, source.row)]


async def parent_instance(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    return [await targets.target_of_instance(info.context, source.row)]


async def parent_user(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    return [await targets.target_of_user(info.context, source.row)]


async def parent_user_organization(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    return [await targets.organization_target(info.context, source.row.organization_id)]


async def parent_group(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    return [await targets.target_of_group(info.context, source.row)]


async def parent_assignment(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    return [await targets.target_of_assignment(info.context, source.row)]


async def parent_grant(source: Any, info: Ctx, _: dict[str, Any]) -> Sequence[Target]:
    """A product role grant is read where its product instance lies."""
    instance_id = source.row.product_instance_id
    return [await targets.product_instance_target(info.context, instance_id)]


async def argument_organization(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    return [await targets.organization_target(info.context, decode(kwargs["id"], "Organization"))]


async def input_organization(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    org_id = decode(kwargs["input"].organization_id, "Organization")
    return [await targets.organization_target(info.context, org_id)]


async def input_site(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    site_id = decode(kwargs["input"].site_id, "Site")
    return [await targets.site_target(info.context, site_id)]


async def input_granted_instances(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """inviteUser: each product instance it grants, through its default groups (R-ACCESS-3,
    R-ROLE-10); with none, the organization (API.md)."""
    organization = await input_organization(_, info, kwargs)  # the organization must be visible
    grants = kwargs["input"].product_access or []
    if not grants:
        return organization
    return [
        await targets.product_instance_target(
            info.context, decode(g.product_instance_id, "ProductInstance"), granting=True
        )
        for g in grants
    ]


# Groups (issue 4): createGroup, updateGroup, deleteGroup, addGroupMembers, removeGroupMembers,
# grantGroupProductAccess, revokeGroupProductAccess, setDefaultGroup.


async def input_group_scope(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """createGroup: where the group will be. A CENTRALIZED group is the organization's (a
    siteId there is refused by the resolver, not decided on); an ORIGINAL one its site's."""
    input = kwargs["input"]
    ctx = info.context
    organization = await targets.organization_target(
        ctx, decode(input.organization_id, "Organization")
    )
    if input.site_id is None or organization.experience is Experience.CENTRALIZED:
        return [organization]
    return [await targets.site_target(ctx, decode(input.site_id, "Site"))]


async def input_group(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """The group as it is now: what it gives decides R-ROLE-9 for user access admins."""
    return [await targets.group_target(info.context, decode(kwargs["input"].group_id, "Group"))]


async def input_groups(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """Each group named, read together so the loaders batch them (one query per level)."""
    ids = dict.fromkeys(decode(group_id, "Group") for group_id in kwargs["input"].group_ids)
    return await asyncio.gather(*(targets.group_target(info.context, pk) for pk in ids))


async def input_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    instance_id = decode(kwargs["input"].product_instance_id, "ProductInstance")
    return [await targets.product_instance_target(info.context, instance_id)]


async def input_instance_with_group(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """setDefaultGroup is decided on the product instance; the group must be visible too."""
    await input_group(_, info, kwargs)
    return await input_instance(_, info, kwargs)
