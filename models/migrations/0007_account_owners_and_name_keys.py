import unicodedata

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint


def folded(name: str) -> str:
    """resolvers/identity.py's fold as of this migration (without refusing anything)."""
    normalized = unicodedata.normalize("NFKC", name.strip())
    return unicodedata.normalize("NFKC", normalized.casefold())


async def fill_group_name_keys(apps, schema_editor) -> None:
    """Existing groups get their name's compared form; the rare second group whose name reads
    like another's in its scope keeps its name and gets a key made unique by its id."""
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    update = (
        "UPDATE user_group SET name_key = $1 WHERE id = $2"
        if postgres
        else "UPDATE user_group SET name_key = ? WHERE id = ?"
    )
    rows = await client.execute_query_dict(
        "SELECT id, organization_id, scope_ref, name FROM user_group ORDER BY id"
    )
    taken: set[tuple[int, int, str]] = set()
    for row in rows:
        key = folded(row["name"])[:255]
        if (row["organization_id"], row["scope_ref"], key) in taken:
            key = f"{key[:240]}#{row['id']}"
        taken.add((row["organization_id"], row["scope_ref"], key))
        await client.execute_query(update, [key, row["id"]])


async def restore_sqlite_indexes(apps, schema_editor) -> None:
    """SQLite alters a column by rebuilding its table, which leaves out the table's other
    indexes: put back the ones 0001 and 0005 made (PostgreSQL alters in place and keeps them)."""
    client = schema_editor.client
    if client.capabilities.dialect != "sqlite":
        return
    await client.execute_script(
        'CREATE INDEX IF NOT EXISTS "idx_account_account_6dd6fb" '
        'ON "account" ("account_type", "id");'
        'CREATE UNIQUE INDEX IF NOT EXISTS "uid_user_group_organiz_name" '
        'ON "user_group" ("organization_id", "scope_ref", "name");'
    )


async def sqlite_foreign_keys_off(apps, schema_editor) -> None:
    """SQLite alters a column by rebuilding its table: DROP TABLE of the old one would fire the
    foreign keys' ON DELETE actions (memberships, tokens and requests deleted, audit actors
    nulled). Off for the rebuilds, outside a transaction (where SQLite honours the pragma)."""
    if schema_editor.client.capabilities.dialect == "sqlite":
        await schema_editor.client.execute_script("PRAGMA foreign_keys = OFF;")


async def sqlite_foreign_keys_on(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "sqlite":
        await schema_editor.client.execute_script("PRAGMA foreign_keys = ON;")


class Migration(migrations.Migration):
    dependencies = [('models', '0006_directory_page_index')]

    initial = False
    # Not one transaction: SQLite ignores PRAGMA foreign_keys inside one (see above).
    atomic = False

    operations = [
        ops.RunPython(sqlite_foreign_keys_off),
        ops.AlterModelOptions(
            name='Account',
            options={'table': 'account', 'app': 'models', 'unique_together': (('email', 'owner_ref'),), 'indexes': [Index(fields=['account_type', 'id'])], 'pk_attr': 'id', 'table_description': "A person's or an app's own account (owner null), or a portal-only customer account that"},
        ),
        ops.AlterField(
            model_name='Account',
            name='email',
            field=fields.CharField(max_length=320),
        ),
        ops.AddField(
            model_name='Account',
            name='owner',
            field=fields.ForeignKeyField('models.Organization', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name='customer_accounts', on_delete=OnDelete.CASCADE),
        ),
        # Added nullable, filled, then NOT NULL: SQLite adds no NOT NULL column to a table with
        # rows unless the database itself has a default.
        ops.AddField(
            model_name='Account',
            name='owner_ref',
            field=fields.IntField(null=True),
        ),
        ops.RunSQL('UPDATE "account" SET "owner_ref" = 0'),
        ops.AlterField(
            model_name='Account',
            name='owner_ref',
            field=fields.IntField(default=0),
        ),
        ops.AddConstraint(
            model_name='Account',
            constraint=UniqueConstraint(fields=('email', 'owner_ref'), name=None),
        ),
        ops.AddField(
            model_name='Group',
            name='name_key',
            field=fields.CharField(max_length=255, null=True),
        ),
        ops.RunPython(fill_group_name_keys),
        ops.AlterField(
            model_name='Group',
            name='name_key',
            field=fields.CharField(max_length=255),
        ),
        ops.AddConstraint(
            model_name='Group',
            constraint=UniqueConstraint(fields=('organization', 'scope_ref', 'name_key'), name=None),
        ),
        ops.AddField(
            model_name='OrgUser',
            name='display_name',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.RunPython(restore_sqlite_indexes),
        ops.RunPython(sqlite_foreign_keys_on),
    ]
