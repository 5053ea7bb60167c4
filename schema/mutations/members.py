"""suspendUser, restoreUser (R-ACCESS-11), removeUserFromOrganization."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from models.directory import OrgUser
from permissions.guards import guard, picking_guard
from permissions.matrix import FeatureId
from resolvers import membership
from resolvers.access_diff import Watch, these
from resolvers.actor_reach import require_holder_reach
from resolvers.context import Context
from resolvers.receipts import REMOVED, row
from schema import nodes, targets
from schema.ids import encode
from schema.mutations.common import (
    CHANGED_USER,
    INPUT,
    MutationInput,
    Payload,
    answer,
    guarded,
    run,
    user_node,
)

Ctx = Info[Context, None]
STATUS_GUARD = picking_guard(targets.STATUS_FEATURES, on=targets.input_member_status)
# What each mutation does to the roles a user holds (they stop or start counting, or go).
CHANGES = {
    "suspendUser": "Suspending",
    "restoreUser": "Restoring",
    "removeUserFromOrganization": "Removing",
}
STATUS_FEATURES = (
    "Feature: update_managed_accounts on the user (manage_portal_only_accounts for a CUSTOMER)."
)


@strawberry.input(description="A user of an organization's directory.")
class MemberInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(
        description="The organization whose directory holds the user."
    )
    user_id: strawberry.ID = strawberry.field(description="A user of that organization.")


@strawberry.input(description="The active user to suspend (R-ACCESS-11).")
class SuspendUserInput(MemberInput):
    pass


@strawberry.input(description="The suspended user to restore.")
class RestoreUserInput(MemberInput):
    pass


@strawberry.input(description="The user to remove from the directory.")
class RemoveUserFromOrganizationInput(MemberInput):
    pass


@strawberry.type(description="The result of suspendUser.")
class SuspendUserPayload(Payload):
    user: nodes.User | None = strawberry.field(default=None, description=CHANGED_USER)


@strawberry.type(description="The result of restoreUser.")
class RestoreUserPayload(Payload):
    user: nodes.User | None = strawberry.field(default=None, description=CHANGED_USER)


@strawberry.type(description="The result of removeUserFromOrganization.")
class RemoveUserFromOrganizationPayload(Payload):
    removed_user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The id of the directory entry that was removed.",
    )


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Suspend a user: they keep their groups and roles but hold no access or "
        "rights until restored (R-ACCESS-11); the last active organization admin stays "
        "(R-ROLE-3). Only an active user. " + STATUS_FEATURES,
        extensions=[STATUS_GUARD],
    )
    async def suspend_user(
        self, info: Ctx, input: Annotated[SuspendUserInput, INPUT]
    ) -> SuspendUserPayload:
        ctx, (user, watching) = info.context, await _member(info, input)
        done = await run(info, input, lambda: membership.suspend_user(ctx, user), ROW, watching)
        return answer(SuspendUserPayload, input, done, user=await user_node(ctx, done.result))

    @strawberry.mutation(
        description="Restore a suspended user, with the groups and roles they kept. "
        + STATUS_FEATURES,
        extensions=[STATUS_GUARD],
    )
    async def restore_user(
        self, info: Ctx, input: Annotated[RestoreUserInput, INPUT]
    ) -> RestoreUserPayload:
        ctx, (user, watching) = info.context, await _member(info, input)
        done = await run(info, input, lambda: membership.restore_user(ctx, user), ROW, watching)
        return answer(RestoreUserPayload, input, done, user=await user_node(ctx, done.result))

    @strawberry.mutation(
        description="Remove a user from the organization's directory, with their group "
        "memberships and admin roles; the last active organization admin stays (R-ROLE-3). "
        "Feature: add_remove_users_from_products on the organization.",
        extensions=[
            guard(FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS, on=targets.input_member_organization)
        ],
    )
    async def remove_user_from_organization(
        self, info: Ctx, input: Annotated[RemoveUserFromOrganizationInput, INPUT]
    ) -> RemoveUserFromOrganizationPayload:
        ctx, (user, watching) = info.context, await _member(info, input)
        done = await run(info, input, lambda: membership.remove_user(ctx, user), REMOVED, watching)
        removed = done.then(lambda pk: strawberry.ID(encode("User", pk)))
        return answer(RemoveUserFromOrganizationPayload, input, done, removed_user_id=removed)


ROW = row(OrgUser)


async def _member(info: Ctx, input: MemberInput) -> tuple[OrgUser, Watch]:
    """The input's user, once the actor may change the roles the change makes them stop or
    start holding, and the watch of the change (R-REACH-1)."""
    ctx = info.context
    user = await targets.input_member(ctx, input)
    await require_holder_reach(ctx, user, CHANGES[info.field_name])
    return user, await guarded(ctx, these([user.id]), user.organization_id)
