"""Public enums (API.md): registered with strawberry under their contract names."""

import strawberry

from models.enums import AccountType, AdminRole, Experience, UserStatus
from resolvers.errors import ErrorCode

strawberry.enum(Experience, name="UserManagementExperience")
strawberry.enum(AccountType, name="AccountType")
strawberry.enum(UserStatus, name="UserStatus")
strawberry.enum(AdminRole, name="AdminRole")
strawberry.enum(ErrorCode, name="UserErrorCode")

__all__ = ["AccountType", "AdminRole", "ErrorCode", "Experience", "UserStatus"]
