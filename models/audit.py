"""The organization audit log (R-AUDIT-1)."""

from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.credentials import ApiKey
from models.directory import Account
from models.organization import Organization


class AuditEvent(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="audit_events", on_delete=fields.CASCADE
    )
    organization_id: int
    # Actors are kept by id and by label: the log outlives deleted keys and accounts.
    actor_account: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="audit_events", null=True, on_delete=fields.SET_NULL
    )
    actor_account_id: int | None
    actor_api_key: fields.ForeignKeyNullableRelation[ApiKey] = fields.ForeignKeyField(
        "models.ApiKey", related_name="audit_events", null=True, on_delete=fields.SET_NULL
    )
    actor_api_key_id: int | None
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
