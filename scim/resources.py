"""The SCIM resources this endpoint serves, as scim2-models classes: only the attributes it
keeps, so the published schemas promise nothing it would drop."""

from typing import Annotated, Any

from pydantic import Field
from scim2_models import (
    URN,
    CaseExact,
    ComplexAttribute,
    Mutability,
    Reference,
    Required,
    Resource,
    Uniqueness,
)

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


class Name(ComplexAttribute):
    given_name: str | None = None
    family_name: str | None = None


class Email(ComplexAttribute):
    """The account's email: one per user, the primary one."""

    value: Annotated[str | None, Required.true] = None
    primary: bool | None = None


class UserGroup(ComplexAttribute):
    value: Annotated[str | None, Mutability.read_only] = None
    display: Annotated[str | None, Mutability.read_only] = None


class User(Resource[Any]):
    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Required.true, Uniqueness.server] = None
    name: Name | None = None
    display_name: str | None = None
    emails: Annotated[list[Email] | None, Required.true] = None
    active: bool | None = None
    groups: Annotated[list[UserGroup] | None, Mutability.read_only] = None


class Member(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference["User"] | None, Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )


class Group(Resource[Any]):
    __schema__ = URN(GROUP_SCHEMA)

    display_name: Annotated[str | None, Required.true] = None
    members: list[Member] | None = None
