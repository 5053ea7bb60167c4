"""Find the engine's Target for an object id, answering NOT_FOUND for what the viewer can't see."""

from models.organization import Organization
from permissions.engine import Target
from permissions.errors import NotFound
from permissions.matrix import TargetKind
from resolvers.context import Context


async def visible_organization(ctx: Context, organization_id: int) -> Organization:
    organization = await ctx.loaders.organization.load(organization_id)
    if organization is None or not ctx.can_see(organization.id):
        raise NotFound("No such organization.")
    return organization


async def organization_target(ctx: Context, organization_id: int) -> Target:
    org = await visible_organization(ctx, organization_id)
    return Target(TargetKind.ORGANIZATION, org.id, org.experience)


async def site_target(ctx: Context, site_id: int) -> Target:
    site = await ctx.loaders.site.load(site_id)
    if site is None or not ctx.can_see(site.organization_id):
        raise NotFound("No such site.")
    org = await visible_organization(ctx, site.organization_id)
    return Target(TargetKind.SITE, org.id, org.experience, site_id=site.id)


async def product_instance_target(ctx: Context, product_instance_id: int) -> Target:
    instance = await ctx.loaders.product_instance.load(product_instance_id)
    if instance is None or not ctx.can_see(instance.organization_id):
        raise NotFound("No such product instance.")
    org = await visible_organization(ctx, instance.organization_id)
    return Target(
        TargetKind.PRODUCT_INSTANCE,
        org.id,
        org.experience,
        site_id=instance.site_id,
        product_instance_id=instance.id,
    )
