"""Records of an organization: audit events, who made them (accounts, API keys and SCIM
tokens), API keys and SCIM tokens."""

from datetime import datetime
from typing import Self

import strawberry
from strawberry.scalars import JSON

from models import audit, credentials, directory, provisioning
from models.enums import AccountType, ActorKind
from permissions.errors import BadUserInput
from schema.ids import encode, parse
from schema.node import Node

# The node type whose global id names an actor of each kind: AuditActor.id, auditLog(actorId).
ACTOR_NODE_TYPES: dict[ActorKind, str] = {
    ActorKind.ACCOUNT: "Account",
    ActorKind.API_KEY: "ApiKey",
    ActorKind.SCIM_TOKEN: "ScimToken",
}


def actor_ref(global_id: str | None) -> tuple[ActorKind, int] | None:
    """auditLog(actorId): the kind and key of an Account's, an ApiKey's or a ScimToken's id."""
    if global_id is None:
        return None
    type_name, pk = parse(global_id)
    for kind, node_type in ACTOR_NODE_TYPES.items():
        if node_type == type_name:
            return kind, pk
    raise BadUserInput("actorId must be the id of an Account, an ApiKey or a ScimToken.")


@strawberry.type(
    description="A person's identity, one per email, across organizations. Its owner reads it "
    "(viewer.account, node); an organization sees the account's entry in its directory (User)."
)
class Account(Node):
    row: strawberry.Private[directory.Account]
    email: str = strawberry.field(description="The email that identifies the account.")
    display_name: str = strawberry.field(description="The account's own name.")
    account_type: AccountType = strawberry.field(description="What kind of account it is.")

    @classmethod
    def of(cls, row: directory.Account) -> Self:
        return cls(
            id=strawberry.ID(encode("Account", row.id)),
            row=row,
            email=row.email,
            display_name=row.display_name,
            account_type=row.account_type,
        )


@strawberry.type(description="Who made a change (R-AUDIT-1): its kind, its id, its name then.")
class AuditActor:
    kind: ActorKind = strawberry.field(description="What kind of credential acted.")
    id: strawberry.ID | None = strawberry.field(
        description="Global id of the Account (kind ACCOUNT), ApiKey (API_KEY) or ScimToken "
        "(SCIM_TOKEN) that acted; "
        "filter the log by it with auditLog(actorId). Null only for actors deleted before the "
        "log kept ids."
    )
    display_name: str = strawberry.field(
        description="The account's email, or the API key's or SCIM token's name, when it acted."
    )

    @classmethod
    def of(cls, row: audit.AuditEvent) -> Self:
        kind = ActorKind(row.actor_kind)
        pk = row.actor_id
        global_id = None if pk is None else strawberry.ID(encode(ACTOR_NODE_TYPES[kind], pk))
        return cls(kind=kind, id=global_id, display_name=row.actor_label)


@strawberry.type(description="One change in the audit log (R-AUDIT-1).")
class AuditEvent(Node):
    row: strawberry.Private[audit.AuditEvent]
    action: str = strawberry.field(description="What was done, like group.create or user.invite.")
    actor: AuditActor = strawberry.field(
        description="Who made it: an account, an API key or a SCIM token, by kind and id (never by "
        "name)."
    )
    target_type: str = strawberry.field(
        description="The type of the object changed, like User or Group."
    )
    target_id: strawberry.ID = strawberry.field(
        description="The id of the object changed, global where the object has one (it may be "
        "gone since)."
    )
    before: JSON | None = strawberry.field(
        description="The values the change replaced; null when it replaced none (a creation)."
    )
    after: JSON | None = strawberry.field(
        description="The values the change set; null when it set none (a deletion)."
    )
    rule: str = strawberry.field(description="The matrix feature or R- rule that allowed it.")
    request_id: str = strawberry.field(
        description="The X-Request-Id of the request that made it, as in the service's logs."
    )
    created_at: datetime = strawberry.field(description="When it was made.")

    @classmethod
    def of(cls, row: audit.AuditEvent) -> Self:
        target = encode(row.target_type, int(row.target_id)) if row.target_id.isdigit() else ""
        return cls(
            id=strawberry.ID(encode("AuditEvent", row.id)),
            row=row,
            action=row.action,
            actor=AuditActor.of(row),
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
    name: str = strawberry.field(description="Unique among the organization's unrevoked keys.")
    prefix: str = strawberry.field(description="Public part of the key, to recognise it.")
    read_only: bool = strawberry.field(description="The key may only read (R-KEY-1).")
    created_at: datetime = strawberry.field(description="When it was created.")
    expires_at: datetime | None = strawberry.field(
        description="When it stops working; null: never."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked; null while it is not."
    )

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
    name: str = strawberry.field(
        description="Unique among the organization's unrevoked SCIM tokens."
    )
    prefix: str = strawberry.field(description="Public part of the token, to recognise it.")
    created_at: datetime = strawberry.field(description="When it was created.")
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked; null while it is not."
    )

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
