"""Organizations and their sites."""

from tortoise import fields
from tortoise.models import Model

from models.enums import Experience


class Organization(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    experience = fields.CharEnumField(Experience, max_length=16)
    government_cloud = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organization"


class Site(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="sites", on_delete=fields.CASCADE
    )
    organization_id: int
    # Site names are host names (acme.example.net): unique across the whole service.
    name = fields.CharField(max_length=253, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "site"
