"""Groups: creating, renaming and deleting them (R-ROLE-15), and the plain writers the demo
data and the group mutations share. Members: resolvers/group_members.py; product roles and
default groups: resolvers/group_access.py."""

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from models.directory import OrgUser
from models.enums import Experience
from models.group import DefaultGroup, Group, GroupMembership, GroupProductRole
from models.organization import Organization
from models.product import ProductInstance
from permissions.errors import NotFound
from permissions.matrix import FeatureId
from resolvers.audit import record
from resolvers.catalog import product_name
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode, Problem, refuse
from resolvers.identity import fold
from resolvers.protected_group import GroupChange, refuse_protected, refuse_reserved_name
from resolvers.validation import clean_name

MAX_DESCRIPTION = 1000
MAX_NAME = 255


async def lock_groups(ids: list[int]) -> list[Group]:
    """Row locks on PostgreSQL, in id order (SQLite has one writer): member and product role
    changes of one group are serialized, so the checks below can't race (R-ACCESS-6)."""
    wanted = sorted(set(ids))
    locked = await Group.select_for_update().filter(id__in=wanted).order_by("id")
    if len(locked) != len(wanted):
        raise NotFound("No such group.")  # deleted by a concurrent request
    return locked


async def lock_instances(ids: set[int]) -> dict[int, ProductInstance]:
    """Taken before any group lock, so two mutations never wait on each other in a circle."""
    rows = await ProductInstance.select_for_update().filter(id__in=sorted(ids)).order_by("id")
    return {row.id: row for row in rows}


async def create_group(
    ctx: Context, organization: Organization, site_id: int | None, name: str, description: str
) -> Group:
    """Organization-level in CENTRALIZED (site_id None), site-level in ORIGINAL."""
    named, description = group_name(name), group_description(description)
    await _check_scope(ctx, organization, site_id)
    scope_ref = site_id or 0
    await _ensure_unique(organization.id, scope_ref, named)
    try:
        group = await Group.create(
            organization=organization,
            site_id=site_id,
            scope_ref=scope_ref,
            name=named.shown,
            name_key=named.key,
            description=description,
        )
    except IntegrityError:  # the same name, created by a concurrent request
        raise _duplicate(named.shown) from None
    await record(
        ctx,
        organization_id=organization.id,
        action="group.create",
        target_type="Group",
        target_id=group.id,
        rule=FeatureId.CREATE_OR_MODIFY_GROUP,
        after={"name": named.shown, "description": description, "siteId": site_id},
    )
    return group


@dataclass(frozen=True)
class GroupName:
    """A group name as shown, and as compared (resolvers/identity.py)."""

    shown: str
    key: str


def name_key(name: str, field: str = "name") -> str:
    """The unique key of a group name: names that read alike are one name per scope."""
    key = fold(name, field)
    if len(key) > MAX_NAME:
        raise refuse(
            ErrorCode.INVALID_INPUT, f"'{field}' must be at most {MAX_NAME} characters.", field
        )
    return key


def group_name(value: str, field: str = "name") -> GroupName:
    """`org-admins` names only the group that mirrors the organization admins (R-ROLE-15);
    whatever reads like it is refused too: other cases, fullwidth or Unicode hyphens, Cyrillic
    or Greek lookalike letters (the skeleton of resolvers/identity.py), invisible characters."""
    name = clean_name(value, field, MAX_NAME)
    key = name_key(name, field)
    refuse_reserved_name(key, field)
    return GroupName(name, key)


def group_description(value: str) -> str:
    text = value.strip()
    if len(text) > MAX_DESCRIPTION or any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"'description' must be at most {MAX_DESCRIPTION} printable characters.",
            field="description",
        )
    return text


async def _check_scope(ctx: Context, organization: Organization, site_id: int | None) -> None:
    """CENTRALIZED groups belong to the organization, ORIGINAL groups to one of its sites."""
    if organization.experience is Experience.CENTRALIZED and site_id is not None:
        raise refuse(
            ErrorCode.INVALID_INPUT,
            "In the CENTRALIZED experience groups belong to the organization: leave siteId out.",
            field="siteId",
        )
    if organization.experience is Experience.ORIGINAL:
        site = await ctx.loaders.site.load(site_id) if site_id is not None else None
        if site is None or site.organization_id != organization.id:
            raise refuse(
                ErrorCode.INVALID_INPUT,
                "In the ORIGINAL experience a group belongs to a site of this organization: "
                "give its siteId.",
                field="siteId",
            )


async def _ensure_unique(
    organization_id: int, scope_ref: int, named: GroupName, other_than: int | None = None
) -> None:
    """Unique per scope in the compared form: `Support`, `support` and a fullwidth `support`
    are one name."""
    query = Group.filter(organization_id=organization_id, scope_ref=scope_ref, name_key=named.key)
    if other_than is not None:
        query = query.exclude(id=other_than)
    if await query.exists():
        raise _duplicate(named.shown)


def _duplicate(name: str) -> DomainError:
    return refuse(ErrorCode.DUPLICATE, f"A group named '{name}' exists here.", field="name")


