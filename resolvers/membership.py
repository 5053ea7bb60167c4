"""A user's place in an organization: suspendUser and restoreUser (R-ACCESS-11) and
removeUserFromOrganization. None may leave the organization without an active organization
admin (R-ROLE-3)."""

from models.admin_role import RoleAssignment
from models.directory import OrgUser
from models.enums import AccountType, UserStatus
from models.group import Group
from permissions.errors import NotFound
from permissions.matrix import FeatureId
from resolvers.admin_roles import describe_role, keep_an_active_org_admin
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import ErrorCode, refuse

REMOVE_FEATURE = FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS


def status_feature(account_type: AccountType) -> FeatureId:
    """The feature that suspends and restores a user (API.md): portal-only customers have
    their own row in the matrix."""
    if account_type is AccountType.CUSTOMER:
        return FeatureId.MANAGE_PORTAL_ONLY_ACCOUNTS
    return FeatureId.UPDATE_MANAGED_ACCOUNTS


async def suspend_user(ctx: Context, user: OrgUser) -> OrgUser:
    """The user keeps their groups and roles but holds no access or rights (R-ACCESS-11)."""
    await keep_an_active_org_admin(user.organization_id, user.id)
    await _change_status(ctx, user, UserStatus.ACTIVE, UserStatus.SUSPENDED, "user.suspend")
    return user


async def restore_user(ctx: Context, user: OrgUser) -> OrgUser:
    await _change_status(ctx, user, UserStatus.SUSPENDED, UserStatus.ACTIVE, "user.restore")
    return user


async def remove_user(ctx: Context, user: OrgUser) -> int:
    """Delete the directory entry; its group memberships and admin roles go with it (foreign
    keys cascade) and are listed in the audit event's `before`."""
    await keep_an_active_org_admin(user.organization_id, user.id)
    current = await OrgUser.get_or_none(id=user.id)
    if current is None:
        raise NotFound("No such user.")  # removed by a request that committed first
    before = await _membership_of(user, current.status)
    await current.delete()
    await record(
        ctx,
        organization_id=user.organization_id,
        action="user.remove",
        target_type="User",
        target_id=user.id,
        rule=REMOVE_FEATURE.value,
        before=before,
    )
    return user.id


async def _change_status(
    ctx: Context, user: OrgUser, old: UserStatus, new: UserStatus, action: str
) -> None:
    """A conditional update, so that two racing requests cannot both apply it."""
    if not await OrgUser.filter(id=user.id, status=old).update(status=new):
        current = await OrgUser.get_or_none(id=user.id)
        if current is None:
            raise NotFound("No such user.")
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"The user is {current.status.value.lower()}; only {old.value.lower()} users can "
            f"become {new.value.lower()}.",
            field="userId",
        )
    await record(
        ctx,
        organization_id=user.organization_id,
        action=action,
        target_type="User",
        target_id=user.id,
        rule=status_feature(user.account.account_type).value,
        before={"status": old.value},
        after={"status": new.value},
    )


async def _membership_of(user: OrgUser, status: UserStatus) -> dict[str, object]:
    groups = await Group.filter(memberships__user_id=user.id).order_by("name")
    roles = await RoleAssignment.filter(user_id=user.id).order_by("id")
    return {
        "email": user.account.email,
        "status": status.value,
        "groups": [{"id": g.id, "name": g.name} for g in groups],
        "adminRoles": [describe_role(r.role, r.scope_ref) for r in roles],
    }
