"""Group members: addGroupMembers and removeGroupMembers (R-ACCESS-1, R-ACCESS-6).

Bulk and all-or-nothing: every refused item is reported at its index (`userIds.3`) and nothing
is applied, so an administrator's one click either does all it said or nothing, and the fixed
request can simply be sent again. Adding a member or removing a non-member changes nothing and
writes no audit event.
"""

import asyncio
from collections.abc import Sequence

from models.directory import OrgUser
from models.enums import AccountType
from models.group import Group, GroupMembership, GroupProductRole
from permissions.matrix import FeatureId
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode, Problem, refuse
from resolvers.groups import lock_groups
from resolvers.protected_group import GroupChange, refuse_protected
from resolvers.targets import target

MAX_USERS = 100

# (index in the input, user): errors name the item's place in `userIds`.
Picked = list[tuple[int, OrgUser]]


async def add_group_members(ctx: Context, group: Group, user_ids: Sequence[int | None]) -> Group:
    await refuse_protected(ctx, [(group, GroupChange.MEMBERS, "groupId")])
    picked = await _directory_users(ctx, group, user_ids)
    (locked,) = await lock_groups([group.id])
    await _refuse_customers(locked, picked)
    present = await _member_ids(locked, picked)
    for _, user in picked:
        if user.id in present:
            continue
        present.add(user.id)
        await GroupMembership.create(group_id=locked.id, user_id=user.id)
        await _audit(ctx, locked, "group.member_add", after={"userId": user.id})
    return locked


async def remove_group_members(ctx: Context, group: Group, user_ids: Sequence[int | None]) -> Group:
    await refuse_protected(ctx, [(group, GroupChange.MEMBERS, "groupId")])
    picked = await _directory_users(ctx, group, user_ids)
    (locked,) = await lock_groups([group.id])
    present = await _member_ids(locked, picked)
    for _, user in picked:
        if user.id not in present:
            continue
        present.discard(user.id)
        await GroupMembership.filter(group_id=locked.id, user_id=user.id).delete()
        await _audit(ctx, locked, "group.member_remove", before={"userId": user.id})
    return locked


async def _directory_users(ctx: Context, group: Group, user_ids: Sequence[int | None]) -> Picked:
    """Each id must name a user of the group's organization whom the caller may see. Missing,
    of another organization or out of the caller's sight read alike: existence is not leaked."""
    if not 0 < len(user_ids) <= MAX_USERS:
        raise refuse(ErrorCode.INVALID_INPUT, f"Name 1 to {MAX_USERS} users.", field="userIds")
    users = await ctx.loaders.user.load_many([pk or 0 for pk in user_ids])
    seen = await asyncio.gather(*(_visible(ctx, group, user) for user in users))
    problems = [
        Problem(ErrorCode.INVALID_INPUT, "No such user in this organization.", f"userIds.{i}")
        for i, visible in enumerate(seen)
        if not visible
    ]
    if problems:
        raise DomainError(*problems)
    return [(i, user) for i, user in enumerate(users) if user is not None]


async def _visible(ctx: Context, group: Group, user: OrgUser | None) -> bool:
    if user is None or user.organization_id != group.organization_id:
        return False
    return ctx.decide(FeatureId.VIEW_USERS_IN_ORGANIZATION, await target(ctx, user)).allowed


async def _refuse_customers(group: Group, picked: Picked) -> None:
    """Portal-only customers hold no product access, through a group neither (R-ACCESS-6)."""
    if not await GroupProductRole.exists(group_id=group.id):
        return
    problems = [
        Problem(
            ErrorCode.PORTAL_ONLY_CUSTOMER,
            f"{user.account.email} is a portal-only customer and can't join a group that "
            "gives product access.",
            f"userIds.{i}",
            "R-ACCESS-6",
        )
        for i, user in picked
        if user.account.account_type is AccountType.CUSTOMER
    ]
    if problems:
        raise DomainError(*problems)


async def _member_ids(group: Group, picked: Picked) -> set[int]:
    ids = [user.id for _, user in picked]
    query = GroupMembership.filter(group_id=group.id, user_id__in=ids)
    return {row["user_id"] for row in await query.values("user_id")}


async def _audit(
    ctx: Context,
    group: Group,
    action: str,
    before: dict[str, int] | None = None,
    after: dict[str, int] | None = None,
) -> None:
    await record(
        ctx,
        organization_id=group.organization_id,
        action=action,
        target_type="Group",
        target_id=group.id,
        rule=FeatureId.ADD_REMOVE_USERS_FROM_GROUP,
        before=before,
        after=after,
    )
