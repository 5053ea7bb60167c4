"""Organization: the top of the graph, with its sites, directory, groups, admins, audit log,
API keys, access requests and user access settings (API.md)."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from models import organization
from permissions.errors import NotFound
from resolvers import pages
from resolvers.audit import audit_filter, is_actor_of
from resolvers.directory_search import DirectoryQuery, directory_filter, user_order
from resolvers.targets import organization_target
from schema import abilities
from schema.connections import (
    After,
    Before,
    Connection,
    First,
    Last,
    RequestStatus,
    paginate,
    window,
)
from schema.enums import (
    AccountType,
    AdminRole,
    Experience,
    OrderDirection,
    UserOrderField,
    UserStatus,
)
from schema.ids import decode, encode
from schema.node import (
    APPROVE_DENY_REQUESTS,
    CONFIGURE_ACCESS_SETTINGS,
    MEMBER_OF,
    UPDATE_API_KEYS,
    USER_PROVISIONING,
    VIEW_AUDIT_LOG,
    VIEW_DIRECTORY,
    VIEWER_CAN,
    Ctx,
    Node,
    directory_scope,
    load_all,
)
from schema.records import ApiKey, AuditEvent, ScimToken, actor_ref

if TYPE_CHECKING:
    from schema.access_requests import AccessRequest, UserAccessSettings
    from schema.people import AdminRoleAssignment, Group, User
    from schema.places import Site

# Types defined after this module (they refer back to Organization) are named lazily and
# imported where they are used.
LazySite = Annotated["Site", strawberry.lazy("schema.places")]
LazyUser = Annotated["User", strawberry.lazy("schema.people")]
LazyGroup = Annotated["Group", strawberry.lazy("schema.people")]
LazyAdminRoleAssignment = Annotated["AdminRoleAssignment", strawberry.lazy("schema.people")]
AccessRequestType = Annotated["AccessRequest", strawberry.lazy("schema.access_requests")]
UserAccessSettingsType = Annotated["UserAccessSettings", strawberry.lazy("schema.access_requests")]


@strawberry.input(description="How Organization.users is sorted.")
class UserOrder:
    field: UserOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="ASC when left out."
    )


@strawberry.type(description="An organization: sites, directory, groups, admins, audit log.")
class Organization(Node):
    row: strawberry.Private[organization.Organization]
    name: str = strawberry.field(description="The organization's name.")
    experience: Experience = strawberry.field(
        description="How its users are administered: which admin roles exist (R-ROLE-7)."
    )
    government_cloud: bool = strawberry.field(
        description="Users come from an identity provider and products go to groups only "
        "(R-ACCESS-8)."
    )
    created_at: datetime = strawberry.field(description="When it was created.")

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
        extensions=[MEMBER_OF],
    )
    async def sites(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LazySite]:
        from schema.places import Site  # defined after this module

        return await paginate(
            info,
            pages.ORG_SITES,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.site, ids, Site.of),
        )

    @strawberry.field(
        description="The directory, by id unless `orderBy` says otherwise; totalCount counts "
        "what the filters let through. `query` finds users whose email, display name or any "
        "word of the name starts with it, ignoring case and accents. `productInstanceId`: "
        "users with effective access to it (needs view_users_in_organization on it). "
        "Feature: view_users_in_organization (SCOPED: narrowed).",
        extensions=[VIEW_DIRECTORY],
    )
    async def users(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        query: Annotated[
            str | None,
            strawberry.argument(
                description="Users whose email, display name or a word of it starts with "
                "this, ignoring case and accents."
            ),
        ] = None,
        status: Annotated[
            UserStatus | None, strawberry.argument(description="Only users of this status.")
        ] = None,
        account_type: Annotated[
            AccountType | None, strawberry.argument(description="Only accounts of this kind.")
        ] = None,
        admin_role: Annotated[
            AdminRole | None,
            strawberry.argument(description="Only users holding this admin role, over any scope."),
        ] = None,
        product_instance_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only users with effective access to this product instance (needs "
                "view_users_in_organization on it)."
            ),
        ] = None,
        order_by: Annotated[
            UserOrder | None, strawberry.argument(description="The order; by id when left out.")
        ] = None,
    ) -> Connection[LazyUser]:
        from schema.people import User  # defined after this module

        instance = decode(product_instance_id, "ProductInstance") if product_instance_id else None
        asked = DirectoryQuery(query, status, account_type, admin_role, instance)
        descending = order_by is not None and order_by.direction is OrderDirection.DESC
        order = user_order(order_by.field, descending) if order_by else None
        return await paginate(
            info,
            pages.ORG_USERS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.user, ids, User.of),
            await directory_scope(info, self.row.id),
            await directory_filter(info.context, self.row.id, asked),
            order,
        )

    @strawberry.field(
        description="Groups. Feature: view_users_in_organization (SCOPED: narrowed).",
        extensions=[VIEW_DIRECTORY],
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
            pages.ORG_GROUPS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.group, ids, Group.of),
            await directory_scope(info, self.row.id),
        )

    @strawberry.field(
        description="Admin role assignments. "
        "Feature: view_users_in_organization (SCOPED: narrowed).",
        extensions=[VIEW_DIRECTORY],
    )
    async def admins(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LazyAdminRoleAssignment]:
        from schema.people import AdminRoleAssignment  # defined after this module

        return await paginate(
            info,
            pages.ORG_ADMINS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.role_assignment, ids, AdminRoleAssignment.of),
            await directory_scope(info, self.row.id),
        )

    @strawberry.field(
        description="Audit log, newest first (R-AUDIT-1). Filters: `action` (exact, or a "
        "prefix ending in a dot, like `group.`), `actorId` (an Account's or an ApiKey's id, as "
        "AuditEvent.actor.id gives; NOT_FOUND unless it names an actor of this organization), "
        "and `since` (inclusive) / `until` (exclusive) with a time zone. "
        "Feature: view_org_audit_log.",
        extensions=[VIEW_AUDIT_LOG],
    )
    async def audit_log(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        action: Annotated[
            str | None,
            strawberry.argument(
                description="An action (user.invite), or a prefix ending in a dot (group.)."
            ),
        ] = None,
        actor: Annotated[
            str | None,
            strawberry.argument(
                description="The name the actor had: an email or an API key's name.",
                deprecation_reason="A name may be an account's and a key's: use actorId.",
            ),
        ] = None,
        since: Annotated[
            datetime | None,
            strawberry.argument(description="Events at or after this time, with a time zone."),
        ] = None,
        until: Annotated[
            datetime | None,
            strawberry.argument(description="Events before this time, with a time zone."),
        ] = None,
        actor_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Events by this Account, ApiKey or ScimToken (AuditActor.id); "
                "NOT_FOUND unless it names an actor of this organization."
            ),
        ] = None,
    ) -> Connection[AuditEvent]:
        by = actor_ref(actor_id)
        if by is not None and not await is_actor_of(self.row.id, *by):
            raise NotFound("No such actor in this organization.")
        return await paginate(
            info,
            pages.ORG_AUDIT_LOG,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.audit_event, ids, AuditEvent.of),
            where=audit_filter(action, actor, since, until, actor_ref=by),
        )

    @strawberry.field(
        description="API keys (never their secrets). Feature: update_api_keys.",
        extensions=[UPDATE_API_KEYS],
    )
    async def api_keys(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ApiKey]:
        return await paginate(
            info,
            pages.ORG_API_KEYS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.api_key, ids, ApiKey.of),
        )

    @strawberry.field(
        description="SCIM provisioning tokens (never their secrets), revoked ones included. "
        "Feature: user_provisioning.",
        extensions=[USER_PROVISIONING],
    )
    async def scim_tokens(
        self,
        info: Ctx,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ScimToken]:
        return await paginate(
            info,
            pages.ORG_SCIM_TOKENS,
            self.row.id,
            window(first, after, last, before),
            lambda ids: load_all(info.context.loaders.scim_token, ids, ScimToken.of),
        )

    @strawberry.field(
        description="Requests for product access, newest first, of one status if given "
        "(R-ACCESS-10). Feature: approve_deny_access_requests (SCOPED: narrowed to your "
        "sites' products).",
        extensions=[APPROVE_DENY_REQUESTS],
    )
    async def access_requests(
        self,
        info: Ctx,
        status: RequestStatus = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AccessRequestType]:
        from schema import access_requests  # defined after this module

        page = window(first, after, last, before)
        return await access_requests.organization_requests(info, self.row.id, status, page)

    @strawberry.field(
        description="User access settings: the approved email domains of each product that has "
        "some (R-ACCESS-10). Feature: configure_user_access_settings (SCOPED: narrowed to "
        "your products).",
        extensions=[CONFIGURE_ACCESS_SETTINGS],
    )
    async def user_access_settings(self, info: Ctx) -> list[UserAccessSettingsType]:
        from schema import access_requests  # defined after this module

        return await access_requests.organization_settings(info, self.row.id)

    @strawberry.field(
        description=VIEWER_CAN,
        graphql_type=abilities.OrganizationViewerCan,
        extensions=[MEMBER_OF],
    )
    async def viewer_can(self, info: Ctx) -> Any:
        target = await organization_target(info.context, self.row.id)
        kind, features = abilities.OrganizationViewerCan, abilities.ORGANIZATION_FEATURES
        return abilities.viewer_can(info.context, kind, features, target)
