"""The `portcullis` command line (API.md): serve, demo, user create, token create | list |
revoke, migrate."""

import argparse
import asyncio
import gc
import json
import logging.config
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from models.directory import Account
from portcullis import metrics, request_log, token_cli
from portcullis.db import close_database, is_postgres, migrate
from portcullis.settings import Console, SettingsError, load_settings
from resolvers import sign_in
from resolvers.directory import create_account
from resolvers.errors import DomainError
from schema.ids import encode

if TYPE_CHECKING:
    from starlette.applications import Starlette

EXAMPLE_QUERY = (
    "{ viewer { email organizations { name experience users(first: 10) { totalCount "
    "edges { node { email status groups(first: 5) { edges { node { name } } } "
    "adminRoles { role } } } } } } }"
)

# Allocations between collections of the youngest generation (Python's default: 700).
GC_YOUNG_THRESHOLD = 10_000


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = load_settings()
    logging.config.dictConfig(request_log.logging_config(settings.log_level, settings.log_format))
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portcullis", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the API (migrates the database first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, help="processes serving the port (default PORTCULLIS_WORKERS, 1)"
    )
    serve.set_defaults(handler=_serve)
    demo = commands.add_parser("demo", help="load demo data and print tokens to try it")
    demo.add_argument("--json", action="store_true", help="print the tokens as JSON")
    demo.set_defaults(handler=lambda a: _run(_demo(a.json)))
    migrate_cmd = commands.add_parser("migrate", help="apply database migrations")
    migrate_cmd.set_defaults(handler=lambda a: _run(_noop()))
    user = commands.add_parser("user", help="accounts").add_subparsers(required=True)
    create = user.add_parser("create", help="create an account and print its id (an Account id)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.set_defaults(handler=lambda a: _run(_user_create(a.email, a.name)))
    token_cli.add_commands(commands, _run)
    return parser


def _serve(args: argparse.Namespace) -> int:
    """uvicorn on uvloop and httptools (about 6 % more throughput than asyncio and h11,
    bench/README.md). Each worker process builds the app (`served_app`) and migrates on
    start-up, one after the other under the migration lock (portcullis/db.py)."""
    import uvicorn

    settings = load_settings()
    workers = args.workers or settings.workers
    if workers > 1 and not is_postgres(settings.database_url):
        # One SQLite file has one writer, and each process would count the rate limit apart.
        raise SettingsError("PORTCULLIS_WORKERS / --workers above 1 needs PostgreSQL.")
    if workers > 1 and not os.environ.get(metrics.MULTIPROC_DIR):
        # Each worker writes its metrics here; /metrics sums them (portcullis/metrics.py).
        os.environ[metrics.MULTIPROC_DIR] = tempfile.mkdtemp(prefix="portcullis-metrics-")
    uvicorn.run(
        "portcullis.cli:served_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        log_config=request_log.logging_config(settings.log_level, settings.log_format),
        access_log=False,  # the request line of portcullis/request_log.py replaces it
    )
    return 0


def served_app() -> "Starlette":
    """The app as `serve` runs it, built in each worker process."""
    from portcullis.http.app import create_app

    app = create_app(load_settings())
    tune_garbage_collector()
    return app


def tune_garbage_collector() -> None:
    """A page of 50 users makes hundreds of thousands of short-lived objects, and with the
    default threshold (700) the collector runs dozens of times per request, each time also
    walking what start-up made (the schema, the models, the matrix): about 15 % of an admin
    page's CPU (bench/README.md). Start-up's objects live as long as the process, so they are
    frozen out of collections, and the youngest generation is collected less often."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def _run(work: Awaitable[int]) -> int:
    """Migrate, run one command against the database, close it; domain errors exit 2."""

    async def wrapped() -> int:
        await migrate(load_settings().database_url)
        try:
            return await work
        except DomainError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        finally:
            await close_database()

    return asyncio.run(wrapped())


async def _noop() -> int:
    print("migrations applied")
    return 0


async def _user_create(email: str, name: str) -> int:
    """Prints the account's global id, the one the API names it by (node, viewer.account,
    audit events' actor.id), never the database's row number."""
    account = await create_account(email, name)
    print(encode("Account", account.id))
    return 0


async def _demo(as_json: bool) -> int:
    from portcullis.demo import load_demo

    settings = load_settings()
    lifetime, console = settings.token_lifetime, settings.console
    tokens, api_key = await load_demo(lifetime)
    links = {t.email: await demo_link(t.email, lifetime, console) for t in tokens}
    if as_json:
        print(
            json.dumps(
                {
                    "tokens": {t.email: t.token for t in tokens},
                    "apiKey": api_key,
                    "signInLinks": links,
                }
            )
        )
        return 0
    print(f"Demo data loaded. Personal tokens (shown once; {token_cli.validity(lifetime)}):\n")
    for t in tokens:
        print(f"  {t.email:<24} {t.holds}\n      {t.token}")
    print(f"\nAPI key 'demo-integration' of Acme Corp:\n      {api_key}\n")
    minutes = int(console.sign_in_code_lifetime.total_seconds() // 60)
    print(
        "Start the service with `portcullis serve`, then sign in to the admin console by "
        f"opening a link (each works once, for {minutes} min):\n"
    )
    for email, url in links.items():
        print(f"  {email:<24} {url}")
    print()
    body = json.dumps({"query": EXAMPLE_QUERY})
    print("GraphiQL is at http://127.0.0.1:8000/graphql (it takes the same links), or:\n")
    print(
        f"  curl -s http://127.0.0.1:8000/graphql -H 'Content-Type: application/json' \\\n"
        f"    -H 'Authorization: Bearer {tokens[0].token}' \\\n    -d '{body}'"
    )
    return 0


async def demo_link(email: str, lifetime: timedelta | None, console: Console) -> str:
    """A one-time sign-in link for a demo account (resolvers/sign_in.py)."""
    account = await Account.get(email=email)
    code = await sign_in.issue_code(
        account,
        token_name="demo sign-in",
        token_lifetime=lifetime,
        code_lifetime=console.sign_in_code_lifetime,
    )
    return sign_in.link(console.sign_in_url, code)


if __name__ == "__main__":
    raise SystemExit(main())
