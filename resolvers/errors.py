"""Domain refusals: returned in a payload's `errors` with an ErrorCode (permissions/codes.py)."""

from dataclasses import dataclass

from permissions.codes import ErrorCode

__all__ = ["DomainError", "ErrorCode", "Problem", "refuse"]


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
