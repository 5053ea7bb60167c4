"""Reading effective access: a user's product access, their billing per product, and the
explanation of one user's access to one product instance (resolvers/effective_access.py).

Each reads through the request's DataLoaders, so a page of users costs the same statements as
one user. A viewer whose roles are SCOPED sees only the entries inside their scope, as they see
only the groups inside it; everyone sees all of their own.
"""

from dataclasses import dataclass

from models.admin_role import RoleAssignment
from models.directory import OrgUser
from models.enums import AdminRole, Experience
from models.product import ProductInstance
from permissions.errors import NotFound
from permissions.matrix import FeatureId, TargetKind
from permissions.rules import JIRA_FAMILY
from resolvers import effective_access, targets
from resolvers.catalog import catalog, product_name
from resolvers.context import Context
from resolvers.effective_access import (
    EFFECTIVE,
    Access,
    Exclusion,
    Path,
    SourceKind,
    exclusion,
    grouped,
)
from resolvers.pages import Filter, Link, filter_text, rows
from resolvers.scopes import Scope

# ProductInstance.users: the users with effective access to each product instance.
INSTANCE_USERS = Link(effective_access.INSTANCE_USERS, "product_instance_id", "user_id")


@dataclass(frozen=True)
class Billing:
    """Whether a user counts towards the plan of one product instance, and why."""

    product_instance_id: int
    billable: bool
    reason: str
    rule: str | None


@dataclass(frozen=True)
class IgnoredRole:
    """An admin role the user holds here that gives no access by itself."""

    assignment: RoleAssignment
    rule: str
    reason: str


@dataclass(frozen=True)
class Explanation:
    user: OrgUser
    instance: ProductInstance
    paths: list[Path]
    excluded: Exclusion | None
    ignored: list[IgnoredRole]

    @property
    def product_instance_id(self) -> int:
        return self.instance.id

    @property
    def has_access(self) -> bool:
        return bool(self.paths) and self.excluded is None

    @property
    def roles(self) -> list[str]:
        return sorted({p.role for p in self.paths}) if self.has_access else []

    @property
    def billable(self) -> bool:
        return self.has_access and any(a.billable for a in grouped(self.paths))

    @property
    def rule(self) -> str | None:
        if self.excluded is not None:
            return self.excluded.rule
        return None if self.paths else "R-ACCESS-1"

    @property
    def reason(self) -> str:
        product = product_name(self.instance)
        if self.excluded is not None:
            return self.excluded.reason
        if not self.paths:
            return (
                f"No group, default group or admin role gives {product}: access comes from a "
                "product role held by a group the user is in, or from an admin role."
            )
        kinds = ", ".join(sorted({p.kind.value for p in self.paths}))
        return f"Holds {', '.join(self.roles)} on {product} ({kinds})."


async def product_access(ctx: Context, user: OrgUser) -> list[Access]:
    """Effective access (R-ACCESS-1/3, R-ROLE-4/8/11/12/13; nothing under R-ACCESS-6/11)."""
    paths = await ctx.loaders.effective_paths.load(user.id)
    scope = await viewer_scope(ctx, user)
    return [a for a in grouped(paths) if _in_scope(scope, a.product_instance_id, a.site_id)]


async def billing(ctx: Context, user: OrgUser) -> list[Billing]:
    """Per product instance where the user holds a path, or an admin role giving none."""
    paths = await ctx.loaders.access_paths.load(user.id)
    excluded = exclusion(user, user.account)
    by_instance: dict[int, list[Path]] = {}
    for path in paths:
        by_instance.setdefault(path.product_instance_id, []).append(path)
    names = await _group_names(ctx, paths)
    found = [(_bill(i, held, excluded, names), held[0].site_id) for i, held in by_instance.items()]
    experience = (await targets.visible_organization(ctx, user.organization_id)).experience
    assignments = [
        a
        for a in await ctx.loaders.roles_by_user.load(user.id)
        if a.product_instance_id is not None and a.product_instance_id not in by_instance
    ]
    instances = await ctx.loaders.product_instance.load_many(
        [a.product_instance_id or 0 for a in assignments]
    )
    for assignment, instance in zip(assignments, instances, strict=True):
        if instance and (ignored := _ignored(assignment, instance, experience)):
            billed = Billing(instance.id, False, ignored.reason, ignored.rule)
            found.append((billed, instance.site_id))
    scope = await viewer_scope(ctx, user)
    shown = [b for b, site_id in found if _in_scope(scope, b.product_instance_id, site_id)]
    return sorted(shown, key=lambda b: b.product_instance_id)


def _bill(
    instance_id: int, paths: list[Path], excluded: Exclusion | None, names: dict[int, str]
) -> Billing:
    if excluded is not None:
        return Billing(instance_id, False, excluded.reason, excluded.rule)
    held = grouped(paths)
    paying = [a for a in held if a.billable]
    if not paying:
        roles = ", ".join(a.role for a in held)
        return Billing(instance_id, False, f"Holds only {roles}, which is not billable.", None)
    via = "; ".join(
        f"{a.role} through {', '.join(describe(p, names) for p in a.sources)}" for a in paying
    )
    return Billing(instance_id, True, f"Holds the billable role {via}.", paying[0].sources[0].rule)


