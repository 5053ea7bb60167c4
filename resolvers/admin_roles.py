"""Admin role assignments (R-ROLE-*). The assignAdminRole mutation builds on `assign_role`."""

from tortoise.transactions import in_transaction

from models.admin_role import RoleAssignment
from models.directory import OrgUser
from models.enums import ROLE_SCOPE_KIND, AdminRole, ScopeKind
from models.group import ORG_ADMINS_GROUP, Group, GroupMembership
from resolvers.audit import record
from resolvers.context import Context


async def assign_role(
    ctx: Context, user: OrgUser, role: AdminRole, scope_id: int, rule: str
) -> RoleAssignment:
    """Record the assignment; an organization admin also joins `org-admins` (R-ROLE-1)."""
    kind = ROLE_SCOPE_KIND[role]
    async with in_transaction():
        assignment = await RoleAssignment.create(
            organization_id=user.organization_id,
            user=user,
            role=role,
            site_id=scope_id if kind is ScopeKind.SITE else None,
            product_instance_id=scope_id if kind is ScopeKind.PRODUCT_INSTANCE else None,
            scope_ref=scope_id,
        )
        await record(
            ctx,
            organization_id=user.organization_id,
            action="admin_role.assign",
            target_type="User",
            target_id=user.id,
            rule=rule,
            after={"role": role.value, "scope": f"{kind.value}:{scope_id}"},
        )
        if role is AdminRole.ORG_ADMIN:
            admins = await Group.get(
                organization_id=user.organization_id, scope_ref=0, name=ORG_ADMINS_GROUP
            )
            await GroupMembership.get_or_create(group=admins, user=user)
    return assignment
