"""Public enums (API.md): registered with strawberry under their contract names."""

from enum import StrEnum

import strawberry

from models.enums import (
    AccessRequestStatus,
    AccountType,
    ActorKind,
    AdminRole,
    Experience,
    UserStatus,
)
from resolvers.directory_search import UserOrderField
from resolvers.effective_access import SourceKind
from resolvers.errors import ErrorCode

strawberry.enum(Experience, name="UserManagementExperience")
strawberry.enum(AccountType, name="AccountType")
strawberry.enum(UserStatus, name="UserStatus")
strawberry.enum(AdminRole, name="AdminRole")
strawberry.enum(ErrorCode, name="UserErrorCode")
strawberry.enum(
    SourceKind,
    name="AccessSourceKind",
    description="Where a product role comes from: a default group (R-ACCESS-3), another "
    "group (R-ACCESS-1), an admin role (R-ROLE-4, R-ROLE-11) or an ORIGINAL site role "
    "(R-ROLE-12, R-ROLE-13).",
)
strawberry.enum(
    ActorKind,
    name="ActorKind",
    description="What made a change in the audit log: an account (by a personal token) or an "
    "organization API key.",
)
strawberry.enum(
    AccessRequestStatus,
    name="AccessRequestStatus",
    description="PENDING until an admin approves or denies it (R-ACCESS-10).",
)

strawberry.enum(
    UserOrderField,
    name="UserOrderField",
    description="What Organization.users sorts by: the display name or the email (ignoring "
    "case and accents), or the date the user was added; ties by id.",
)


@strawberry.enum(description="Ascending (A to Z, oldest first) or descending.")
class OrderDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


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
