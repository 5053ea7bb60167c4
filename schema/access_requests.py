"""The types of R-ACCESS-10: access requests, the user access settings of a product instance,
and the plain data an account that is not (yet) a member reads about a product it may join.

A requester may be outside the organization, where the node types' own guards (members only)
refuse them: what they need to see is plain data here (ProductInstanceSummary), read through
the request they made or the domain approval that lets them join.
"""

from datetime import datetime
from typing import Self

import strawberry
from strawberry.types import Info

from models import access_settings as models
from models import product
from permissions.engine import VIEW_ORGANIZATION
from permissions.guards import guard
from permissions.matrix import FeatureId
from resolvers import access_requests as requests
from resolvers import access_settings as settings
from resolvers.catalog import catalog
from resolvers.context import Context
from resolvers.targets import organization_target
from schema import nodes, targets
from schema.connections import Connection, PageInfo, Window, paginate
from schema.enums import AccessRequestStatus
from schema.ids import encode
from schema.node import load_all, loaded
from schema.targets import PARENT, ParentId

Ctx = Info[Context, None]
VIEW_USERS = FeatureId.VIEW_USERS_IN_ORGANIZATION
READ_REQUEST = guard(FeatureId.APPROVE_DENY_ACCESS_REQUESTS, on=targets.parent_request)
VIEW_REQUESTER_ENTRY = guard(VIEW_USERS, on=targets.parent_request_user, maker_reads=True)
VIEW_DECIDER = guard(VIEW_USERS, on=ParentId("decided_by_id", "parent.decidedBy", "User"))
MEMBER_OF_INSTANCE = guard(VIEW_ORGANIZATION, on=PARENT)
CONFIGURE_INSTANCE = guard(FeatureId.CONFIGURE_USER_ACCESS_SETTINGS, on=PARENT)
REQUEST_FIELD = "Feature: approve_deny_access_requests, or your own request."


@strawberry.type(
    description="Ids and names of a product instance, for an account that may not be a member "
    "of its organization (R-ACCESS-10): enough to show it and ask for it."
)
class ProductInstanceSummary:
    row: strawberry.Private[product.ProductInstance]

    @strawberry.field(description="The product instance's global id, for requestProductAccess.")
    def product_instance_id(self) -> strawberry.ID:
        return strawberry.ID(encode("ProductInstance", self.row.id))

    @strawberry.field(description="The catalog key, like jira.")
    def product_key(self) -> str:
        return self.row.product_id

    @strawberry.field(description="The product's name, like Jira.")
    def product_name(self) -> str:
        return catalog()[self.row.product_id].name

    @strawberry.field(description="The host name of the site it is installed on.")
    async def site_name(self, info: Ctx) -> str:
        return (await loaded(info.context.loaders.site, self.row.site_id)).name

    @strawberry.field(description="The global id of its organization.")
    def organization_id(self) -> strawberry.ID:
        return strawberry.ID(encode("Organization", self.row.organization_id))

    @strawberry.field(description="The name of its organization.")
    async def organization_name(self, info: Ctx) -> str:
        loader = info.context.loaders.organization
        return (await loaded(loader, self.row.organization_id)).name


@strawberry.type(
    description="A product instance whose organization approved your email domain: ask for it "
    "with requestProductAccess (R-ACCESS-10)."
)
class JoinableProduct(ProductInstanceSummary):
    requires_approval: bool = strawberry.field(
        description="Whether an admin approves first; if not, asking gives access at once."
    )


@strawberry.type(description="Who asked: the account's email and name.")
class AccessRequester:
    email: str = strawberry.field(description="The requesting account's email.")
    display_name: str = strawberry.field(description="The requesting account's own name.")


