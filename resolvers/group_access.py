"""Product roles of groups and default groups: grantGroupProductAccess and
revokeGroupProductAccess (R-ACCESS-1/4/5/6), setDefaultGroup (R-ACCESS-3, R-ROLE-15).

All-or-nothing, like member changes: each refused item is reported at its index (`groupIds.1`,
`roles.0`) and nothing is applied. Product instances are locked before groups (row locks on
PostgreSQL, the single writer on SQLite), so a default group can't lose its role, nor a group
gain a portal-only customer, between a check and its write.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from models.enums import AccountType, Experience
from models.group import DefaultGroup, Group, GroupMembership, GroupProductRole
from models.product import ProductInstance
from permissions.matrix import FeatureId
from resolvers.access import role_problem
from resolvers.audit import record
from resolvers.catalog import product_name
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode, Problem, refuse
from resolvers.groups import last_default_problem, lock_groups, lock_instances
from resolvers.protected_group import GroupChange, refuse_protected

MAX_GROUPS = 100

# (index in `groupIds`, group), without repeats.
Picked = list[tuple[int, Group]]


def pick(groups: Sequence[Group]) -> Picked:
    """A group named twice is acted on once; its errors name its first place."""
    first: dict[int, tuple[int, Group]] = {}
    for index, group in enumerate(groups):
        first.setdefault(group.id, (index, group))
    return list(first.values())


async def grant_group_product_access(
    ctx: Context, groups: Sequence[Group], instance: ProductInstance, roles: Sequence[str]
) -> list[Group]:
    """Several groups, one or more roles each, in one operation (R-ACCESS-5)."""
    picked = pick(groups)
    await refuse_protected(
        ctx, [(group, GroupChange.PRODUCT_ROLES, f"groupIds.{index}") for index, group in picked]
    )
    wanted = product_roles(instance, roles)
    await _check_places(ctx, picked, instance)
    locked = await _lock(instance, picked)
    await _refuse_grants(picked, instance, wanted)
    for _, group in picked:
        for role in wanted:
            await GroupProductRole.create(group=group, product_instance=instance, role=role)
            after = {"productInstanceId": instance.id, "role": role}
            await _audit(ctx, group, "group.product_role_grant", after=after)
    return [locked[group.id] for _, group in picked]


async def revoke_group_product_access(
    ctx: Context, groups: Sequence[Group], instance: ProductInstance, roles: Sequence[str] | None
) -> list[Group]:
    """Remove the roles (every role the group holds on the instance when `roles` is None)."""
    picked = pick(groups)
    wanted = None if roles is None else product_roles(instance, roles)
    await _check_places(ctx, picked, instance)
    locked = await _lock(instance, picked)
    for group_id, held in (await _revocations(picked, instance, wanted)).items():
        for role in held:
            rows = GroupProductRole.filter(
                group_id=group_id, product_instance_id=instance.id, role=role
            )
            await rows.delete()
            before = {"productInstanceId": instance.id, "role": role}
            await _audit(ctx, locked[group_id], "group.product_role_revoke", before=before)
    return [locked[group.id] for _, group in picked]


async def set_default_group(
    ctx: Context, instance: ProductInstance, group: Group, role: str, enabled: bool
) -> ProductInstance:
    """Make a group a default group of a product role, or stop it being one; the group keeps
    its product role either way (revoking it is revokeGroupProductAccess)."""
    if enabled:  # before its place: ORIGINAL's org-admins has no site
        await refuse_protected(ctx, [(group, GroupChange.DEFAULT_GROUP, "groupId")])
    product_roles(instance, [role], field="role")
    await _check_places(ctx, [(0, group)], instance, field="groupId")
    locked = (await _lock(instance, [(0, group)]))[group.id]
    if enabled:
        await _make_default(ctx, instance, locked, role)
    else:
        await _unmake_default(ctx, instance, locked, role)
    return instance


def product_roles(
    instance: ProductInstance, roles: Sequence[str], field: str = "roles"
) -> list[str]:
    """The product's own roles (the catalog), each once, in the order given."""
    if not roles:
        raise refuse(ErrorCode.INVALID_INPUT, "Name at least one role.", field=field)
    found = [
        role_problem(instance, role, field if field == "role" else f"{field}.{index}")
        for index, role in enumerate(roles)
    ]
    problems = [problem for problem in found if problem is not None]
    if problems:
        raise DomainError(*problems)
    return list(dict.fromkeys(roles))


async def _check_places(
    ctx: Context, picked: Picked, instance: ProductInstance, field: str = "groupIds"
) -> None:
    """A group gets products of its organization; in ORIGINAL, of its own site only."""
    if not 0 < len(picked) <= MAX_GROUPS:
        raise refuse(ErrorCode.INVALID_INPUT, f"Name 1 to {MAX_GROUPS} groups.", field=field)
    organization = await ctx.loaders.organization.load(instance.organization_id)
    original = organization is not None and organization.experience is Experience.ORIGINAL
    problems = []
    for index, group in picked:
        where = field if field == "groupId" else f"{field}.{index}"
        if group.organization_id != instance.organization_id:
            # Unnamed: the caller may hold a role there without reading its groups (R-ROLE-11).
            message = "That group is not in the organization of that product."
        elif original and group.site_id != instance.site_id:
            message = f"'{group.name}' is not a group of that product's site (ORIGINAL)."
        else:
            continue
        problems.append(Problem(ErrorCode.INVALID_INPUT, message, where))
    if problems:
        raise DomainError(*problems)


