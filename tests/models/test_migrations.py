"""The committed migrations describe the models exactly (no `makemigrations` is pending)."""

import subprocess
import sys
from pathlib import Path

CHECK = """
import asyncio
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector
from portcullis.db import tortoise_config

async def pending():
    config = tortoise_config("sqlite://:memory:")
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
        return [op for w in writers for op in w.operations]

print(len(asyncio.run(pending())))
"""


def test_models_and_committed_migrations_agree(repo_root: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0", (
        "models changed without a migration: run "
        "`tortoise -c portcullis.db.TORTOISE_ORM makemigrations` and commit it"
    )
