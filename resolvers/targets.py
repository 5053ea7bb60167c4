"""The engine's Target for an object, answering NOT_FOUND for what the viewer can't see.

Visibility comes first: an id of an organization the caller has no membership in (or that is
not its API key's) is NOT_FOUND, never FORBIDDEN, so existence is not leaked (API.md). Inside
it, a member holding no admin role there sees what README "Members" gives: a user, group or
API key it names and may not read as node(id) would is NOT_FOUND to it too, also where its
rights in another organization carry the id into a mutation (README "Isolation between
organizations"); role holders are refused with the rule. Reaches (permissions/targets.py) are
read through the request's DataLoaders, batched per level.

Each target is written once, as a `*_now` function over what the loaders hold (it raises
Unknown for a row not read yet, resolvers/known.py): read guards run it through `known`, and
stay synchronous when the request has already read what it needs; the async functions below
run it through `settled`.
"""

from collections.abc import Callable
from typing import Protocol, TypeVar

from strawberry.dataloader import DataLoader

from models.admin_role import RoleAssignment
from models.credentials import ApiKey
from models.directory import OrgUser
from models.enums import Experience
from models.group import Group
from models.organization import Organization, Site
from models.product import ProductInstance
from models.provisioning import ScimToken
from permissions.engine import in_sight
from permissions.errors import NotFound
from permissions.matrix import FeatureId, TargetKind
from permissions.targets import Target
from resolvers.catalog import catalog
from resolvers.context import Context
from resolvers.known import peek, settled


class _InOrganization(Protocol):
    organization_id: int


R = TypeVar("R", bound=_InOrganization)


def visible_now(ctx: Context, loader: DataLoader[int, R | None], pk: int, what: str) -> R:
    row = peek(loader, pk)
    if row is None or not ctx.can_see(row.organization_id):
        raise NotFound(f"No such {what}.")
    return row


def organization_now(ctx: Context, organization_id: int) -> Organization:
    organization = peek(ctx.loaders.organization, organization_id)
    if organization is None or not ctx.can_see(organization.id):
        raise NotFound("No such organization.")
    return organization


def _memo(ctx: Context, key: tuple[object, ...], compute: Callable[[], Target]) -> Target:
    """One Target per object per request: built once, and hashed once as a decision key. Kept
    with the loaders, so it is forgotten when they are (after a mutation)."""
    memo = ctx.loaders.targets
    found = memo.get(key)
    if found is None:
        found = memo[key] = compute()
    return found


def organization_target_now(ctx: Context, organization_id: int) -> Target:
    def compute() -> Target:
        org = organization_now(ctx, organization_id)
        return Target(TargetKind.ORGANIZATION, org.id, org.experience)

    return _memo(ctx, (TargetKind.ORGANIZATION, organization_id), compute)


def site_target_now(ctx: Context, site: Site) -> Target:
    def compute() -> Target:
        experience = organization_now(ctx, site.organization_id).experience
        return Target(TargetKind.SITE, site.organization_id, experience, site_id=site.id)

    return _memo(ctx, (TargetKind.SITE, site.id), compute)


def instance_target_now(
    ctx: Context, instance: ProductInstance, *, granting: bool = False
) -> Target:
    """With `granting`, the target also reaches what the product's default groups give: granting
    the product to a user adds them there (R-ACCESS-3, R-ROLE-10)."""

    def compute() -> Target:
        experience = organization_now(ctx, instance.organization_id).experience
        reach = peek(ctx.loaders.default_groups_reach, instance.id) if granting else frozenset()
        return Target(
            TargetKind.PRODUCT_INSTANCE,
            instance.organization_id,
            experience,
            site_id=instance.site_id,
            product_instance_id=instance.id,
            instance_ids=reach,
            product_family=catalog()[instance.product_id].family,
        )

    return _memo(ctx, (TargetKind.PRODUCT_INSTANCE, instance.id, granting), compute)


