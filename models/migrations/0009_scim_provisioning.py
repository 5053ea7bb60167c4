from tortoise import migrations
from models.enums import ActorKind
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_audit_actor_kind')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ScimGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='scim_groups', on_delete=OnDelete.CASCADE)),
                ('group', fields.OneToOneField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='scim', on_delete=OnDelete.CASCADE)),
                ('external_id', fields.CharField(null=True, max_length=255)),
            ],
            options={'table': 'scim_group', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'external_id'])], 'pk_attr': 'id', 'table_description': 'The externalId the identity provider gave an organization group.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScimToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='scim_tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('prefix', fields.CharField(unique=True, max_length=32)),
                ('secret_hash', fields.CharField(max_length=64)),
                ('created_by', fields.ForeignKeyField('models.OrgUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='created_scim_tokens', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'scim_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A credential of one organization that reaches its SCIM endpoint and nothing else.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScimUser',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='scim_users', on_delete=OnDelete.CASCADE)),
                ('user', fields.OneToOneField('models.OrgUser', source_field='user_id', db_constraint=True, to_field='id', related_name='scim', on_delete=OnDelete.CASCADE)),
                ('user_name', fields.CharField(max_length=320)),
                ('user_key', fields.CharField(max_length=320)),
                ('external_id', fields.CharField(null=True, max_length=255)),
                ('given_name', fields.CharField(null=True, max_length=200)),
                ('family_name', fields.CharField(null=True, max_length=200)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'scim_user', 'app': 'models', 'unique_together': (('organization', 'user_key'),), 'indexes': [Index(fields=['organization_id', 'external_id'])], 'pk_attr': 'id', 'table_description': 'What the identity provider says of a directory user, by its userName and externalId.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='AuditEvent',
            name='actor_kind',
            field=fields.CharEnumField(description='ACCOUNT: ACCOUNT\nAPI_KEY: API_KEY\nSCIM_TOKEN: SCIM_TOKEN', enum_type=ActorKind, max_length=16),
        ),
    ]
