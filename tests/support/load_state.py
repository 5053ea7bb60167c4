"""The load test's view of one organization's rows (tests/operations/test_load_invariants.py): the
assignments the load changes, the audit log replayed over them, and the organization as the
effective-access property test's reference model sees it."""

from dataclasses import dataclass, field
from typing import Any

from models.admin_role import RoleAssignment
from models.audit import AuditEvent
from models.directory import Account, OrgUser
from models.group import DefaultGroup, Group, GroupMembership, GroupProductRole
from models.organization import Organization
from models.product import ProductInstance
from permissions.auth import issue_personal_token
from tests.resolvers.test_effective_access_properties import Built, GroupSpec, OrgSpec, UserSpec
from tests.support.factories import gid

Membership = tuple[int, int]  # (group, user)
GroupRole = tuple[int, int, str]  # (group, product instance, role)
AdminRoleHeld = tuple[int, str, int]  # (user, role, scope id)


@dataclass
class Assignments:
    """What grants, revocations, membership changes and admin role changes can change."""

    memberships: set[Membership] = field(default_factory=set)
    group_roles: set[GroupRole] = field(default_factory=set)
    admin_roles: set[AdminRoleHeld] = field(default_factory=set)


async def assignments_of(organization_id: int) -> Assignments:
    groups = Group.filter(organization_id=organization_id).values_list("id", flat=True)
    group_ids = list(await groups)
    memberships = await GroupMembership.filter(group_id__in=group_ids).values_list(
        "group_id", "user_id"
    )
    roles = await GroupProductRole.filter(group_id__in=group_ids).values_list(
        "group_id", "product_instance_id", "role"
    )
    admin_roles = await RoleAssignment.filter(organization_id=organization_id).values_list(
        "user_id", "role", "scope_ref"
    )
    return Assignments(
        {(g, u) for g, u in memberships},
        {(g, i, str(r)) for g, i, r in roles},
        {(u, _value(r), s) for u, r, s in admin_roles},
    )


def _value(role: Any) -> str:
    return str(getattr(role, "value", role))


async def events_after(organization_id: int, last_id: int) -> list[AuditEvent]:
    found = AuditEvent.filter(organization_id=organization_id, id__gt=last_id).order_by("id")
    return list(await found)


async def last_event_id() -> int:
    last = await AuditEvent.all().order_by("-id").first()
    return last.id if last is not None else 0


class ReplayError(AssertionError):
    pass


def replay(start: Assignments, events: list[AuditEvent]) -> Assignments:
    """Apply each event to the starting rows, in order. Each must be a change: adding what is
    not there or removing what is; anything else means an event without its change."""
    state = Assignments(set(start.memberships), set(start.group_roles), set(start.admin_roles))
    for event in events:
        target = int(event.target_id)
        if event.action in ("group.member_add", "group.member_remove"):
            change: Any = (target, int((event.after or event.before or {})["userId"]))
            _apply(state.memberships, change, event.action.endswith("add"), event)
        elif event.action in ("group.product_role_grant", "group.product_role_revoke"):
            values = event.after or event.before or {}
            change = (target, int(values["productInstanceId"]), str(values["role"]))
            _apply(state.group_roles, change, event.action.endswith("grant"), event)
        elif event.action in ("admin_role.assign", "admin_role.revoke"):
            values = event.after or event.before or {}
            change = (target, str(values["role"]), int(str(values["scope"]).split(":")[1]))
            _apply(state.admin_roles, change, event.action.endswith("assign"), event)
        else:
            raise ReplayError(f"event {event.id}: unexpected action {event.action}")
    return state


def _apply(rows: set[Any], change: Any, adding: bool, event: AuditEvent) -> None:
    if adding == (change in rows):
        verb = "adds what is there" if adding else "removes what is not there"
        raise ReplayError(f"event {event.id} ({event.action} {change}) {verb}")
    if adding:
        rows.add(change)
    else:
        rows.discard(change)


async def as_reference(organization: Organization, reader: Account) -> tuple[OrgSpec, Built]:
    """The organization's final rows as the reference model's organization (CENTRALIZED, one
    site, as the load test builds it), and what reading it over the API needs."""
    instances = await ProductInstance.filter(organization_id=organization.id).order_by("id")
    users = await (
        OrgUser.filter(organization_id=organization.id).order_by("id").select_related("account")
    )
    accounts = [user.account for user in users]
    groups = await Group.filter(organization_id=organization.id).order_by("id")
    held = await assignments_of(organization.id)
    defaults = await DefaultGroup.filter(group_id__in=[g.id for g in groups]).values_list(
        "group_id", "product_instance_id", "role"
    )
    instance_at = {instance.id: index for index, instance in enumerate(instances)}
    user_at = {user.id: index for index, user in enumerate(users)}
    spec = OrgSpec(
        experience=_value(organization.experience),
        sites=1,
        instances=tuple((0, i.product_id) for i in instances),
        users=tuple(
            UserSpec(_value(a.account_type), _value(u.status))
            for u, a in zip(users, accounts, strict=True)
        ),
        groups=tuple(
            GroupSpec(
                site=None,
                roles=frozenset((instance_at[i], r) for g, i, r in held.group_roles if g == gr.id),
                defaults=frozenset((instance_at[i], str(r)) for g, i, r in defaults if g == gr.id),
                members=frozenset(user_at[u] for g, u in held.memberships if g == gr.id),
            )
            for gr in groups
        ),
        admin_roles=frozenset(
            (user_at[u], role, 0 if role == "ORG_ADMIN" else instance_at[scope])
            for u, role, scope in held.admin_roles
        ),
    )
    built = Built(
        spec=spec,
        org=organization,
        accounts=accounts,
        instance_ids=[gid("ProductInstance", i.id) for i in instances],
        user_ids=[gid("User", u.id) for u in users],
        emails=[a.email for a in accounts],
        group_names=[g.name for g in groups],
        token=await issue_personal_token(reader, "load-check", lifetime=None),
    )
    return spec, built
