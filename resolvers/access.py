"""Product access of one user: grant, change the role, revoke, and the ORIGINAL toggle.

Direct access is membership of one of the product's default groups (R-ACCESS-3); a user may
also hold the product through any other group that has a product role on it (R-ACCESS-1).
Every membership change is one audit event (R-AUDIT-1) in the mutation's transaction.
"""

from dataclasses import dataclass, replace

from models.directory import OrgUser
from models.enums import AccountType
from models.group import DefaultGroup, Group, GroupMembership, GroupProductRole
from models.organization import Organization
from models.product import ProductInstance
from permissions.errors import NotFound
from permissions.matrix import FeatureId
from permissions.targets import Target
from resolvers import targets
from resolvers.audit import record
from resolvers.catalog import catalog, product_name
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode, Problem, refuse

# R-ACCESS-9: the toggle switches a product on with the role every product offers.
DEFAULT_ROLE = "USER"


@dataclass(frozen=True)
class Holding:
    """A group through which the user holds the product: the roles it gives on it, and the
    roles it is the product's default group for (direct access; empty for other groups)."""

    group: Group
    roles: frozenset[str]
    default_roles: frozenset[str]


# Loading and guard targets


async def user_and_instance(
    ctx: Context, user_id: int, product_instance_id: int
) -> tuple[OrgUser, ProductInstance]:
    """Both visible and in one organization, else NOT_FOUND (existence is never leaked)."""
    user = await targets.visible_user(ctx, user_id)
    instance = await targets.visible_instance(ctx, product_instance_id)
    if user.organization_id != instance.organization_id:
        raise NotFound("No such user in the organization of that product instance.")
    return user, instance


async def granting_target(ctx: Context, user_id: int, product_instance_id: int) -> Target:
    """Granting adds the user to a default group, so what those give counts (R-ROLE-10)."""
    _, instance = await user_and_instance(ctx, user_id, product_instance_id)
    return await targets.target(ctx, instance, granting=True)


async def revoking_target(ctx: Context, user_id: int, product_instance_id: int) -> Target:
    """Revoking removes the user from every group giving the product, and so from what those
    groups also give: a user access admin may not reach beyond their products (R-ROLE-9/10)."""
    user, instance = await user_and_instance(ctx, user_id, product_instance_id)
    base = await targets.target(ctx, instance)
    held = await holdings(user.id, instance.id)
    reached = await ctx.loaders.group_instances.load_many([h.group.id for h in held])
    return replace(base, instance_ids=frozenset().union(*reached))


# Checks shared with inviteUser


def role_problem(instance: ProductInstance, role: str, field: str) -> Problem | None:
    product = catalog()[instance.product_id]
    if role in product.role_keys:
        return None
    offered = ", ".join(product.role_keys)
    message = f"'{role}' is not a role of {product.name} (its roles: {offered})."
    return Problem(ErrorCode.INVALID_ROLE_FOR_PRODUCT, message, field)


def refuse_unlicensed(kind: AccountType, organization: Organization, field: str) -> None:
    """Users who may not be given product access directly (R-ACCESS-6, R-ACCESS-8)."""
    if kind is AccountType.CUSTOMER:
        raise refuse(
            ErrorCode.PORTAL_ONLY_CUSTOMER,
            "Portal-only customers are not licensed users and can't be given product access.",
            field=field,
            rule="R-ACCESS-6",
        )
    if organization.government_cloud:
        raise refuse(
            ErrorCode.GROUPS_ONLY_IN_GOVERNMENT_CLOUD,
            "In a government cloud organization product access is given to groups, "
            "not to single users.",
            field=field,
            rule="R-ACCESS-8",
        )


async def join_default_group(
    ctx: Context,
    user: OrgUser,
    instance: ProductInstance,
    role: str,
    field: str = "role",
    rule: str = FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS,
) -> None:
    """Direct access: every default group of the role (R-ACCESS-3), as the product's own
    admin screens do when a product has several default groups."""
    for group_id in await _default_group_ids(instance, role, field):
        _, created = await GroupMembership.get_or_create(group_id=group_id, user=user)
        if not created:  # the group is also another granted product's default, or a race
            continue
        await record(
            ctx,
            organization_id=user.organization_id,
            action="group.member_add",
            target_type="Group",
            target_id=group_id,
            rule=rule,
            after={"userId": user.id, "productInstanceId": instance.id, "role": role},
        )


async def _default_group_ids(instance: ProductInstance, role: str, field: str) -> list[int]:
    defaults = await DefaultGroup.filter(product_instance_id=instance.id, role=role).order_by(
        "group_id"
    )
    if not defaults:
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"{product_name(instance)} has no default group for {role}: give the role through "
            "a group instead.",
            field=field,
        )
    return [d.group_id for d in defaults]


# The mutations


async def grant_product_access(
    ctx: Context, user: OrgUser, instance: ProductInstance, role: str, *, idempotent: bool = False
) -> OrgUser:
    """R-ACCESS-3; with `idempotent` (the toggle) a user who holds the product is left alone,
    otherwise that is ALREADY_HAS_ACCESS (R-ACCESS-4)."""
    problem = role_problem(instance, role, "role")
    if problem is not None:
        raise DomainError(problem)
    refuse_unlicensed(user.account.account_type, await _organization(ctx, instance), "userId")
    held = await holdings(user.id, instance.id)
    if held and idempotent:
        return user
    if held:
        raise _already_has(user, instance, held)
    await join_default_group(ctx, user, instance, role)
    return user


