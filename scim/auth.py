"""A SCIM token (`pcs_<prefix>_<secret>`) names its organization; it is checked like the other
credentials (permissions/auth.py): the prefix finds the row, the SHA-256 of the whole token is
compared in constant time, a revoked token is refused from its next request on. Only this
endpoint accepts it: GraphQL's authenticate() knows no `pcs` kind.

`scim_principal` is the one place that says who a SCIM token is in the audit log."""

import hmac
import re

from models.enums import ActorKind
from models.provisioning import ScimToken
from permissions.auth import hash_secret
from permissions.principal import Actor, Principal
from resolvers.provisioning import SCIM_TOKEN_KIND

_PREFIX = re.compile(r"^[0-9a-f]{12}$")


async def authenticate(authorization: str | None) -> ScimToken | None:
    scheme, _, credential = (authorization or "").strip().partition(" ")
    credential = credential.strip()
    kind, _, rest = credential.partition("_")
    prefix = rest.partition("_")[0]
    if scheme.lower() != "bearer" or kind != SCIM_TOKEN_KIND or not _PREFIX.match(prefix):
        return None
    token = await ScimToken.get_or_none(prefix=prefix).select_related("organization")
    if token is None:
        return None
    # The secret first and always, so a revoked row costs the time of a live one.
    matches = hmac.compare_digest(token.secret_hash, hash_secret(credential))
    return token if matches and token.revoked_at is None else None


def scim_principal(token: ScimToken) -> Principal:
    """The token acts in its organization as an organization credential (R-KEY-1); the audit
    log names it as a SCIM_TOKEN actor with its id and name."""
    return Principal(
        actor=Actor(ActorKind.SCIM_TOKEN, token.id, token.name),
        credential=f"{SCIM_TOKEN_KIND}_{token.prefix}",
        api_key_organization_id=token.organization_id,
        scim_token_id=token.id,
    )
