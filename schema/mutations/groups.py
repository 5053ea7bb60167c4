"""createGroup, updateGroup, deleteGroup, addGroupMembers, removeGroupMembers."""

from collections.abc import Sequence
from typing import Annotated

import strawberry
from strawberry.types import Info

from models.group import Group
from permissions.errors import NotFound
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import group_members, groups
from resolvers import targets as find
from resolvers.access_diff import members_of, these
from resolvers.context import Context
from resolvers.receipts import REMOVED, row
from resolvers.targets import visible_organization
from schema import nodes, targets
from schema.ids import decode, encode
from schema.mutations.common import (
    INPUT,
    AccessChangeInput,
    AccessChangePayload,
    MutationInput,
    Payload,
    answer,
    run,
    watch,
)
from schema.targets import Input

Ctx = Info[Context, None]


@strawberry.input(description="A new group.")
class CreateGroupInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(description="The group's organization.")
    site_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="ORIGINAL: the site the group belongs to (required). CENTRALIZED: leave "
        "it out, groups belong to the organization.",
    )
    name: str = strawberry.field(description="Unique per organization or site, ignoring case.")
    description: str = strawberry.field(
        default="", description="What the group is for; empty when left out."
    )


@strawberry.input(description="A group's new name or description.")
class UpdateGroupInput(MutationInput):
    group_id: strawberry.ID = strawberry.field(description="The group to change.")
    name: str | None = strawberry.field(default=None, description="Left out: unchanged.")
    description: str | None = strawberry.field(default=None, description="Left out: unchanged.")


@strawberry.input(description="The group to delete.")
class DeleteGroupInput(AccessChangeInput):
    group_id: strawberry.ID = strawberry.field(
        description="Not org-admins, nor the last default group of a product role."
    )


USER_IDS = "1 to 100 users. All or nothing: an error names its item (userIds.2)."


@strawberry.input(description="Users to add to a group.")
class AddGroupMembersInput(AccessChangeInput):
    group_id: strawberry.ID = strawberry.field(description="The group; not org-admins.")
    user_ids: list[strawberry.ID] = strawberry.field(description=USER_IDS)


@strawberry.input(description="Users to remove from a group.")
class RemoveGroupMembersInput(AccessChangeInput):
    group_id: strawberry.ID = strawberry.field(description="The group; not org-admins.")
    user_ids: list[strawberry.ID] = strawberry.field(description=USER_IDS)


@strawberry.type(description="The result of createGroup.")
class CreateGroupPayload(Payload):
    group: nodes.Group | None = strawberry.field(
        default=None, description="The new group; null when refused."
    )


@strawberry.type(description="The result of updateGroup.")
class UpdateGroupPayload(Payload):
    group: nodes.Group | None = strawberry.field(
        default=None, description="The group as changed; null when refused."
    )


@strawberry.type(description="The result of deleteGroup.")
class DeleteGroupPayload(AccessChangePayload):
    deleted_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the deleted group; null when refused."
    )


@strawberry.type(description="The result of addGroupMembers.")
class AddGroupMembersPayload(AccessChangePayload):
    group: nodes.Group | None = strawberry.field(
        default=None,
        description="The group with its members after the change (unchanged after a dry run); null "
        "when refused.",
    )


@strawberry.type(description="The result of removeGroupMembers.")
class RemoveGroupMembersPayload(AccessChangePayload):
    group: nodes.Group | None = strawberry.field(
        default=None,
        description="The group with its members after the change (unchanged after a dry run); null "
        "when refused.",
    )


