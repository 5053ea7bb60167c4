"""R-REACH-1, applied once for every mutation that can change access: the check a Watch runs
on the mutation's access diff, in the mutation's transaction, so that a refused change is
rolled back whole (docs/security-rules.md, "Changes and the actor's reach").

Also the holder rule of suspendUser, restoreUser and removeUserFromOrganization: a user's
admin roles stop (or start again) counting with their status, so the change needs what
revoking (or assigning) each of those roles needs (R-ROLE-2 for an organization admin and an
API key).
"""

from collections.abc import Awaitable, Callable

from models.admin_role import RoleAssignment
from models.directory import OrgUser
from permissions.errors import Forbidden
from permissions.matrix import MAKE_ROLE_FEATURE, Asked, TargetKind
from permissions.reach import MAKE_PRODUCT_ADMIN, decide_entry
from permissions.targets import Decision
from resolvers import targets
from resolvers.access_diff import AccessDiff
from resolvers.catalog import product_name
from resolvers.context import Context

Check = Callable[[AccessDiff], Awaitable[None]]


async def diff_check(ctx: Context, organization_id: int, feature: Asked) -> Check | None:
    """The check of a change in an organization, made by `feature`; None when no entry can be
    refused: the actor holds the organization's own scope (an organization admin, or an API
    key acting with their rights), which covers every product instance in it, and its cells
    allow both the feature and making product admins. Then the diff is not even read."""
    organization = await targets.organization_target(ctx, organization_id)
    principal = ctx.require_principal()
    if principal.holdings(organization_id).org_admin and all(
        ctx.decide(f, organization).allowed for f in (feature, MAKE_PRODUCT_ADMIN)
    ):
        return None

    async def check(diff: AccessDiff) -> None:
        entries = [(c, True) for c in diff.gained] + [(c, False) for c in diff.lost]
        decided: dict[tuple[int, str, bool, bool], Decision] = {}
        for change, giving in entries:
            own = change.user_id == principal.user_id_in(organization_id)
            key = (change.product_instance_id, change.role, giving, own)
            if key not in decided:
                place = await targets.target_of(
                    ctx, TargetKind.PRODUCT_INSTANCE, change.product_instance_id
                )
                decided[key] = decide_entry(
                    principal, feature, place, change.role, change.user_id, giving
                )
            if not decided[key].allowed:
                instance = await targets.visible_instance(ctx, change.product_instance_id)
                reason = f"{product_name(instance)}: {decided[key].reason}"
                raise Forbidden(reason, rule=decided[key].rule)

    return check


async def require_holder_reach(ctx: Context, user: OrgUser, change: str) -> None:
    """`change` ("Suspending", "Restoring", "Removing") the user makes their admin roles stop
    or start counting: it needs the make_ decision of each, as assignAdminRole and
    revokeAdminRole ask it on the role's scope."""
    for assignment in await RoleAssignment.filter(user_id=user.id).order_by("id"):
        scope = await targets.target(ctx, assignment)
        decision = ctx.decide(MAKE_ROLE_FEATURE[assignment.role], scope)
        if not decision.allowed:
            raise Forbidden(
                f"{change} this user changes their {assignment.role.value} role, which needs "
                f"what assigning or revoking it needs: {decision.reason}",
                rule=decision.rule,
            )
