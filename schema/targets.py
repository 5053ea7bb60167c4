"""How guards find their targets: from the parent object, the arguments or the mutation's input."""

from collections.abc import Sequence
from typing import Any

from strawberry.types import Info

from permissions.targets import Target
from resolvers import access, settings, targets
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


# Product access of one user and product settings (issue 4: access). Each finder checks the
# ids first: NOT_FOUND for what the caller can't see, or a user of another organization.


def _user_and_instance(kwargs: dict[str, Any]) -> tuple[int, int]:
    input = kwargs["input"]
    return decode(input.user_id, "User"), decode(input.product_instance_id, "ProductInstance")


async def input_granted_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """grantProductAccess, changeProductRole: the product instance with what its default
    groups give (R-ACCESS-3, R-ROLE-10)."""
    return [await access.granting_target(info.context, *_user_and_instance(kwargs))]


async def input_revoked_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """revokeProductAccess: the product instance with what the groups left also give."""
    return [await access.revoking_target(info.context, *_user_and_instance(kwargs))]


async def input_toggled_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    """setProductAccess: as a grant when switching on, as a revocation when switching off."""
    if kwargs["input"].enabled:
        return await input_granted_instance(_, info, kwargs)
    return await input_revoked_instance(_, info, kwargs)


async def input_instance(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    instance_id = decode(kwargs["input"].product_instance_id, "ProductInstance")
    return [await targets.product_instance_target(info.context, instance_id)]


async def input_api_key_organization(_: Any, info: Ctx, kwargs: dict[str, Any]) -> Sequence[Target]:
    key = await settings.visible_api_key(info.context, decode(kwargs["input"].api_key_id, "ApiKey"))
    return [await targets.organization_target(info.context, key.organization_id)]
