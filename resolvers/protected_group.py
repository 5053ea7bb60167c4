"""The org-admins group (R-ROLE-15), in one place: what of it may change and by whom, and
which names are reserved for it. docs/accounts-and-groups.md says why."""

from collections.abc import Sequence
from enum import StrEnum

from models.enums import AdminRole
from models.group import ORG_ADMINS_GROUP, Group
from permissions.matrix import MAKE_ROLE_FEATURE
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode, Problem, refuse
from resolvers.identity import skeleton
from resolvers.targets import organization_target

RESERVED_SKELETON = skeleton(ORG_ADMINS_GROUP)


class GroupChange(StrEnum):
    """What a group mutation changes of a group."""

    RENAME = "RENAME"
    DESCRIBE = "DESCRIBE"
    DELETE = "DELETE"
    MEMBERS = "MEMBERS"
    PRODUCT_ROLES = "PRODUCT_ROLES"
    DEFAULT_GROUP = "DEFAULT_GROUP"


# Why each change of org-admins is refused (R-ROLE-15); `{}` is the group's name.
PROTECTED_REASONS = {
    GroupChange.RENAME: "The '{}' group mirrors the organization admins and can't be renamed.",
    GroupChange.DESCRIBE: "Only organization admins may describe the '{}' group.",
    GroupChange.DELETE: "The '{}' group mirrors the organization admins and can't be deleted.",
    GroupChange.MEMBERS: "Membership of '{}' follows the organization admin role: use "
    "assignAdminRole or revokeAdminRole.",
    GroupChange.PRODUCT_ROLES: "'{}' holds no product roles of its own: organization admins "
    "hold every product through their role (R-ROLE-4).",
    GroupChange.DEFAULT_GROUP: "'{}' can never be a default group.",
}


async def refuse_protected(ctx: Context, changes: Sequence[tuple[Group, GroupChange, str]]) -> None:
    """R-ROLE-15 in one place: every group mutation names here what it changes of which group
    (and the input field that asks for it), before anything else. org-admins is the system's
    mirror of the organization admin role: its name, existence, members, product roles and
    default-group status follow from the role, so no one changes them through a group
    mutation; its description is the organization admins' own, so only those who may make
    organization admins (R-ROLE-2) change it."""
    problems = []
    for group, change, field in changes:
        if not group.protected:
            continue
        if change is GroupChange.DESCRIBE and await _may_make_org_admins(ctx, group):
            continue
        reason = PROTECTED_REASONS[change].format(group.name)
        problems.append(Problem(ErrorCode.PROTECTED_GROUP, reason, field, "R-ROLE-15"))
    if problems:
        raise DomainError(*problems)


async def _may_make_org_admins(ctx: Context, group: Group) -> bool:
    target = await organization_target(ctx, group.organization_id)
    return ctx.decide(MAKE_ROLE_FEATURE[AdminRole.ORG_ADMIN], target).allowed


def refuse_reserved_name(key: str, field: str) -> None:
    """`key` (a folded group name) must not read like `org-admins`: other cases, fullwidth
    letters or Unicode hyphens (folded already), Cyrillic or Greek lookalike letters (the
    skeleton of resolvers/identity.py)."""
    if skeleton(key) == RESERVED_SKELETON:
        raise refuse(
            ErrorCode.PROTECTED_GROUP,
            f"'{ORG_ADMINS_GROUP}' (or a name that reads like it) is reserved for the "
            "organization admins' group.",
            field=field,
            rule="R-ROLE-15",
        )
