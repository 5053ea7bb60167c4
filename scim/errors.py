"""RFC 7644 §3.12 error answers: `{"schemas": [Error], "status": "400", "scimType": ...,
"detail": ...}` with the same HTTP status, and how domain refusals map onto them."""

from typing import Any

from starlette.responses import JSONResponse

from resolvers.errors import DomainError, ErrorCode

MEDIA_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"

# A domain refusal as SCIM says it: duplicates are conflicts (409 uniqueness); a rule that the
# state of the directory forbids (the last organization admin, org-admins, R-ACCESS-6) is
# 400 mutability ("not compatible with the target's current state"); bad values 400 invalidValue.
_BY_CODE: dict[ErrorCode, tuple[int, str]] = {
    ErrorCode.DUPLICATE: (409, "uniqueness"),
    ErrorCode.LAST_ORG_ADMIN: (400, "mutability"),
    ErrorCode.PROTECTED_GROUP: (400, "mutability"),
    ErrorCode.PORTAL_ONLY_CUSTOMER: (400, "mutability"),
}


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(self.status)}
        if self.scim_type:
            body["scimType"] = self.scim_type
        body["detail"] = self.detail
        return JSONResponse(body, self.status, headers=headers, media_type=MEDIA_TYPE)


def not_found(what: str) -> ScimError:
    return ScimError(404, f"No such {what} in this organization.")


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def of_domain(error: DomainError) -> ScimError:
    """The first problem decides the status; the detail names each with its code and rule."""
    first = error.problems[0]
    status, scim_type = _BY_CODE.get(first.code, (400, "invalidValue"))
    detail = " ".join(
        f"{p.code.value}{f' ({p.rule})' if p.rule else ''}: {p.message}" for p in error.problems
    )
    return ScimError(status, detail, scim_type)
