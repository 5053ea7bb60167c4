"""SCIM provisioning tokens (issue 17): createScimToken and revokeScimToken, guarded by the
matrix's user_provisioning feature. Like API keys (R-KEY-1), a token's secret is shown once and
stored only as a SHA-256 hash; unlike them, it reaches only its organization's SCIM endpoint
(scim/), never GraphQL. Each change is one audit event in its transaction (R-AUDIT-1)."""

from datetime import UTC, datetime

from models.provisioning import ScimToken
from permissions.matrix import FeatureId
from resolvers.audit import record
from resolvers.context import Context
from resolvers.credentials import CredentialKind, Issued, issue
from resolvers.errors import ErrorCode, refuse

SCIM_TOKEN_KIND = "pcs"  # `pcs_<prefix>_<secret>`: not a GraphQL credential kind
SCIM_TOKEN = CredentialKind(
    model=ScimToken,
    kind=SCIM_TOKEN_KIND,
    called="A SCIM token",
    action="scim_token.create",
    rule=FeatureId.USER_PROVISIONING,
)


async def create_scim_token(ctx: Context, organization_id: int, name: str) -> Issued[ScimToken]:
    return await issue(ctx, SCIM_TOKEN, organization_id, name)


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
