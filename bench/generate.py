"""Benchmark data: `python -m bench.generate --size small|medium|large --database-url URL`.

Empties the database (its name must contain "bench"), applies the real migrations
(`portcullis.db.migrate`), bulk-loads one organization of the given size (bench/shape.py),
mints an organization admin token and a read-only API key (permissions/auth.py), and writes
a manifest with what the runner needs: credentials, global ids, users to read, and
(user, product instance) pairs to grant.
"""

import argparse
import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tortoise import connections

from bench import bulk
from bench.shape import ADMIN_USER_ID, ORGANIZATION_ID, SIZES, plan
from models.credentials import ApiKey
from models.directory import Account
from permissions.auth import API_KEY_KIND, issue_personal_token, new_secret
from portcullis.db import close_database, migrate
from resolvers.pages import rows
from schema.ids import encode

DEFAULT_SEED = 6
DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Manifest:
    """What bench.generate leaves for the runner (bench/data/*.json)."""

    raw: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> "Manifest":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]


async def generate(size_name: str, database_url: str, seed: int) -> dict[str, Any]:
    size = SIZES[size_name]
    times = [time.perf_counter()]
    await bulk.recreate(database_url)
    await migrate(database_url)
    try:
        times.append(time.perf_counter())
        planned = plan(size, seed)
        times.append(time.perf_counter())
        await bulk.load(planned.rows)
        await bulk.analyze()
        times.append(time.perf_counter())
        token, api_key = await _credentials()
    finally:
        await close_database()
    steps = ("migrate", "plan", "load")
    return {
        "size": size.name,
        "seed": seed,
        "database_url": database_url,
        "seconds": {
            step: round(b - a, 1) for step, a, b in zip(steps, times, times[1:], strict=False)
        },
        "rows": {table: len(found) for table, found in planned.rows.items()},
        "organization_id": encode("Organization", ORGANIZATION_ID),
        "admin_token": token,
        "api_key": api_key,
        "product_instance_id": _instance(planned.big_instance_id),
        "group_id": encode("Group", planned.big_group_id),
        "sample_user_ids": [_user(pk) for pk in planned.sample_user_ids],
        "grants": [[_user(u), _instance(i)] for u, i in planned.grant_pairs],
        "grant_pairs": planned.grant_pairs,
    }


def _user(pk: int) -> str:
    return encode("User", pk)


def _instance(pk: int) -> str:
    return encode("ProductInstance", pk)


async def _credentials() -> tuple[str, str]:
    """A personal token of the organization admin, and a read-only API key (an integrator)."""
    admin = await Account.get(id=ADMIN_USER_ID)
    # No expiry: `bench.run --reuse` reads this token from a manifest of an earlier run.
    token = await issue_personal_token(admin, "bench", lifetime=None)
    credential, prefix, digest = new_secret(API_KEY_KIND)
    await ApiKey.create(
        organization_id=ORGANIZATION_ID,
        name="bench-integration",
        prefix=prefix,
        secret_hash=digest,
        read_only=True,
    )
    return token, credential


async def reset_grants(manifest: Manifest) -> int:
    """Undo an earlier run's grants, so reused data is as generated: each pair's user leaves
    the default groups of that product instance (they were in none of them before)."""
    await migrate(manifest["database_url"])
    try:
        sql = (
            "DELETE FROM group_membership WHERE user_id = ? AND group_id IN "
            "(SELECT group_id FROM default_group WHERE product_instance_id = ?)"
        )
        pairs: list[list[int]] = manifest["grant_pairs"]
        client = connections.get("default")
        if client.capabilities.dialect != "sqlite":
            sql = sql.replace("?", "$1", 1).replace("?", "$2", 1)
        await client.execute_many(sql, pairs)
        left = await rows("SELECT COUNT(*) AS n FROM group_membership", [])
        return int(left[0]["n"])
    finally:
        await close_database()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(SIZES))
    parser.add_argument("--database-url", help="sqlite://PATH or postgres://...")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="manifest file (default: bench/data/NAME.json)")
    parser.add_argument(
        "--reset-grants", type=Path, metavar="MANIFEST", help="only undo an earlier run's grants"
    )
    args = parser.parse_args(argv)
    if args.reset_grants is not None:
        left = asyncio.run(reset_grants(Manifest.read(args.reset_grants)))
        print(f"grants undone; {left:,} memberships")
        return
    if args.size is None or args.database_url is None:
        parser.error("--size and --database-url are required to generate")
    manifest = asyncio.run(generate(args.size, args.database_url, args.seed))
    out = args.out or DATA_DIR / f"{bulk.database_name(args.database_url)}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    counts = ", ".join(f"{table} {n:,}" for table, n in manifest["rows"].items())
    print(f"{args.size} on {bulk.database_name(args.database_url)}: {counts}")
    print(", ".join(f"{step} {seconds} s" for step, seconds in manifest["seconds"].items()))
    print(f"organization admin token: {manifest['admin_token']}")
    print(f"API key (read-only):      {manifest['api_key']}")
    print(f"product instance {manifest['product_instance_id']}, group {manifest['group_id']}")
    print(f"manifest (user ids, grants): {out}")


if __name__ == "__main__":
    main()
