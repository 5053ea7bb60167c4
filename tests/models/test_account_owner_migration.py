"""Migration 0007 on a SQLite database with rows: SQLite rebuilds `account` and `user_group` to
alter their columns, and every row that points at them stays (memberships, roles, audit actors);
existing groups get their folded name as key, existing accounts are accounts of their own."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = '''
import asyncio, json, sys
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate
from portcullis.db import tortoise_config

LEGACY = """
INSERT INTO organization (id, name, experience, government_cloud, created_at)
  VALUES (1, 'Acme', 'CENTRALIZED', FALSE, CURRENT_TIMESTAMP);
INSERT INTO account (id, email, display_name, account_type, managed, created_at)
  VALUES (7, 'lee@acme.example', 'Lee', 'ATLASSIAN', FALSE, CURRENT_TIMESTAMP);
INSERT INTO org_user (id, organization_id, account_id, status, created_at)
  VALUES (5, 1, 7, 'ACTIVE', CURRENT_TIMESTAMP);
INSERT INTO user_group (id, organization_id, site_id, scope_ref, name, description, protected,
    created_at) VALUES (3, 1, NULL, 0, 'Café Crew', '', FALSE, CURRENT_TIMESTAMP);
INSERT INTO group_membership (id, group_id, user_id, created_at)
  VALUES (9, 3, 5, CURRENT_TIMESTAMP);
INSERT INTO audit_event (id, organization_id, actor_account_id, actor_api_key_id, actor_label,
    action, target_type, target_id, rule, request_id, created_at)
  VALUES (1, 1, 7, NULL, 'lee@acme.example', 'a', 'T', '1', 'r', 'q', CURRENT_TIMESTAMP);
"""
COUNTS = """SELECT (SELECT count(*) FROM org_user) AS users,
  (SELECT count(*) FROM group_membership) AS members,
  (SELECT actor_id FROM audit_event) AS actor,
  (SELECT name_key FROM user_group) AS name_key,
  (SELECT owner_ref FROM account) AS owner_ref"""

async def main():
    config = tortoise_config(sys.argv[1])
    await migrate(config=config, target="models.0006_directory_page_index")
    await connections.get("default").execute_script(LEGACY)
    await migrate(config=config)
    _, rows = await connections.get("default").execute_query(COUNTS)
    print(json.dumps(dict(rows[0])))
    await Tortoise.close_connections()

asyncio.run(main())
'''


def test_migration_0007_keeps_every_row_and_keys_existing_groups(
    repo_root: Path, tmp_path: Path
) -> None:
    url = f"sqlite://{tmp_path / 'legacy.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "users": 1,
        "members": 1,
        "actor": 7,
        "name_key": "café crew",
        "owner_ref": 0,
    }