async def change_product_role(
    ctx: Context, user: OrgUser, instance: ProductInstance, role: str
) -> OrgUser:
    """Move direct access to the default group of `role`; group access is the group's."""
    problem = role_problem(instance, role, "role")
    if problem is not None:
        raise DomainError(problem)
    refuse_unlicensed(user.account.account_type, await _organization(ctx, instance), "userId")
    held = await holdings(user.id, instance.id)
    direct = [h for h in held if h.default_roles]
    if not direct:
        raise _no_direct_access(user, instance, held)
    leaving = [h for h in direct if role not in h.default_roles]
    if not leaving:
        raise refuse(
            ErrorCode.ALREADY_HAS_ACCESS,
            f"{_email(user)} already has {product_name(instance)} as {role}.",
            field="role",
            rule="R-ACCESS-4",
        )
    if len(leaving) == len(direct):  # not yet in a default group of the new role
        await join_default_group(ctx, user, instance, role)
    for holding in leaving:
        await _leave(ctx, user, instance, holding)
    return user


async def revoke_product_access(
    ctx: Context, user: OrgUser, instance: ProductInstance, *, idempotent: bool = False
) -> list[Group]:
    """Remove every membership giving the product; returns the groups left. Those groups'
    other products go too, which each event's `before` records."""
    held = await holdings(user.id, instance.id)
    protected = [h.group.name for h in held if h.group.protected]
    if protected:
        raise refuse(
            ErrorCode.PROTECTED_GROUP,
            f"{_email(user)} holds {product_name(instance)} through {protected[0]}, which "
            "follows the organization admin role: change it with revokeAdminRole.",
            field="userId",
            rule="R-ROLE-4",
        )
    removed = [h.group for h in held if await _leave(ctx, user, instance, h)]
    if not removed and not idempotent:
        raise refuse(
            ErrorCode.NO_SUCH_ACCESS,
            f"{_email(user)} has no access to {product_name(instance)}.",
            field="productInstanceId",
        )
    return removed


async def set_product_access(
    ctx: Context, user: OrgUser, instance: ProductInstance, enabled: bool
) -> OrgUser:
    """The ORIGINAL toggle (R-ACCESS-9): on with the default role, off by revoking; either
    way a no-op when the user is already there."""
    if enabled:
        return await grant_product_access(ctx, user, instance, DEFAULT_ROLE, idempotent=True)
    await revoke_product_access(ctx, user, instance, idempotent=True)
    return user


# Reading what a user holds


async def holdings(user_id: int, product_instance_id: int) -> list[Holding]:
    """The user's groups that give the product, by group id."""
    group_ids = await GroupMembership.filter(user_id=user_id).values_list("group_id", flat=True)
    roles: dict[int, set[str]] = {}
    defaults: dict[int, set[str]] = {}
    for grant in await GroupProductRole.filter(
        product_instance_id=product_instance_id, group_id__in=group_ids
    ):
        roles.setdefault(grant.group_id, set()).add(grant.role)
    for default in await DefaultGroup.filter(
        product_instance_id=product_instance_id, group_id__in=group_ids
    ):
        defaults.setdefault(default.group_id, set()).add(default.role)
        roles.setdefault(default.group_id, set()).add(default.role)
    groups = await Group.filter(id__in=list(roles)).order_by("id")
    return [Holding(g, frozenset(roles[g.id]), frozenset(defaults.get(g.id, ()))) for g in groups]


async def _leave(ctx: Context, user: OrgUser, instance: ProductInstance, holding: Holding) -> bool:
    group = holding.group
    deleted = await GroupMembership.filter(group_id=group.id, user_id=user.id).delete()
    if not deleted:  # a concurrent request removed it
        return False
    gives = await GroupProductRole.filter(group_id=group.id).order_by("product_instance_id", "role")
    before = {
        "userId": user.id,
        "productInstanceId": instance.id,
        "roles": sorted(holding.roles),
        "groupGives": [{"productInstanceId": g.product_instance_id, "role": g.role} for g in gives],
    }
    await record(
        ctx,
        organization_id=user.organization_id,
        action="group.member_remove",
        target_type="Group",
        target_id=group.id,
        rule=FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS,
        before=before,
    )
    return True


def _already_has(user: OrgUser, instance: ProductInstance, held: list[Holding]) -> DomainError:
    via = ", ".join(f"{'/'.join(sorted(h.roles))} through {h.group.name}" for h in held)
    message = (
        f"{_email(user)} already has {product_name(instance)} ({via}). To change the role, "
        "use changeProductRole (R-ACCESS-4)."
    )
    if not any(h.default_roles for h in held):
        message += " That access comes through groups only: change the group instead."
    return refuse(
        ErrorCode.ALREADY_HAS_ACCESS, message, field="productInstanceId", rule="R-ACCESS-4"
    )


def _no_direct_access(user: OrgUser, instance: ProductInstance, held: list[Holding]) -> DomainError:
    message = f"{_email(user)} has no access to {product_name(instance)}."
    if held:
        names = ", ".join(h.group.name for h in held)
        message = (
            f"{_email(user)} has {product_name(instance)} only through groups ({names}), not "
            "directly: change the group instead."
        )
    return refuse(ErrorCode.NO_SUCH_ACCESS, message, field="productInstanceId")


async def _organization(ctx: Context, instance: ProductInstance) -> Organization:
    return await targets.visible_organization(ctx, instance.organization_id)


def _email(user: OrgUser) -> str:
    return str(user.account.email)
