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
    # The account's display name and email folded for search and sorting (lower case, accents
    # off), copied here on write so a directory sorted by either is read from an index. The
    # database default lets migration 0011 add them to existing rows, which it then fills.
    name_key = fields.CharField(max_length=200, default="", db_default="")
    email_key = fields.CharField(max_length=320, default="", db_default="")

    class Meta:
        table = "org_user"
        unique_together = (("organization", "account"),)
        # Every request with a personal token reads the account's entries by account_id
        # (permissions/auth.py); the unique pair above leads with organization_id. With id, the
        # index also turns the customers' accounts into their directory entries (R-ACCESS-6), and
        # (status, id) finds the few inactive users (R-ACCESS-11), without reading the table.
        # (organization_id, id) reads a page of the directory in its order, after a cursor; the
        # three below read it sorted by name, email or date added (Organization.users orderBy).
        indexes = (
            ("account_id", "id"),
            ("status", "id"),
            ("organization_id", "id"),
            ("organization_id", "name_key", "id"),
            ("organization_id", "email_key", "id"),
            ("organization_id", "created_at", "id"),
        )


class DirectoryWord(Model):
    """A folded word a directory entry is found by: its email, its display name and each word
    of the name, kept on write (resolvers/directory_search.py)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[OrgUser] = fields.ForeignKeyField(
        "models.OrgUser", related_name="search_words", on_delete=fields.CASCADE
    )
    user_id: int
    # The user's organization, copied so one index range finds an organization's matches.
    organization_id = fields.IntField()
    word = fields.CharField(max_length=320)

    class Meta:
        table = "directory_word"
        # A prefix search is one range of this index: organization, then word.
        indexes = (("organization_id", "word", "user_id"),)
