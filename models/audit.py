"""The organization audit log (R-AUDIT-1)."""

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.enums import ActorKind
from models.organization import Organization


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="audit_events", on_delete=fields.CASCADE
    )
    organization_id: int
    # Who acted (permissions.principal.Actor): its kind, its id among that kind's rows, and
    # what it was called then. No foreign key: the log outlives deleted keys and accounts,
    # and a new kind of actor needs no new column. The id is null only on rows written before
    # migration 0008 whose actor had been deleted.
    actor_kind = fields.CharEnumField(ActorKind, max_length=16)
    actor_id = fields.IntField(null=True)
    actor_label = fields.CharField(max_length=320)
    action = fields.CharField(max_length=64)
    target_type = fields.CharField(max_length=64)
    target_id = fields.CharField(max_length=128)
    before = fields.JSONField[dict[str, Any] | None](null=True)
    after = fields.JSONField[dict[str, Any] | None](null=True)
    rule = fields.CharField(max_length=128)
    request_id = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_event"
        indexes = (("organization_id", "created_at"),)
