"""Sites and the product instances installed on them (API.md)."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from models import organization, product
from resolvers import pages, product_access
from resolvers import targets as find
from resolvers.known import Maybe
from schema import abilities
from schema.connections import After, Before, Connection, First, Last, paginate, window
from schema.enums import SourceKind
from schema.ids import encode
from schema.node import (
    MEMBER_OF,
    VIEW,
    VIEW_DEFAULT_GROUPS,
    VIEWER_CAN,
    Ctx,
    Node,
    Product,
    load_all,
    one_now,
)
from schema.organization import Organization

if TYPE_CHECKING:
    from schema.people import Group, User

# Defined after this module (they refer back to sites and products): named lazily.
LazyGroup = Annotated["Group", strawberry.lazy("schema.people")]
LazyUser = Annotated["User", strawberry.lazy("schema.people")]


@strawberry.type(description="A site of an organization, where products are installed.")
class Site(Node):
    row: strawberry.Private[organization.Site]
    name: str = strawberry.field(description="The site's host name, like acme.example.net.")
    created_at: datetime = strawberry.field(description="When the site was created.")

    @classmethod
    def of(cls, row: organization.Site) -> Self:
        return cls(
            id=strawberry.ID(encode("Site", row.id)),
            row=row,
            name=row.name,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="The site's organization. Members (view_organization); null when refused.",
        graphql_type=Organization,
        extensions=[MEMBER_OF],
    )
    def organization(self, info: Ctx) -> Maybe[Organization]:
        return one_now(info.context.loaders.organization, self.row.organization_id, Organization.of)

    @strawberry.field(
        description="Products installed on the site. Members (view_organization).",
        extensions=[MEMBER_OF],
    )
    async def products(self, info: Ctx) -> list["ProductInstance"]:
        rows = await info.context.loaders.instances_by_site.load(self.row.id)
        return [ProductInstance.of(r) for r in rows]

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.SiteViewerCan,
        extensions=[MEMBER_OF],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await find.target(info.context, self.row)
        kind, features = abilities.SiteViewerCan, abilities.SITE_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)


@strawberry.type(description="A product installed on a site; access is always to one of these.")
class ProductInstance(Node):
    row: strawberry.Private[product.ProductInstance]
    anonymous_access: bool = strawberry.field(
        description="Whether people who are not signed in may use it (R-ACCESS-7)."
    )
    created_at: datetime = strawberry.field(description="When the product was installed.")

    @classmethod
    def of(cls, row: product.ProductInstance) -> Self:
        return cls(
            id=strawberry.ID(encode("ProductInstance", row.id)),
            row=row,
            anonymous_access=row.anonymous_access,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="The catalog product installed. Members (view_organization); null when "
        "refused.",
        extensions=[MEMBER_OF],
    )
    def product(self) -> Product:
        return Product.of(self.row.product_id)

    @strawberry.field(
        description="The site it is installed on. Members (view_organization); null when refused.",
        graphql_type=Site,
        extensions=[MEMBER_OF],
    )
    def site(self, info: Ctx) -> Maybe[Site]:
        return one_now(info.context.loaders.site, self.row.site_id, Site.of)

    @strawberry.field(
        description="Groups a user joins when granted a role here (R-ACCESS-3). "
        "Feature: view_users_in_organization.",
        extensions=[VIEW_DEFAULT_GROUPS],
    )
    async def default_groups(self, info: Ctx) -> list[LazyGroup]:
        from schema.people import Group  # defined after this module

        rows = await info.context.loaders.default_groups_by_instance.load(self.row.id)
        ids = list(dict.fromkeys(r.group_id for r in rows))
        loaded = await load_all(info.context.loaders.group, ids, Group.of)
        return [group for group in loaded if group is not None]

    @strawberry.field(
        description="Groups holding a role on this product instance. "
        "Feature: view_users_in_organization.",
        extensions=[VIEW],
    )
    async def groups(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LazyGroup]:
        from schema.people import Group  # defined after this module

        return await paginate(
            info,
            pages.INSTANCE_GROUPS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.group, ids, Group.of),
        )

    @strawberry.field(
        description="Users with effective access (User.productAccess), by user id; `role` and "
        "`sourceKind` keep those holding that role or holding it through that kind of source. "
        "Feature: view_users_in_organization.",
        extensions=[VIEW],
    )
    async def users(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        role: Annotated[
            str | None,
            strawberry.argument(description="Only users holding this product role, like USER."),
        ] = None,
        source_kind: Annotated[
            SourceKind | None,
            strawberry.argument(
                description="Only users holding it (the role, if given) through this kind of "
                "source."
            ),
        ] = None,
    ) -> Connection[LazyUser]:
        from schema.people import User  # defined after this module

        return await paginate(
            info,
            product_access.INSTANCE_USERS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.user, ids, User.of),
            where=product_access.users_filter(role, source_kind),
        )

    @strawberry.field(
        description="Users holding a billable role here (catalog: not GUEST or STAKEHOLDER). "
        "Not counted: user access admins by that role (R-ROLE-8), portal-only customers "
        "(R-ACCESS-6), anonymous users (R-ACCESS-7), suspended or deactivated users "
        "(R-ACCESS-11). Feature: view_users_in_organization.",
        extensions=[VIEW],
    )
    async def billable_user_count(self, info: Ctx) -> int:
        return await product_access.billable_user_count(info.context, self.row)

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.ProductInstanceViewerCan,
        extensions=[MEMBER_OF],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await find.target(info.context, self.row, granting=True)
        kind, features = abilities.ProductInstanceViewerCan, abilities.INSTANCE_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)
