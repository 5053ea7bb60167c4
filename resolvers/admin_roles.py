"""Admin role assignments (R-ROLE-*): assignAdminRole, revokeAdminRole, and the invariant that
an organization keeps an active organization admin (R-ROLE-3)."""

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.admin_role import RoleAssignment
from models.directory import OrgUser
from models.enums import ROLE_SCOPE_KIND, AccountType, AdminRole, ScopeKind, UserStatus
from models.group import ORG_ADMINS_GROUP, Group, GroupMembership
from models.organization import Organization, Site
from models.product import ProductInstance
from permissions.errors import Forbidden, NotFound
from permissions.matrix import EXPERIENCE_ROLES, MAKE_ROLE_FEATURE
from permissions.reach import self_assignment
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import ErrorCode, refuse

SCOPE_MODELS: dict[ScopeKind, type[Organization | Site | ProductInstance]] = {
    ScopeKind.ORGANIZATION: Organization,
    ScopeKind.SITE: Site,
    ScopeKind.PRODUCT_INSTANCE: ProductInstance,
}


@dataclass(frozen=True)
class ScopeRef:
    """The scope a client named: its kind (None: an id of no scope kind at all) and its id."""

    kind: ScopeKind | None
    id: int


async def assign_admin_role(
    ctx: Context, user: OrgUser, role: AdminRole, scope: ScopeRef | None
) -> OrgUser:
    scope_id = await _checked_scope(ctx, user, role, scope)
    refused = self_assignment(ctx.require_principal(), user.organization_id, user.id)
    if refused is not None:  # R-REACH-2: the matrix rows make *another* user an admin
        raise Forbidden(refused.reason, rule=refused.rule)
    _check_assignable(user)
    if await _held(user, role, scope_id) is not None:
        raise _duplicate(role)
    try:
        # A savepoint: the check below reads on after a failed write, which PostgreSQL allows
        # only once the transaction is back at a savepoint, and which must not see the rows
        # this attempt wrote before it failed.
        async with in_transaction():
            await assign_role(ctx, user, role, scope_id, MAKE_ROLE_FEATURE[role].value)
    except IntegrityError:
        # DUPLICATE only when a racing request committed the same assignment; any other
        # failed write (its audit event, org-admins) is not the client's to fix.
        if await _held(user, role, scope_id) is None:
            raise
        raise _duplicate(role) from None
    return user


async def revoke_admin_role(
    ctx: Context, user: OrgUser, role: AdminRole, scope: ScopeRef | None
) -> OrgUser:
    scope_id = await _checked_scope(ctx, user, role, scope)
    if role is AdminRole.ORG_ADMIN:
        await keep_an_active_org_admin(user.organization_id, user.id)
    assignment = await _held(user, role, scope_id)
    if assignment is None:
        raise refuse(
            ErrorCode.NO_SUCH_ACCESS,
            f"The user does not hold the {role.value} role on that scope.",
            field="role",
        )
    await assignment.delete()
    await record(
        ctx,
        organization_id=user.organization_id,
        action="admin_role.revoke",
        target_type="User",
        target_id=user.id,
        rule=MAKE_ROLE_FEATURE[role].value,
        before=describe_role(role, scope_id),
    )
    if role is AdminRole.ORG_ADMIN:
        await _leave_org_admins(ctx, user, MAKE_ROLE_FEATURE[role].value)
    return user


async def assign_role(
    ctx: Context, user: OrgUser, role: AdminRole, scope_id: int, rule: str
) -> RoleAssignment:
    """Record the assignment; an organization admin also joins `org-admins` (R-ROLE-1)."""
    kind = ROLE_SCOPE_KIND[role]
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
        after=describe_role(role, scope_id),
    )
    if role is AdminRole.ORG_ADMIN:
        await _join_org_admins(ctx, user, rule)
    return assignment


async def keep_an_active_org_admin(organization_id: int, user_id: int) -> None:
    """R-ROLE-3: refuse a change that takes `user_id` out of the organization's active
    organization admins when no other remains. Call it first inside the change's transaction.

    PostgreSQL: the organization row is locked (SELECT ... FOR UPDATE) before counting, so two
    requests removing the last two admins run one after the other and the second counts what
    the first committed. SQLite has no row locks (Tortoise drops FOR UPDATE there) and needs
    none: Tortoise runs each transaction alone on its single connection (its transaction
    context holds the client's lock from BEGIN to COMMIT), so no other transaction interleaves.
    """
    await Organization.filter(id=organization_id).select_for_update().first()
    admins = await RoleAssignment.filter(
        organization_id=organization_id, role=AdminRole.ORG_ADMIN, user__status=UserStatus.ACTIVE
    ).values("user_id")
    if {row["user_id"] for row in admins} == {user_id}:
        raise refuse(
            ErrorCode.LAST_ORG_ADMIN,
            "This is the organization's last active organization admin: make another user "
            "organization admin first.",
            field="userId",
            rule="R-ROLE-3",
        )


