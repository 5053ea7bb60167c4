"""Groups: provisioned groups are the organization's groups; their members hold the groups'
product roles (R-ACCESS-1). Every change goes through the admin API's functions
(resolvers/groups.py, resolvers/group_members.py), so the same rules hold: portal-only
customers join no group that gives a product (R-ACCESS-6), org-admins is untouched (R-ROLE-15).

In an ORIGINAL organization a group belongs to a site, and SCIM names none: there the endpoint
serves the organization's existing groups (read, rename, members) and refuses to create or
delete one (400 mutability); site groups are created with createGroup."""

from collections.abc import Sequence
from typing import Any

from scim2_models import Meta, Reference

from models.enums import Experience
from models.group import Group as GroupRow
from models.group import GroupMembership
from models.provisioning import ScimGroup
from permissions.matrix import FeatureId
from resolvers import group_members, groups
from resolvers.audit import record
from resolvers.errors import DomainError, ErrorCode
from scim.directory import Directory, parse_id
from scim.errors import ScimError, invalid_value, not_found
from scim.resources import Group, Member

CHUNK = group_members.MAX_USERS  # the admin API's bulk limit, applied per call


async def load_group(d: Directory, text: str) -> GroupRow:
    group = await GroupRow.get_or_none(
        id=parse_id(text, "group"), organization_id=d.organization.id
    )
    if group is None:
        raise not_found("group")
    return group


async def resources(d: Directory, rows: list[GroupRow], with_members: bool = True) -> list[Group]:
    ids = [g.id for g in rows]
    external = {s.group_id: s.external_id for s in await ScimGroup.filter(group_id__in=ids)}
    members: dict[int, list[Member]] = {}
    if with_members:
        query = GroupMembership.filter(group_id__in=ids).order_by("id")
        for row in await query:
            ref: Reference[Any] = Reference(d.location("Users", row.user_id))
            members.setdefault(row.group_id, []).append(Member(value=str(row.user_id), ref=ref))
    return [
        Group(
            id=str(g.id),
            external_id=external.get(g.id),
            display_name=g.name,
            members=members.get(g.id),
            meta=Meta(
                resource_type="Group",
                created=g.created_at,
                location=d.location("Groups", g.id),
            ),
        )
        for g in rows
    ]


def _refuse_in_original(d: Directory, verb: str) -> None:
    if d.organization.experience is Experience.ORIGINAL:
        raise ScimError(
            400,
            f"In the ORIGINAL experience groups belong to a site: SCIM does not {verb} them "
            "(use createGroup or deleteGroup); it manages the members of existing groups.",
            "mutability",
        )


def _member_ids(resource: Group) -> list[int]:
    found = []
    for member in resource.members or []:
        text = str(member.value or "")
        if not text.isdigit() or len(text) > 9:
            raise invalid_value(f"No user '{text}' in this organization.")
        found.append(int(text))
    return list(dict.fromkeys(found))


async def create_group(d: Directory, resource: Group) -> GroupRow:
    _refuse_in_original(d, "create")
    if not resource.display_name:
        raise invalid_value("displayName is required.")
    group = await groups.create_group(d.ctx, d.organization, None, resource.display_name, "")
    await _save_external_id(d, group, resource.external_id)
    await _set_members(d, group, _member_ids(resource))
    return group


async def replace_group(d: Directory, group: GroupRow, resource: Group) -> GroupRow:
    """PUT, and a PATCH once applied: the name, the externalId and the members become what
    the resource says."""
    if not resource.display_name:
        raise invalid_value("displayName is required.")
    if resource.display_name != group.name:
        group = await groups.update_group(d.ctx, group, resource.display_name, None)
    await _save_external_id(d, group, resource.external_id)
    await _set_members(d, group, _member_ids(resource))
    return await GroupRow.get(id=group.id)


async def _save_external_id(d: Directory, group: GroupRow, external_id: str | None) -> None:
    row = await ScimGroup.get_or_none(group_id=group.id)
    before = row.external_id if row else None
    if before == external_id:
        return
    if row is None:
        await ScimGroup.create(
            organization_id=d.organization.id, group_id=group.id, external_id=external_id
        )
    else:
        await ScimGroup.filter(id=row.id).update(external_id=external_id)
    await record(
        d.ctx,
        organization_id=d.organization.id,
        action="scim.group_update",
        target_type="Group",
        target_id=group.id,
        rule=FeatureId.USER_PROVISIONING,
        before={"externalId": before},
        after={"externalId": external_id},
    )


async def _set_members(d: Directory, group: GroupRow, wanted: list[int]) -> None:
    """Adds and removes through addGroupMembers and removeGroupMembers, in their bulk size."""
    rows = await GroupMembership.filter(group_id=group.id).values("user_id")
    present = {int(row["user_id"]) for row in rows}
    adding = [pk for pk in wanted if pk not in present]
    removing = sorted(present - set(wanted))
    try:
        for ids in _chunks(adding):
            await group_members.add_group_members(d.ctx, group, ids)
        for ids in _chunks(removing):
            await group_members.remove_group_members(d.ctx, group, ids)
    except DomainError as error:
        if any(p.code is ErrorCode.INVALID_INPUT for p in error.problems):
            raise invalid_value("A member is not a user of this organization.") from None
        raise


def _chunks(ids: Sequence[int]) -> list[list[int | None]]:
    return [list(ids[i : i + CHUNK]) for i in range(0, len(ids), CHUNK)]


async def delete_group(d: Directory, group: GroupRow) -> None:
    """deleteGroup: refused for org-admins and for a product's last default group."""
    _refuse_in_original(d, "delete")
    await groups.delete_group(d.ctx, group)
