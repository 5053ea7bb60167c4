"""Directory search (Organization.users query/orderBy): sort keys on org_user, the folded words
of every entry in directory_word, filled here for the entries that exist. On PostgreSQL the word
column compares in code-point order (COLLATE "C"), so a prefix is one range of its index
whatever collation the database was created with."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index



async def _fill(apps: Any, schema_editor: Any) -> None:
    from resolvers.directory_search import fold, words_of  # the same folding as on write

    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    if postgres:
        await client.execute_script(
            'ALTER TABLE directory_word ALTER COLUMN word TYPE VARCHAR(320) COLLATE "C"'
        )
    _, rows = await client.execute_query(
        "SELECT u.id, u.organization_id, a.email, a.display_name "
        "FROM org_user u JOIN account a ON a.id = u.account_id"
    )
    mark = ["$1", "$2", "$3"] if postgres else ["?", "?", "?"]
    keys, words = [], []
    for row in rows:
        user_id, organization_id, email, name = (row[k] for k in ("id", "organization_id", "email", "display_name"))
        keys.append([fold(name)[:200], fold(email)[:320], user_id])
        words += [[user_id, organization_id, w] for w in sorted(words_of(email, name))]
    if keys:
        await client.execute_many(
            f"UPDATE org_user SET name_key = {mark[0]}, email_key = {mark[1]} WHERE id = {mark[2]}",
            keys,
        )
    if words:
        await client.execute_many(
            "INSERT INTO directory_word (user_id, organization_id, word) "
            f"VALUES ({', '.join(mark)})",
            words,
        )


class Migration(migrations.Migration):
    dependencies = [('models', '0010_console')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DirectoryWord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.OrgUser', source_field='user_id', db_constraint=True, to_field='id', related_name='search_words', on_delete=OnDelete.CASCADE)),
                ('organization_id', fields.IntField()),
                ('word', fields.CharField(max_length=320)),
            ],
            options={'table': 'directory_word', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'word', 'user_id'])], 'pk_attr': 'id', 'table_description': 'A folded word a directory entry is found by: its email, its display name and each word'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OrgUser',
            name='email_key',
            field=fields.CharField(default='', db_default='', max_length=320),
        ),
        ops.AddField(
            model_name='OrgUser',
            name='name_key',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddIndex(
            model_name='OrgUser',
            index=Index(fields=['organization_id', 'name_key', 'id']),
        ),
        ops.AddIndex(
            model_name='OrgUser',
            index=Index(fields=['organization_id', 'email_key', 'id']),
        ),
        ops.AddIndex(
            model_name='OrgUser',
            index=Index(fields=['organization_id', 'created_at', 'id']),
        ),
        ops.RunPython(_fill),
    ]