async def _checked_scope(
    ctx: Context, user: OrgUser, role: AdminRole, scope: ScopeRef | None
) -> int:
    """The role must exist in the experience (R-ROLE-7) and its scope lie in the user's
    organization, named by an id of the role's scope kind (ORG_ADMIN: may be omitted)."""
    # The guard loaded it through this request's loader: no second read.
    organization = await ctx.loaders.organization.load(user.organization_id)
    if organization is None:
        raise NotFound("No such organization.")
    if role not in EXPERIENCE_ROLES[organization.experience]:
        raise refuse(
            ErrorCode.ROLE_NOT_IN_EXPERIENCE,
            f"The {role.value} role does not exist in the {organization.experience.value} "
            "experience.",
            field="role",
            rule="R-ROLE-7",
        )
    kind = ROLE_SCOPE_KIND[role]
    if scope is None and kind is ScopeKind.ORGANIZATION:
        return organization.id
    if scope is None or scope.kind is not kind:
        raise _bad_scope(role, kind)
    if await _organization_of(ctx, kind, scope.id) != organization.id:
        raise _bad_scope(role, kind)
    return scope.id


async def _organization_of(ctx: Context, kind: ScopeKind, scope_id: int) -> int | None:
    """Read through the loaders the guard's finder already used for that scope."""
    if kind is ScopeKind.ORGANIZATION:
        return scope_id if await ctx.loaders.organization.load(scope_id) else None
    loader = ctx.loaders.site if kind is ScopeKind.SITE else ctx.loaders.product_instance
    found = await loader.load(scope_id)
    return found.organization_id if found else None


def _check_assignable(user: OrgUser) -> None:
    if user.account.account_type is AccountType.CUSTOMER:
        raise refuse(
            ErrorCode.PORTAL_ONLY_CUSTOMER,
            "Portal-only customers are not licensed users and can't hold admin roles.",
            field="userId",
            rule="R-ACCESS-6",
        )
    if user.status is not UserStatus.ACTIVE:
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"The user is {user.status.value.lower()}: restore them before giving them a role.",
            field="userId",
            rule="R-ACCESS-11",
        )


async def _held(user: OrgUser, role: AdminRole, scope_id: int) -> RoleAssignment | None:
    return await RoleAssignment.get_or_none(user_id=user.id, role=role, scope_ref=scope_id)


def _duplicate(role: AdminRole) -> Exception:
    return refuse(
        ErrorCode.DUPLICATE, f"The user already holds the {role.value} role there.", field="role"
    )


def _bad_scope(role: AdminRole, kind: ScopeKind) -> Exception:
    noun = SCOPE_MODELS[kind].__name__
    return refuse(
        ErrorCode.INVALID_INPUT,
        f"{role.value} is held on a {noun}: scopeId must be a {noun} id of the user's "
        "organization.",
        field="scopeId",
    )


def describe_role(role: AdminRole, scope_id: int) -> dict[str, str]:
    return {
        "role": role.value,
        "scope": f"{SCOPE_MODELS[ROLE_SCOPE_KIND[role]].__name__}:{scope_id}",
    }


async def _org_admins(organization_id: int) -> Group:
    return await Group.get(organization_id=organization_id, scope_ref=0, name=ORG_ADMINS_GROUP)


async def _join_org_admins(ctx: Context, user: OrgUser, rule: str) -> None:
    admins = await _org_admins(user.organization_id)
    _, created = await GroupMembership.get_or_create(group=admins, user=user)
    if created:
        await record(
            ctx,
            organization_id=user.organization_id,
            action="group.member_add",
            target_type="Group",
            target_id=admins.id,
            rule=rule,
            after={"userId": user.id},
        )


async def _leave_org_admins(ctx: Context, user: OrgUser, rule: str) -> None:
    admins = await _org_admins(user.organization_id)
    if await GroupMembership.filter(group=admins, user=user).delete():
        await record(
            ctx,
            organization_id=user.organization_id,
            action="group.member_remove",
            target_type="Group",
            target_id=admins.id,
            rule=rule,
            before={"userId": user.id},
        )
