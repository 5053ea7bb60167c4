"""grantGroupProductAccess, revokeGroupProductAccess, setDefaultGroup."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from models.group import Group
from models.product import ProductInstance
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import group_access
from resolvers import targets as find
from resolvers.access_diff import Watch, members_of
from resolvers.context import Context
from resolvers.receipts import row, rows
from schema import nodes, targets
from schema.ids import decode
from schema.mutations.common import (
    INPUT,
    AccessChangeInput,
    AccessChangePayload,
    MutationInput,
    Payload,
    answer,
    guarded,
    run,
    watch,
)
from schema.targets import Input

Ctx = Info[Context, None]
# Both sides are decided (API.md): the product's access, then each group. Strawberry runs a
# field's last extension first, so they are listed in reverse.
PRODUCT_AND_GROUP_GUARDS = [
    guard(FeatureId.CREATE_OR_MODIFY_GROUP, on=Input("groupIds")),
    guard(FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS, on=Input("productInstanceId")),
]
INSTANCE_ID = "The product instance: the product on one site."
GROUP_IDS = "1 to 100 groups. All or nothing: an error names its item (groupIds.1)."


@strawberry.input(description="Product roles to give several groups (R-ACCESS-5).")
class GrantGroupProductAccessInput(AccessChangeInput):
    group_ids: list[strawberry.ID] = strawberry.field(description=GROUP_IDS)
    product_instance_id: strawberry.ID = strawberry.field(description=INSTANCE_ID)
    roles: list[str] = strawberry.field(
        default_factory=lambda: ["USER"],
        description="Roles of that product (productCatalog), each given to every group.",
    )


@strawberry.input(description="Product roles to take from several groups.")
class RevokeGroupProductAccessInput(AccessChangeInput):
    group_ids: list[strawberry.ID] = strawberry.field(description=GROUP_IDS)
    product_instance_id: strawberry.ID = strawberry.field(description=INSTANCE_ID)
    roles: list[str] | None = strawberry.field(
        default=None, description="Left out: every role the groups hold on the product."
    )


@strawberry.input(description="A default group of a product role to set or unset (R-ACCESS-3).")
class SetDefaultGroupInput(MutationInput):
    product_instance_id: strawberry.ID = strawberry.field(description=INSTANCE_ID)
    group_id: strawberry.ID = strawberry.field(
        description="A group of the product's organization (of its site in ORIGINAL); not "
        "org-admins (R-ROLE-15)."
    )
    role: str = strawberry.field(default="USER", description="A role of that product.")
    enabled: bool = strawberry.field(
        description="true: users granted the role join this group too (it gets the role if "
        "it lacks it). false: it stops being one; each role keeps at least one."
    )


@strawberry.type(description="The result of grantGroupProductAccess.")
class GrantGroupProductAccessPayload(AccessChangePayload):
    groups: list[nodes.Group] | None = strawberry.field(
        default=None, description="The groups the change was made to; null when refused."
    )


@strawberry.type(description="The result of revokeGroupProductAccess.")
class RevokeGroupProductAccessPayload(AccessChangePayload):
    groups: list[nodes.Group] | None = strawberry.field(
        default=None, description="The groups the change was made to; null when refused."
    )


@strawberry.type(description="The result of setDefaultGroup.")
class SetDefaultGroupPayload(Payload):
    product_instance: nodes.ProductInstance | None = strawberry.field(
        default=None,
        description="The product instance with its default groups as changed; null when refused.",
    )


async def _groups(ctx: Context, group_ids: list[strawberry.ID]) -> list[Group]:
    """Read through the loader the guard used: no second query."""
    return [await find.visible_group(ctx, decode(pk, "Group")) for pk in group_ids]


def _nodes(found: list[Group]) -> list[nodes.Group]:
    return [nodes.Group.of(group) for group in found]


async def _watched(
    info: Ctx, input: GrantGroupProductAccessInput | RevokeGroupProductAccessInput
) -> tuple[list[Group], ProductInstance, Watch]:
    """The input's groups and product instance, and the watch of a change to what the groups
    give their members there."""
    ctx = info.context
    found = await _groups(ctx, input.group_ids)
    pk = decode(input.product_instance_id, "ProductInstance")
    instance = await find.visible_instance(ctx, pk)
    affected = members_of([g.id for g in found])
    return found, instance, await watch(info, input, affected, instance.organization_id)


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Give several groups one or more roles on a product instance in one "
        "operation (R-ACCESS-5). Features: add_remove_users_from_products on the product "
        "instance and create_or_modify_group on each group.",
        extensions=[*PRODUCT_AND_GROUP_GUARDS],
    )
    async def grant_group_product_access(
        self, info: Ctx, input: Annotated[GrantGroupProductAccessInput, INPUT]
    ) -> GrantGroupProductAccessPayload:
        ctx, (found, instance, watching) = info.context, await _watched(info, input)
        done = await run(
            info,
            input,
            lambda: group_access.grant_group_product_access(ctx, found, instance, input.roles),
            rows(Group),
            watching,
        )
        return answer(GrantGroupProductAccessPayload, input, done, groups=done.then(_nodes))

    @strawberry.mutation(
        description="Take roles on a product instance from groups (all their roles there "
        "when roles is left out); a default group keeps its default role (R-ACCESS-3). "
        "Features: add_remove_users_from_products on the product instance and "
        "create_or_modify_group on each group.",
        extensions=[*PRODUCT_AND_GROUP_GUARDS],
    )
    async def revoke_group_product_access(
        self, info: Ctx, input: Annotated[RevokeGroupProductAccessInput, INPUT]
    ) -> RevokeGroupProductAccessPayload:
        ctx, (found, instance, watching) = info.context, await _watched(info, input)
        done = await run(
            info,
            input,
            lambda: group_access.revoke_group_product_access(ctx, found, instance, input.roles),
            rows(Group),
            watching,
        )
        return answer(RevokeGroupProductAccessPayload, input, done, groups=done.then(_nodes))

    @strawberry.mutation(
        description="Make a group a default group of a product role, or stop it being one; "
        "never org-admins (R-ROLE-15, R-ACCESS-3). Feature: configure_default_groups.",
        extensions=[
            guard(FeatureId.CONFIGURE_DEFAULT_GROUPS, on=targets.input_instance_with_group)
        ],
    )
    async def set_default_group(
        self, info: Ctx, input: Annotated[SetDefaultGroupInput, INPUT]
    ) -> SetDefaultGroupPayload:
        ctx = info.context
        group = await find.visible_group(ctx, decode(input.group_id, "Group"))
        pk = decode(input.product_instance_id, "ProductInstance")
        instance = await find.visible_instance(ctx, pk)
        done = await run(
            info,
            input,
            lambda: group_access.set_default_group(ctx, instance, group, input.role, input.enabled),
            row(ProductInstance),
            await guarded(ctx, members_of([group.id]), instance.organization_id),
        )
        changed = done.then(nodes.ProductInstance.of)
        return answer(SetDefaultGroupPayload, input, done, product_instance=changed)
