"""`portcullis token create | list | revoke`: personal tokens from the command line.

Personal tokens are issued by whoever runs the CLI against the database (an operator), so they
are listed and revoked there too. A revocation or an expiry holds from the next request on, in
every API process: credentials are read from the database on every request.
"""

import argparse
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from models.credentials import PersonalToken
from models.directory import Account
from permissions.auth import TOKEN_KIND, issue_personal_token, revoke_personal_token
from portcullis.settings import NEVER, SettingsError, lifetime, load_settings
from resolvers import sign_in
from resolvers.directory import own_account
from resolvers.errors import DomainError

Runner = Callable[[Awaitable[int]], int]
_PREFIX = re.compile(rf"^(?:{TOKEN_KIND}_)?([0-9a-f]{{12}})(?:_.*)?$")


def add_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]", run: Runner
) -> None:
    token = commands.add_parser("token", help="personal tokens").add_subparsers(required=True)
    create = token.add_parser("create", help="print a new personal token for an account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", default="cli")
    create.add_argument(
        "--expires-in",
        metavar="DURATION",
        help=f"e.g. 30d or 12h, or '{NEVER}' (default: PORTCULLIS_TOKEN_LIFETIME, else 90d)",
    )
    create.add_argument(
        "--link",
        action="store_true",
        help="print a one-time sign-in link instead (valid once, for "
        "PORTCULLIS_SIGN_IN_CODE_LIFETIME, else 10m); opening it gives the token",
    )
    create.set_defaults(handler=lambda a: _create_command(a, run))
    listing = token.add_parser("list", help="an account's tokens: prefix, name, expiry, state")
    listing.add_argument("--email", required=True)
    listing.set_defaults(handler=lambda a: run(_list(a.email)))
    revoke = token.add_parser("revoke", help="refuse a token from the next request on")
    revoke.add_argument("--prefix", required=True, help="the 12 characters after 'pct_'")
    revoke.set_defaults(handler=lambda a: run(_revoke(a.prefix)))


def _create_command(args: argparse.Namespace, run: Runner) -> int:
    """The lifetime is read before the database is touched: a bad one changes nothing."""
    try:
        chosen = (
            load_settings().token_lifetime
            if args.expires_in is None
            else lifetime(args.expires_in, "--expires-in")
        )
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.link:
        return run(_create_link(args.email, args.name, chosen))
    return run(_create(args.email, args.name, chosen))


async def _account(email: str) -> Account | None:
    try:
        account = await own_account(email)
    except DomainError:  # not an email address: no account has it
        account = None
    if account is None:
        print(f"error: no account with email {email}", file=sys.stderr)
    return account


async def _create(email: str, name: str, chosen: timedelta | None) -> int:
    account = await _account(email)
    if account is None:
        return 2
    credential = await issue_personal_token(account, name, lifetime=chosen)
    print(credential)  # alone on stdout, for scripts
    row = await PersonalToken.get(prefix=credential.split("_")[1])
    print(
        f"{_expiry(row)}; revoke with: portcullis token revoke --prefix {row.prefix}",
        file=sys.stderr,
    )
    return 0


async def _create_link(email: str, name: str, chosen: timedelta | None) -> int:
    account = await _account(email)
    if account is None:
        return 2
    console = load_settings().console
    code = await sign_in.issue_code(
        account, token_name=name, token_lifetime=chosen, code_lifetime=console.sign_in_code_lifetime
    )
    print(sign_in.link(console.sign_in_url, code))  # alone on stdout, for scripts
    token = "never expires" if chosen is None else f"expires {chosen} (h:mm:ss) after sign-in"
    print(
        f"open it within {_minutes(console.sign_in_code_lifetime)}; it works once and gives a "
        f"personal token that {token}",
        file=sys.stderr,
    )
    return 0


def _minutes(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} minutes" if minutes >= 2 else f"{int(span.total_seconds())} seconds"


async def _list(email: str) -> int:
    account = await _account(email)
    if account is None:
        return 2
    for row in await PersonalToken.filter(account_id=account.id).order_by("created_at", "id"):
        print(f"{row.prefix}  {_state(row):<7}  {_expiry(row)}  {row.name}")
    return 0


async def _revoke(prefix: str) -> int:
    found = _PREFIX.match(prefix.strip())
    if found is None:
        print(f"error: '{prefix}' is not a token prefix (12 hex characters)", file=sys.stderr)
        return 2
    revoked = await revoke_personal_token(found[1])
    if revoked is None:
        print(f"error: no live token with prefix {found[1]}", file=sys.stderr)
        return 2
    print(f"revoked {revoked.prefix} ({revoked.name}); refused from the next request on")
    return 0


def validity(chosen: timedelta | None) -> str:
    if chosen is None:
        return "they never expire"
    return f"they expire {datetime.now(UTC) + chosen:%Y-%m-%dT%H:%M:%SZ}"


def _state(row: PersonalToken) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= datetime.now(UTC):
        return "expired"
    return "active"


def _expiry(row: PersonalToken) -> str:
    if row.expires_at is None:
        return "never expires"
    return f"expires {row.expires_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