@strawberry.type(description="A request for access to a product instance (R-ACCESS-10).")
class AccessRequest(nodes.Node):
    row: strawberry.Private[models.AccessRequest]
    status: AccessRequestStatus = strawberry.field(description="Where the request stands.")
    created_at: datetime = strawberry.field(description="When it was asked.")
    decided_at: datetime | None = strawberry.field(
        description="When it was approved or denied; for an automatic approval, when it was made."
    )

    @classmethod
    def of(cls, row: models.AccessRequest) -> Self:
        return cls(
            id=strawberry.ID(encode("AccessRequest", row.id)),
            row=row,
            status=row.status,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field(
        description="The product instance asked for; its own fields are for members. "
        + REQUEST_FIELD,
        extensions=[READ_REQUEST],
    )
    async def product_instance(self, info: Ctx) -> nodes.ProductInstance:
        loader = info.context.loaders.product_instance
        return nodes.ProductInstance.of(await loaded(loader, self.row.product_instance_id))

    @strawberry.field(
        description="Ids and names of the product instance, readable by a requester who is not "
        "a member. " + REQUEST_FIELD,
        extensions=[READ_REQUEST],
    )
    async def product_instance_summary(self, info: Ctx) -> ProductInstanceSummary:
        loader = info.context.loaders.product_instance
        return ProductInstanceSummary(row=await loaded(loader, self.row.product_instance_id))

    @strawberry.field(description="Who asked. " + REQUEST_FIELD, extensions=[READ_REQUEST])
    async def requester(self, info: Ctx) -> AccessRequester:
        account = await loaded(info.context.loaders.account, self.row.account_id)
        return AccessRequester(email=account.email, display_name=account.display_name)

    @strawberry.field(
        description="The requester's directory entry; null while they are not a member. "
        "Feature: view_users_in_organization.",
        extensions=[VIEW_REQUESTER_ENTRY],
    )
    async def user(self, info: Ctx) -> nodes.User | None:
        key = (self.row.organization_id, self.row.account_id)
        row = await info.context.loaders.directory_entry.load(key)
        return nodes.User.of(row) if row else None

    @strawberry.field(
        description="The admin who approved or denied it; null while pending, for an automatic "
        "approval, or when an API key decided. Feature: view_users_in_organization.",
        extensions=[VIEW_DECIDER],
    )
    async def decided_by(self, info: Ctx) -> nodes.User | None:
        if self.row.decided_by_id is None:
            return None
        return nodes.User.of(await loaded(info.context.loaders.user, self.row.decided_by_id))


@strawberry.type(description="An email domain whose accounts may join (R-ACCESS-10).")
class ApprovedDomain:
    domain: str = strawberry.field(description="Lower-case; an email's domain matches exactly.")
    requires_approval: bool = strawberry.field(
        description="An admin approves each request first; if not, asking gives access at once."
    )
    created_at: datetime = strawberry.field(description="When the domain was approved.")

    @classmethod
    def of(cls, row: models.UserAccessSetting) -> Self:
        return cls(
            domain=row.domain, requires_approval=row.requires_approval, created_at=row.created_at
        )


@strawberry.type(
    description="The user access settings of one product instance: its approved domains "
    "(R-ACCESS-10)."
)
class UserAccessSettings:
    row: strawberry.Private[product.ProductInstance]
    domains: strawberry.Private[list[models.UserAccessSetting]]

    @classmethod
    def of(cls, found: settings.InstanceSettings) -> Self:
        return cls(row=found.instance, domains=found.domains)

    @strawberry.field(
        description="The product instance. Members (view_organization).",
        extensions=[MEMBER_OF_INSTANCE],
    )
    def product_instance(self) -> nodes.ProductInstance:
        return nodes.ProductInstance.of(self.row)

    @strawberry.field(
        description="Approved email domains, by domain. Feature: configure_user_access_settings.",
        extensions=[CONFIGURE_INSTANCE],
    )
    def approved_domains(self) -> list[ApprovedDomain]:
        return [ApprovedDomain.of(row) for row in self.domains]


# The lists, for Organization and Viewer


async def organization_requests(
    info: Ctx,
    organization_id: int,
    status: AccessRequestStatus | None,
    page: Window,
) -> Connection[AccessRequest]:
    """Newest first; narrowed in the query for a SCOPED role (a site admin: their sites)."""
    ctx = info.context
    organization = await organization_target(ctx, organization_id)
    return await paginate(
        info,
        requests.ORG_ACCESS_REQUESTS,
        organization_id,
        page,
        lambda ids: _requests(ctx, ids),
        ctx.scope(FeatureId.APPROVE_DENY_ACCESS_REQUESTS, organization),
        requests.status_filter(status),
    )


async def organization_settings(info: Ctx, organization_id: int) -> list[UserAccessSettings]:
    ctx = info.context
    organization = await organization_target(ctx, organization_id)
    found = await settings.settings_of_organization(
        organization_id, ctx.scope(FeatureId.CONFIGURE_USER_ACCESS_SETTINGS, organization)
    )
    return [UserAccessSettings.of(entry) for entry in found]


async def own_requests(
    info: Ctx,
    status: AccessRequestStatus | None,
    page: Window,
) -> Connection[AccessRequest]:
    """The caller's requests in every organization, newest first; an API key makes none."""
    ctx = info.context
    account_id = ctx.require_principal().account_id
    if account_id is None:
        return _empty()
    return await paginate(
        info,
        requests.ACCOUNT_ACCESS_REQUESTS,
        account_id,
        page,
        lambda ids: _requests(ctx, ids),
        where=requests.status_filter(status),
    )


async def joinable_products(info: Ctx) -> list[JoinableProduct]:
    ctx = info.context
    account_id = ctx.require_principal().account_id
    account = await ctx.loaders.account.load(account_id) if account_id is not None else None
    found = await settings.joinable_settings(account)
    instances = await ctx.loaders.product_instance.load_many([s.product_instance_id for s in found])
    return [
        JoinableProduct(row=instance, requires_approval=setting.requires_approval)
        for setting, instance in zip(found, instances, strict=True)
        if instance is not None
    ]


async def _requests(ctx: Context, ids: list[int]) -> list[AccessRequest | None]:
    return await load_all(ctx.loaders.access_request, ids, AccessRequest.of)


def _empty() -> Connection[AccessRequest]:
    async def none() -> int:
        return 0

    return Connection(
        edges=[],
        page_info=PageInfo(
            has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None
        ),
        count=none,
    )
