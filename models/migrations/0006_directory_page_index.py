from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_effective_access_indexes')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='OrgUser',
            index=Index(fields=['organization_id', 'id']),
        ),
    ]
