from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MutationReceipt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('principal', fields.CharField(max_length=64)),
                ('client_mutation_id', fields.CharField(max_length=64)),
                ('mutation', fields.CharField(max_length=64)),
                ('input_digest', fields.CharField(max_length=64)),
                ('result', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mutation_receipt', 'app': 'models', 'unique_together': (('principal', 'client_mutation_id'),), 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'One successful mutation with a clientMutationId, per principal.'},
            bases=['Model'],
        ),
    ]
