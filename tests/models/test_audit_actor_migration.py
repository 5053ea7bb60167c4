"""Migration 0008 (issue 13.11): audit events written with a label to be parsed get a typed
actor. An API key named like an email and an account whose email reads `api-key:...` come out
told apart by kind and id; a row whose actor was deleted keeps its kind by its old label."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, json, sys
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate
from portcullis.db import tortoise_config

LEGACY = '''
INSERT INTO organization (id, name, experience, government_cloud, created_at)
  VALUES (1, 'Acme', 'CENTRALIZED', FALSE, CURRENT_TIMESTAMP);
INSERT INTO account (id, email, display_name, account_type, managed, created_at)
  VALUES (7, 'api-key:deploy@acme.example', 'Tricky', 'ATLASSIAN', FALSE, CURRENT_TIMESTAMP);
INSERT INTO api_key (id, organization_id, name, prefix, secret_hash, read_only, created_at)
  VALUES (3, 1, 'deploy@acme.example', 'p', 'h', FALSE, CURRENT_TIMESTAMP);
INSERT INTO audit_event (id, organization_id, actor_account_id, actor_api_key_id, actor_label,
    action, target_type, target_id, rule, request_id, created_at) VALUES
  (1, 1, 7, NULL, 'api-key:deploy@acme.example', 'a', 'T', '1', 'r', 'q', CURRENT_TIMESTAMP),
  (2, 1, NULL, 3, 'api-key:deploy@acme.example', 'a', 'T', '1', 'r', 'q', CURRENT_TIMESTAMP),
  (3, 1, NULL, NULL, 'api-key:gone', 'a', 'T', '1', 'r', 'q', CURRENT_TIMESTAMP),
  (4, 1, NULL, NULL, 'left@acme.example', 'a', 'T', '1', 'r', 'q', CURRENT_TIMESTAMP);
'''

async def main():
    config = tortoise_config(sys.argv[1])
    await migrate(config=config, target="models.0006_directory_page_index")
    await connections.get("default").execute_script(LEGACY)
    await migrate(config=config)
    _, rows = await connections.get("default").execute_query(
        "SELECT actor_kind, actor_id, actor_label FROM audit_event ORDER BY id"
    )
    print(json.dumps([[r["actor_kind"], r["actor_id"], r["actor_label"]] for r in rows]))
    await Tortoise.close_connections()

asyncio.run(main())
"""


def test_legacy_actor_labels_become_typed_actors(repo_root: Path, tmp_path: Path) -> None:
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
    assert json.loads(done.stdout) == [
        ["ACCOUNT", 7, "api-key:deploy@acme.example"],
        ["API_KEY", 3, "deploy@acme.example"],
        ["API_KEY", None, "gone"],
        ["ACCOUNT", None, "left@acme.example"],
    ]
