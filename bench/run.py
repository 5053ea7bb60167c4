"""The benchmark runner: `python -m bench.run [--sizes small,medium,large]
[--databases sqlite,postgres] [--quick] [--reuse]`.

For each database and size: generate the organization (bench/generate.py, or reuse it),
measure the server CPU per request of the API and the baseline in one process (bench/cpu.py),
start the real server (`portcullis serve`, one uvicorn process, PORTCULLIS_COUNT_SQL=1) and the
baseline (bench/baseline.py), and drive them over HTTP from a separate client process
(bench/load.py) with concurrent connections, one kind of request at a time: a warm-up, then a
fixed number of timed requests. The grants run last, after the baseline, so that every read
sees the generated data. Then the engine against pycasbin (bench/versus_casbin.py), and the
report: bench/RESULTS.md, issue 19's goals first, and bench/latency.png (bench/report.py).
"""

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import report, versus_casbin
from bench.engine import DEFAULT_DECISIONS, QUICK_DECISIONS
from bench.engine import report as engine_report
from bench.generate import DEFAULT_SEED, Manifest
from bench.queries import KINDS, Kind
from bench.server import REPO, Server, baseline_command, free_port, portcullis_command, running
from bench.shape import SIZES

DATA_DIR = REPO / "bench" / "data"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
SAME_JSON_SAMPLES = 5  # bodies of each kind compared between the API and the baseline
BENCH_RATE_LIMIT = "999999999"  # requests per 60 s window: bench/README.md


@dataclass(frozen=True)
class Settings:
    requests: int
    warmup: int
    concurrency: int
    max_seconds: float
    seed: int
    reuse: bool
    cpu_requests: int = 100  # bench.cpu: requests per round and kind
    cpu_rounds: int = 5


@dataclass(frozen=True)
class Measured:
    database: str
    size: str
    kind: str
    server: str  # "portcullis" or "baseline" (over HTTP); "cpu" (bench.cpu, both apps)
    figures: dict[str, Any]


def database_url(database: str, size: str) -> str:
    if database == "sqlite":
        return f"sqlite://{DATA_DIR / f'bench_{size}.sqlite3'}"
    return f"{POSTGRES}/bench_{size}"


def prepare(database: str, size: str, settings: Settings) -> Manifest:
    """Generate the data (a subprocess running bench.generate), or reuse it as generated."""
    manifest_path = DATA_DIR / f"{database}-{size}.json"
    if settings.reuse and manifest_path.exists():
        manifest = Manifest.read(manifest_path)
        if manifest["seed"] == settings.seed:
            # A process of its own, as generating: Tortoise keeps one database per process.
            command = [sys.executable, "-m", "bench.generate", "--reset-grants", str(manifest_path)]
            subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
            print(f"  reusing {manifest_path.name}", flush=True)
            return manifest
    url = database_url(database, size)
    command = [sys.executable, "-m", "bench.generate", "--size", size, "--database-url", url]
    command += ["--seed", str(settings.seed), "--out", str(manifest_path)]
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return Manifest.read(manifest_path)


