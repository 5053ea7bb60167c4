"""Admin role assignments: (user, role, scope)."""

from tortoise import fields
from tortoise.models import Model

from models.directory import OrgUser
from models.enums import AdminRole
from models.organization import Organization, Site
from models.product import ProductInstance


class RoleAssignment(Model):
    """One admin role held by a directory user over a scope.

    The scope is the organization (ORG_ADMIN), a site (SITE_ADMIN, TRUSTED_USER) or a product
    instance (USER_ACCESS_ADMIN, PRODUCT_ADMIN). `scope_ref` repeats the scope's id in a NOT NULL
    column so that "one assignment per (user, role, scope)" is a plain unique constraint; the
    nullable foreign keys keep referential integrity and cascade deletes.
    """

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="role_assignments", on_delete=fields.CASCADE
    )
    organization_id: int
    user: fields.ForeignKeyRelation[OrgUser] = fields.ForeignKeyField(
        "models.OrgUser", related_name="role_assignments", on_delete=fields.CASCADE
    )
    user_id: int
    role = fields.CharEnumField(AdminRole, max_length=24)
    site: fields.ForeignKeyNullableRelation[Site] = fields.ForeignKeyField(
        "models.Site", related_name="role_assignments", null=True, on_delete=fields.CASCADE
    )
    site_id: int | None
    product_instance: fields.ForeignKeyNullableRelation[ProductInstance] = fields.ForeignKeyField(
        "models.ProductInstance",
        related_name="role_assignments",
        null=True,
        on_delete=fields.CASCADE,
    )
    product_instance_id: int | None
    scope_ref = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "role_assignment"
        unique_together = (("user", "role", "scope_ref"),)
        indexes = (("organization_id", "role"),)
