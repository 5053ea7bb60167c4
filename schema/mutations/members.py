"""suspendUser, restoreUser (R-ACCESS-11), removeUserFromOrganization."""

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from strawberry.types import Info

from models.directory import OrgUser
from permissions.guards import guard, picking_guard
from resolvers import membership
from resolvers.access_diff import these
from resolvers.actor_reach import require_holder_reach
from resolvers.context import Context
from schema import nodes, targets
from schema.ids import encode
from schema.mutations.common import (
    CHANGED_USER,
    INPUT,
    MutationInput,
    Payload,
    UserError,
    guarded,
    run,
    run_row,
    user_node,
)

Ctx = Info[Context, None]
STATUS_GUARD = picking_guard("user_status", targets.STATUS_FEATURES, targets.input_member_status)
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
        user, errors = await _status(info.context, "suspendUser", input, membership.suspend_user)
        return SuspendUserPayload(
            client_mutation_id=input.client_mutation_id, user=user, errors=errors
        )

    @strawberry.mutation(
        description="Restore a suspended user, with the groups and roles they kept. "
        + STATUS_FEATURES,
        extensions=[STATUS_GUARD],
    )
    async def restore_user(
        self, info: Ctx, input: Annotated[RestoreUserInput, INPUT]
    ) -> RestoreUserPayload:
        user, errors = await _status(info.context, "restoreUser", input, membership.restore_user)
        return RestoreUserPayload(
            client_mutation_id=input.client_mutation_id, user=user, errors=errors
        )

    @strawberry.mutation(
        description="Remove a user from the organization's directory, with their group "
        "memberships and admin roles; the last active organization admin stays (R-ROLE-3). "
        "Feature: add_remove_users_from_products on the organization.",
        extensions=[guard("add_remove_users_from_products", targets.input_member_organization)],
    )
    async def remove_user_from_organization(
        self, info: Ctx, input: Annotated[RemoveUserFromOrganizationInput, INPUT]
    ) -> RemoveUserFromOrganizationPayload:
        removed, errors = await _remove(info.context, input)
        return RemoveUserFromOrganizationPayload(
            client_mutation_id=input.client_mutation_id,
            removed_user_id=strawberry.ID(encode("User", removed)) if removed else None,
            errors=errors,
        )


async def _status(
    ctx: Context,
    mutation: str,
    input: MemberInput,
    resolver: Callable[[Context, OrgUser], Awaitable[OrgUser]],
) -> tuple[nodes.User | None, list[UserError]]:
    user = await targets.input_member(ctx, input)
    await require_holder_reach(ctx, user, CHANGES[mutation])
    watching = await guarded(ctx, these([user.id]), user.organization_id)
    done, errors = await run_row(
        ctx, mutation, input, lambda: resolver(ctx, user), OrgUser, watching
    )
    return await user_node(ctx, done), errors


async def _remove(
    ctx: Context, input: RemoveUserFromOrganizationInput
) -> tuple[int | None, list[UserError]]:
    user = await targets.input_member(ctx, input)
    await require_holder_reach(ctx, user, CHANGES["removeUserFromOrganization"])
    watching = await guarded(ctx, these([user.id]), user.organization_id)

    async def work() -> int:
        return await membership.remove_user(ctx, user)

    async def replay(ids: list[int]) -> int:
        return ids[0]

    return await run(ctx, "removeUserFromOrganization", input, work, _one_id, replay, watching)


def _one_id(user_id: int) -> list[int]:
    return [user_id]
