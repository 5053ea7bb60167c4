"""Public enums (API.md): registered with strawberry under their contract names."""

from enum import Enum, StrEnum
from typing import TypeVar

import strawberry

from models.enums import (
    AccessRequestStatus,
    AccountType,
    ActorKind,
    AdminRole,
    Experience,
    UserStatus,
)
from portcullis.graphql_internals import describe_enum_values
from resolvers.directory_search import UserOrderField
from resolvers.effective_access import SourceKind
from resolvers.errors import ErrorCode

E = TypeVar("E", bound=Enum)


def described(cls: type[E], name: str, description: str, values: dict[E, str]) -> None:
    """Registers a vocabulary enum of models/ or resolvers/ (which know nothing of strawberry)
    under its contract name, with a description for the enum and each of its values; a value
    left out, or one the enum lacks, fails at import."""
    if set(values) != set(cls):
        raise ValueError(f"{name}: describe exactly {sorted(m.name for m in cls)}")
    strawberry.enum(cls, name=name, description=description)
    describe_enum_values(cls, {member.name: text for member, text in values.items()})


described(
    Experience,
    "UserManagementExperience",
    "How an organization's users are administered; it decides which admin roles exist "
    "(R-ROLE-7) and who manages what.",
    {
        Experience.ORIGINAL: "Site admins manage the users, groups and products of their site "
        "(R-ROLE-12) and switch a product on or off per user (R-ACCESS-9); groups belong to a "
        "site.",
        Experience.CENTRALIZED: "Organization admins manage the organization, and user access "
        "admins the access to their assigned products (R-ROLE-8); groups belong to the "
        "organization.",
    },
)
described(
    AccountType,
    "AccountType",
    "What kind of identity an account is.",
    {
        AccountType.ATLASSIAN: "A person's own account.",
        AccountType.CUSTOMER: "A Jira Service Management portal-only customer: never given a "
        "product, directly or through a group (R-ACCESS-6).",
        AccountType.APP: "A bot acting for an app.",
    },
)
described(
    UserStatus,
    "UserStatus",
    "Whether a user of the directory may use what they hold. Only ACTIVE users hold effective "
    "access and rights; the others keep their groups and roles (R-ACCESS-11).",
    {
        UserStatus.ACTIVE: "Uses the products and roles they hold.",
        UserStatus.SUSPENDED: "Suspended (suspendUser, or SCIM `active: false`) until restored; "
        "holds no access meanwhile (R-ACCESS-11).",
        UserStatus.DEACTIVATED: "Deactivated: holds no access (R-ACCESS-11); restoreUser does not "
        "bring them back.",
    },
)
described(
    AdminRole,
    "AdminRole",
    "An administrative role, held over one scope: the organization, a site or a product instance.",
    {
        AdminRole.ORG_ADMIN: "Organization admin, over the organization: administers "
        "everything and holds USER and PRODUCT_ADMIN on every product (R-ROLE-4).",
        AdminRole.SITE_ADMIN: "Site admin, over a site: in ORIGINAL manages the site's users, "
        "groups and products (R-ROLE-12); in CENTRALIZED manages no product access by this "
        "role alone (R-ROLE-6).",
        AdminRole.USER_ACCESS_ADMIN: "User access admin, over a product instance "
        "(CENTRALIZED only, R-ROLE-7): manages who uses that product, without using or being "
        "billed for it (R-ROLE-8).",
        AdminRole.PRODUCT_ADMIN: "Product admin, over a product instance: manages its "
        "settings; uses the product too outside the Jira family (R-ROLE-11).",
        AdminRole.TRUSTED_USER: "Trusted user, over a site (ORIGINAL only, R-ROLE-7): uses "
        "every product of the site and may invite users to them (R-ROLE-13).",
    },
)
described(
    ErrorCode,
    "UserErrorCode",
    "Why a mutation that was allowed to run refused its change (UserError.code); nothing was "
    "changed.",
    {
        ErrorCode.ALREADY_HAS_ACCESS: "The user or group already holds the product, or that role "
        "of it: change the role instead (R-ACCESS-4).",
        ErrorCode.NO_SUCH_ACCESS: "The access or admin role to change or take away is not "
        "held, or is held only through another group: change that group instead.",
        ErrorCode.PORTAL_ONLY_CUSTOMER: "A portal-only customer gets no product and no admin "
        "role (R-ACCESS-6).",
        ErrorCode.LAST_ORG_ADMIN: "The change would leave the organization without an active "
        "organization admin (R-ROLE-3).",
        ErrorCode.ROLE_NOT_IN_EXPERIENCE: "The organization's experience lacks this admin "
        "role (R-ROLE-7).",
        ErrorCode.GROUPS_ONLY_IN_GOVERNMENT_CLOUD: "A government-cloud organization gives "
        "products only to provisioned groups, not to single users or email domains "
        "(R-ACCESS-8).",
        ErrorCode.PROTECTED_GROUP: "The org-admins group follows the organization admin role: no "
        "group mutation renames, deletes or gives it members, products or default-group status, "
        "and its name is reserved (R-ROLE-15).",
        ErrorCode.ANONYMOUS_ACCESS_UNSUPPORTED: "Anonymous access exists only for Confluence, "
        "Jira and Jira Service Management (R-ACCESS-7).",
        ErrorCode.INVALID_ROLE_FOR_PRODUCT: "The product does not offer this product role.",
        ErrorCode.DUPLICATE: "It exists already: a name, an approved domain, an admin role held, "
        "a pending request or a user of the directory.",
        ErrorCode.INVALID_INPUT: "The input breaks a rule of its own: `field` says where and "
        "`message` why (an unknown id in a list, a bad name, a status that does not allow it).",
        ErrorCode.INVALID_SIGN_IN_CODE: "The sign-in code is unknown, used or expired.",
        ErrorCode.ACCOUNT_TYPE_MISMATCH: "inviteUser named an account type other than the "
        "existing account's (R-ACCESS-2).",
    },
)
described(
    SourceKind,
    "AccessSourceKind",
    "Where a product role comes from: a default group (R-ACCESS-3), another "
    "group (R-ACCESS-1), an admin role (R-ROLE-4, R-ROLE-11) or an ORIGINAL site role "
    "(R-ROLE-12, R-ROLE-13).",
    {
        SourceKind.DEFAULT_GROUP: "The user is in one of the product's default groups: "
        "direct access (R-ACCESS-3).",
        SourceKind.GROUP: "Another group the user is in holds the role (R-ACCESS-1).",
        SourceKind.ADMIN_ROLE: "An organization admin's (R-ROLE-4) or, outside the Jira "
        "family, a product admin's (R-ROLE-11) role gives it.",
        SourceKind.SITE_ROLE: "In ORIGINAL, a site admin (R-ROLE-12) or trusted user "
        "(R-ROLE-13) of the product's site holds it.",
    },
)
described(
    ActorKind,
    "ActorKind",
    "What made a change in the audit log: an account (by a personal token), an "
    "organization API key or a provisioning token.",
    {
        ActorKind.ACCOUNT: "A person, by a personal token (R-TOKEN-1).",
        ActorKind.API_KEY: "An organization API key (R-KEY-1).",
        ActorKind.SCIM_TOKEN: "An organization's SCIM provisioning token.",
    },
)
described(
    AccessRequestStatus,
    "AccessRequestStatus",
    "PENDING until an admin approves or denies it (R-ACCESS-10).",
    {
        AccessRequestStatus.PENDING: "Waiting for an admin's decision.",
        AccessRequestStatus.APPROVED: "Approved by an admin, or at once for an email domain "
        "approved without approval (R-ACCESS-10).",
        AccessRequestStatus.DENIED: "Denied by an admin; the requester may ask again.",
    },
)
described(
    UserOrderField,
    "UserOrderField",
    "What Organization.users sorts by: the display name or the email (ignoring "
    "case and accents), or the date the user was added; ties by id.",
    {
        UserOrderField.DISPLAY_NAME: "The display name, ignoring case and accents.",
        UserOrderField.EMAIL: "The email, ignoring case and accents.",
        UserOrderField.DATE_ADDED: "When the user joined the organization's directory.",
    },
)


class OrderDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


described(
    OrderDirection,
    "OrderDirection",
    "Ascending (A to Z, oldest first) or descending.",
    {OrderDirection.ASC: "A to Z, oldest first.", OrderDirection.DESC: "Z to A, newest first."},
)


__all__ = [
    "AccessRequestStatus",
    "AccountType",
    "ActorKind",
    "AdminRole",
    "ErrorCode",
    "Experience",
    "OrderDirection",
    "SourceKind",
    "UserOrderField",
    "UserStatus",
]