async def update_group(
    ctx: Context, group: Group, name: str | None, description: str | None
) -> Group:
    """Rename or describe a group (org-admins: see `refuse_protected`). A field left out, or
    sent with its current value, is no change and writes no audit event."""
    changes: dict[str, str] = {}
    named = None if name is None or name.strip() == group.name else group_name(name)
    if named is not None:
        changes["name"] = named.shown
    if description is not None:
        changes["description"] = group_description(description)
    (locked,) = await lock_groups([group.id])
    before = {key: getattr(locked, key) for key in changes}
    changed = {key: value for key, value in changes.items() if before[key] != value}
    await refuse_protected(
        ctx,
        [
            (locked, GroupChange.RENAME if key == "name" else GroupChange.DESCRIBE, key)
            for key in changed
        ],
    )
    if not changed:
        return locked
    if named is not None and "name" in changed:
        await _ensure_unique(locked.organization_id, locked.scope_ref, named, group.id)
    await _save(locked, changed, named)
    await record(
        ctx,
        organization_id=locked.organization_id,
        action="group.update",
        target_type="Group",
        target_id=locked.id,
        rule=FeatureId.CREATE_OR_MODIFY_GROUP,
        before={key: before[key] for key in changed},
        after=changed,
    )
    return locked


async def _save(group: Group, changed: dict[str, str], named: GroupName | None) -> None:
    for key, value in changed.items():
        setattr(group, key, value)
    fields = list(changed)
    if named is not None and "name" in changed:
        group.name_key = named.key
        fields.append("name_key")
    try:
        await group.save(update_fields=fields)
    except IntegrityError:
        raise _duplicate(changed["name"]) from None


async def delete_group(ctx: Context, group: Group) -> int:
    """Delete a group with its memberships and product roles (the foreign keys cascade); the
    audit event lists what went with it. Refused for org-admins and for the last default group
    of a product role (R-ROLE-15, R-ACCESS-3)."""
    await refuse_protected(ctx, [(group, GroupChange.DELETE, "groupId")])
    defaults = await DefaultGroup.filter(group_id=group.id)
    instances = await lock_instances({d.product_instance_id for d in defaults})
    (locked,) = await lock_groups([group.id])
    await _refuse_last_default(locked, instances)
    before = await _contents(locked)
    await locked.delete()
    await record(
        ctx,
        organization_id=locked.organization_id,
        action="group.delete",
        target_type="Group",
        target_id=locked.id,
        rule=FeatureId.CREATE_OR_MODIFY_GROUP,
        before=before,
    )
    return group.id


async def _refuse_last_default(group: Group, instances: dict[int, ProductInstance]) -> None:
    """Every product role keeps a default group: granting it to a user adds the user there."""
    problems = []
    # Read again under the locks: a default group set meanwhile counts too.
    for default in await DefaultGroup.filter(group_id=group.id).order_by("id"):
        others = DefaultGroup.filter(
            product_instance_id=default.product_instance_id, role=default.role
        ).exclude(group_id=group.id)
        if not await others.exists():
            pk = default.product_instance_id
            instance = instances.get(pk) or await ProductInstance.get(id=pk)
            problems.append(last_default_problem(group, instance, default.role, "groupId"))
    if problems:
        raise DomainError(*problems)


def last_default_problem(group: Group, instance: ProductInstance, role: str, field: str) -> Problem:
    """R-ACCESS-3 needs a default group per product role; INVALID_INPUT, as nothing about the
    group itself forbids it (PROTECTED_GROUP is org-admins' own code)."""
    return Problem(
        ErrorCode.INVALID_INPUT,
        f"'{group.name}' is the only default group for {role} on {product_name(instance)}: "
        "make another group a default group for that role first.",
        field,
        "R-ACCESS-3",
    )


async def _contents(group: Group) -> dict[str, Any]:
    members = GroupMembership.filter(group_id=group.id).order_by("user_id")
    roles = GroupProductRole.filter(group_id=group.id).order_by("product_instance_id", "role")
    defaults = DefaultGroup.filter(group_id=group.id).order_by("product_instance_id", "role")
    return {
        "name": group.name,
        "description": group.description,
        "siteId": group.site_id,
        "memberIds": list(await members.values_list("user_id", flat=True)),
        "productRoles": [_grant(r) for r in await roles],
        "defaultFor": [_grant(d) for d in await defaults],
    }


def _grant(row: GroupProductRole | DefaultGroup) -> dict[str, Any]:
    return {"productInstanceId": row.product_instance_id, "role": row.role}


async def add_members(ctx: Context, group: Group, users: list[OrgUser]) -> None:
    """Join users to a group, one audit event per new member; existing members are left as
    they are. The addGroupMembers mutation checks its rules before calling this."""
    for user in users:
        _, created = await GroupMembership.get_or_create(group=group, user=user)
        if created:
            await record(
                ctx,
                organization_id=group.organization_id,
                action="group.member_add",
                target_type="Group",
                target_id=group.id,
                rule=FeatureId.ADD_REMOVE_USERS_FROM_GROUP,
                after={"userId": user.id},
            )


async def grant_group_role(
    ctx: Context, group: Group, instance: ProductInstance, role: str, rule: str
) -> GroupProductRole:
    grant = await GroupProductRole.create(group=group, product_instance=instance, role=role)
    await record(
        ctx,
        organization_id=group.organization_id,
        action="group.product_role_grant",
        target_type="Group",
        target_id=group.id,
        rule=rule,
        after={"productInstanceId": instance.id, "role": role},
    )
    return grant
