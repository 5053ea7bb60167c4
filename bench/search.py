"""The directory search alone: `python -m bench.search [--sizes small,large]
[--databases postgres] [--requests N] [--reuse]`.

Organization.users(query:, orderBy:) at each size (bench/queries.py DIRECTORY_SEARCH, the
console's search box: a name's start, a whole name, an email's start, with and without
accents), through the runner's own steps: the data from bench.generate, the real server, the
client process (bench/load.py). Prints p50, p99 and statements per request, and the ratio of
each size's p50 to the smallest's (the goal: within 1.5x from 1,000 to 100,000 accounts, at a
fixed number of statements). Figures go to bench/data/search.json; bench/README.md keeps them.
"""

import argparse
import json
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from bench import report
from bench.generate import DEFAULT_SEED, Manifest
from bench.queries import KINDS
from bench.run import BENCH_RATE_LIMIT, DATA_DIR, POSTGRES, Settings, measure
from bench.server import REPO, free_port, portcullis_command, running

SEARCH = next(kind for kind in KINDS if kind.key == "search")


def prepare(database: str, size: str, settings: Settings) -> Manifest:
    """Data of its own (bench_search_<size>), so that it never empties a database the full
    runner (bench.run) is using; generated unless --reuse finds it."""
    path = DATA_DIR / f"search-{database}-{size}.json"
    if settings.reuse and path.exists():
        return Manifest.read(path)
    name = f"bench_search_{size}"
    url = (
        f"sqlite://{DATA_DIR / f'{name}.sqlite3'}" if database == "sqlite" else f"{POSTGRES}/{name}"
    )
    command = [sys.executable, "-m", "bench.generate", "--size", size, "--database-url", url]
    command += ["--seed", str(settings.seed), "--out", str(path)]
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return Manifest.read(path)


def search_at(database: str, size: str, settings: Settings) -> dict[str, Any]:
    manifest = prepare(database, size, settings)
    env = {
        "DATABASE_URL": manifest["database_url"],
        "PORTCULLIS_COUNT_SQL": "1",
        "PORTCULLIS_LOG_LEVEL": "warning",
        "PORTCULLIS_GRAPHIQL": "0",
        "PORTCULLIS_RATE_LIMIT": BENCH_RATE_LIMIT,
    }
    log = DATA_DIR / "logs" / f"search-{database}-{size}.log"
    with running(portcullis_command(free_port()), env, log) as server:
        return measure(server, SEARCH, manifest, settings)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--databases", default="postgres")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="reuse data generated earlier")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    settings = Settings(args.requests, 20, args.concurrency, 120.0, args.seed, args.reuse)
    found: dict[str, dict[str, Any]] = {}
    for database in args.databases.split(","):
        smallest = None
        for size in args.sizes.split(","):
            figures = search_at(database, size, settings)
            smallest = smallest or figures["p50_ms"]
            figures["p50_ratio"] = figures["p50_ms"] / smallest
            found[f"{database}-{size}"] = figures
            ratio = f"p50 {figures['p50_ratio']:.2f}x the first size"
            print(f"{database:<9} {size:<7} {report.summary(figures)}  {ratio}", flush=True)
    out = DATA_DIR / "search.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
