"""The node types of API.md. Each wraps its model row; nested fields go through DataLoaders."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self, TypeVar

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from models import admin_role, audit, credentials, directory, group, organization, product
from permissions.engine import VIEW_ORGANIZATION
from permissions.errors import NotFound
from permissions.guards import guard, list_guard
from resolvers import pages, product_access
from resolvers import targets as find
from resolvers.audit import audit_filter
from resolvers.catalog import catalog
from resolvers.context import Context
from resolvers.scopes import Scope
from resolvers.targets import organization_target
from schema import abilities, targets
from schema.access import ProductAccess, ProductBilling
from schema.connections import DEFAULT_FIRST, Connection, paginate
from schema.enums import (
    AccessRequestStatus,
    AccountType,
    AdminRole,
    Experience,
    SourceKind,
    UserStatus,
)
from schema.ids import encode

if TYPE_CHECKING:
    from schema.access_requests import AccessRequest, UserAccessSettings

Ctx = Info[Context, None]
R = TypeVar("R")
W = TypeVar("W")
VIEW_USERS_FEATURE = "view_users_in_organization"
# Members see their organization's structure; the directory needs view_users_in_organization,
# decided on the object itself (a SCOPED role sees what lies in its scope) or, for
# organization-wide lists, on the organization with the list narrowed to the caller's reach.
MEMBER_OF_ORGANIZATION = guard(VIEW_ORGANIZATION, targets.parent_organization)
MEMBER_OF_SITE = guard(VIEW_ORGANIZATION, targets.parent_site)
MEMBER_OF_INSTANCE = guard(VIEW_ORGANIZATION, targets.parent_instance)
MEMBER_OF_GRANT = guard(VIEW_ORGANIZATION, targets.parent_grant)
MEMBER_OF_GROUP_ORGANIZATION = guard(VIEW_ORGANIZATION, targets.parent_group)
MEMBER_OF_USER_ORGANIZATION = guard(VIEW_ORGANIZATION, targets.parent_user)
VIEWER_CAN = "What you may do here: one boolean per matrix feature, as the guards decide."
VIEW_DIRECTORY = list_guard(VIEW_USERS_FEATURE, targets.parent_organization)
VIEW_INSTANCE_GROUPS = guard(VIEW_USERS_FEATURE, targets.parent_instance)
VIEW_USER = guard(VIEW_USERS_FEATURE, targets.parent_user)
VIEW_GROUP = guard(VIEW_USERS_FEATURE, targets.parent_group)
VIEW_ASSIGNMENT = guard(VIEW_USERS_FEATURE, targets.parent_assignment)
VIEW_AUDIT_LOG = guard("view_org_audit_log", targets.parent_organization)
UPDATE_API_KEYS = guard("update_api_keys", targets.parent_organization)
APPROVE_DENY_REQUESTS = list_guard("approve_deny_access_requests", targets.parent_organization)
CONFIGURE_ACCESS_SETTINGS = list_guard(
    "configure_user_access_settings", targets.parent_organization
)
# The types of R-ACCESS-10 build on this module's, so they are resolved and imported on use.
AccessRequestType = Annotated["AccessRequest", strawberry.lazy("schema.access_requests")]
UserAccessSettingsType = Annotated["UserAccessSettings", strawberry.lazy("schema.access_requests")]


@strawberry.interface(description="An object with an opaque global id; fetch it with node(id).")
class Node:
    id: strawberry.ID


@strawberry.type(description="A product role offered by a product.")
class ProductRole:
    key: str
    name: str
    billable: bool = strawberry.field(description="Whether holding it counts towards the plan.")


@strawberry.type(description="A product of the catalog (data, not code).")
class Product:
    key: str
    name: str
    family: str | None
    anonymous_access_supported: bool
    roles: list[ProductRole]

    @classmethod
    def of(cls, key: str) -> Self:
        entry = catalog()[key]
        roles = [ProductRole(key=r.key, name=r.name, billable=r.billable) for r in entry.roles]
        return cls(
            key=entry.key,
            name=entry.name,
            family=entry.family,
            anonymous_access_supported=entry.anonymous_access_supported,
            roles=roles,
        )


@strawberry.type(description="An organization: sites, directory, groups, admins, audit log.")
class Organization(Node):
    row: strawberry.Private[organization.Organization]
    name: str
    experience: Experience
    government_cloud: bool
    created_at: datetime

    @classmethod
    def of(cls, row: organization.Organization) -> Self:
        return cls(
            id=strawberry.ID(encode("Organization", row.id)),
            row=row,
            name=row.name,
            experience=row.experience,
            government_cloud=row.government_cloud,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="Sites of the organization. Members (view_organization).",
        permission_classes=[MEMBER_OF_ORGANIZATION],
    )
    async def sites(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection["Site"]:
        return await paginate(
            info,
            pages.ORG_SITES,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.site, ids, Site.of),
        )

    @strawberry.field(
        description="The directory. Feature: view_users_in_organization (SCOPED: narrowed).",
        permission_classes=[VIEW_DIRECTORY],
    )
    async def users(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection["User"]:
        return await paginate(
            info,
            pages.ORG_USERS,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.user, ids, User.of),
            await _directory_scope(info, self.row.id),
        )

    @strawberry.field(
        description="Groups. Feature: view_users_in_organization (SCOPED: narrowed).",
        permission_classes=[VIEW_DIRECTORY],
    )
    async def groups(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection["Group"]:
        return await paginate(
            info,
            pages.ORG_GROUPS,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.group, ids, Group.of),
            await _directory_scope(info, self.row.id),
        )

    @strawberry.field(
        description="Admin role assignments. "
        "Feature: view_users_in_organization (SCOPED: narrowed).",
        permission_classes=[VIEW_DIRECTORY],
    )
    async def admins(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection["AdminRoleAssignment"]:
        return await paginate(
            info,
            pages.ORG_ADMINS,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.role_assignment, ids, AdminRoleAssignment.of),
            await _directory_scope(info, self.row.id),
        )

    @strawberry.field(
        description="Audit log, newest first (R-AUDIT-1). Filters: `action` (exact, or a "
        "prefix ending in a dot, like `group.`), `actor` (an email or `api-key:<name>`), and "
        "`since` (inclusive) / `until` (exclusive) with a time zone. "
        "Feature: view_org_audit_log.",
        permission_classes=[VIEW_AUDIT_LOG],
    )
    async def audit_log(
        self,
        info: Ctx,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
        action: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection["AuditEvent"]:
        return await paginate(
            info,
            pages.ORG_AUDIT_LOG,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.audit_event, ids, AuditEvent.of),
            where=audit_filter(action, actor, since, until),
        )

    @strawberry.field(
        description="API keys (never their secrets). Feature: update_api_keys.",
        permission_classes=[UPDATE_API_KEYS],
    )
    async def api_keys(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection["ApiKey"]:
        return await paginate(
            info,
            pages.ORG_API_KEYS,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.api_key, ids, ApiKey.of),
        )

    @strawberry.field(
        description="Requests for product access, newest first, of one status if given "
        "(R-ACCESS-10). Feature: approve_deny_access_requests (SCOPED: narrowed to your "
        "sites' products).",
        permission_classes=[APPROVE_DENY_REQUESTS],
    )
    async def access_requests(
        self,
        info: Ctx,
        status: AccessRequestStatus | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> Connection[AccessRequestType]:
        from schema import access_requests  # imported on use: see AccessRequestType

        return await access_requests.organization_requests(info, self.row.id, status, first, after)

    @strawberry.field(
        description="User access settings: the approved email domains of each product that has "
        "some (R-ACCESS-10). Feature: configure_user_access_settings (SCOPED: narrowed to "
        "your products).",
        permission_classes=[CONFIGURE_ACCESS_SETTINGS],
    )
    async def user_access_settings(self, info: Ctx) -> list[UserAccessSettingsType]:
        from schema import access_requests  # imported on use: see AccessRequestType

        return await access_requests.organization_settings(info, self.row.id)

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.OrganizationViewerCan,
        permission_classes=[MEMBER_OF_ORGANIZATION],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await organization_target(info.context, self.row.id)
        kind, features = abilities.OrganizationViewerCan, abilities.ORGANIZATION_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)


@strawberry.type(description="A site of an organization, where products are installed.")
class Site(Node):
    row: strawberry.Private[organization.Site]
    name: str
    created_at: datetime

    @classmethod
    def of(cls, row: organization.Site) -> Self:
        return cls(
            id=strawberry.ID(encode("Site", row.id)),
            row=row,
            name=row.name,
            created_at=row.created_at,
        )

    @strawberry.field(permission_classes=[MEMBER_OF_SITE])
    async def organization(self, info: Ctx) -> Organization:
        return await _one(
            info.context.loaders.organization, self.row.organization_id, Organization.of
        )

    @strawberry.field(
        description="Products installed on the site. Members (view_organization).",
        permission_classes=[MEMBER_OF_SITE],
    )
    async def products(self, info: Ctx) -> list["ProductInstance"]:
        rows = await info.context.loaders.instances_by_site.load(self.row.id)
        return [ProductInstance.of(r) for r in rows]

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.SiteViewerCan,
        permission_classes=[MEMBER_OF_SITE],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await find.target_of_site(info.context, self.row)
        kind, features = abilities.SiteViewerCan, abilities.SITE_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)


@strawberry.type(description="A product installed on a site; access is always to one of these.")
class ProductInstance(Node):
    row: strawberry.Private[product.ProductInstance]
    anonymous_access: bool
    created_at: datetime

    @classmethod
    def of(cls, row: product.ProductInstance) -> Self:
        return cls(
            id=strawberry.ID(encode("ProductInstance", row.id)),
            row=row,
            anonymous_access=row.anonymous_access,
            created_at=row.created_at,
        )

    @strawberry.field(permission_classes=[MEMBER_OF_INSTANCE])
    def product(self) -> Product:
        return Product.of(self.row.product_id)

    @strawberry.field(permission_classes=[MEMBER_OF_INSTANCE])
    async def site(self, info: Ctx) -> Site:
        return await _one(info.context.loaders.site, self.row.site_id, Site.of)

    @strawberry.field(
        description="Groups a user joins when granted a role here (R-ACCESS-3). "
        "Feature: view_users_in_organization.",
        permission_classes=[VIEW_INSTANCE_GROUPS],
    )
    async def default_groups(self, info: Ctx) -> list["Group"]:
        rows = await info.context.loaders.default_groups_by_instance.load(self.row.id)
        ids = list(dict.fromkeys(r.group_id for r in rows))
        loaded = await _load(info.context.loaders.group, ids, Group.of)
        return [group for group in loaded if group is not None]

    @strawberry.field(
        description="Groups holding a role on this product instance. "
        "Feature: view_users_in_organization.",
        permission_classes=[VIEW_INSTANCE_GROUPS],
    )
    async def groups(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection["Group"]:
        return await paginate(
            info,
            pages.INSTANCE_GROUPS,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.group, ids, Group.of),
        )

    @strawberry.field(
        description="Users with effective access (User.productAccess), by user id; `role` and "
        "`sourceKind` keep those holding that role or holding it through that kind of source. "
        "Feature: view_users_in_organization.",
        permission_classes=[VIEW_INSTANCE_GROUPS],
    )
    async def users(
        self,
        info: Ctx,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
        role: str | None = None,
        source_kind: SourceKind | None = None,
    ) -> Connection["User"]:
        return await paginate(
            info,
            pages.INSTANCE_USERS,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.user, ids, User.of),
            where=product_access.users_filter(role, source_kind),
        )

    @strawberry.field(
        description="Users holding a billable role here (catalog: not GUEST or STAKEHOLDER). "
        "Not counted: user access admins by that role (R-ROLE-8), portal-only customers "
        "(R-ACCESS-6), anonymous users (R-ACCESS-7), suspended or deactivated users "
        "(R-ACCESS-11). Feature: view_users_in_organization.",
        permission_classes=[VIEW_INSTANCE_GROUPS],
    )
    async def billable_user_count(self, info: Ctx) -> int:
        return await product_access.billable_user_count(info.context, self.row)

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.ProductInstanceViewerCan,
        permission_classes=[MEMBER_OF_INSTANCE],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await find.target_of_instance(info.context, self.row, granting=True)
        kind, features = abilities.ProductInstanceViewerCan, abilities.INSTANCE_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)


@strawberry.type(description="An account in the directory of one organization.")
class User(Node):
    row: strawberry.Private[directory.OrgUser]
    email: str
    display_name: str
    account_type: AccountType
    managed: bool
    status: UserStatus

    @classmethod
    def of(cls, row: directory.OrgUser) -> Self:
        account = row.account
        return cls(
            id=strawberry.ID(encode("User", row.id)),
            row=row,
            email=account.email,
            display_name=account.display_name,
            account_type=account.account_type,
            managed=account.managed,
            status=row.status,
        )

    @strawberry.field(permission_classes=[VIEW_USER])
    async def organization(self, info: Ctx) -> Organization:
        return await _one(
            info.context.loaders.organization, self.row.organization_id, Organization.of
        )

    @strawberry.field(
        description="Groups the user is a member of. Feature: view_users_in_organization "
        "(SCOPED: narrowed; everyone sees all of their own).",
        permission_classes=[VIEW_USER],
    )
    async def groups(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection["Group"]:
        own = info.context.require_principal().user_id_in(self.row.organization_id) == self.row.id
        return await paginate(
            info,
            pages.USER_GROUPS,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.group, ids, Group.of),
            None if own else await _directory_scope(info, self.row.organization_id),
        )

    @strawberry.field(
        description="Admin roles the user holds, with their scopes. "
        "Feature: view_users_in_organization.",
        permission_classes=[VIEW_USER],
    )
    async def admin_roles(self, info: Ctx) -> list["AdminRoleAssignment"]:
        rows = await info.context.loaders.roles_by_user.load(self.row.id)
        return [AdminRoleAssignment.of(r) for r in rows]

    @strawberry.field(
        description="Effective access: every product role the user can use, with every source "
        "(DEFAULT_GROUP, GROUP, ADMIN_ROLE, SITE_ROLE). Empty for portal-only customers "
        "(R-ACCESS-6) and users who are not active (R-ACCESS-11). Feature: "
        "view_users_in_organization (SCOPED: the products in scope; everyone sees their own).",
        permission_classes=[VIEW_USER],
    )
    async def product_access(self, info: Ctx) -> list[ProductAccess]:
        found = await product_access.product_access(info.context, self.row)
        return [ProductAccess.of(access, self.row) for access in found]

    @strawberry.field(
        description="Per product instance where the user holds access or an admin role: "
        "whether they count towards its plan, and why. Feature: view_users_in_organization "
        "(SCOPED: the products in scope; everyone sees their own).",
        permission_classes=[VIEW_USER],
    )
    async def billing(self, info: Ctx) -> list[ProductBilling]:
        return [ProductBilling.of(b) for b in await product_access.billing(info.context, self.row)]

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.UserViewerCan,
        permission_classes=[MEMBER_OF_USER_ORGANIZATION],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await find.target_of_user(info.context, self.row)
        kind, features = abilities.UserViewerCan, abilities.USER_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)


@strawberry.type(description="A product role held on a product instance.")
class ProductRoleGrant:
    row: strawberry.Private[group.GroupProductRole | group.DefaultGroup]
    role: str

    @strawberry.field(permission_classes=[MEMBER_OF_GRANT])
    async def product_instance(self, info: Ctx) -> ProductInstance:
        return await _one(
            info.context.loaders.product_instance, self.row.product_instance_id, ProductInstance.of
        )


@strawberry.type(description="A group: members and the product roles they hold through it.")
class Group(Node):
    row: strawberry.Private[group.Group]
    name: str
    description: str
    protected: bool = strawberry.field(description="org-admins: never deleted (R-ROLE-15).")

    @classmethod
    def of(cls, row: group.Group) -> Self:
        return cls(
            id=strawberry.ID(encode("Group", row.id)),
            row=row,
            name=row.name,
            description=row.description,
            protected=row.protected,
        )

    @strawberry.field(
        description="The site of an ORIGINAL group; null when organization-level.",
        permission_classes=[VIEW_GROUP],
    )
    async def site(self, info: Ctx) -> Site | None:
        if self.row.site_id is None:
            return None
        return await _one(info.context.loaders.site, self.row.site_id, Site.of)

    @strawberry.field(
        description="Members. Feature: view_users_in_organization.",
        permission_classes=[VIEW_GROUP],
    )
    async def members(
        self, info: Ctx, first: int = DEFAULT_FIRST, after: str | None = None
    ) -> Connection[User]:
        return await paginate(
            info,
            pages.GROUP_MEMBERS,
            self.row.id,
            first,
            after,
            lambda ids: _load(info.context.loaders.user, ids, User.of),
        )

    @strawberry.field(
        description="Product roles members hold through this group (R-ACCESS-1). "
        "Feature: view_users_in_organization.",
        permission_classes=[VIEW_GROUP],
    )
    async def product_roles(self, info: Ctx) -> list[ProductRoleGrant]:
        rows = await info.context.loaders.product_roles_by_group.load(self.row.id)
        return [ProductRoleGrant(row=r, role=r.role) for r in rows]

    @strawberry.field(
        description="Product roles this group is a default group for. "
        "Feature: view_users_in_organization.",
        permission_classes=[VIEW_GROUP],
    )
    async def is_default_for(self, info: Ctx) -> list[ProductRoleGrant]:
        rows = await info.context.loaders.default_for_by_group.load(self.row.id)
        return [ProductRoleGrant(row=r, role=r.role) for r in rows]

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.GroupViewerCan,
        permission_classes=[MEMBER_OF_GROUP_ORGANIZATION],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await find.target_of_group(info.context, self.row)
        kind, features = abilities.GroupViewerCan, abilities.GROUP_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)


AdminRoleScope = Annotated[
    Organization | Site | ProductInstance, strawberry.union("AdminRoleScope")
]


@strawberry.type(description="An admin role held by a user over a scope.")
class AdminRoleAssignment(Node):
    row: strawberry.Private[admin_role.RoleAssignment]
    role: AdminRole
    created_at: datetime

    @classmethod
    def of(cls, row: admin_role.RoleAssignment) -> Self:
        return cls(
            id=strawberry.ID(encode("AdminRoleAssignment", row.id)),
            row=row,
            role=row.role,
            created_at=row.created_at,
        )

    @strawberry.field(permission_classes=[VIEW_ASSIGNMENT])
    async def user(self, info: Ctx) -> User:
        return await _one(info.context.loaders.user, self.row.user_id, User.of)

    @strawberry.field(
        description="The organization, site or product instance it covers.",
        permission_classes=[VIEW_ASSIGNMENT],
    )
    async def scope(self, info: Ctx) -> AdminRoleScope:
        if self.row.product_instance_id is not None:
            return await _one(
                info.context.loaders.product_instance,
                self.row.product_instance_id,
                ProductInstance.of,
            )
        if self.row.site_id is not None:
            return await _one(info.context.loaders.site, self.row.site_id, Site.of)
        return await _one(
            info.context.loaders.organization, self.row.organization_id, Organization.of
        )


@strawberry.type(description="One change in the audit log (R-AUDIT-1).")
class AuditEvent(Node):
    row: strawberry.Private[audit.AuditEvent]
    action: str
    actor: str = strawberry.field(description="Email of the account, or api-key:<name>.")
    target_type: str
    target_id: strawberry.ID
    before: JSON | None
    after: JSON | None
    rule: str = strawberry.field(description="The matrix feature or R- rule that allowed it.")
    request_id: str
    created_at: datetime

    @classmethod
    def of(cls, row: audit.AuditEvent) -> Self:
        target = encode(row.target_type, int(row.target_id)) if row.target_id.isdigit() else ""
        return cls(
            id=strawberry.ID(encode("AuditEvent", row.id)),
            row=row,
            action=row.action,
            actor=row.actor_label,
            target_type=row.target_type,
            target_id=strawberry.ID(target or row.target_id),
            before=JSON(row.before),
            after=JSON(row.after),
            rule=row.rule,
            request_id=row.request_id,
            created_at=row.created_at,
        )


@strawberry.type(description="An organization API key; its secret is shown once, at creation.")
class ApiKey(Node):
    row: strawberry.Private[credentials.ApiKey]
    name: str
    prefix: str = strawberry.field(description="Public part of the key, to recognise it.")
    read_only: bool
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: credentials.ApiKey) -> Self:
        return cls(
            id=strawberry.ID(encode("ApiKey", row.id)),
            row=row,
            name=row.name,
            prefix=row.prefix,
            read_only=row.read_only,
            created_at=row.created_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )


async def _directory_scope(info: Ctx, organization_id: int) -> Scope | None:
    organization = await organization_target(info.context, organization_id)
    return info.context.scope(VIEW_USERS_FEATURE, organization)


async def _one(loader: DataLoader[int, R | None], pk: int, wrap: Callable[[R], W]) -> W:
    row = await loader.load(pk)
    if row is None:  # deleted between reading the parent and the child
        raise NotFound()
    return wrap(row)


async def _load(
    loader: DataLoader[int, R | None], ids: list[int], wrap: Callable[[R], W]
) -> list[W | None]:
    return [wrap(row) if row is not None else None for row in await loader.load_many(ids)]