def measure(server: Server, kind: Kind, manifest: Manifest, settings: Settings) -> dict[str, Any]:
    """One kind against one server: the client process's figures, plus the server's peak RSS."""
    total = settings.warmup + settings.requests
    bodies = kind.bodies(manifest, total, random.Random(settings.seed))
    spec = {
        "url": server.url,
        "credential": manifest[kind.credential],
        "bodies": bodies,
        "warmup": settings.warmup,
        "concurrency": settings.concurrency,
        "max_seconds": settings.max_seconds,
        "count_sql": True,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(spec, file)
    server.reset_peak()
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", file.name],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    Path(file.name).unlink()
    if done.returncode != 0:
        raise SystemExit(f"the client failed on {kind.key}:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout)
    figures["peak_rss_mib"] = server.peak_rss_mib()
    return figures


def answers(server: Server, kind: Kind, manifest: Manifest, seed: int) -> list[Any]:
    """The JSON of a few requests, to check that the baseline answers what the API does."""
    headers = {"Authorization": f"Bearer {manifest[kind.credential]}"}
    bodies = kind.bodies(manifest, SAME_JSON_SAMPLES, random.Random(seed + 1))
    return [httpx.post(f"{server.url}/graphql", json=b, headers=headers).json() for b in bodies]


def bench_one(database: str, size: str, settings: Settings) -> tuple[list[Measured], Manifest]:
    print(f"{database} / {size}", flush=True)
    manifest = prepare(database, size, settings)
    url = manifest["database_url"]
    logs = DATA_DIR / "logs"
    env = {
        "DATABASE_URL": url,
        "PORTCULLIS_COUNT_SQL": "1",
        "PORTCULLIS_LOG_LEVEL": "warning",
        "PORTCULLIS_GRAPHIQL": "0",
        # The limiter stays on, so its statement per request is measured as in production,
        # but at a limit no run reaches (a 429 would be counted as an error, not timed).
        "PORTCULLIS_RATE_LIMIT": BENCH_RATE_LIMIT,
    }
    found = cpu_per_request(database, size, settings)

    def record(kind: Kind, server_name: str, server: Server) -> None:
        figures = measure(server, kind, manifest, settings)
        found.append(Measured(database, size, kind.key, server_name, figures))
        print(f"  {server_name:<10} {kind.label:<32} {report.summary(figures)}", flush=True)

    ours_port, base_port = free_port(), free_port()
    with (
        running(portcullis_command(ours_port), env, logs / f"{database}-{size}.log") as ours,
        running(baseline_command(base_port, url), {}, logs / f"{database}-{size}-base.log") as base,
    ):
        for kind in KINDS:
            if not kind.mutates:
                record(kind, "portcullis", ours)
        for kind in KINDS:
            if kind.baseline:
                same = answers(ours, kind, manifest, settings.seed) == answers(
                    base, kind, manifest, settings.seed
                )
                record(kind, "baseline", base)
                found[-1].figures["same_json"] = same
        for kind in KINDS:
            if kind.mutates:
                record(kind, "portcullis", ours)
    return found, manifest


def cpu_per_request(database: str, size: str, settings: Settings) -> list[Measured]:
    """bench.cpu in a process of its own (Tortoise keeps one database per process), before
    the servers start, so that nothing else of the run shares the CPUs with it."""
    manifest_path = DATA_DIR / f"{database}-{size}.json"
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as file:
        out = Path(file.name)
    command = [sys.executable, "-m", "bench.cpu", "--manifest", str(manifest_path)]
    command += ["--requests", str(settings.cpu_requests), "--rounds", str(settings.cpu_rounds)]
    subprocess.run([*command, "--json", str(out)], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    figures = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    found = [Measured(database, size, f["kind"], "cpu", f) for f in figures]
    for f in figures:
        base = f" (baseline {f['baseline_ms']:.2f} ms)" if f["baseline_ms"] else ""
        print(f"  cpu        {f['label']:<32} {f['api_ms']:8.2f} ms{base}", flush=True)
    return found


def engine_tables(quick: bool) -> dict[str, str]:
    budget = QUICK_DECISIONS if quick else DEFAULT_DECISIONS
    print("engine and pycasbin", flush=True)
    return {"engine": engine_report(budget), "casbin": versus_casbin.report(budget)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", help="comma-separated (default: all; small,medium with --quick)")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--quick", action="store_true", help="small and medium, fewer requests")
    parser.add_argument("--reuse", action="store_true", help="reuse data generated earlier")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--requests", type=int, help="timed requests per kind (500; quick 40)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument("--chart", type=Path, default=REPO / "bench" / "latency.png")
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the servers started below are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = (args.sizes or ("small,medium" if args.quick else ",".join(SIZES))).split(",")
    settings = Settings(
        requests=args.requests or (40 if args.quick else 500),
        warmup=5 if args.quick else 20,
        concurrency=args.concurrency,
        max_seconds=15.0 if args.quick else 120.0,
        seed=args.seed,
        reuse=args.reuse,
        cpu_requests=20 if args.quick else 100,
        cpu_rounds=3 if args.quick else 5,
    )
    started = time.perf_counter()
    measured: list[Measured] = []
    generated: dict[tuple[str, str], dict[str, Any]] = {}
    for database in args.databases.split(","):
        for size in sizes:
            found, manifest = bench_one(database, size, settings)
            measured += found
            generated[(database, size)] = {"rows": manifest["rows"], "seconds": manifest["seconds"]}
    tables = engine_tables(args.quick)
    elapsed = time.perf_counter() - started
    raw = {"settings": asdict(settings), "measured": [asdict(m) for m in measured]}
    (DATA_DIR / "results.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    args.out.write_text(
        report.markdown(measured, tables, settings, generated, elapsed, args.chart),
        encoding="utf-8",
    )
    report.chart(measured, args.chart)
    print(f"wrote {args.out} and {args.chart} in {elapsed / 60:.0f} min")


if __name__ == "__main__":
    main()
