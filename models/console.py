"""What a browser console leans on: registered persisted documents and one-time sign-in codes.

Both live in the database so that every API process sees the same ones (docs/http-api.md).
"""

from tortoise import fields
from tortoise.models import Model

from models.directory import Account


class PersistedDocument(Model):
    """A GraphQL document registered by its SHA-256, sent later by hash alone.

    Content-addressed: a row never changes, so any process may keep a copy of it.
    """

    sha256 = fields.CharField(max_length=64, primary_key=True)
    document = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "persisted_document"


class SignInCode(Model):
    """A one-time code exchanged once, before it expires, for a personal token of the account.

    Only the SHA-256 of the code is stored. `used_at` is set by the one exchange that wins.
    """

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sign_in_codes", on_delete=fields.CASCADE
    )
    account_id: int
    code_hash = fields.CharField(max_length=64, unique=True)
    token_name = fields.CharField(max_length=200)
    # The lifetime of the token it is exchanged for, in seconds; null: until revoked.
    token_lifetime_s = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sign_in_code"
