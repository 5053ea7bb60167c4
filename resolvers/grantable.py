"""The "Grant access" and "Add product" lists: the product instances a user or a group does not
hold yet that the caller may give them.

Which instances are candidates is read in one statement for a whole page of users or groups
(USER_CANDIDATES, GROUP_CANDIDATES in resolvers/loaders.py): products of their organization
they hold by no path, less those the mutation would refuse whoever asks (a portal-only
customer, R-ACCESS-6; a government cloud organization grants users through groups only,
R-ACCESS-8; in ORIGINAL a group takes products of its own site; a group with a portal-only
customer in it). Whether the caller may
give each one is the engine's own decision for the mutation it would run, asked once per
product per request: grantProductAccess decides add_remove_users_from_products on the product
with what its default groups also give (R-ROLE-6, R-ROLE-8, R-ROLE-10: a product whose default
group is a trap for the caller is left out), grantGroupProductAccess on the product itself.
"""

import asyncio

from models.directory import OrgUser
from models.group import Group
from models.product import ProductInstance
from permissions.matrix import FeatureId
from resolvers.context import Context
from resolvers.targets import target

GRANT = FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS


async def grantable_to_user(ctx: Context, user: OrgUser) -> list[ProductInstance]:
    candidates = await ctx.loaders.user_grant_candidates.load(user.id)
    return await _allowed(ctx, candidates, granting=True)


async def grantable_to_group(ctx: Context, group: Group) -> list[ProductInstance]:
    candidates = await ctx.loaders.group_grant_candidates.load(group.id)
    return await _allowed(ctx, candidates, granting=False)


async def _allowed(
    ctx: Context, candidates: frozenset[int], *, granting: bool
) -> list[ProductInstance]:
    """The candidates the engine lets the caller grant, by id."""
    loaded = await ctx.loaders.product_instance.load_many(sorted(candidates))
    instances = [instance for instance in loaded if instance is not None]
    found = await asyncio.gather(
        *(target(ctx, instance, granting=granting) for instance in instances)
    )
    return [
        instance
        for instance, target in zip(instances, found, strict=True)
        if ctx.decide(GRANT, target).allowed
    ]
