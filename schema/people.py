"""The directory: users, groups, the product roles groups hold, admin role assignments."""

from datetime import datetime
from typing import Annotated, Any, Self

import strawberry

from models import admin_role, directory, group
from permissions.matrix import TargetKind
from resolvers import grantable, pages, product_access
from resolvers import targets as find
from resolvers.known import Maybe
from schema import abilities
from schema.access import ProductAccess, ProductBilling, read_ahead
from schema.connections import After, Before, Connection, First, Last, paginate, window
from schema.enums import AccountType, AdminRole, UserStatus
from schema.ids import encode
from schema.node import (
    GRANT_SOMEWHERE,
    MEMBER_OF,
    MEMBER_OF_GRANT,
    MODIFY_GROUP,
    VIEW,
    VIEW_AS_MADE,
    VIEWER_CAN,
    Ctx,
    Node,
    directory_scope,
    load_all,
    one_now,
)
from schema.organization import Organization
from schema.places import ProductInstance, Site


@strawberry.type(description="An account in the directory of one organization.")
class User(Node):
    row: strawberry.Private[directory.OrgUser]
    email: str = strawberry.field(description="The account's email.")
    display_name: str = strawberry.field(
        description="The organization's own name for the user if it gave one (inviteUser), "
        "else the account's."
    )
    account_type: AccountType = strawberry.field(description="The account's kind.")
    managed: bool = strawberry.field(
        description="Whether the organization verified the account's email domain."
    )
    status: UserStatus = strawberry.field(
        description="Whether the user may use what they hold (R-ACCESS-11)."
    )

    @classmethod
    def of(cls, row: directory.OrgUser) -> Self:
        account = row.account
        return cls(
            id=strawberry.ID(encode("User", row.id)),
            row=row,
            email=account.email,
            # The organization's own name for the person, if it gave one; else the account's.
            display_name=row.display_name or account.display_name,
            account_type=account.account_type,
            managed=account.managed,
            status=row.status,
        )

    @strawberry.field(
        description="The organization whose directory holds the user. "
        "Feature: view_users_in_organization (everyone sees their own); null when refused.",
        graphql_type=Organization,
        extensions=[VIEW_AS_MADE],
    )
    def organization(self, info: Ctx) -> Maybe[Organization]:
        return one_now(info.context.loaders.organization, self.row.organization_id, Organization.of)

    @strawberry.field(
        description="Groups the user is a member of. Feature: view_users_in_organization "
        "(SCOPED: narrowed; everyone sees all of their own).",
        extensions=[VIEW_AS_MADE],
    )
    async def groups(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["Group"]:
        own = info.context.require_principal().user_id_in(self.row.organization_id) == self.row.id
        own = own or info.context.was_made(TargetKind.USER, self.row.id)  # all it was given
        return await paginate(
            info,
            pages.USER_GROUPS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.group, ids, Group.of),
            None if own else await directory_scope(info, self.row.organization_id),
        )

    @strawberry.field(
        description="Admin roles the user holds, with their scopes. "
        "Feature: view_users_in_organization.",
        extensions=[VIEW_AS_MADE],
    )
    async def admin_roles(self, info: Ctx) -> list["AdminRoleAssignment"]:
        rows = await info.context.loaders.roles_by_user.load(self.row.id)
        return [AdminRoleAssignment.of(r) for r in rows]

    @strawberry.field(
        description="Effective access: every product role the user can use, with every source "
        "(DEFAULT_GROUP, GROUP, ADMIN_ROLE, SITE_ROLE). Empty for portal-only customers "
        "(R-ACCESS-6) and users who are not active (R-ACCESS-11). Feature: "
        "view_users_in_organization (SCOPED: the products in scope; everyone sees their own).",
        extensions=[VIEW_AS_MADE],
    )
    async def product_access(self, info: Ctx) -> list[ProductAccess]:
        found = await product_access.product_access(info.context, self.row)
        await read_ahead(info, found)
        return [ProductAccess.of(access, self.row) for access in found]

    @strawberry.field(
        description="Per product instance where the user holds access or an admin role: "
        "whether they count towards its plan, and why. Feature: view_users_in_organization "
        "(SCOPED: the products in scope; everyone sees their own).",
        extensions=[VIEW_AS_MADE],
    )
    async def billing(self, info: Ctx) -> list[ProductBilling]:
        return [ProductBilling.of(b) for b in await product_access.billing(info.context, self.row)]

    @strawberry.field(
        description='The "Grant access" list: product instances the user holds by no path '
        "that you may grant them (grantProductAccess would be allowed: R-ROLE-6, R-ROLE-8, "
        "R-ROLE-10; a product whose default group also gives products you don't manage is "
        "left out). Empty for a portal-only customer (R-ACCESS-6) and in a government cloud "
        "organization (R-ACCESS-8). Feature: add_remove_users_from_products.",
        extensions=[GRANT_SOMEWHERE],
    )
    async def grantable_products(self, info: Ctx) -> list[ProductInstance]:
        found = await grantable.grantable_to_user(info.context, self.row)
        return [ProductInstance.of(instance) for instance in found]

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.UserViewerCan,
        extensions=[MEMBER_OF],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await find.target(info.context, self.row)
        kind, features = abilities.UserViewerCan, abilities.USER_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)


