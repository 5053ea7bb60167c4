"""User access settings (approved domains) and access requests (R-ACCESS-10)."""

from tortoise import fields
from tortoise.models import Model

from models.directory import Account, OrgUser
from models.enums import AccessRequestStatus
from models.organization import Organization
from models.product import ProductInstance


class UserAccessSetting(Model):
    """Accounts of an approved email domain may join and get the default access of a product."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="user_access_settings", on_delete=fields.CASCADE
    )
    organization_id: int
    product_instance: fields.ForeignKeyRelation[ProductInstance] = fields.ForeignKeyField(
        "models.ProductInstance", related_name="user_access_settings", on_delete=fields.CASCADE
    )
    product_instance_id: int
    domain = fields.CharField(max_length=253)
    requires_approval = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user_access_setting"
        unique_together = (("product_instance", "domain"),)


class AccessRequest(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="access_requests", on_delete=fields.CASCADE
    )
    organization_id: int
    product_instance: fields.ForeignKeyRelation[ProductInstance] = fields.ForeignKeyField(
        "models.ProductInstance", related_name="access_requests", on_delete=fields.CASCADE
    )
    product_instance_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="access_requests", on_delete=fields.CASCADE
    )
    account_id: int
    status = fields.CharEnumField(
        AccessRequestStatus, max_length=16, default=AccessRequestStatus.PENDING
    )
    decided_by: fields.ForeignKeyNullableRelation[OrgUser] = fields.ForeignKeyField(
        "models.OrgUser", related_name="decided_requests", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "access_request"
        indexes = (("organization_id", "status"),)
