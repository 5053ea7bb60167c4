"""Groups, their members, the product roles they hold, and default groups of products."""

from tortoise import fields
from tortoise.models import Model

from models.directory import OrgUser
from models.organization import Organization, Site
from models.product import ProductInstance

# Name of the protected group that mirrors the organization admins (R-ROLE-1, R-ROLE-15).
ORG_ADMINS_GROUP = "org-admins"


class Group(Model):
    """Organization-level in CENTRALIZED (site is null), site-level in ORIGINAL."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="groups", on_delete=fields.CASCADE
    )
    organization_id: int
    site: fields.ForeignKeyNullableRelation[Site] = fields.ForeignKeyField(
        "models.Site", related_name="groups", null=True, on_delete=fields.CASCADE
    )
    site_id: int | None
    # site_id, or 0 for an organization-level group: a NOT NULL column so that "unique name per
    # scope" is one plain unique constraint on both databases (NULLs are distinct in UNIQUE).
    scope_ref = fields.IntField()
    name = fields.CharField(max_length=255)
    # The name in the one form names are compared in (resolvers/identity.py: NFKC, case folded):
    # names that read alike are one name per scope, by this unique key, also under races.
    name_key = fields.CharField(max_length=255)
    description = fields.TextField(default="")
    protected = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user_group"
        # The second implies the first, which stays: SQLite drops a table's own UNIQUE only by
        # rebuilding the table.
        unique_together = (
            ("organization", "scope_ref", "name"),
            ("organization", "scope_ref", "name_key"),
        )


class GroupMembership(Model):
    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="memberships", on_delete=fields.CASCADE
    )
    group_id: int
    user: fields.ForeignKeyRelation[OrgUser] = fields.ForeignKeyField(
        "models.OrgUser", related_name="group_memberships", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "group_membership"
        unique_together = (("group", "user"),)
        indexes = (("user_id", "group_id"),)


class GroupProductRole(Model):
    """A group holds a product role on a product instance (R-ACCESS-1)."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="product_roles", on_delete=fields.CASCADE
    )
    group_id: int
    product_instance: fields.ForeignKeyRelation[ProductInstance] = fields.ForeignKeyField(
        "models.ProductInstance", related_name="group_roles", on_delete=fields.CASCADE
    )
    product_instance_id: int
    role = fields.CharField(max_length=64)

    class Meta:
        table = "group_product_role"
        unique_together = (("group", "product_instance", "role"),)
        indexes = (("product_instance_id", "role"),)


class DefaultGroup(Model):
    """The group a user joins when granted a role on a product instance (R-ACCESS-3)."""

    id = fields.IntField(primary_key=True)
    product_instance: fields.ForeignKeyRelation[ProductInstance] = fields.ForeignKeyField(
        "models.ProductInstance", related_name="default_groups", on_delete=fields.CASCADE
    )
    product_instance_id: int
    group: fields.ForeignKeyRelation[Group] = fields.ForeignKeyField(
        "models.Group", related_name="default_for", on_delete=fields.CASCADE
    )
    group_id: int
    role = fields.CharField(max_length=64)

    class Meta:
        table = "default_group"
        unique_together = (("product_instance", "role", "group"),)