def group_target_now(ctx: Context, group: Group) -> Target:
    def compute() -> Target:
        experience = organization_now(ctx, group.organization_id).experience
        return Target(
            TargetKind.GROUP,
            group.organization_id,
            experience,
            site_id=group.site_id,
            group_id=group.id,
            instance_ids=peek(ctx.loaders.group_instances, group.id),
        )

    return _memo(ctx, (TargetKind.GROUP, group.id), compute)


def user_target_now(ctx: Context, user: OrgUser) -> Target:
    """Only ORIGINAL site and product scopes cover users, so only there is their place read."""

    def compute() -> Target:
        experience = organization_now(ctx, user.organization_id).experience
        sites: frozenset[int] = frozenset()
        instances: frozenset[int] = frozenset()
        if experience is Experience.ORIGINAL:
            sites = peek(ctx.loaders.user_sites, user.id)
            instances = peek(ctx.loaders.user_instances, user.id)
        return Target(
            TargetKind.USER,
            user.organization_id,
            experience,
            user_id=user.id,
            site_ids=sites,
            instance_ids=instances,
        )

    return _memo(ctx, (TargetKind.USER, user.id), compute)


def product_instance_target_now(
    ctx: Context, product_instance_id: int, *, granting: bool = False
) -> Target:
    loader = ctx.loaders.product_instance
    instance = visible_now(ctx, loader, product_instance_id, "product instance")
    return instance_target_now(ctx, instance, granting=granting)


def site_target_of_id_now(ctx: Context, site_id: int) -> Target:
    return site_target_now(ctx, visible_now(ctx, ctx.loaders.site, site_id, "site"))


def assignment_target_now(ctx: Context, assignment: RoleAssignment) -> Target:
    """An admin role assignment is read where its scope lies."""
    if assignment.product_instance_id is not None:
        return product_instance_target_now(ctx, assignment.product_instance_id)
    if assignment.site_id is not None:
        return site_target_of_id_now(ctx, assignment.site_id)
    return organization_target_now(ctx, assignment.organization_id)


async def visible_instance(ctx: Context, product_instance_id: int) -> ProductInstance:
    loader = ctx.loaders.product_instance
    return await settled(lambda: visible_now(ctx, loader, product_instance_id, "product instance"))


def visible_group_now(ctx: Context, group_id: int) -> Group:
    group = visible_now(ctx, ctx.loaders.group, group_id, "group")
    _in_sight(ctx, FeatureId.VIEW_USERS_IN_ORGANIZATION, group_target_now(ctx, group), "group")
    return group


def visible_user_now(ctx: Context, user_id: int) -> OrgUser:
    user = visible_now(ctx, ctx.loaders.user, user_id, "user")
    _in_sight(ctx, FeatureId.VIEW_USERS_IN_ORGANIZATION, user_target_now(ctx, user), "user")
    return user


def visible_api_key_now(ctx: Context, api_key_id: int) -> ApiKey:
    key = visible_now(ctx, ctx.loaders.api_key, api_key_id, "API key")
    organization = organization_target_now(ctx, key.organization_id)
    _in_sight(ctx, FeatureId.UPDATE_API_KEYS, organization, "API key")
    return key


def _in_sight(ctx: Context, feature: str, target: Target, what: str) -> None:
    """Decided as node(id) reads the object (schema/query.py NODE_READS)."""
    if not in_sight(ctx.require_principal(), ctx.decide(feature, target), target):
        raise NotFound(f"No such {what}.")


async def visible_group(ctx: Context, group_id: int) -> Group:
    return await settled(lambda: visible_group_now(ctx, group_id))


async def visible_user(ctx: Context, user_id: int) -> OrgUser:
    return await settled(lambda: visible_user_now(ctx, user_id))


async def visible_api_key(ctx: Context, api_key_id: int) -> ApiKey:
    return await settled(lambda: visible_api_key_now(ctx, api_key_id))


def visible_scim_token_now(ctx: Context, scim_token_id: int) -> ScimToken:
    token = visible_now(ctx, ctx.loaders.scim_token, scim_token_id, "SCIM token")
    organization = organization_target_now(ctx, token.organization_id)
    _in_sight(ctx, FeatureId.USER_PROVISIONING, organization, "SCIM token")
    return token


