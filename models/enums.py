"""Enumerations shared by the models; their values are the public GraphQL enum names (API.md)."""

from enum import StrEnum


class Experience(StrEnum):
    """User management experience of an organization (seed 000/004)."""

    ORIGINAL = "ORIGINAL"
    CENTRALIZED = "CENTRALIZED"


class AccountType(StrEnum):
    ATLASSIAN = "ATLASSIAN"
    CUSTOMER = "CUSTOMER"  # a JSM portal-only customer (R-ACCESS-6)
    APP = "APP"


class UserStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    DEACTIVATED = "DEACTIVATED"


class AdminRole(StrEnum):
    ORG_ADMIN = "ORG_ADMIN"
    SITE_ADMIN = "SITE_ADMIN"
    USER_ACCESS_ADMIN = "USER_ACCESS_ADMIN"
    PRODUCT_ADMIN = "PRODUCT_ADMIN"
    TRUSTED_USER = "TRUSTED_USER"


class ActorKind(StrEnum):
    """What made a change in the audit log. A new kind of credential adds a value here and
    nothing else in the log (its rows keep kind, id and display)."""

    ACCOUNT = "ACCOUNT"  # a person, by a personal token
    API_KEY = "API_KEY"  # an organization API key
    SCIM_TOKEN = "SCIM_TOKEN"  # an organization's provisioning token (scim/)


class ScopeKind(StrEnum):
    ORGANIZATION = "ORGANIZATION"
    SITE = "SITE"
    PRODUCT_INSTANCE = "PRODUCT_INSTANCE"


# Each admin role is held over exactly one kind of scope (DOMAIN.md, "Role assignment").
ROLE_SCOPE_KIND: dict[AdminRole, ScopeKind] = {
    AdminRole.ORG_ADMIN: ScopeKind.ORGANIZATION,
    AdminRole.SITE_ADMIN: ScopeKind.SITE,
    AdminRole.TRUSTED_USER: ScopeKind.SITE,
    AdminRole.USER_ACCESS_ADMIN: ScopeKind.PRODUCT_INSTANCE,
    AdminRole.PRODUCT_ADMIN: ScopeKind.PRODUCT_INSTANCE,
}


class AccessRequestStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DENIED = "DENIED"
