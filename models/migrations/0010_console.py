from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_scim_provisioning')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PersistedDocument',
            fields=[
                ('sha256', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('document', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'persisted_document', 'app': 'models', 'pk_attr': 'sha256', 'table_description': 'A GraphQL document registered by its SHA-256, sent later by hash alone.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SignInCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='sign_in_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('token_name', fields.CharField(max_length=200)),
                ('token_lifetime_s', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sign_in_code', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A one-time code exchanged once, before it expires, for a personal token of the account.'},
            bases=['Model'],
        ),
    ]
