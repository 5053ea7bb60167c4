"""SCIM provisioning tokens (issue 17): createScimToken and revokeScimToken, guarded by the
matrix's user_provisioning feature. Like API keys (R-KEY-1), a token's secret is shown once and
stored only as a SHA-256 hash; unlike them, it reaches only its organization's SCIM endpoint
(scim/), never GraphQL. Each change is one audit event in its transaction (R-AUDIT-1)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from models.organization import Organization
from models.provisioning import ScimToken
from permissions.auth import new_secret
from permissions.matrix import FeatureId
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import ErrorCode, refuse
from resolvers.validation import clean_name

SCIM_TOKEN_KIND = "pcs"  # `pcs_<prefix>_<secret>`: not a GraphQL credential kind


@dataclass(frozen=True)
class IssuedScimToken:
    """A token and its whole credential, which exists only in the response that created it."""

    token: ScimToken
    secret: str | None


async def create_scim_token(ctx: Context, organization_id: int, name: str) -> IssuedScimToken:
    name = clean_name(name, "name")
    credential, prefix, digest = new_secret(SCIM_TOKEN_KIND)
    creator = ctx.require_principal().user_id_in(organization_id)  # None for an API key
    # Serializes creation per organization on PostgreSQL, so two requests cannot both
    # find the name free (SQLite has one writer).
    await Organization.select_for_update().get(id=organization_id)
    if await ScimToken.exists(organization_id=organization_id, name=name, revoked_at=None):
        raise refuse(ErrorCode.DUPLICATE, f"A SCIM token named '{name}' exists.", field="name")
    token = await ScimToken.create(
        organization_id=organization_id,
        name=name,
        prefix=prefix,
        secret_hash=digest,
        created_by_id=creator,
    )
    await record(
        ctx,
        organization_id=organization_id,
        action="scim_token.create",
        target_type="ScimToken",
        target_id=token.id,
        rule=FeatureId.USER_PROVISIONING,
        after={"name": name, "prefix": prefix},
    )
    return IssuedScimToken(token, credential)


async def revoke_scim_token(ctx: Context, token: ScimToken) -> ScimToken:
    """Refused at the SCIM endpoint from its next request on; revoking it again is
    INVALID_INPUT."""
    now = datetime.now(UTC)
    # One conditional UPDATE: of two racing revocations exactly one changes the row.
    if not await ScimToken.filter(id=token.id, revoked_at=None).update(revoked_at=now):
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"The SCIM token '{token.name}' is already revoked.",
            field="scimTokenId",
        )
    await record(
        ctx,
        organization_id=token.organization_id,
        action="scim_token.revoke",
        target_type="ScimToken",
        target_id=token.id,
        rule=FeatureId.USER_PROVISIONING,
        before={"name": token.name, "revokedAt": None},
        after={"name": token.name, "revokedAt": now.isoformat()},
    )
    return await ScimToken.get(id=token.id)
