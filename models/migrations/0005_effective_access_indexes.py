from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_rate_limit_counter')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Account',
            index=Index(fields=['account_type', 'id']),
        ),
        ops.RemoveIndex(
            model_name='OrgUser',
            name=None,
            fields=['account_id'],
        ),
        ops.AddIndex(
            model_name='OrgUser',
            index=Index(fields=['account_id', 'id']),
        ),
        ops.AddIndex(
            model_name='OrgUser',
            index=Index(fields=['status', 'id']),
        ),
    ]
