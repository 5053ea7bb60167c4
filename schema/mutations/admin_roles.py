"""assignAdminRole, revokeAdminRole (R-ROLE-*)."""

from collections.abc import Awaitable, Callable
from typing import Annotated

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
from schema import nodes, targets
from schema.access_diff import AccessDiff
from schema.ids import decode
from schema.mutations.common import (
    CHANGED_USER,
    INPUT,
    AccessChangeInput,
    AccessChangePayload,
    UserError,
    run_row,
    user_node,
    watch,
)

Ctx = Info[Context, None]
Resolver = Callable[[Context, OrgUser, AdminRole, ScopeRef | None], Awaitable[OrgUser]]
# One guard for the five roles: it asks the make_ feature of input.role on the role's scope.
ROLE_GUARD = picking_guard("admin_role", targets.ROLE_FEATURES, targets.input_role_scope)
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
        user, errors, diff = await _run(
            info, "assignAdminRole", input, admin_roles.assign_admin_role
        )
        return AssignAdminRolePayload(
            client_mutation_id=input.client_mutation_id,
            dry_run=input.dry_run,
            access_diff=diff,
            user=user,
            errors=errors,
        )

    @strawberry.mutation(
        description="Take an admin role over a scope from a user; ORG_ADMIN also leaves "
        "org-admins. The last active organization admin stays (R-ROLE-3). " + FEATURE_BY_ROLE,
        extensions=[ROLE_GUARD],
    )
    async def revoke_admin_role(
        self, info: Ctx, input: Annotated[RevokeAdminRoleInput, INPUT]
    ) -> RevokeAdminRolePayload:
        user, errors, diff = await _run(
            info, "revokeAdminRole", input, admin_roles.revoke_admin_role
        )
        return RevokeAdminRolePayload(
            client_mutation_id=input.client_mutation_id,
            dry_run=input.dry_run,
            access_diff=diff,
            user=user,
            errors=errors,
        )


async def _run(
    info: Ctx, mutation: str, input: AdminRoleInput, resolver: Resolver
) -> tuple[nodes.User | None, list[UserError], AccessDiff | None]:
    ctx = info.context
    # The guard found it visible, through this request's loader: no second read.
    user = await find.visible_user(ctx, decode(input.user_id, "User"))
    scope = targets.scope_ref(input.scope_id)
    watching = await watch(info, input, these([user.id]), user.organization_id)
    done, errors = await run_row(
        ctx, mutation, input, lambda: resolver(ctx, user, input.role, scope), OrgUser, watching
    )
    return await user_node(ctx, done), errors, AccessDiff.of(watching.diff)
