"""Query root: node, viewer, organization, productCatalog."""

from typing import Any

import strawberry
from strawberry.types import Info

from models.directory import Account
from permissions.errors import NotFound
from permissions.guards import Authenticated
from permissions.principal import Principal
from resolvers.catalog import catalog
from resolvers.context import Context
from resolvers.targets import organization_target
from schema import nodes
from schema.enums import AccountType
from schema.ids import decode, parse

Ctx = Info[Context, None]

# node(id): the loader of each type and the feature needed to read it (deny by default).
NODE_READS: dict[str, tuple[str, Any, str | None]] = {
    "Organization": ("organization", nodes.Organization.of, None),
    "Site": ("site", nodes.Site.of, None),
    "ProductInstance": ("product_instance", nodes.ProductInstance.of, None),
    "User": ("user", nodes.User.of, "view_users_in_organization"),
    "Group": ("group", nodes.Group.of, "view_users_in_organization"),
    "AdminRoleAssignment": (
        "role_assignment",
        nodes.AdminRoleAssignment.of,
        "view_users_in_organization",
    ),
    "AuditEvent": ("audit_event", nodes.AuditEvent.of, "view_org_audit_log"),
    "ApiKey": ("api_key", nodes.ApiKey.of, "update_api_keys"),
}


@strawberry.type(description="The caller: an account, or an organization API key.")
class Viewer:
    principal: strawberry.Private[Principal]

    @strawberry.field(description="Email of the account; null for an API key.")
    async def email(self, info: Ctx) -> str | None:
        account = await _account(info, self.principal)
        return account.email if account else None

    @strawberry.field
    async def display_name(self, info: Ctx) -> str | None:
        account = await _account(info, self.principal)
        return account.display_name if account else None

    @strawberry.field
    async def account_type(self, info: Ctx) -> AccountType | None:
        account = await _account(info, self.principal)
        return account.account_type if account else None

    @strawberry.field(description="The API key making the request, if it is one.")
    async def api_key(self, info: Ctx) -> nodes.ApiKey | None:
        if self.principal.api_key_id is None:
            return None
        row = await info.context.loaders.api_key.load(self.principal.api_key_id)
        return nodes.ApiKey.of(row) if row else None

    @strawberry.field(description="Organizations the caller is an active member of.")
    async def organizations(self, info: Ctx) -> list[nodes.Organization]:
        ids = sorted(self.principal.visible_organization_ids())
        rows = await info.context.loaders.organization.load_many(ids)
        return [nodes.Organization.of(r) for r in rows if r is not None]

    @strawberry.field(description="The caller's own directory entry in each organization.")
    async def users(self, info: Ctx) -> list[nodes.User]:
        ids = sorted(uid for uid, _ in self.principal.memberships.values())
        rows = await info.context.loaders.user.load_many(ids)
        return [nodes.User.of(r) for r in rows if r is not None]


async def _account(info: Ctx, principal: Principal) -> Account | None:
    if principal.account_id is None:
        return None
    return await info.context.loaders.account.load(principal.account_id)


@strawberry.type
class Query:
    @strawberry.field(description="The caller.", permission_classes=[Authenticated])
    def viewer(self, info: Ctx) -> Viewer:
        return Viewer(principal=info.context.require_principal())

    @strawberry.field(
        description="An organization the caller belongs to; NOT_FOUND otherwise.",
        permission_classes=[Authenticated],
    )
    async def organization(self, info: Ctx, id: strawberry.ID) -> nodes.Organization:
        target = await organization_target(info.context, decode(id, "Organization"))
        row = await info.context.loaders.organization.load(target.organization_id)
        if row is None:
            raise NotFound("No such organization.")
        return nodes.Organization.of(row)

    @strawberry.field(
        description="Any object by its global id, if the caller may read it.",
        permission_classes=[Authenticated],
    )
    async def node(self, info: Ctx, id: strawberry.ID) -> nodes.Node:
        type_name, pk = parse(id)
        loader, wrap, feature = NODE_READS[type_name]
        row = await getattr(info.context.loaders, loader).load(pk)
        if row is None:
            raise NotFound()
        org_id = row.id if type_name == "Organization" else row.organization_id
        if not info.context.can_see(org_id):
            raise NotFound()
        if feature is not None:
            target = await organization_target(info.context, org_id)
            if not info.context.decide(feature, target).allowed:
                raise NotFound()
        result: nodes.Node = wrap(row)
        return result

    @strawberry.field(description="The product catalog: keys, families, roles. Public.")
    def product_catalog(self) -> list[nodes.Product]:
        return [nodes.Product.of(key) for key in catalog()]
