"""grantProductAccess, changeProductRole, revokeProductAccess and the ORIGINAL toggle
setProductAccess: one user's access to one product instance (R-ACCESS-3/4/9)."""

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from models.directory import OrgUser
from models.group import Group
from models.product import ProductInstance
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import access
from resolvers.access_diff import these
from resolvers.context import Context
from resolvers.receipts import Replay, row
from schema import nodes, targets
from schema.ids import decode
from schema.mutations.common import (
    CHANGED_USER,
    INPUT,
    AccessChangeInput,
    AccessChangePayload,
    answer,
    run,
    user_node,
    watch,
)

Ctx = Info[Context, None]
USER_ID = "A user of the product instance's organization."
INSTANCE_ID = "The product instance: the product on one site."
ROLE = "A product role the product offers (productCatalog), like USER or AGENT."


@strawberry.input(description="Which product role to give a user directly (R-ACCESS-3).")
class GrantProductAccessInput(AccessChangeInput):
    user_id: strawberry.ID = strawberry.field(description=USER_ID)
    product_instance_id: strawberry.ID = strawberry.field(description=INSTANCE_ID)
    role: str = strawberry.field(default=access.DEFAULT_ROLE, description=ROLE)


@strawberry.input(description="The new role of a user's direct access to a product instance.")
class ChangeProductRoleInput(AccessChangeInput):
    user_id: strawberry.ID = strawberry.field(description=USER_ID)
    product_instance_id: strawberry.ID = strawberry.field(description=INSTANCE_ID)
    role: str = strawberry.field(description=ROLE)


@strawberry.input(description="Which product instance to take from a user, every role of it.")
class RevokeProductAccessInput(AccessChangeInput):
    user_id: strawberry.ID = strawberry.field(description=USER_ID)
    product_instance_id: strawberry.ID = strawberry.field(description=INSTANCE_ID)


@strawberry.input(description="Switch a product instance on or off for a user (R-ACCESS-9).")
class SetProductAccessInput(AccessChangeInput):
    user_id: strawberry.ID = strawberry.field(description=USER_ID)
    product_instance_id: strawberry.ID = strawberry.field(description=INSTANCE_ID)
    enabled: bool = strawberry.field(description="On with the USER role, or off.")


@strawberry.type
class UserAccessPayload(AccessChangePayload):
    """What the four mutations share: the user as the change left them."""

    user: nodes.User | None = strawberry.field(default=None, description=CHANGED_USER)


@strawberry.type(description="The result of grantProductAccess.")
class GrantProductAccessPayload(UserAccessPayload):
    pass


@strawberry.type(description="The result of changeProductRole.")
class ChangeProductRolePayload(UserAccessPayload):
    pass


@strawberry.type(description="The result of revokeProductAccess.")
class RevokeProductAccessPayload(UserAccessPayload):
    removed_from: list[nodes.Group] | None = strawberry.field(
        default=None,
        description="The groups the user left. They lose every product those groups gave. "
        "Feature: add_remove_users_from_products.",
    )


@strawberry.type(description="The result of setProductAccess.")
class SetProductAccessPayload(UserAccessPayload):
    pass


P = TypeVar("P", bound=UserAccessPayload)
Change = Callable[[OrgUser, ProductInstance], Awaitable[OrgUser]]


async def _rows(ctx: Context, user_id: str, instance_id: str) -> tuple[OrgUser, ProductInstance]:
    """The guard's finder loaded both (same request's loaders): no second read."""
    pk, instance_pk = decode(user_id, "User"), decode(instance_id, "ProductInstance")
    return await access.user_and_instance(ctx, pk, instance_pk)


async def _change(
    info: Ctx,
    input: GrantProductAccessInput | ChangeProductRoleInput | SetProductAccessInput,
    change: Change,
    payload: type[P],
) -> P:
    """Apply `change` to the input's user and product instance, once, with its access diff."""
    ctx = info.context
    user, instance = await _rows(ctx, input.user_id, input.product_instance_id)
    watching = await watch(info, input, these([user.id]), user.organization_id)
    done = await run(info, input, lambda: change(user, instance), row(OrgUser), watching)
    return answer(payload, input, done, user=await user_node(ctx, done.result))


async def _revoked(ids: list[int]) -> tuple[OrgUser, list[Group]]:
    found = {g.id: g for g in await Group.filter(id__in=ids[1:])}
    return await OrgUser.get(id=ids[0]), [found[i] for i in ids[1:] if i in found]


# The receipt keeps the user's id, then the groups'.
REVOKED = Replay(lambda done: [done[0].id, *(g.id for g in done[1])], _revoked)


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Give a user a product role directly: they join the product's default "
        "group for the role (R-ACCESS-3). Refused when they already have the product "
        "(R-ACCESS-4: use changeProductRole). Feature: add_remove_users_from_products.",
        extensions=[
            guard(FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS, on=targets.input_granted_instance)
        ],
    )
    async def grant_product_access(
        self, info: Ctx, input: Annotated[GrantProductAccessInput, INPUT]
    ) -> GrantProductAccessPayload:
        ctx = info.context
        return await _change(
            info,
            input,
            lambda user, instance: access.grant_product_access(ctx, user, instance, input.role),
            GrantProductAccessPayload,
        )

    @strawberry.mutation(
        description="Change the role of a user's direct access: they move to the default "
        "group of the new role. Access through other groups is changed on the group. "
        "Feature: add_remove_users_from_products.",
        extensions=[
            guard(FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS, on=targets.input_granted_instance)
        ],
    )
    async def change_product_role(
        self, info: Ctx, input: Annotated[ChangeProductRoleInput, INPUT]
    ) -> ChangeProductRolePayload:
        ctx = info.context
        return await _change(
            info,
            input,
            lambda user, instance: access.change_product_role(ctx, user, instance, input.role),
            ChangeProductRolePayload,
        )

    @strawberry.mutation(
        description="Remove every group membership that gives the user the product, default "
        "groups and others; the user also loses what those groups give. "
        "Feature: add_remove_users_from_products.",
        extensions=[
            guard(FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS, on=targets.input_revoked_instance)
        ],
    )
    async def revoke_product_access(
        self, info: Ctx, input: Annotated[RevokeProductAccessInput, INPUT]
    ) -> RevokeProductAccessPayload:
        ctx = info.context
        user, instance = await _rows(ctx, input.user_id, input.product_instance_id)

        async def work() -> tuple[OrgUser, list[Group]]:
            return user, await access.revoke_product_access(ctx, user, instance)

        watching = await watch(info, input, these([user.id]), user.organization_id)
        done = await run(info, input, work, REVOKED, watching)
        left = done.then(lambda revoked: [nodes.Group.of(g) for g in revoked[1]])
        user_now = await user_node(ctx, done.result[0] if done.result else None)
        return answer(RevokeProductAccessPayload, input, done, user=user_now, removed_from=left)

    @strawberry.mutation(
        description="The ORIGINAL toggle (R-ACCESS-9), available in both experiences: switch "
        "a product on for a user with its default role (USER) or off (as "
        "revokeProductAccess). Switching to where the user already is changes nothing. "
        "Feature: add_remove_users_from_products.",
        extensions=[
            guard(FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS, on=targets.input_toggled_instance)
        ],
    )
    async def set_product_access(
        self, info: Ctx, input: Annotated[SetProductAccessInput, INPUT]
    ) -> SetProductAccessPayload:
        ctx = info.context
        return await _change(
            info,
            input,
            lambda user, instance: access.set_product_access(ctx, user, instance, input.enabled),
            SetProductAccessPayload,
        )
