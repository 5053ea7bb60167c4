"""SCIM provisioning (RFC 7643/7644): the tokens an identity provider presents, and what it
said about the users and groups it provisions (its userName, externalId and name parts)."""

from tortoise import fields
from tortoise.models import Model

from models.directory import OrgUser
from models.group import Group
from models.organization import Organization


class ScimToken(Model):
    """A credential of one organization that reaches its SCIM endpoint and nothing else."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="scim_tokens", on_delete=fields.CASCADE
    )
    organization_id: int
    name = fields.CharField(max_length=200)
    prefix = fields.CharField(max_length=32, unique=True)
    secret_hash = fields.CharField(max_length=64)
    created_by: fields.ForeignKeyNullableRelation[OrgUser] = fields.ForeignKeyField(
        "models.OrgUser", related_name="created_scim_tokens", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "scim_token"


class ScimUser(Model):
    """What the identity provider says of a directory user, by its userName and externalId."""

    # user_key is user_name lower-cased: SCIM compares userName ignoring case, and the unique
    # index finds it in one lookup.

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="scim_users", on_delete=fields.CASCADE
    )
    organization_id: int
    user: fields.OneToOneRelation[OrgUser] = fields.OneToOneField(
        "models.OrgUser", related_name="scim", on_delete=fields.CASCADE
    )
    user_id: int
    user_name = fields.CharField(max_length=320)
    user_key = fields.CharField(max_length=320)
    external_id = fields.CharField(max_length=255, null=True)
    given_name = fields.CharField(max_length=200, null=True)
    family_name = fields.CharField(max_length=200, null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "scim_user"
        unique_together = (("organization", "user_key"),)
        indexes = (("organization_id", "external_id"),)


class ScimGroup(Model):
    """The externalId the identity provider gave an organization group."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="scim_groups", on_delete=fields.CASCADE
    )
    organization_id: int
    group: fields.OneToOneRelation[Group] = fields.OneToOneField(
        "models.Group", related_name="scim", on_delete=fields.CASCADE
    )
    group_id: int
    external_id = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "scim_group"
        indexes = (("organization_id", "external_id"),)
