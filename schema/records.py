"""Records of an organization: audit events, API keys and SCIM tokens."""

from datetime import datetime
from typing import Self

import strawberry
from strawberry.scalars import JSON

from models import audit, credentials, provisioning
from schema.ids import encode
from schema.node import Node


@strawberry.type(description="One change in the audit log (R-AUDIT-1).")
class AuditEvent(Node):
    row: strawberry.Private[audit.AuditEvent]
    action: str
    actor: str = strawberry.field(description="Email of the account, or api-key:<name>.")
    target_type: str
    target_id: strawberry.ID
    before: JSON | None
    after: JSON | None
    rule: str = strawberry.field(description="The matrix feature or R- rule that allowed it.")
    request_id: str
    created_at: datetime

    @classmethod
    def of(cls, row: audit.AuditEvent) -> Self:
        target = encode(row.target_type, int(row.target_id)) if row.target_id.isdigit() else ""
        return cls(
            id=strawberry.ID(encode("AuditEvent", row.id)),
            row=row,
            action=row.action,
            actor=row.actor_label,
            target_type=row.target_type,
            target_id=strawberry.ID(target or row.target_id),
            before=JSON(row.before),
            after=JSON(row.after),
            rule=row.rule,
            request_id=row.request_id,
            created_at=row.created_at,
        )


@strawberry.type(description="An organization API key; its secret is shown once, at creation.")
class ApiKey(Node):
    row: strawberry.Private[credentials.ApiKey]
    name: str
    prefix: str = strawberry.field(description="Public part of the key, to recognise it.")
    read_only: bool
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: credentials.ApiKey) -> Self:
        return cls(
            id=strawberry.ID(encode("ApiKey", row.id)),
            row=row,
            name=row.name,
            prefix=row.prefix,
            read_only=row.read_only,
            created_at=row.created_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type(
    description="A SCIM provisioning token (issue 17): an identity provider presents it at "
    "/scim/v2, and nowhere else. Its secret is shown once, at creation."
)
class ScimToken(Node):
    row: strawberry.Private[provisioning.ScimToken]
    name: str
    prefix: str = strawberry.field(description="Public part of the token, to recognise it.")
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: provisioning.ScimToken) -> Self:
        return cls(
            id=strawberry.ID(encode("ScimToken", row.id)),
            row=row,
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )
