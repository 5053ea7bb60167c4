from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.enums import AccessRequestStatus, AccountType, AdminRole, Experience, UserStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=320)),
                ('display_name', fields.CharField(max_length=200)),
                ('account_type', fields.CharEnumField(default=AccountType.ATLASSIAN, description='ATLASSIAN: ATLASSIAN\nCUSTOMER: CUSTOMER\nAPP: APP', enum_type=AccountType, max_length=16)),
                ('managed', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'account', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Organization',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('experience', fields.CharEnumField(description='ORIGINAL: ORIGINAL\nCENTRALIZED: CENTRALIZED', enum_type=Experience, max_length=16)),
                ('government_cloud', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'organization', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrgUser',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='users', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=UserStatus.ACTIVE, description='ACTIVE: ACTIVE\nSUSPENDED: SUSPENDED\nDEACTIVATED: DEACTIVATED', enum_type=UserStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'org_user', 'app': 'models', 'unique_together': (('organization', 'account'),), 'pk_attr': 'id', 'table_description': 'An account in the directory of an organization: the GraphQL User type.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='api_keys', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('prefix', fields.CharField(unique=True, max_length=32)),
                ('secret_hash', fields.CharField(max_length=64)),
                ('read_only', fields.BooleanField(default=False)),
                ('created_by', fields.ForeignKeyField('models.OrgUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='created_api_keys', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_key', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Organization-scoped credential for integrations (R-KEY-1).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.CASCADE)),
                ('actor_account', fields.ForeignKeyField('models.Account', source_field='actor_account_id', null=True, db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.SET_NULL)),
                ('actor_api_key', fields.ForeignKeyField('models.ApiKey', source_field='actor_api_key_id', null=True, db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.SET_NULL)),
                ('actor_label', fields.CharField(max_length=320)),
                ('action', fields.CharField(max_length=64)),
                ('target_type', fields.CharField(max_length=64)),
                ('target_id', fields.CharField(max_length=128)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('rule', fields.CharField(max_length=128)),
                ('request_id', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_event', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonalToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=200)),
                ('prefix', fields.CharField(unique=True, max_length=32)),
                ('secret_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'personal_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Authenticates one account and carries exactly the roles of that account (R-TOKEN-1).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Product',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('name', fields.CharField(max_length=128)),
                ('family', fields.CharField(null=True, max_length=64)),
                ('roles', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('anonymous_access_supported', fields.BooleanField(default=False)),
            ],
            options={'table': 'product', 'app': 'models', 'pk_attr': 'key', 'table_description': 'A catalog entry. The rows are data (catalog.yaml), kept here so instances have a real FK.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Site',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='sites', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(unique=True, max_length=253)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'site', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Group',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='groups', on_delete=OnDelete.CASCADE)),
                ('site', fields.ForeignKeyField('models.Site', source_field='site_id', null=True, db_constraint=True, to_field='id', related_name='groups', on_delete=OnDelete.CASCADE)),
                ('scope_ref', fields.IntField()),
                ('name', fields.CharField(max_length=255)),
                ('description', fields.TextField(default='', unique=False)),
                ('protected', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'user_group', 'app': 'models', 'unique_together': (('organization', 'scope_ref', 'name'),), 'pk_attr': 'id', 'table_description': 'Organization-level in CENTRALIZED (site is null), site-level in ORIGINAL.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.OrgUser', source_field='user_id', db_constraint=True, to_field='id', related_name='group_memberships', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'group_membership', 'app': 'models', 'unique_together': (('group', 'user'),), 'indexes': [Index(fields=['user_id', 'group_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProductInstance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='product_instances', on_delete=OnDelete.CASCADE)),
                ('site', fields.ForeignKeyField('models.Site', source_field='site_id', db_constraint=True, to_field='id', related_name='product_instances', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='key', related_name='instances', on_delete=OnDelete.RESTRICT)),
                ('anonymous_access', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'product_instance', 'app': 'models', 'unique_together': (('site', 'product'),), 'pk_attr': 'id', 'table_description': 'A product installed on a site. Access is always to a product instance.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='access_requests', on_delete=OnDelete.CASCADE)),
                ('product_instance', fields.ForeignKeyField('models.ProductInstance', source_field='product_instance_id', db_constraint=True, to_field='id', related_name='access_requests', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='access_requests', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=AccessRequestStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nDENIED: DENIED', enum_type=AccessRequestStatus, max_length=16)),
                ('decided_by', fields.ForeignKeyField('models.OrgUser', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decided_requests', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'access_request', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DefaultGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product_instance', fields.ForeignKeyField('models.ProductInstance', source_field='product_instance_id', db_constraint=True, to_field='id', related_name='default_groups', on_delete=OnDelete.CASCADE)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='default_for', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(max_length=64)),
            ],
            options={'table': 'default_group', 'app': 'models', 'unique_together': (('product_instance', 'role', 'group'),), 'pk_attr': 'id', 'table_description': 'The group a user joins when granted a role on a product instance (R-ACCESS-3).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupProductRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.Group', source_field='group_id', db_constraint=True, to_field='id', related_name='product_roles', on_delete=OnDelete.CASCADE)),
                ('product_instance', fields.ForeignKeyField('models.ProductInstance', source_field='product_instance_id', db_constraint=True, to_field='id', related_name='group_roles', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(max_length=64)),
            ],
            options={'table': 'group_product_role', 'app': 'models', 'unique_together': (('group', 'product_instance', 'role'),), 'indexes': [Index(fields=['product_instance_id', 'role'])], 'pk_attr': 'id', 'table_description': 'A group holds a product role on a product instance (R-ACCESS-1).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RoleAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='role_assignments', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.OrgUser', source_field='user_id', db_constraint=True, to_field='id', related_name='role_assignments', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='ORG_ADMIN: ORG_ADMIN\nSITE_ADMIN: SITE_ADMIN\nUSER_ACCESS_ADMIN: USER_ACCESS_ADMIN\nPRODUCT_ADMIN: PRODUCT_ADMIN\nTRUSTED_USER: TRUSTED_USER', enum_type=AdminRole, max_length=24)),
                ('site', fields.ForeignKeyField('models.Site', source_field='site_id', null=True, db_constraint=True, to_field='id', related_name='role_assignments', on_delete=OnDelete.CASCADE)),
                ('product_instance', fields.ForeignKeyField('models.ProductInstance', source_field='product_instance_id', null=True, db_constraint=True, to_field='id', related_name='role_assignments', on_delete=OnDelete.CASCADE)),
                ('scope_ref', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'role_assignment', 'app': 'models', 'unique_together': (('user', 'role', 'scope_ref'),), 'indexes': [Index(fields=['organization_id', 'role'])], 'pk_attr': 'id', 'table_description': 'One admin role held by a directory user over a scope.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UserAccessSetting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='user_access_settings', on_delete=OnDelete.CASCADE)),
                ('product_instance', fields.ForeignKeyField('models.ProductInstance', source_field='product_instance_id', db_constraint=True, to_field='id', related_name='user_access_settings', on_delete=OnDelete.CASCADE)),
                ('domain', fields.CharField(max_length=253)),
                ('requires_approval', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'user_access_setting', 'app': 'models', 'unique_together': (('product_instance', 'domain'),), 'pk_attr': 'id', 'table_description': 'Accounts of an approved email domain may join and get the default access of a product.'},
            bases=['Model'],
        ),
    ]
