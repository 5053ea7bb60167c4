"""Personal tokens and organization API keys. Only a prefix and a SHA-256 hash are stored."""

from tortoise import fields
from tortoise.models import Model

from models.directory import Account, OrgUser
from models.organization import Organization


class PersonalToken(Model):
    """Authenticates one account and carries exactly the roles of that account (R-TOKEN-1)."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="tokens", on_delete=fields.CASCADE
    )
    account_id: int
    name = fields.CharField(max_length=200, default="")
    prefix = fields.CharField(max_length=32, unique=True)
    secret_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "personal_token"


class ApiKey(Model):
    """Organization-scoped credential for integrations (R-KEY-1)."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="api_keys", on_delete=fields.CASCADE
    )
    organization_id: int
    name = fields.CharField(max_length=200)
    prefix = fields.CharField(max_length=32, unique=True)
    secret_hash = fields.CharField(max_length=64)
    read_only = fields.BooleanField(default=False)
    created_by: fields.ForeignKeyNullableRelation[OrgUser] = fields.ForeignKeyField(
        "models.OrgUser", related_name="created_api_keys", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