def decode_each(ids: Sequence[strawberry.ID], type_name: str) -> list[int | None]:
    """Bulk inputs report an id that names nothing at its index, as a payload error; a
    malformed id is still BAD_USER_INPUT."""
    found: list[int | None] = []
    for global_id in ids:
        try:
            found.append(decode(global_id, type_name))
        except NotFound:
            found.append(None)
    return found


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Create a group: organization-level in CENTRALIZED, on a site in "
        "ORIGINAL. Feature: create_or_modify_group.",
        extensions=[guard(FeatureId.CREATE_OR_MODIFY_GROUP, on=targets.input_group_scope)],
    )
    async def create_group(
        self, info: Ctx, input: Annotated[CreateGroupInput, INPUT]
    ) -> CreateGroupPayload:
        ctx = info.context
        org = await visible_organization(ctx, decode(input.organization_id, "Organization"))
        site_id = decode(input.site_id, "Site") if input.site_id is not None else None
        done = await run(
            info,
            input,
            lambda: groups.create_group(ctx, org, site_id, input.name, input.description),
            row(Group),
        )
        return answer(CreateGroupPayload, input, done, group=done.then(nodes.Group.of))

    @strawberry.mutation(
        description="Rename a group or change its description; org-admins keeps its name "
        "(R-ROLE-15). Feature: create_or_modify_group.",
        extensions=[guard(FeatureId.CREATE_OR_MODIFY_GROUP, on=Input("groupId"))],
    )
    async def update_group(
        self, info: Ctx, input: Annotated[UpdateGroupInput, INPUT]
    ) -> UpdateGroupPayload:
        ctx = info.context
        found = await find.visible_group(ctx, decode(input.group_id, "Group"))
        done = await run(
            info,
            input,
            lambda: groups.update_group(ctx, found, input.name, input.description),
            row(Group),
        )
        return answer(UpdateGroupPayload, input, done, group=done.then(nodes.Group.of))

    @strawberry.mutation(
        description="Delete a group with its memberships and product roles; not org-admins "
        "nor the last default group of a product role (R-ROLE-15, R-ACCESS-3). "
        "Feature: create_or_modify_group.",
        extensions=[guard(FeatureId.CREATE_OR_MODIFY_GROUP, on=Input("groupId"))],
    )
    async def delete_group(
        self, info: Ctx, input: Annotated[DeleteGroupInput, INPUT]
    ) -> DeleteGroupPayload:
        ctx = info.context
        found = await find.visible_group(ctx, decode(input.group_id, "Group"))

        watching = await watch(info, input, members_of([found.id]), found.organization_id)
        done = await run(info, input, lambda: groups.delete_group(ctx, found), REMOVED, watching)
        deleted = done.then(lambda pk: strawberry.ID(encode("Group", pk)))
        return answer(DeleteGroupPayload, input, done, deleted_group_id=deleted)

    @strawberry.mutation(
        description="Add users to a group; members already in it are left as they are. "
        "Not org-admins (its members follow the organization admin role). "
        "Feature: add_remove_users_from_group.",
        extensions=[guard(FeatureId.ADD_REMOVE_USERS_FROM_GROUP, on=Input("groupId"))],
    )
    async def add_group_members(
        self, info: Ctx, input: Annotated[AddGroupMembersInput, INPUT]
    ) -> AddGroupMembersPayload:
        ctx = info.context
        found = await find.visible_group(ctx, decode(input.group_id, "Group"))
        user_ids = decode_each(input.user_ids, "User")
        watching = await watch(info, input, these(user_ids), found.organization_id)
        done = await run(
            info,
            input,
            lambda: group_members.add_group_members(ctx, found, user_ids),
            row(Group),
            watching,
        )
        return answer(AddGroupMembersPayload, input, done, group=done.then(nodes.Group.of))

    @strawberry.mutation(
        description="Remove users from a group; users not in it are no change. Not "
        "org-admins (its members follow the organization admin role). "
        "Feature: add_remove_users_from_group.",
        extensions=[guard(FeatureId.ADD_REMOVE_USERS_FROM_GROUP, on=Input("groupId"))],
    )
    async def remove_group_members(
        self, info: Ctx, input: Annotated[RemoveGroupMembersInput, INPUT]
    ) -> RemoveGroupMembersPayload:
        ctx = info.context
        found = await find.visible_group(ctx, decode(input.group_id, "Group"))
        user_ids = decode_each(input.user_ids, "User")
        watching = await watch(info, input, these(user_ids), found.organization_id)
        done = await run(
            info,
            input,
            lambda: group_members.remove_group_members(ctx, found, user_ids),
            row(Group),
            watching,
        )
        return answer(RemoveGroupMembersPayload, input, done, group=done.then(nodes.Group.of))
