"""assignAdminRole, revokeAdminRole (R-ROLE-*)."""

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from models.directory import OrgUser
from models.enums import AdminRole
from permissions.guards import picking_guard
from resolvers import admin_roles
from resolvers import targets as find
from resolvers.access_diff import these
from resolvers.admin_roles import ScopeRef
from resolvers.context import Context
from resolvers.receipts import row
from schema import nodes, targets
from schema.ids import decode
from schema.mutations.common import (
    CHANGED_USER,
    INPUT,
    AccessChangeInput,
    AccessChangePayload,
    answer,
    run,
    user_node,
    watch,
)

Ctx = Info[Context, None]
P = TypeVar("P", bound="AssignAdminRolePayload | RevokeAdminRolePayload")
Resolver = Callable[[Context, OrgUser, AdminRole, ScopeRef | None], Awaitable[OrgUser]]
# One guard for the five roles: it asks the make_ feature of input.role on the role's scope.
ROLE_GUARD = picking_guard(targets.ROLE_FEATURES, on=targets.input_role_scope)
FEATURE_BY_ROLE = (
    "Feature by role: make_org_admin on the organization, make_site_admin or "
    "make_trusted_user on the site, make_user_access_admin or make_product_admin on the "
    "product instance."
)


@strawberry.input(description="An admin role of a user over a scope.")
class AdminRoleInput(AccessChangeInput):
    user_id: strawberry.ID = strawberry.field(description="A user of the organization.")
    role: AdminRole = strawberry.field(
        description="The role; its scope kind follows from it (AdminRole)."
    )
    scope_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The role's scope, in the user's organization: the Organization "
        "(ORG_ADMIN; may be omitted), a Site (SITE_ADMIN, TRUSTED_USER) or a ProductInstance "
        "(USER_ACCESS_ADMIN, PRODUCT_ADMIN).",
    )


@strawberry.input(description="The admin role to give a user.")
class AssignAdminRoleInput(AdminRoleInput):
    pass


@strawberry.input(description="The admin role to take from a user.")
class RevokeAdminRoleInput(AdminRoleInput):
    pass


@strawberry.type(description="The result of assignAdminRole.")
class AssignAdminRolePayload(AccessChangePayload):
    user: nodes.User | None = strawberry.field(default=None, description=CHANGED_USER)


@strawberry.type(description="The result of revokeAdminRole.")
class RevokeAdminRolePayload(AccessChangePayload):
    user: nodes.User | None = strawberry.field(default=None, description=CHANGED_USER)


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Give a user an admin role over a scope; ORG_ADMIN also joins org-admins. "
        "Refused: a role the experience lacks (R-ROLE-7), a portal-only customer (R-ACCESS-6), "
        "a user who is not active, yourself unless you are an organization admin (R-REACH-2). "
        + FEATURE_BY_ROLE,
        extensions=[ROLE_GUARD],
    )
    async def assign_admin_role(
        self, info: Ctx, input: Annotated[AssignAdminRoleInput, INPUT]
    ) -> AssignAdminRolePayload:
        return await _run(info, input, admin_roles.assign_admin_role, AssignAdminRolePayload)

    @strawberry.mutation(
        description="Take an admin role over a scope from a user; ORG_ADMIN also leaves "
        "org-admins. The last active organization admin stays (R-ROLE-3). " + FEATURE_BY_ROLE,
        extensions=[ROLE_GUARD],
    )
    async def revoke_admin_role(
        self, info: Ctx, input: Annotated[RevokeAdminRoleInput, INPUT]
    ) -> RevokeAdminRolePayload:
        return await _run(info, input, admin_roles.revoke_admin_role, RevokeAdminRolePayload)


async def _run(info: Ctx, input: AdminRoleInput, resolver: Resolver, payload: type[P]) -> P:
    ctx = info.context
    # The guard found it visible, through this request's loader: no second read.
    user = await find.visible_user(ctx, decode(input.user_id, "User"))
    scope = targets.scope_ref(input.scope_id)
    watching = await watch(info, input, these([user.id]), user.organization_id)
    done = await run(
        info, input, lambda: resolver(ctx, user, input.role, scope), row(OrgUser), watching
    )
    return answer(payload, input, done, user=await user_node(ctx, done.result))
