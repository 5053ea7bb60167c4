from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_mutation_receipt')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='OrgUser',
            index=Index(fields=['account_id']),
        ),
    ]
