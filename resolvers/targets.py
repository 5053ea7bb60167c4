"""The engine's Target for an object, answering NOT_FOUND for what the viewer can't see.

Visibility comes first: an id of an organization the caller has no membership in (or that is
not its API key's) is NOT_FOUND, never FORBIDDEN, so existence is not leaked (API.md). Inside
it, a member holding no admin role there sees what README "Members" gives: a user, group or
API key it names and may not read as node(id) would is NOT_FOUND to it too, also where its
rights in another organization carry the id into a mutation (README "Isolation between
organizations"); role holders are refused with the rule. Reaches (permissions/targets.py) are
read through the request's DataLoaders, batched per level.

One function per question, each answering an awaitable (resolvers/known.py): `Known` when the
loaders already hold every row it needs, so that a guard decides at once and its field stays
synchronous; else a coroutine that reads what is missing. Async callers await either.
`target(ctx, row)` is the target of a loaded object, `target_of(ctx, kind, pk)` of an id.
"""

from collections.abc import Awaitable, Callable
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
from resolvers.known import Known, peek, then


class _InOrganization(Protocol):
    organization_id: int


R = TypeVar("R", bound=_InOrganization)


def visible(ctx: Context, loader: DataLoader[int, R | None], pk: int, what: str) -> Awaitable[R]:
    """The row, if its organization is one the caller sees."""

    def check(row: R | None) -> Awaitable[R]:
        if row is None or not ctx.can_see(row.organization_id):
            raise NotFound(f"No such {what}.")
        return Known(row)

    return then(peek(loader, pk), check)


def visible_organization(ctx: Context, organization_id: int) -> Awaitable[Organization]:
    def check(organization: Organization | None) -> Awaitable[Organization]:
        if organization is None or not ctx.can_see(organization.id):
            raise NotFound("No such organization.")
        return Known(organization)

    return then(peek(ctx.loaders.organization, organization_id), check)


def _memo(
    ctx: Context, key: tuple[object, ...], compute: Callable[[], Awaitable[Target]]
) -> Awaitable[Target]:
    """One Target per object per request: built once, and hashed once as a decision key. Kept
    with the loaders, so it is forgotten when they are (after a mutation)."""
    memo = ctx.loaders.targets
    found = memo.get(key)
    if found is not None:
        return found

    def keep(target: Target) -> Awaitable[Target]:
        kept = memo[key] = Known(target)
        return kept

    return then(compute(), keep)


def organization_target(ctx: Context, organization_id: int) -> Awaitable[Target]:
    def compute() -> Awaitable[Target]:
        return then(
            visible_organization(ctx, organization_id),
            lambda org: Known(Target(TargetKind.ORGANIZATION, org.id, org.experience)),
        )

    return _memo(ctx, (TargetKind.ORGANIZATION, organization_id), compute)


def _site_target(ctx: Context, site: Site) -> Awaitable[Target]:
    def build(org: Organization) -> Awaitable[Target]:
        return Known(Target(TargetKind.SITE, site.organization_id, org.experience, site_id=site.id))

    return _memo(ctx, (TargetKind.SITE, site.id), lambda: then(_organization_of(ctx, site), build))


def _instance_target(ctx: Context, instance: ProductInstance, granting: bool) -> Awaitable[Target]:
    """With `granting`, the target also reaches what the product's default groups give: granting
    the product to a user adds them there (R-ACCESS-3, R-ROLE-10)."""

    def build(org: Organization, reach: frozenset[int]) -> Awaitable[Target]:
        return Known(
            Target(
                TargetKind.PRODUCT_INSTANCE,
                instance.organization_id,
                org.experience,
                site_id=instance.site_id,
                product_instance_id=instance.id,
                instance_ids=reach,
                product_family=catalog()[instance.product_id].family,
            )
        )

    def compute() -> Awaitable[Target]:
        if not granting:
            return then(_organization_of(ctx, instance), lambda org: build(org, frozenset()))
        reach = peek(ctx.loaders.default_groups_reach, instance.id)
        return then(
            _organization_of(ctx, instance), lambda org: then(reach, lambda r: build(org, r))
        )

    return _memo(ctx, (TargetKind.PRODUCT_INSTANCE, instance.id, granting), compute)


def _group_target(ctx: Context, group: Group) -> Awaitable[Target]:
    def build(org: Organization, instances: frozenset[int]) -> Awaitable[Target]:
        return Known(
            Target(
                TargetKind.GROUP,
                group.organization_id,
                org.experience,
                site_id=group.site_id,
                group_id=group.id,
                instance_ids=instances,
            )
        )

    def compute() -> Awaitable[Target]:
        instances = peek(ctx.loaders.group_instances, group.id)
        return then(
            _organization_of(ctx, group), lambda org: then(instances, lambda i: build(org, i))
        )

    return _memo(ctx, (TargetKind.GROUP, group.id), compute)


