"""Credentials: random secrets shown once, stored as prefix + SHA-256, resolved to a Principal.

A credential reads `<kind>_<prefix>_<secret>`. The prefix finds the row; the hash of the whole
credential is compared in constant time. Secrets are 256 random bits, so a fast hash is right.
Every refusal (unknown prefix, wrong secret, revoked, expired) is the same `None`: the client
learns only that the credential is not valid. Nothing is cached in the process, so a revocation
or an expiry holds from the next request on, in every API process.
"""

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta

from models.admin_role import RoleAssignment
from models.credentials import ApiKey, PersonalToken
from models.directory import Account, OrgUser
from models.enums import ActorKind
from models.prepared import select_in
from permissions.principal import Actor, Assignment, Principal

TOKEN_KIND = "pct"
_PREFIX = re.compile(r"^[0-9a-f]{12}$")
API_KEY_KIND = "pck"


def new_secret(kind: str) -> tuple[str, str, str]:
    """Return (credential, prefix, hash): the credential is shown once, the rest is stored."""
    prefix = secrets.token_hex(6)
    credential = f"{kind}_{prefix}_{secrets.token_urlsafe(32)}"
    return credential, prefix, hash_secret(credential)


def hash_secret(credential: str) -> str:
    return hashlib.sha256(credential.encode()).hexdigest()


async def issue_personal_token(account: Account, name: str, *, lifetime: timedelta | None) -> str:
    """A new token for the account (R-TOKEN-1), valid for `lifetime` (None: until revoked).

    The lifetime is a required argument so that no caller hands out an endless token by
    forgetting it: the CLI and the demo pass PORTCULLIS_TOKEN_LIFETIME or what was asked for.
    """
    credential, prefix, digest = new_secret(TOKEN_KIND)
    expires = datetime.now(UTC) + lifetime if lifetime is not None else None
    await PersonalToken.create(
        account=account, name=name, prefix=prefix, secret_hash=digest, expires_at=expires
    )
    return credential


async def revoke_personal_token(prefix: str) -> PersonalToken | None:
    """Revoke the token with that prefix; None when there is none or it is already revoked.

    One conditional UPDATE, so of two racing revocations exactly one reports the change.
    """
    changed = await PersonalToken.filter(prefix=prefix, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
    return await PersonalToken.get(prefix=prefix) if changed else None


async def authenticate(authorization: str | None) -> Principal | None:
    """Resolve an `Authorization: Bearer ...` header; None when missing or not valid."""
    if not authorization:
        return None
    scheme, _, credential = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    credential = credential.strip()
    kind, _, rest = credential.partition("_")
    prefix = rest.partition("_")[0]
    if not _PREFIX.match(prefix):  # never send arbitrary header bytes to the database
        return None
    if kind == TOKEN_KIND:
        return await _from_token(prefix, credential)
    if kind == API_KEY_KIND:
        return await _from_api_key(prefix, credential)
    return None


def _valid(
    row_hash: str, credential: str, revoked: datetime | None, expires: datetime | None
) -> bool:
    # The secret is compared first and always, so a revoked or expired row costs the same time
    # as a live one; only then do revocation and expiry refuse it.
    matches = hmac.compare_digest(row_hash, hash_secret(credential))
    live = revoked is None and (expires is None or expires > datetime.now(UTC))
    return matches and live


async def _from_token(prefix: str, credential: str) -> Principal | None:
    found = await select_in(PersonalToken, "prefix", [prefix], ("account",))
    token = found[0] if found else None  # the prefix is unique
    if token is None or not _valid(
        token.secret_hash, credential, token.revoked_at, token.expires_at
    ):
        return None
    account = token.account
    memberships = await OrgUser.filter(account_id=account.id).values_list(
        "id", "organization_id", "status"
    )
    user_ids = [row[0] for row in memberships]
    roles = await RoleAssignment.filter(user_id__in=user_ids).values_list(
        "organization_id", "role", "scope_ref"
    )
    return Principal(
        actor=Actor(ActorKind.ACCOUNT, account.id, account.email),
        credential=f"{TOKEN_KIND}_{prefix}",
        account_id=account.id,
        memberships={org: (uid, status) for uid, org, status in memberships},
        assignments=tuple(Assignment(org, role, scope) for org, role, scope in roles),
    )


async def _from_api_key(prefix: str, credential: str) -> Principal | None:
    found = await select_in(ApiKey, "prefix", [prefix])
    key = found[0] if found else None  # the prefix is unique
    if key is None or not _valid(key.secret_hash, credential, key.revoked_at, key.expires_at):
        return None
    return Principal(
        actor=Actor(ActorKind.API_KEY, key.id, key.name),
        credential=f"{API_KEY_KIND}_{prefix}",
        api_key_id=key.id,
        api_key_organization_id=key.organization_id,
        read_only=key.read_only,
    )
