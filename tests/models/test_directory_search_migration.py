"""Migration 0011 fills the search words and sort keys of the directory entries that exist:
a database at 0006 with an entry, migrated, finds it (in a process of its own, as Tortoise
keeps one database per process)."""

import subprocess
import sys
from pathlib import Path

FILL = """
import asyncio, sys
from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate
from portcullis.db import tortoise_config

async def main(url):
    config = tortoise_config(url)
    await migrate(config=config, target="models.0006_directory_page_index")
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    await connections.get("default").execute_script(
        "INSERT INTO organization (id, name, experience, government_cloud, created_at) "
        "VALUES (1, 'Acme', 'CENTRALIZED', false, CURRENT_TIMESTAMP);"
        "INSERT INTO account (id, email, display_name, account_type, managed, created_at) "
        "VALUES (1, 'emile@example.com', 'Émile Zola', 'ATLASSIAN', false, CURRENT_TIMESTAMP);"
        "INSERT INTO org_user (id, organization_id, account_id, status, created_at) "
        "VALUES (1, 1, 1, 'ACTIVE', CURRENT_TIMESTAMP);"
    )
    await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    client = connections.get("default")
    words = await client.execute_query_dict(
        "SELECT user_id, organization_id, word FROM directory_word ORDER BY word")
    keys = await client.execute_query_dict("SELECT name_key, email_key FROM org_user")
    print([(w["user_id"], w["organization_id"], w["word"]) for w in words])
    print([(k["name_key"], k["email_key"]) for k in keys])
    await Tortoise.close_connections()

asyncio.run(main(sys.argv[1]))
"""


def test_existing_entries_get_their_words_and_keys(repo_root: Path, tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'at-0006.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", FILL, url],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    words, keys = done.stdout.strip().splitlines()
    expected = [(1, 1, "emile"), (1, 1, "emile zola"), (1, 1, "emile@example.com"), (1, 1, "zola")]
    assert words == str(expected)
    assert keys == str([("emile zola", "emile@example.com")])
