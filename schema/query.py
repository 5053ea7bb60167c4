"""Query root: node, viewer (with can), organization, productCatalog, roleMatrix."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from models.directory import Account
from models.enums import Experience
from permissions.engine import VIEW_ORGANIZATION
from permissions.errors import BadUserInput, NotFound
from permissions.guards import Authenticated, guard
from permissions.matrix import Asked, FeatureId, TargetKind
from permissions.principal import Principal
from permissions.targets import Target
from resolvers import access_requests, product_access, targets
from resolvers.catalog import catalog
from resolvers.context import Context
from schema import abilities, nodes
from schema import access_requests as requests
from schema.access import AccessExplanation
from schema.connections import After, Before, Connection, First, Last, RequestStatus, window
from schema.enums import AccountType
from schema.ids import decode, parse
from schema.targets import Argument

Ctx = Info[Context, None]
MEMBER_OF_ARGUMENT = guard(VIEW_ORGANIZATION, on=Argument("id", "Organization"))
VIEW_ARGUMENT_USER = guard(FeatureId.VIEW_USERS_IN_ORGANIZATION, on=Argument("userId"))


@dataclass(frozen=True)
class NodeRead:
    """How node(id) reads a type: its loader, its wrapper, the feature and the target (None:
    the caller's own object, read without a feature, like a requester's access request)."""

    loader: str
    wrap: Callable[[Any], nodes.Node]
    feature: Asked
    target: Callable[[Context, Any], Awaitable[Target | None]]


async def _organization_of(ctx: Context, row: Any) -> Target:
    return await targets.organization_target(ctx, row.organization_id)


async def _organization(ctx: Context, row: Any) -> Target:
    return await targets.organization_target(ctx, row.id)


async def _own_account(ctx: Context, row: Account) -> None:
    """An account is read by its owner alone; to anyone else it is an id that names nothing."""
    if row.id != ctx.require_principal().account_id:
        raise NotFound("No such account.")


async def _readable(ctx: Context, read: NodeRead, row: Any) -> bool:
    try:
        target = await read.target(ctx, row)
    except NotFound:  # in an organization the caller can't see; its message names the kind
        return False
    return target is None or ctx.decide(read.feature, target).allowed


# node(id), deny by default: a type not listed here cannot be read through node.
NODE_READS: dict[str, NodeRead] = {
    "Account": NodeRead("account", nodes.Account.of, VIEW_ORGANIZATION, _own_account),
    "Organization": NodeRead(
        "organization", nodes.Organization.of, VIEW_ORGANIZATION, _organization
    ),
    "Site": NodeRead("site", nodes.Site.of, VIEW_ORGANIZATION, targets.target),
    "ProductInstance": NodeRead(
        "product_instance", nodes.ProductInstance.of, VIEW_ORGANIZATION, targets.target
    ),
    "User": NodeRead("user", nodes.User.of, FeatureId.VIEW_USERS_IN_ORGANIZATION, targets.target),
    "Group": NodeRead(
        "group", nodes.Group.of, FeatureId.VIEW_USERS_IN_ORGANIZATION, targets.target
    ),
    "AdminRoleAssignment": NodeRead(
        "role_assignment",
        nodes.AdminRoleAssignment.of,
        FeatureId.VIEW_USERS_IN_ORGANIZATION,
        targets.target,
    ),
    "AuditEvent": NodeRead(
        "audit_event", nodes.AuditEvent.of, FeatureId.VIEW_ORG_AUDIT_LOG, _organization_of
    ),
    "ApiKey": NodeRead("api_key", nodes.ApiKey.of, FeatureId.UPDATE_API_KEYS, _organization_of),
    "ScimToken": NodeRead(
        "scim_token", nodes.ScimToken.of, FeatureId.USER_PROVISIONING, _organization_of
    ),
    "AccessRequest": NodeRead(
        "access_request",
        requests.AccessRequest.of,
        FeatureId.APPROVE_DENY_ACCESS_REQUESTS,
        access_requests.request_target,
    ),
}
# viewer.can(feature, scopeId): the objects a decision can be asked about.
SCOPE_TARGETS: dict[str, Callable[[Context, int], Awaitable[Target]]] = {
    "Organization": targets.organization_target,
    "Site": lambda ctx, pk: targets.target_of(ctx, TargetKind.SITE, pk),
    "ProductInstance": lambda ctx, pk: targets.target_of(
        ctx, TargetKind.PRODUCT_INSTANCE, pk, granting=True
    ),
    "Group": lambda ctx, pk: targets.target_of(ctx, TargetKind.GROUP, pk),
    "User": lambda ctx, pk: targets.target_of(ctx, TargetKind.USER, pk),
}


@strawberry.type(description="The caller: an account, or an organization API key.")
class Viewer:
    principal: strawberry.Private[Principal]

    @strawberry.field(
        description="Your account (null for an API key): its id is the one `portcullis user "
        "create` prints and audit events name."
    )
    async def account(self, info: Ctx) -> nodes.Account | None:
        account = await _account(info, self.principal)
        return nodes.Account.of(account) if account else None

    @strawberry.field(description="Email of the account; null for an API key.")
    async def email(self, info: Ctx) -> str | None:
        account = await _account(info, self.principal)
        return account.email if account else None

    @strawberry.field(description="Your account's own name; null for an API key.")
    async def display_name(self, info: Ctx) -> str | None:
        account = await _account(info, self.principal)
        return account.display_name if account else None

    @strawberry.field(description="Your account's kind; null for an API key.")
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

    @strawberry.field(
        description="Ask the engine: may I use `feature` (a role_matrix.yaml id, or "
        "view_organization) on `scopeId` (an organization, site, product instance, group or "
        "user)? Without scopeId: your only organization, or your API key's."
    )
    async def can(
        self,
        info: Ctx,
        feature: Annotated[
            str,
            strawberry.argument(
                description="A feature id of role_matrix.yaml (roleMatrix), or "
                "view_organization; BAD_USER_INPUT for any other."
            ),
        ],
        scope_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The global id of an Organization, Site, ProductInstance, Group or "
                "User; left out: your only organization."
            ),
        ] = None,
    ) -> abilities.Decision:
        asked = abilities.KNOWN_FEATURES.get(feature)
        if asked is None:
            raise BadUserInput(f"'{feature[:80]}' is not a feature of the role matrix.")
        target = await _scope_target(info.context, self.principal, scope_id)
        return abilities.Decision.of(info.context.decide(asked, target))

    @strawberry.field(description="The caller's own directory entry in each organization.")
    async def users(self, info: Ctx) -> list[nodes.User]:
        ids = sorted(uid for uid, _ in self.principal.memberships.values())
        rows = await info.context.loaders.user.load_many(ids)
        return [nodes.User.of(r) for r in rows if r is not None]

    @strawberry.field(
        description="Your requests for product access in every organization, newest first, of "
        "one status if given (R-ACCESS-10). None for an API key."
    )
    async def access_requests(
        self,
        info: Ctx,
        status: RequestStatus = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[requests.AccessRequest]:
        return await requests.own_requests(info, status, window(first, after, last, before))

    @strawberry.field(
        description="Product instances of organizations that approved your email domain "
        "(R-ACCESS-10), member or not: ask for one with requestProductAccess. None for a "
        "portal-only customer (R-ACCESS-6) or an API key."
    )
    async def joinable_products(self, info: Ctx) -> list[requests.JoinableProduct]:
        return await requests.joinable_products(info)


async def _scope_target(ctx: Context, principal: Principal, scope_id: str | None) -> Target:
    if scope_id is None:
        organizations = principal.visible_organization_ids()
        if len(organizations) != 1:
            raise BadUserInput("Say which scope: you belong to several organizations, or none.")
        return await targets.organization_target(ctx, organizations.pop())
    type_name, pk = parse(scope_id)
    find = SCOPE_TARGETS.get(type_name)
    if find is None:
        raise BadUserInput(
            "scopeId must name an organization, site, product instance, group or user."
        )
    return await find(ctx, pk)


async def _account(info: Ctx, principal: Principal) -> Account | None:
    if principal.account_id is None:
        return None
    return await info.context.loaders.account.load(principal.account_id)


@strawberry.type(
    description="What a client reads: the caller (viewer), an organization, any object by id, "
    "explanations of access, the catalog and the role matrix."
)
class Query:
    @strawberry.field(description="The caller.", extensions=[Authenticated()])
    def viewer(self, info: Ctx) -> Viewer:
        return Viewer(principal=info.context.require_principal())

    @strawberry.field(
        description="An organization the caller belongs to (view_organization); NOT_FOUND "
        "otherwise.",
        extensions=[MEMBER_OF_ARGUMENT],
    )
    async def organization(
        self,
        info: Ctx,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The organization's global id.")
        ],
    ) -> nodes.Organization:
        organization_id = decode(id, "Organization")
        return nodes.Organization.of(
            await targets.visible_organization(info.context, organization_id)
        )

    @strawberry.field(
        description="Any object by its global id, if the caller may read it.",
        extensions=[Authenticated()],
    )
    async def node(
        self,
        info: Ctx,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="A global id, as any object's id gives; NOT_FOUND when it names "
                "nothing the caller may read."
            ),
        ],
    ) -> nodes.Node:
        type_name, pk = parse(id)
        read = NODE_READS[type_name]
        row = await getattr(info.context.loaders, read.loader).load(pk)
        if row is None or not await _readable(info.context, read, row):
            # One answer for a missing and an unreadable object: existence is never leaked.
            raise NotFound()
        return read.wrap(row)

    @strawberry.field(
        description="Whether the user can use the product instance, by every path (user -> "
        "group -> product role, user -> default group, admin role -> implied access) with its "
        "rule; without access, why not (R-ACCESS-6 customer, R-ACCESS-11 not active, "
        "R-ACCESS-1 no path). Feature: view_users_in_organization (everyone may ask about "
        "themselves; SCOPED roles about the products in their scope).",
        extensions=[VIEW_ARGUMENT_USER],
    )
    async def explain_access(
        self,
        info: Ctx,
        user_id: Annotated[strawberry.ID, strawberry.argument(description="The user asked about.")],
        product_instance_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The product instance, in the user's organization."),
        ],
    ) -> AccessExplanation:
        found = await product_access.explain_access(
            info.context,
            decode(user_id, "User"),
            decode(product_instance_id, "ProductInstance"),
        )
        return AccessExplanation.of(found)

    @strawberry.field(description="The product catalog: keys, families, roles. Public.")
    def product_catalog(self) -> list[nodes.Product]:
        return [nodes.Product.of(key) for key in catalog()]

    @strawberry.field(description="The role-feature matrix as data, to draw its table. Public.")
    def role_matrix(
        self,
        experience: Annotated[
            Experience,
            strawberry.argument(description="Whose matrix: the roles differ (R-ROLE-7)."),
        ],
    ) -> abilities.RoleMatrix:
        return abilities.role_matrix(experience)