@strawberry.type(description="A product role held on a product instance.")
class ProductRoleGrant:
    row: strawberry.Private[group.GroupProductRole | group.DefaultGroup]
    role: str = strawberry.field(description="The product role, like USER.")

    @strawberry.field(
        description="Where the role is held. Members of its organization "
        "(view_organization); null when refused.",
        graphql_type=ProductInstance,
        extensions=[MEMBER_OF_GRANT],
    )
    def product_instance(self, info: Ctx) -> Maybe[ProductInstance]:
        loader = info.context.loaders.product_instance
        return one_now(loader, self.row.product_instance_id, ProductInstance.of)


@strawberry.type(description="A group: members and the product roles they hold through it.")
class Group(Node):
    row: strawberry.Private[group.Group]
    name: str = strawberry.field(
        description="Unique in its organization (its site in ORIGINAL), ignoring case."
    )
    description: str = strawberry.field(description="What the group is for; may be empty.")
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
        graphql_type=Site | None,
        extensions=[VIEW_AS_MADE],
    )
    def site(self, info: Ctx) -> Maybe[Site | None]:
        if self.row.site_id is None:
            return None
        return one_now(info.context.loaders.site, self.row.site_id, Site.of)

    @strawberry.field(
        description="Members. Feature: view_users_in_organization.",
        extensions=[VIEW_AS_MADE],
    )
    async def members(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User]:
        return await paginate(
            info,
            pages.GROUP_MEMBERS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.user, ids, User.of),
        )

    @strawberry.field(
        description="Product roles members hold through this group (R-ACCESS-1). "
        "Feature: view_users_in_organization.",
        extensions=[VIEW_AS_MADE],
    )
    async def product_roles(self, info: Ctx) -> list[ProductRoleGrant]:
        rows = await info.context.loaders.product_roles_by_group.load(self.row.id)
        return [ProductRoleGrant(row=r, role=r.role) for r in rows]

    @strawberry.field(
        description="Product roles this group is a default group for. "
        "Feature: view_users_in_organization.",
        extensions=[VIEW_AS_MADE],
    )
    async def is_default_for(self, info: Ctx) -> list[ProductRoleGrant]:
        rows = await info.context.loaders.default_for_by_group.load(self.row.id)
        return [ProductRoleGrant(row=r, role=r.role) for r in rows]

    @strawberry.field(
        description='The "Add product" list: product instances of the group\'s organization '
        "(in ORIGINAL, of its site) it holds no role on that you may give it "
        "(grantGroupProductAccess would be allowed). Empty while a portal-only customer is a "
        "member (R-ACCESS-6). Features: create_or_modify_group on the group, "
        "add_remove_users_from_products on each product.",
        extensions=[MODIFY_GROUP, GRANT_SOMEWHERE],
    )
    async def grantable_products(self, info: Ctx) -> list[ProductInstance]:
        found = await grantable.grantable_to_group(info.context, self.row)
        return [ProductInstance.of(instance) for instance in found]

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.GroupViewerCan,
        extensions=[MEMBER_OF],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await find.target(info.context, self.row)
        kind, features = abilities.GroupViewerCan, abilities.GROUP_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)


AdminRoleScope = Annotated[
    Organization | Site | ProductInstance,
    strawberry.union(
        "AdminRoleScope",
        description="What an admin role covers: the Organization (ORG_ADMIN), a Site "
        "(SITE_ADMIN, TRUSTED_USER) or a ProductInstance (USER_ACCESS_ADMIN, PRODUCT_ADMIN).",
    ),
]


@strawberry.type(description="An admin role held by a user over a scope.")
class AdminRoleAssignment(Node):
    row: strawberry.Private[admin_role.RoleAssignment]
    role: AdminRole = strawberry.field(description="The role held.")
    created_at: datetime = strawberry.field(description="When it was given.")

    @classmethod
    def of(cls, row: admin_role.RoleAssignment) -> Self:
        return cls(
            id=strawberry.ID(encode("AdminRoleAssignment", row.id)),
            row=row,
            role=row.role,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="Who holds it. Feature: view_users_in_organization; null when refused.",
        graphql_type=User,
        extensions=[VIEW],
    )
    def user(self, info: Ctx) -> Maybe[User]:
        return one_now(info.context.loaders.user, self.row.user_id, User.of)

    @strawberry.field(
        description="The organization, site or product instance it covers.",
        graphql_type=AdminRoleScope,
        extensions=[VIEW],
    )
    def scope(self, info: Ctx) -> Maybe[Organization | Site | ProductInstance]:
        loaders, row = info.context.loaders, self.row
        if row.product_instance_id is not None:
            return one_now(loaders.product_instance, row.product_instance_id, ProductInstance.of)
        if row.site_id is not None:
            return one_now(loaders.site, row.site_id, Site.of)
        return one_now(loaders.organization, row.organization_id, Organization.of)
