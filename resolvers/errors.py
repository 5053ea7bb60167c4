"""Domain refusals: returned in a payload's `errors` with a code from one shared enum (API.md)."""

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    ALREADY_HAS_ACCESS = "ALREADY_HAS_ACCESS"
    NO_SUCH_ACCESS = "NO_SUCH_ACCESS"
    PORTAL_ONLY_CUSTOMER = "PORTAL_ONLY_CUSTOMER"
    LAST_ORG_ADMIN = "LAST_ORG_ADMIN"
    ROLE_NOT_IN_EXPERIENCE = "ROLE_NOT_IN_EXPERIENCE"
    GROUPS_ONLY_IN_GOVERNMENT_CLOUD = "GROUPS_ONLY_IN_GOVERNMENT_CLOUD"
    PROTECTED_GROUP = "PROTECTED_GROUP"
    ANONYMOUS_ACCESS_UNSUPPORTED = "ANONYMOUS_ACCESS_UNSUPPORTED"
    INVALID_ROLE_FOR_PRODUCT = "INVALID_ROLE_FOR_PRODUCT"
    DUPLICATE = "DUPLICATE"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_SIGN_IN_CODE = "INVALID_SIGN_IN_CODE"
    # inviteUser named an account type other than the existing account's (R-ACCESS-2).
    ACCOUNT_TYPE_MISMATCH = "ACCOUNT_TYPE_MISMATCH"


@dataclass(frozen=True)
class Problem:
    code: ErrorCode
    message: str
    field: str | None = None
    rule: str | None = None


class DomainError(Exception):
    """Raised inside a mutation's transaction: it rolls back and the payload lists the problems."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


def refuse(
    code: ErrorCode, message: str, field: str | None = None, rule: str | None = None
) -> DomainError:
    return DomainError(Problem(code, message, field, rule))
