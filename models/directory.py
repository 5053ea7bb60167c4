"""Accounts (global identities) and the organization directory (an account in an organization)."""

from tortoise import fields
from tortoise.models import Model

from models.enums import AccountType, UserStatus
from models.organization import Organization


class Account(Model):
    """A person's or an app's own account (owner null), or a portal-only customer account that
    belongs to one organization (owner set): docs/accounts-and-groups.md."""

    id = fields.IntField(primary_key=True)
    # Stored in the one compared form (resolvers/identity.py: NFKC, case folded), so uniqueness
    # is by what reads alike.
    email = fields.CharField(max_length=320)
    display_name = fields.CharField(max_length=200)
    account_type = fields.CharEnumField(AccountType, max_length=16, default=AccountType.ATLASSIAN)
    managed = fields.BooleanField(default=False)
    owner: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="customer_accounts", null=True, on_delete=fields.CASCADE
    )
    owner_id: int | None
    # owner_id, or 0 for an account of its own: NOT NULL, so that "one account per email and
    # owner" is one plain unique constraint on both databases (NULLs are distinct in UNIQUE).
    owner_ref = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "account"
        unique_together = (("email", "owner_ref"),)
        # Effective access leaves out portal-only customers (R-ACCESS-6): a few of many accounts,
        # found through this index rather than by reading every account.
        indexes = (("account_type", "id"),)


class OrgUser(Model):
    """An account in the directory of an organization: the GraphQL User type."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="users", on_delete=fields.CASCADE
    )
    organization_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="memberships", on_delete=fields.CASCADE
    )
    account_id: int
    status = fields.CharEnumField(UserStatus, max_length=16, default=UserStatus.ACTIVE)
    # The organization's own name for the person (inviteUser's displayName); null: the account's.
    display_name = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "org_user"
        unique_together = (("organization", "account"),)
        # Every request with a personal token reads the account's entries by account_id
        # (permissions/auth.py); the unique pair above leads with organization_id. With id, the
        # index also turns the customers' accounts into their directory entries (R-ACCESS-6), and
        # (status, id) finds the few inactive users (R-ACCESS-11), without reading the table.
        # (organization_id, id) reads a page of the directory in its order, after a cursor.
        indexes = (("account_id", "id"), ("status", "id"), ("organization_id", "id"))
