"""Effective access types: ProductAccess and its sources, billing per product, explainAccess.

Every object field is guarded: product instances as members see them (view_organization), the
holder's groups and paths as the holder's directory entry is read (view_users_in_organization,
which everyone has on their own)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Self, TypeVar

import strawberry
from strawberry.types import Info

from models.directory import OrgUser
from permissions.engine import VIEW_ORGANIZATION
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import effective_access, product_access
from resolvers.catalog import product_name
from resolvers.context import Context
from resolvers.known import Known, Maybe, now, peek, then
from schema.enums import AdminRole, SourceKind
from schema.node import one_now
from schema.selection import asks
from schema.targets import Parent, ParentId

if TYPE_CHECKING:
    from schema.nodes import Group, ProductInstance, User

Ctx = Info[Context, None]
R = TypeVar("R")
W = TypeVar("W")
MEMBER_OF_GRANT = guard(VIEW_ORGANIZATION, on=ParentId("product_instance_id"))
# Paths and sources of a user's access are read as the user is (own access included).
VIEW_HOLDER = guard(FeatureId.VIEW_USERS_IN_ORGANIZATION, on=Parent("holder"), maker_reads=True)
INSTANCE = "The product instance. Members of its organization (view_organization); null when "
"refused."
LazyInstance = Annotated["ProductInstance", strawberry.lazy("schema.nodes")]
LazyGroup = Annotated["Group", strawberry.lazy("schema.nodes")]
LazyUser = Annotated["User", strawberry.lazy("schema.nodes")]


def _instance(info: Ctx, pk: int) -> Maybe["ProductInstance"]:
    from schema.nodes import ProductInstance  # defined after this module

    return one_now(info.context.loaders.product_instance, pk, ProductInstance.of)


def _or_none(row: R | None, wrap: Callable[[R], W]) -> W | None:
    return wrap(row) if row is not None else None


async def read_ahead(info: Ctx, found: list[effective_access.Access]) -> None:
    """Read the product instances, their sites and the groups the selection will show, for
    every entry at once: one batch for every user of a page, and then productInstance and
    sources.group resolve without waiting (resolvers/known.py)."""
    loaders = info.context.loaders
    reads: list[Awaitable[object]] = []
    if asks(info, "sources", "group"):
        groups = {p.group_id for a in found for p in a.sources if p.group_id is not None}
        reads.append(loaders.group.load_many(groups))
    if asks(info, "productInstance"):  # their sites come with them (Loaders.product_instance)
        reads.append(loaders.product_instance.load_many({a.product_instance_id for a in found}))
    await asyncio.gather(*reads)


@strawberry.type(description="One path to a product role, with the rule that gives it.")
class AccessSource:
    row: strawberry.Private[effective_access.Path]
    holder: strawberry.Private[OrgUser]
    kind: SourceKind = strawberry.field(description="What kind of path it is.")
    role: str = strawberry.field(description="The product role this path gives.")
    admin_role: AdminRole | None = strawberry.field(
        description="For ADMIN_ROLE and SITE_ROLE: the admin role that implies the access."
    )
    rule: str = strawberry.field(
        description="R-ACCESS-1 (group), R-ACCESS-3 (default group), R-ROLE-4 (organization "
        "admin), R-ROLE-11 (product admin), R-ROLE-12 (site admin), R-ROLE-13 (trusted user)."
    )

    @classmethod
    def of(cls, path: effective_access.Path, holder: OrgUser) -> Self:
        return cls(
            row=path,
            holder=holder,
            kind=path.kind,
            role=path.role,
            admin_role=path.admin_role,
            rule=path.rule,
        )

    @strawberry.field(
        description="For GROUP and DEFAULT_GROUP: the group. Feature: view_users_in_organization "
        "on the holder.",
        graphql_type=LazyGroup | None,
        extensions=[VIEW_HOLDER],
    )
    def group(self, info: Ctx) -> Maybe["Group | None"]:
        from schema.nodes import Group

        group_id, loader = self.row.group_id, info.context.loaders.group
        if group_id is None:
            return None
        return now(then(peek(loader, group_id), lambda row: Known(_or_none(row, Group.of))))

    @strawberry.field(description="The path in words: user -> group -> role on product.")
    async def description(self, info: Ctx) -> str:
        names: dict[int, str] = {}
        if self.row.group_id is not None:
            group = await info.context.loaders.group.load(self.row.group_id)
            names = {group.id: group.name} if group else {}
        instance = await info.context.loaders.product_instance.load(self.row.product_instance_id)
        product = product_name(instance) if instance else "?"
        via = product_access.describe(self.row, names)
        return f"{self.holder.account.email} -> {via} -> {self.role} on {product}"


@strawberry.type(description="A product role the user can use on a product instance.")
class ProductAccess:
    row: strawberry.Private[effective_access.Access]
    holder: strawberry.Private[OrgUser]
    role: str = strawberry.field(description="The product role, like USER or AGENT.")
    billable: bool = strawberry.field(description="Whether this role counts towards the plan.")

    @strawberry.field(
        description=INSTANCE,
        graphql_type=LazyInstance,
        extensions=[MEMBER_OF_GRANT],
    )
    def product_instance(self, info: Ctx) -> Maybe["ProductInstance"]:
        return _instance(info, self.row.product_instance_id)

    @strawberry.field(
        description="Every path giving this role. Feature: view_users_in_organization.",
        extensions=[VIEW_HOLDER],
    )
    def sources(self) -> list[AccessSource]:
        return [AccessSource.of(path, self.holder) for path in self.row.sources]

    @classmethod
    def of(cls, access: effective_access.Access, holder: OrgUser) -> Self:
        return cls(row=access, holder=holder, role=access.role, billable=access.billable)


@strawberry.type(description="Whether the user counts towards a product instance's plan, and why.")
class ProductBilling:
    row: strawberry.Private[product_access.Billing]
    billable: bool = strawberry.field(
        description="Whether the user counts towards the product instance's plan."
    )
    reason: str = strawberry.field(description="Why, in a sentence.")
    rule: str | None = strawberry.field(description="The rule that excludes or gives access.")

    @strawberry.field(
        description=INSTANCE,
        graphql_type=LazyInstance,
        extensions=[MEMBER_OF_GRANT],
    )
    def product_instance(self, info: Ctx) -> Maybe["ProductInstance"]:
        return _instance(info, self.row.product_instance_id)

    @classmethod
    def of(cls, billing: product_access.Billing) -> Self:
        return cls(row=billing, billable=billing.billable, reason=billing.reason, rule=billing.rule)


@strawberry.type(description="An admin role held here that gives no access by itself.")
class IgnoredAdminRole:
    admin_role: AdminRole = strawberry.field(description="The admin role held here.")
    rule: str = strawberry.field(
        description="The rule by which it gives no access: R-ROLE-8, R-ROLE-11 or R-ROLE-12."
    )
    reason: str = strawberry.field(description="Why, in a sentence.")


@strawberry.type(
    description="Whether a user can use a product instance, by which paths, or why not."
)
class AccessExplanation:
    row: strawberry.Private[product_access.Explanation]
    holder: strawberry.Private[OrgUser]
    has_access: bool = strawberry.field(
        description="Whether the user can use the product instance now."
    )
    roles: list[str] = strawberry.field(description="The product roles held; empty without access.")
    billable: bool = strawberry.field(
        description="Whether a role held counts towards the plan; false without access."
    )
    reason: str = strawberry.field(description="The answer in words.")
    rule: str | None = strawberry.field(
        description="Without access: R-ACCESS-6 (portal-only customer), R-ACCESS-11 (not "
        "active) or R-ACCESS-1 (no path)."
    )

    @strawberry.field(
        description="The user asked about. Feature: view_users_in_organization; null when refused.",
        extensions=[VIEW_HOLDER],
    )
    def user(self, info: Ctx) -> LazyUser:
        from schema.nodes import User

        return User.of(self.holder)

    @strawberry.field(
        description=INSTANCE,
        graphql_type=LazyInstance,
        extensions=[MEMBER_OF_GRANT],
    )
    def product_instance(self, info: Ctx) -> Maybe["ProductInstance"]:
        return _instance(info, self.row.instance.id)

    @strawberry.field(
        description="Every path, also while an exclusion keeps them from giving access. "
        "Feature: view_users_in_organization.",
        extensions=[VIEW_HOLDER],
    )
    def paths(self) -> list[AccessSource]:
        return [AccessSource.of(path, self.holder) for path in self.row.paths]

    @strawberry.field(
        description="Admin roles here that give no access (R-ROLE-8, R-ROLE-11, R-ROLE-12). "
        "Feature: view_users_in_organization.",
        extensions=[VIEW_HOLDER],
    )
    def ignored_admin_roles(self) -> list[IgnoredAdminRole]:
        return [
            IgnoredAdminRole(admin_role=i.assignment.role, rule=i.rule, reason=i.reason)
            for i in self.row.ignored
        ]

    @classmethod
    def of(cls, found: product_access.Explanation) -> Self:
        return cls(
            row=found,
            holder=found.user,
            has_access=found.has_access,
            roles=found.roles,
            billable=found.billable,
            reason=found.reason,
            rule=found.rule,
        )
