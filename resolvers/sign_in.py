"""Sign-in for people (docs/http-api.md): a one-time code, printed inside a link by the CLI, that
a console exchanges for a personal token of the account (the signIn mutation).

- The code is 256 random bits; only its SHA-256 is stored, in `sign_in_code`, so every API
  process can redeem it and a copy of the database cannot.
- It is good once and for minutes (PORTCULLIS_SIGN_IN_CODE_LIFETIME, 10m by default). The
  exchange marks it used with one conditional UPDATE (`used_at IS NULL AND expires_at > now`)
  and issues the token in the same transaction (the mutation runner's, resolvers/runner.py): of
  two racing exchanges exactly one wins, and a failure after the UPDATE leaves the code unused.
- Unknown, used and expired codes get one and the same refusal.
- The token it gives carries exactly the account's roles (R-TOKEN-1) and the lifetime chosen
  when the link was made.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models.console import SignInCode
from models.credentials import PersonalToken
from models.directory import Account, OrgUser
from models.enums import ActorKind
from permissions.auth import issue_personal_token
from permissions.principal import Actor
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode, Problem

LINK_PARAMETER = "sign-in"  # the link is <PORTCULLIS_SIGN_IN_URL>#sign-in=<code>
RULE = "R-TOKEN-1"
REFUSED = Problem(
    ErrorCode.INVALID_SIGN_IN_CODE,
    "This sign-in code is unknown, used or expired: ask for a new sign-in link.",
    field="code",
    rule=RULE,
)


@dataclass(frozen=True)
class SignedIn:
    account: Account
    token: str
    expires_at: datetime | None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def issue_code(
    account: Account,
    *,
    token_name: str,
    token_lifetime: timedelta | None,
    code_lifetime: timedelta,
) -> str:
    """A new one-time code for the account; shown once, stored as a hash."""
    code = secrets.token_urlsafe(32)
    lifetime_s = int(token_lifetime.total_seconds()) if token_lifetime is not None else None
    await SignInCode.create(
        account=account,
        code_hash=_hash(code),
        token_name=token_name,
        token_lifetime_s=lifetime_s,
        expires_at=datetime.now(UTC) + code_lifetime,
    )
    return code


def link(base_url: str, code: str) -> str:
    """The code travels in the fragment, which browsers never send to a server: it stays out
    of access logs, proxies and Referer headers."""
    return f"{base_url}#{LINK_PARAMETER}={code}"


async def redeem(ctx: Context, code: str) -> SignedIn:
    """Exchange the code for a personal token; refused (REFUSED) when it is unknown, used or
    expired. Runs in the mutation's transaction."""
    if not code or len(code) > 128:
        raise DomainError(REFUSED)
    now = datetime.now(UTC)
    won = await SignInCode.filter(code_hash=_hash(code), used_at=None, expires_at__gt=now).update(
        used_at=now
    )
    if not won:
        raise DomainError(REFUSED)
    row = await SignInCode.get(code_hash=_hash(code)).select_related("account")
    lifetime = None if row.token_lifetime_s is None else timedelta(seconds=row.token_lifetime_s)
    token = await issue_personal_token(row.account, row.token_name, lifetime=lifetime)
    issued = await PersonalToken.get(prefix=token.split("_")[1])
    await _audit(ctx, row.account, issued)
    return SignedIn(row.account, token, issued.expires_at)


async def _audit(ctx: Context, account: Account, token: PersonalToken) -> None:
    """One event in the log of each organization the account belongs to: the person is the
    actor (no one else was signed in). An account in no organization has no log to write."""
    actor = Actor(ActorKind.ACCOUNT, account.id, account.email)
    expires = token.expires_at.isoformat() if token.expires_at else None
    entries = await OrgUser.filter(account_id=account.id)
    for organization_id in sorted({entry.organization_id for entry in entries}):
        await record(
            ctx,
            organization_id=organization_id,
            action="personal_token.sign_in",
            target_type="PersonalToken",
            target_id=token.prefix,
            after={"name": token.name, "prefix": token.prefix, "expiresAt": expires},
            rule=RULE,
            actor=actor,
        )
