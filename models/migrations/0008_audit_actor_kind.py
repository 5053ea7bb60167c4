from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import ActorKind
from tortoise import fields


# An audit event's actor was a label to be parsed ("api-key:<name>" or an email) beside two
# foreign keys; it becomes a kind, an id and a display name (the email, or the key's name).
# Rows whose actor was deleted (both keys null) keep their kind by the old label, without id.
FORWARD = """
UPDATE audit_event SET actor_kind = 'API_KEY', actor_id = actor_api_key_id,
    actor_label = CASE WHEN actor_label LIKE 'api-key:%' THEN substr(actor_label, 9)
                       ELSE actor_label END
  WHERE actor_api_key_id IS NOT NULL;
UPDATE audit_event SET actor_kind = 'ACCOUNT', actor_id = actor_account_id
  WHERE actor_account_id IS NOT NULL AND actor_api_key_id IS NULL;
UPDATE audit_event SET actor_kind = 'API_KEY', actor_label = substr(actor_label, 9)
  WHERE actor_kind IS NULL AND actor_label LIKE 'api-key:%';
UPDATE audit_event SET actor_kind = 'ACCOUNT' WHERE actor_kind IS NULL;
"""

BACKWARD = """
UPDATE audit_event SET actor_api_key_id = actor_id, actor_label = 'api-key:' || actor_label
  WHERE actor_kind = 'API_KEY';
UPDATE audit_event SET actor_account_id = actor_id WHERE actor_kind = 'ACCOUNT';
"""


async def typed_actors(apps, schema_editor):
    await schema_editor.client.execute_script(FORWARD)


async def labelled_actors(apps, schema_editor):
    await schema_editor.client.execute_script(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [('models', '0007_account_owners_and_name_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AuditEvent',
            name='actor_kind',
            field=fields.CharEnumField(description='ACCOUNT: ACCOUNT\nAPI_KEY: API_KEY', enum_type=ActorKind, max_length=16, null=True),
        ),
        ops.AddField(
            model_name='AuditEvent',
            name='actor_id',
            field=fields.IntField(null=True),
        ),
        ops.RunPython(typed_actors, labelled_actors),
        ops.AlterField(
            model_name='AuditEvent',
            name='actor_kind',
            field=fields.CharEnumField(description='ACCOUNT: ACCOUNT\nAPI_KEY: API_KEY', enum_type=ActorKind, max_length=16),
        ),
        ops.RemoveField(model_name='AuditEvent', name='actor_account'),
        ops.RemoveField(model_name='AuditEvent', name='actor_api_key'),
    ]
