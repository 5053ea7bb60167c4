"""Public enums (API.md): registered with strawberry under their contract names."""

import strawberry

from models.enums import AccessRequestStatus, AccountType, AdminRole, Experience, UserStatus
from resolvers.errors import ErrorCode

strawberry.enum(Experience, name="UserManagementExperience")
strawberry.enum(AccountType, name="AccountType")
strawberry.enum(UserStatus, name="UserStatus")
strawberry.enum(AdminRole, name="AdminRole")
strawberry.enum(ErrorCode, name="UserErrorCode")
strawberry.enum(
    AccessRequestStatus,
    name="AccessRequestStatus",
    description="PENDING until an admin approves or denies it (R-ACCESS-10).",
)

__all__ = [
    "AccessRequestStatus",
    "AccountType",
    "AdminRole",
    "ErrorCode",
    "Experience",
    "UserStatus",
]
