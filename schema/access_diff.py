"""AccessDiff: what an access-changing mutation did, or would do in a dry run."""

from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry.types import Info

from permissions.engine import VIEW_ORGANIZATION
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import access_diff
from resolvers.context import Context
from schema.node import one
from schema.targets import ParentId

if TYPE_CHECKING:
    from schema.nodes import ProductInstance, User

Ctx = Info[Context, None]
INSTANCE = (
    "The product instance. Members of its organization (view_organization); null when refused."
)
LazyInstance = Annotated["ProductInstance", strawberry.lazy("schema.nodes")]
LazyUser = Annotated["User", strawberry.lazy("schema.nodes")]


VIEW_CHANGED_USER = guard(FeatureId.VIEW_USERS_IN_ORGANIZATION, on=ParentId("user_id"))
MEMBER_OF_CHANGED_INSTANCE = guard(VIEW_ORGANIZATION, on=ParentId("product_instance_id"))


async def _instance(info: Ctx, pk: int) -> "ProductInstance":
    from schema.nodes import ProductInstance  # defined after this module

    return await one(info.context.loaders.product_instance, pk, ProductInstance.of)


@strawberry.type(description="A user gaining or losing a product role.")
class AccessChange:
    row: strawberry.Private[access_diff.AccessChange]
    role: str = strawberry.field(description="The product role, like USER.")

    @strawberry.field(
        description="Feature: view_users_in_organization.", extensions=[VIEW_CHANGED_USER]
    )
    async def user(self, info: Ctx) -> LazyUser:
        from schema.nodes import User  # defined after this module

        return await one(info.context.loaders.user, self.row.user_id, User.of)

    @strawberry.field(description=INSTANCE, extensions=[MEMBER_OF_CHANGED_INSTANCE])
    async def product_instance(self, info: Ctx) -> LazyInstance:
        return await _instance(info, self.row.product_instance_id)


@strawberry.type(description="Billable users of a product instance before and after a change.")
class BillableUsersChange:
    row: strawberry.Private[access_diff.BillableChange]
    before: int = strawberry.field(description="Billable users before the change.")
    after: int = strawberry.field(
        description="Billable users after it (as it would leave them, for a dry run)."
    )
    change: int = strawberry.field(description="after - before")

    @strawberry.field(description=INSTANCE, extensions=[MEMBER_OF_CHANGED_INSTANCE])
    async def product_instance(self, info: Ctx) -> LazyInstance:
        return await _instance(info, self.row.product_instance_id)


@strawberry.type(
    description="Effective access (User.productAccess) before and after a change, for the users "
    "it can affect."
)
class AccessDiff:
    row: strawberry.Private[access_diff.AccessDiff]

    @strawberry.field(description="Product roles users hold after the change and not before.")
    def gained(self) -> list[AccessChange]:
        return [AccessChange(row=c, role=c.role) for c in self.row.gained]

    @strawberry.field(description="Product roles users held before the change and not after.")
    def lost(self) -> list[AccessChange]:
        return [AccessChange(row=c, role=c.role) for c in self.row.lost]

    @strawberry.field(description="Per product instance whose access changed.")
    def billable_users(self) -> list[BillableUsersChange]:
        return [
            BillableUsersChange(row=b, before=b.before, after=b.after, change=b.after - b.before)
            for b in self.row.billable
        ]

    @classmethod
    def of(cls, found: access_diff.AccessDiff | None) -> Self | None:
        return cls(row=found) if found is not None else None