def _user_target(ctx: Context, user: OrgUser) -> Awaitable[Target]:
    """Only ORIGINAL site and product scopes cover users, so only there is their place read."""

    def build(org: Organization, sites: frozenset[int], instances: frozenset[int]) -> Target:
        return Target(
            TargetKind.USER,
            user.organization_id,
            org.experience,
            user_id=user.id,
            site_ids=sites,
            instance_ids=instances,
        )

    def placed(org: Organization) -> Awaitable[Target]:
        if org.experience is not Experience.ORIGINAL:
            return Known(build(org, frozenset(), frozenset()))
        sites = peek(ctx.loaders.user_sites, user.id)
        instances = peek(ctx.loaders.user_instances, user.id)
        return then(sites, lambda s: then(instances, lambda i: Known(build(org, s, i))))

    return _memo(ctx, (TargetKind.USER, user.id), lambda: then(_organization_of(ctx, user), placed))


def _assignment_target(ctx: Context, assignment: RoleAssignment) -> Awaitable[Target]:
    """An admin role assignment is read where its scope lies."""
    if assignment.product_instance_id is not None:
        return target_of(ctx, TargetKind.PRODUCT_INSTANCE, assignment.product_instance_id)
    if assignment.site_id is not None:
        return target_of(ctx, TargetKind.SITE, assignment.site_id)
    return organization_target(ctx, assignment.organization_id)


def _organization_of(ctx: Context, row: _InOrganization) -> Awaitable[Organization]:
    return visible_organization(ctx, row.organization_id)


def target(ctx: Context, row: object, *, granting: bool = False) -> Awaitable[Target]:
    """The target of a loaded object: an organization, site, product instance (`granting`:
    with what its default groups give), group, user or admin role assignment (read where its
    scope lies)."""
    match row:
        case OrgUser():
            return _user_target(ctx, row)
        case ProductInstance():
            return _instance_target(ctx, row, granting)
        case Group():
            return _group_target(ctx, row)
        case Site():
            return _site_target(ctx, row)
        case Organization():
            return organization_target(ctx, row.id)
        case RoleAssignment():
            return _assignment_target(ctx, row)
    raise TypeError(f"{type(row).__name__} is not a target")


def target_of(
    ctx: Context, kind: TargetKind, pk: int, *, named: bool = True, granting: bool = False
) -> Awaitable[Target]:
    """The target of an object by id. One the caller `named` (an input, an argument) must be
    in sight as node(id) reads it: a group or user it may not read is NOT_FOUND. One reached
    through an object it read (a request's decider, a changed user of an access diff) is
    refused with its feature instead."""
    loaders = ctx.loaders
    if kind is TargetKind.ORGANIZATION:
        return organization_target(ctx, pk)
    if kind is TargetKind.SITE:
        return then(visible(ctx, loaders.site, pk, "site"), lambda site: target(ctx, site))
    if kind is TargetKind.PRODUCT_INSTANCE:
        found = visible(ctx, loaders.product_instance, pk, "product instance")
        return then(found, lambda instance: target(ctx, instance, granting=granting))
    if kind is TargetKind.GROUP:
        group = visible_group(ctx, pk) if named else visible(ctx, loaders.group, pk, "group")
        return then(group, lambda row: target(ctx, row))
    user = visible_user(ctx, pk) if named else visible(ctx, loaders.user, pk, "user")
    return then(user, lambda row: target(ctx, row))


def visible_instance(ctx: Context, product_instance_id: int) -> Awaitable[ProductInstance]:
    return visible(ctx, ctx.loaders.product_instance, product_instance_id, "product instance")


def visible_group(ctx: Context, group_id: int) -> Awaitable[Group]:
    found = visible(ctx, ctx.loaders.group, group_id, "group")
    return then(found, lambda group: _in_sight(ctx, FeatureId.VIEW_USERS_IN_ORGANIZATION, group))


def visible_user(ctx: Context, user_id: int) -> Awaitable[OrgUser]:
    found = visible(ctx, ctx.loaders.user, user_id, "user")
    return then(found, lambda user: _in_sight(ctx, FeatureId.VIEW_USERS_IN_ORGANIZATION, user))


def visible_api_key(ctx: Context, api_key_id: int) -> Awaitable[ApiKey]:
    found = visible(ctx, ctx.loaders.api_key, api_key_id, "API key")
    return then(found, lambda key: _in_sight(ctx, FeatureId.UPDATE_API_KEYS, key, "API key"))


def visible_scim_token(ctx: Context, scim_token_id: int) -> Awaitable[ScimToken]:
    found = visible(ctx, ctx.loaders.scim_token, scim_token_id, "SCIM token")
    return then(
        found, lambda token: _in_sight(ctx, FeatureId.USER_PROVISIONING, token, "SCIM token")
    )


H = TypeVar("H", OrgUser, Group, ApiKey, ScimToken)


def _in_sight(ctx: Context, feature: FeatureId, row: H, what: str = "") -> Awaitable[H]:
    """Decided as node(id) reads the object (schema/query.py NODE_READS): a user or group on
    itself, an API key or SCIM token on its organization."""
    if isinstance(row, OrgUser | Group):
        place = target(ctx, row)
        what = what or ("user" if isinstance(row, OrgUser) else "group")
    else:
        place = organization_target(ctx, row.organization_id)

    def check(found: Target) -> Awaitable[H]:
        if not in_sight(ctx.require_principal(), ctx.decide(feature, found), found):
            raise NotFound(f"No such {what}.")
        return Known(row)

    return then(place, check)