async def _lock(instance: ProductInstance, picked: Picked) -> dict[int, Group]:
    await lock_instances({instance.id})
    return {group.id: group for group in await lock_groups([g.id for _, g in picked])}


async def _refuse_grants(picked: Picked, instance: ProductInstance, wanted: list[str]) -> None:
    ids = [group.id for _, group in picked]
    held = await GroupProductRole.filter(group_id__in=ids, product_instance_id=instance.id)
    holding = {(row.group_id, row.role) for row in held}
    customers = await _with_customers(ids)
    problems = []
    for index, group in picked:
        problems += [
            _already_has(index, group, instance, role)
            for role in wanted
            if (group.id, role) in holding
        ]
        if group.id in customers:
            problems.append(_portal_only(f"groupIds.{index}", group))
    if problems:
        raise DomainError(*problems)


def _already_has(index: int, group: Group, instance: ProductInstance, role: str) -> Problem:
    return Problem(
        ErrorCode.ALREADY_HAS_ACCESS,
        f"'{group.name}' already holds {role} on {product_name(instance)}. To change its role, "
        "revoke that one and grant the other.",
        f"groupIds.{index}",
        "R-ACCESS-4",
    )


def _portal_only(field: str, group: Group) -> Problem:
    return Problem(
        ErrorCode.PORTAL_ONLY_CUSTOMER,
        f"'{group.name}' has portal-only customers as members; they can't be given product access.",
        field,
        "R-ACCESS-6",
    )


async def _with_customers(group_ids: list[int]) -> set[int]:
    query = GroupMembership.filter(
        group_id__in=group_ids, user__account__account_type=AccountType.CUSTOMER
    )
    return {row["group_id"] for row in await query.values("group_id")}


async def _revocations(
    picked: Picked, instance: ProductInstance, wanted: list[str] | None
) -> dict[int, list[str]]:
    """The roles to remove per group. A default group keeps the role it is the default for:
    users granted the product join it (R-ACCESS-3), so it must keep giving that role."""
    ids = [group.id for _, group in picked]
    held: dict[int, list[str]] = defaultdict(list)
    rows = GroupProductRole.filter(group_id__in=ids, product_instance_id=instance.id)
    for row in await rows.order_by("id"):
        if wanted is None or row.role in wanted:
            held[row.group_id].append(row.role)
    defaults = DefaultGroup.filter(group_id__in=ids, product_instance_id=instance.id)
    default_for = {(row.group_id, row.role) for row in await defaults}
    problems = []
    for index, group in picked:
        where = f"groupIds.{index}"
        if not held[group.id]:
            problems.append(_no_such_access(where, group, instance))
        for role in held[group.id]:
            if (group.id, role) in default_for:
                problems.append(_default_keeps_role(where, group, instance, role))
    if problems:
        raise DomainError(*problems)
    return {group.id: held[group.id] for _, group in picked}


def _no_such_access(field: str, group: Group, instance: ProductInstance) -> Problem:
    return Problem(
        ErrorCode.NO_SUCH_ACCESS,
        f"'{group.name}' holds none of these roles on {product_name(instance)}.",
        field,
    )


def _default_keeps_role(field: str, group: Group, instance: ProductInstance, role: str) -> Problem:
    """INVALID_INPUT with R-ACCESS-3, as for deleting the last default group."""
    return Problem(
        ErrorCode.INVALID_INPUT,
        f"'{group.name}' is a default group for {role} on {product_name(instance)} and keeps "
        "that role: stop it being a default group first (setDefaultGroup, enabled: false).",
        field,
        "R-ACCESS-3",
    )


async def _make_default(ctx: Context, instance: ProductInstance, group: Group, role: str) -> None:
    if await DefaultGroup.exists(product_instance_id=instance.id, group_id=group.id, role=role):
        return
    grant = {"productInstanceId": instance.id, "role": role}
    if not await GroupProductRole.exists(
        product_instance_id=instance.id, group_id=group.id, role=role
    ):
        if await _with_customers([group.id]):
            raise DomainError(_portal_only("groupId", group))
        await GroupProductRole.create(group=group, product_instance=instance, role=role)
        await _audit(
            ctx, group, "group.product_role_grant", FeatureId.CONFIGURE_DEFAULT_GROUPS, after=grant
        )
    await DefaultGroup.create(group=group, product_instance=instance, role=role)
    after = {"groupId": group.id, "role": role}
    await _audit_instance(ctx, instance, "product.default_group_add", after=after)


async def _unmake_default(ctx: Context, instance: ProductInstance, group: Group, role: str) -> None:
    rows = DefaultGroup.filter(product_instance_id=instance.id, role=role)
    if not await rows.filter(group_id=group.id).exists():
        return
    if not await rows.exclude(group_id=group.id).exists():
        raise DomainError(last_default_problem(group, instance, role, "groupId"))
    await rows.filter(group_id=group.id).delete()
    before = {"groupId": group.id, "role": role}
    await _audit_instance(ctx, instance, "product.default_group_remove", before=before)


async def _audit(
    ctx: Context,
    group: Group,
    action: str,
    rule: str = FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    await record(
        ctx,
        organization_id=group.organization_id,
        action=action,
        target_type="Group",
        target_id=group.id,
        rule=rule,
        before=before,
        after=after,
    )


async def _audit_instance(
    ctx: Context,
    instance: ProductInstance,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    await record(
        ctx,
        organization_id=instance.organization_id,
        action=action,
        target_type="ProductInstance",
        target_id=instance.id,
        rule=FeatureId.CONFIGURE_DEFAULT_GROUPS,
        before=before,
        after=after,
    )