async def visible_scim_token(ctx: Context, scim_token_id: int) -> ScimToken:
    return await settled(lambda: visible_scim_token_now(ctx, scim_token_id))


async def visible_organization(ctx: Context, organization_id: int) -> Organization:
    return await settled(lambda: organization_now(ctx, organization_id))


async def experience_of(ctx: Context, organization_id: int) -> Experience:
    return (await visible_organization(ctx, organization_id)).experience


async def organization_target(ctx: Context, organization_id: int) -> Target:
    return await settled(lambda: organization_target_now(ctx, organization_id))


async def site_target(ctx: Context, site_id: int) -> Target:
    return await settled(lambda: site_target_of_id_now(ctx, site_id))


async def target_of_site(ctx: Context, site: Site) -> Target:
    return await settled(lambda: site_target_now(ctx, site))


async def product_instance_target(
    ctx: Context, product_instance_id: int, *, granting: bool = False
) -> Target:
    return await settled(
        lambda: product_instance_target_now(ctx, product_instance_id, granting=granting)
    )


async def target_of_instance(
    ctx: Context, instance: ProductInstance, *, granting: bool = False
) -> Target:
    return await settled(lambda: instance_target_now(ctx, instance, granting=granting))


async def group_target(ctx: Context, group_id: int) -> Target:
    return await target_of_group(ctx, await visible_group(ctx, group_id))


async def target_of_group(ctx: Context, group: Group) -> Target:
    return await settled(lambda: group_target_now(ctx, group))


async def user_target(ctx: Context, user_id: int) -> Target:
    return await target_of_user(ctx, await visible_user(ctx, user_id))


async def reached_user_target(ctx: Context, user_id: int) -> Target:
    """A user reached through an object the caller read (a request's decider, a changed
    user of an access diff): its fields are refused with their feature, not hidden."""
    return await target_of_user(
        ctx, await settled(lambda: visible_now(ctx, ctx.loaders.user, user_id, "user"))
    )


async def target_of_user(ctx: Context, user: OrgUser) -> Target:
    return await settled(lambda: user_target_now(ctx, user))


async def target_of_assignment(ctx: Context, assignment: RoleAssignment) -> Target:
    return await settled(lambda: assignment_target_now(ctx, assignment))


def row_target_now(ctx: Context, row: object) -> Target:
    """The target of a loaded object: an organization, site, product instance, group, user or
    admin role assignment (a guard's parent)."""
    match row:
        case Organization():
            return organization_target_now(ctx, row.id)
        case Site():
            return site_target_now(ctx, row)
        case ProductInstance():
            return instance_target_now(ctx, row)
        case OrgUser():
            return user_target_now(ctx, row)
        case Group():
            return group_target_now(ctx, row)
        case RoleAssignment():
            return assignment_target_now(ctx, row)
    raise TypeError(f"{type(row).__name__} is not a target")


def id_target_now(ctx: Context, kind: TargetKind, pk: int, *, named: bool) -> Target:
    """The target of an object by id. One the caller `named` (an input or an argument) must be
    in sight as node(id) reads it: a group or user it may not read is NOT_FOUND. One reached
    through an object it read (a request's decider) is refused with its feature instead."""
    if kind is TargetKind.ORGANIZATION:
        return organization_target_now(ctx, pk)
    if kind is TargetKind.SITE:
        return site_target_of_id_now(ctx, pk)
    if kind is TargetKind.PRODUCT_INSTANCE:
        return product_instance_target_now(ctx, pk)
    if kind is TargetKind.GROUP:
        group = (
            visible_group_now(ctx, pk)
            if named
            else visible_now(ctx, ctx.loaders.group, pk, "group")
        )
        return group_target_now(ctx, group)
    user = visible_user_now(ctx, pk) if named else visible_now(ctx, ctx.loaders.user, pk, "user")
    return user_target_now(ctx, user)