def describe(path: Path, names: dict[int, str]) -> str:
    """`group jira-users-acme (R-ACCESS-1)`, `the ORG_ADMIN role (R-ROLE-4)`."""
    if path.admin_role is not None:
        return f"the {path.admin_role.value} role ({path.rule})"
    kind = "default group" if path.kind is SourceKind.DEFAULT_GROUP else "group"
    return f"{kind} {names.get(path.group_id or 0, '?')} ({path.rule})"


async def _group_names(ctx: Context, paths: list[Path]) -> dict[int, str]:
    ids = sorted({p.group_id for p in paths if p.group_id is not None})
    return {g.id: g.name for g in await ctx.loaders.group.load_many(ids) if g is not None}


async def explain_access(ctx: Context, user_id: int, product_instance_id: int) -> Explanation:
    user = await targets.visible_user(ctx, user_id)
    instance = await targets.visible_instance(ctx, product_instance_id)
    scope = await viewer_scope(ctx, user)
    if instance.organization_id != user.organization_id or not _in_scope(
        scope, instance.id, instance.site_id
    ):
        raise NotFound("No such product instance in the user's organization.")
    paths = [
        p
        for p in await ctx.loaders.access_paths.load(user.id)
        if p.product_instance_id == instance.id
    ]
    experience = (await targets.visible_organization(ctx, user.organization_id)).experience
    ignored = [
        found
        for assignment in await ctx.loaders.roles_by_user.load(user.id)
        if (found := _ignored(assignment, instance, experience)) is not None
    ]
    paths.sort(key=lambda p: p.order)
    return Explanation(user, instance, paths, exclusion(user, user.account), ignored)


def _ignored(
    assignment: RoleAssignment, instance: ProductInstance, experience: Experience
) -> IgnoredRole | None:
    """The admin roles on or over this product instance that give no access (for explaining)."""
    on_instance = assignment.product_instance_id == instance.id
    family = catalog()[instance.product_id].family
    if assignment.role is AdminRole.USER_ACCESS_ADMIN and on_instance:
        return IgnoredRole(
            assignment,
            "R-ROLE-8",
            "A user access admin manages access to the product but holds no access by that role.",
        )
    if assignment.role is AdminRole.PRODUCT_ADMIN and on_instance and family == JIRA_FAMILY:
        return IgnoredRole(
            assignment,
            "R-ROLE-11",
            "A Jira-family product admin manages the product's settings but holds no access to "
            "its content by that role.",
        )
    if (
        assignment.role is AdminRole.SITE_ADMIN
        and assignment.site_id == instance.site_id
        and experience is Experience.CENTRALIZED
    ):
        return IgnoredRole(
            assignment,
            "R-ROLE-12",
            "Only in the ORIGINAL experience does a site admin hold access to the site's "
            "content; in CENTRALIZED the role gives none.",
        )
    return None


async def viewer_scope(ctx: Context, user: OrgUser) -> Scope | None:
    """None: the viewer sees all of the user's access (their own, one it made in this request
    and so gave all of, or an unscoped role)."""
    if ctx.require_principal().user_id_in(user.organization_id) == user.id:
        return None
    if ctx.was_made(TargetKind.USER, user.id):
        return None
    organization = await targets.organization_target(ctx, user.organization_id)
    return ctx.scope(FeatureId.VIEW_USERS_IN_ORGANIZATION, organization)


def _in_scope(scope: Scope | None, instance_id: int, site_id: int | None) -> bool:
    if scope is None:
        return True
    return instance_id in scope.instance_ids or site_id in scope.site_ids


async def billable_user_count(ctx: Context, instance: ProductInstance) -> int:
    return await ctx.loaders.billable_users.load(instance.id)


def users_filter(role: str | None, kind: SourceKind | None) -> Filter | None:
    """ProductInstance.users narrowed to a role and/or a kind of source (INSTANCE_USERS)."""
    if role is None and kind is None:
        return None
    conditions = ["f.product_instance_id = iu.product_instance_id", "f.user_id = iu.user_id"]
    params: list[str] = []
    if role is not None:
        conditions.append("f.role = ?")
        params.append(filter_text("role", role))
    if kind is not None:
        conditions.append("f.kind = ?")
        params.append(kind.value)
    where = " AND ".join(conditions)
    return Filter(f"EXISTS (SELECT 1 FROM ({EFFECTIVE}) f WHERE {where})", tuple(params))


async def held_paths(user_id: int, product_instance_id: int) -> list[Path]:
    """The user's effective access to one product instance, read now (in a transaction too)."""
    found = await rows(effective_access.EFFECTIVE_OF_USER_AT, [user_id, product_instance_id])
    return sorted((Path.of(row) for row in found), key=lambda p: p.order)
