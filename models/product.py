"""The product catalog (rows synced from catalog.yaml) and products installed on sites."""

from tortoise import fields
from tortoise.models import Model

from models.organization import Organization, Site


class Product(Model):
    """A catalog entry. The rows are data (catalog.yaml), kept here so instances have a real FK."""

    key = fields.CharField(max_length=64, primary_key=True)
    name = fields.CharField(max_length=128)
    family = fields.CharField(max_length=64, null=True)
    # [{"key": "USER", "name": "User", "billable": true}, ...]
    roles = fields.JSONField[list[dict[str, object]]]()
    anonymous_access_supported = fields.BooleanField(default=False)

    class Meta:
        table = "product"


class ProductInstance(Model):
    """A product installed on a site. Access is always to a product instance."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="product_instances", on_delete=fields.CASCADE
    )
    organization_id: int
    site: fields.ForeignKeyRelation[Site] = fields.ForeignKeyField(
        "models.Site", related_name="product_instances", on_delete=fields.CASCADE
    )
    site_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="instances", on_delete=fields.RESTRICT
    )
    product_id: str
    anonymous_access = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "product_instance"
        unique_together = (("site", "product"),)
