"""Organizations, sites and products: createOrganization, createSite, addProduct."""

import itertools

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.admin_role import RoleAssignment
from models.directory import Account
from models.enums import AccountType, AdminRole, Experience
from models.group import ORG_ADMINS_GROUP, DefaultGroup, Group, GroupMembership, GroupProductRole
from models.organization import Organization, Site
from models.product import ProductInstance
from permissions.errors import Forbidden, NotFound
from permissions.matrix import FeatureId
from permissions.principal import Assignment, joined
from resolvers.audit import record
from resolvers.catalog import CatalogProduct, catalog
from resolvers.context import Context
from resolvers.directory_search import add_to_directory
from resolvers.errors import ErrorCode, refuse
from resolvers.groups import name_key
from resolvers.validation import clean_host, clean_name


async def create_organization(
    ctx: Context, name: str, experience: Experience, government_cloud: bool
) -> Organization:
    """The creator becomes its organization admin and joins `org-admins` (R-ROLE-1)."""
    principal = ctx.require_principal()
    if principal.account_id is None:
        raise Forbidden("API keys act inside their own organization only.", rule="R-KEY-1")
    account = await ctx.loaders.account.load(principal.account_id)
    if account is None or account.account_type is AccountType.CUSTOMER:
        raise refuse(
            ErrorCode.PORTAL_ONLY_CUSTOMER,
            "Portal-only customers are not licensed users: they can't create an organization "
            "(whose creator becomes its organization admin).",
            rule="R-ACCESS-6",
        )
    name = clean_name(name, "name")
    org = await Organization.create(
        name=name, experience=experience, government_cloud=government_cloud
    )
    creator = await Account.get(id=principal.account_id)
    user = await add_to_directory(org, creator)
    role = await RoleAssignment.create(
        organization=org, user=user, role=AdminRole.ORG_ADMIN, scope_ref=org.id
    )
    admins = await Group.create(
        organization=org,
        scope_ref=0,
        name=ORG_ADMINS_GROUP,
        name_key=name_key(ORG_ADMINS_GROUP),
        description="Organization admins (protected, R-ROLE-15).",
        protected=True,
    )
    await GroupMembership.create(group=admins, user=user)
    after = {"name": name, "experience": experience.value, "governmentCloud": government_cloud}
    await record(
        ctx,
        organization_id=org.id,
        action="organization.create",
        target_type="Organization",
        target_id=org.id,
        rule="R-ROLE-1",
        after=after,
    )
    await record(
        ctx,
        organization_id=org.id,
        action="admin_role.assign",
        target_type="User",
        target_id=user.id,
        rule="R-ROLE-1",
        after={"role": role.role.value, "scope": f"Organization:{org.id}"},
    )
    await record(
        ctx,
        organization_id=org.id,
        action="group.create",
        target_type="Group",
        target_id=admins.id,
        rule="R-ROLE-1",
        after={"name": admins.name},
    )
    await record(
        ctx,
        organization_id=org.id,
        action="group.member_add",
        target_type="Group",
        target_id=admins.id,
        rule="R-ROLE-1",
        after={"userId": user.id},
    )
    ctx.principal_changed(
        joined(principal, org.id, user.id, Assignment(org.id, AdminRole.ORG_ADMIN, org.id))
    )
    return org


async def create_site(ctx: Context, organization_id: int, name: str) -> Site:
    host = clean_host(name)
    if await Site.exists(name=host):
        raise refuse(ErrorCode.DUPLICATE, f"A site named '{host}' exists.", field="name")
    try:
        site = await Site.create(organization_id=organization_id, name=host)
    except IntegrityError:
        raise refuse(ErrorCode.DUPLICATE, f"A site named '{host}' exists.", field="name") from None
    await record(
        ctx,
        organization_id=organization_id,
        action="site.create",
        target_type="Site",
        target_id=site.id,
        rule=FeatureId.ADD_NEW_PRODUCTS,
        after={"name": host},
    )
    return site


async def add_product(ctx: Context, site_id: int, product_key: str) -> ProductInstance:
    """Install a product on a site, with one default group per product role (R-ACCESS-3)."""
    product = catalog().get(product_key)
    if product is None:
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"No product '{product_key}' in the catalog.",
            field="productKey",
        )
    # The guard loaded both through this request's loaders: no second read.
    site = await ctx.loaders.site.load(site_id)
    org = await ctx.loaders.organization.load(site.organization_id) if site else None
    if site is None or org is None:
        raise NotFound("No such site.")
    if await ProductInstance.exists(site_id=site.id, product_id=product.key):
        raise refuse(
            ErrorCode.DUPLICATE,
            f"{product.name} is already on {site.name}.",
            field="productKey",
        )
    instance = await ProductInstance.create(
        organization_id=site.organization_id, site=site, product_id=product.key
    )
    await record(
        ctx,
        organization_id=site.organization_id,
        action="product.add",
        target_type="ProductInstance",
        target_id=instance.id,
        rule=FeatureId.ADD_NEW_PRODUCTS,
        after={"site": site.name, "product": product.key},
    )
    await _create_default_groups(ctx, org, site, instance, product)
    return instance


def default_group_name(product: CatalogProduct, role: str, site: Site) -> str:
    """`jira-users-acme.example.net`, `confluence-admins-...`, `...-agents-...`."""
    noun = {"USER": "users", "PRODUCT_ADMIN": "admins"}.get(role, f"{role.lower()}s")
    return f"{product.key}-{noun}-{site.name}"


async def _create_default_groups(
    ctx: Context,
    org: Organization,
    site: Site,
    instance: ProductInstance,
    product: CatalogProduct,
) -> None:
    """A new group per product role, never one that exists: whoever made a group of that name
    (a user access admin of another product, say) would hold the new product through it."""
    for role in product.role_keys:
        group = await _new_default_group(org, site, product, role)
        await GroupProductRole.create(group=group, product_instance=instance, role=role)
        await DefaultGroup.create(group=group, product_instance=instance, role=role)
        await record(
            ctx,
            organization_id=org.id,
            action="group.create",
            target_type="Group",
            target_id=group.id,
            rule=FeatureId.ADD_NEW_PRODUCTS,
            after={"name": group.name},
        )
        await record(
            ctx,
            organization_id=org.id,
            action="group.product_role_grant",
            target_type="Group",
            target_id=group.id,
            rule=FeatureId.ADD_NEW_PRODUCTS,
            after={"productInstanceId": instance.id, "role": role, "default": True},
        )


async def _new_default_group(
    org: Organization, site: Site, product: CatalogProduct, role: str
) -> Group:
    """Named `default_group_name`, or `-2`, `-3`... after it when a group of the scope has
    that name (in the compared form): the first free name. A group of that name made by a
    concurrent request is a name taken too (the insert is a savepoint of its own)."""
    site_level = org.experience is Experience.ORIGINAL  # ORIGINAL groups belong to a site
    scope_ref = site.id if site_level else 0
    base = default_group_name(product, role, site)
    for number in itertools.count(1):
        name = base if number == 1 else f"{base}-{number}"
        key = name_key(name)
        if await Group.exists(organization_id=org.id, scope_ref=scope_ref, name_key=key):
            continue
        try:
            async with in_transaction():
                return await Group.create(
                    organization_id=org.id,
                    site_id=site.id if site_level else None,
                    scope_ref=scope_ref,
                    name=name,
                    name_key=key,
                    description=f"Default group for {product.name} {role} on {site.name}.",
                )
        except IntegrityError:
            continue
    raise AssertionError("unreachable")  # itertools.count never ends
