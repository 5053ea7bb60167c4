"""How guards find their targets: from the parent object or from the mutation's input."""

from collections.abc import Sequence
from typing import Any

from strawberry.types import Info

from permissions.engine import Target
from permissions.matrix import TargetKind
from resolvers import targets
from resolvers.context import Context
from schema.ids import decode


async def parent_organization(
    source: Any, info: Info[Context, None], _: dict[str, Any]
) -> Sequence[Target]:
    org = source.row
    return [Target(TargetKind.ORGANIZATION, org.id, org.experience)]


async def input_organization(
    _: Any, info: Info[Context, None], kwargs: dict[str, Any]
) -> Sequence[Target]:
    org_id = decode(kwargs["input"].organization_id, "Organization")
    return [await targets.organization_target(info.context, org_id)]


async def input_site(_: Any, info: Info[Context, None], kwargs: dict[str, Any]) -> Sequence[Target]:
    site_id = decode(kwargs["input"].site_id, "Site")
    return [await targets.site_target(info.context, site_id)]


async def input_granted_instances(
    _: Any, info: Info[Context, None], kwargs: dict[str, Any]
) -> Sequence[Target]:
    """inviteUser: each product instance it grants; with none, the organization (API.md)."""
    grants = kwargs["input"].product_access or []
    if not grants:
        return await input_organization(_, info, kwargs)
    await input_organization(_, info, kwargs)  # the organization must be visible too
    return [
        await targets.product_instance_target(
            info.context, decode(g.product_instance_id, "ProductInstance")
        )
        for g in grants
    ]
