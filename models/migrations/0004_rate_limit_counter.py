from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_org_user_account_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateLimitCounter',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ('window_start', fields.BigIntField()),
                ('hits', fields.IntField()),
            ],
            options={'table': 'rate_limit_counter', 'app': 'models', 'pk_attr': 'key', 'table_description': 'Requests of one credential or client address in its latest fixed window.'},
            bases=['Model'],
        ),
    ]
