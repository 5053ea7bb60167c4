"""Sign-in for people (docs/http-api.md): a one-time code, printed inside a link by the CLI, that
a console exchanges for a personal token of the account (the signIn mutation).

- The code is 256 random bits; only its SHA-256 is stored, in `sign_in_code`, so every API
  process can redeem it and a copy of the database cannot.
- It is good once and for minutes (PORTCULLIS_SIGN_IN_CODE_LIFETIME, 10m by default). The
  exchange marks it used with one conditional UPDATE (`used_at IS NULL AND expires_at > now`)
  and issues the token in the same transaction: of two racing exchanges exactly one wins, and
  a failure after the UPDATE leaves the code unused.
- Unknown, used and expired codes get one and the same refusal.
- The token it gives carries exactly the account's roles (R-TOKEN-1) and the lifetime chosen
  when the link was made.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from models.audit import AuditEvent
from models.console import SignInCode
from models.credentials import PersonalToken
from models.directory import Account, OrgUser
from models.enums import ActorKind
from permissions.auth import issue_personal_token

LINK_PARAMETER = "sign-in"  # the link is <PORTCULLIS_SIGN_IN_URL>#sign-in=<code>
RULE = "R-TOKEN-1"


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


async def redeem(code: str, request_id: str) -> SignedIn | None:
    """Exchange the code for a personal token; None when it is unknown, used or expired."""
    if not code or len(code) > 128:
        return None
    now = datetime.now(UTC)
    async with in_transaction():
        won = await SignInCode.filter(
            code_hash=_hash(code), used_at=None, expires_at__gt=now
        ).update(used_at=now)
        if not won:
            return None
        row = await SignInCode.get(code_hash=_hash(code)).select_related("account")
        lifetime = None if row.token_lifetime_s is None else timedelta(seconds=row.token_lifetime_s)
        token = await issue_personal_token(row.account, row.token_name, lifetime=lifetime)
        issued = await PersonalToken.get(prefix=token.split("_")[1])
        await _audit(row.account, issued, request_id)
    return SignedIn(row.account, token, issued.expires_at)


async def _audit(account: Account, token: PersonalToken, request_id: str) -> None:
    """One event in the log of each organization the account belongs to: the person is the
    actor (no one else was signed in). An account in no organization has no log to write."""
    expires = token.expires_at.isoformat() if token.expires_at else None
    organizations = await OrgUser.filter(account_id=account.id).values_list(
        "organization_id", flat=True
    )
    for organization_id in sorted(set(organizations)):
        await AuditEvent.create(
            organization_id=organization_id,
            actor_kind=ActorKind.ACCOUNT,
            actor_id=account.id,
            actor_label=account.email,
            action="personal_token.sign_in",
            target_type="PersonalToken",
            target_id=token.prefix,
            after={"name": token.name, "prefix": token.prefix, "expiresAt": expires},
            rule=RULE,
            request_id=request_id,
        )
