"""Product settings and organization credentials: anonymous access (R-ACCESS-7) and API keys
(R-KEY-1). Each change is one audit event in its transaction (R-AUDIT-1)."""

from datetime import UTC, datetime
from typing import Any

from models.credentials import ApiKey
from models.product import ProductInstance
from permissions.auth import API_KEY_KIND
from permissions.errors import Forbidden
from permissions.matrix import FeatureId
from resolvers.audit import record
from resolvers.catalog import catalog
from resolvers.context import Context
from resolvers.credentials import CredentialKind, Issued, issue
from resolvers.errors import DomainError, ErrorCode, refuse


def _described(key: ApiKey) -> dict[str, Any]:
    expires = key.expires_at.isoformat() if key.expires_at else None
    return {"readOnly": key.read_only, "expiresAt": expires}


API_KEY = CredentialKind(
    model=ApiKey,
    kind=API_KEY_KIND,
    called="An API key",
    action="api_key.create",
    rule=FeatureId.UPDATE_API_KEYS,
    described=_described,
)


async def set_anonymous_access(
    ctx: Context, instance: ProductInstance, enabled: bool
) -> ProductInstance:
    """Switching to the value it already has changes nothing and is not audited."""
    product = catalog()[instance.product_id]
    if enabled and not product.anonymous_access_supported:
        raise _unsupported(product.name)
    row = await ProductInstance.select_for_update().get(id=instance.id)
    if row.anonymous_access == enabled:
        return row
    row.anonymous_access = enabled
    await row.save(update_fields=["anonymous_access"])
    await record(
        ctx,
        organization_id=row.organization_id,
        action="product.anonymous_access",
        target_type="ProductInstance",
        target_id=row.id,
        rule=FeatureId.CONFIGURE_PRODUCT_SETTINGS,
        before={"anonymousAccess": not enabled},
        after={"anonymousAccess": enabled},
    )
    return row


def _unsupported(product_name: str) -> DomainError:
    offered = ", ".join(p.name for p in catalog().values() if p.anonymous_access_supported)
    return refuse(
        ErrorCode.ANONYMOUS_ACCESS_UNSUPPORTED,
        f"{product_name} has no anonymous access; only {offered} do.",
        field="enabled",
        rule="R-ACCESS-7",
    )


async def create_api_key(
    ctx: Context, organization_id: int, name: str, read_only: bool, expires_at: datetime | None
) -> Issued[ApiKey]:
    """Only the credential's hash is stored (R-KEY-1); the credential goes back once. People
    create keys, keys do not (R-KEY-1): a key made by a key would outlive the revocation of
    the key that made it, so revoking a key would not end what its holder can do."""
    if ctx.require_principal().is_api_key:
        raise Forbidden(
            "An API key cannot create API keys; an organization admin creates them.", "R-KEY-1"
        )

    def columns() -> dict[str, Any]:
        return {"read_only": read_only, "expires_at": _future(expires_at)}

    return await issue(ctx, API_KEY, organization_id, name, columns)


async def revoke_api_key(ctx: Context, key: ApiKey) -> ApiKey:
    """From now on the key is refused (UNAUTHENTICATED); revoking it again is INVALID_INPUT."""
    now = datetime.now(UTC)
    # One conditional UPDATE: of two racing revocations exactly one changes the row.
    changed = await ApiKey.filter(id=key.id, revoked_at=None).update(revoked_at=now)
    if not changed:
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"The API key '{key.name}' is already revoked.",
            field="apiKeyId",
        )
    await record(
        ctx,
        organization_id=key.organization_id,
        action="api_key.revoke",
        target_type="ApiKey",
        target_id=key.id,
        rule=FeatureId.UPDATE_API_KEYS,
        before={"name": key.name, "revokedAt": None},
        after={"name": key.name, "revokedAt": now.isoformat()},
    )
    return await ApiKey.get(id=key.id)


def _future(expires_at: datetime | None) -> datetime | None:
    """A time without a zone is read as UTC; a key may not be born expired."""
    if expires_at is None:
        return None
    expires = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
    if expires <= datetime.now(UTC):
        raise refuse(ErrorCode.INVALID_INPUT, "expiresAt must be in the future.", field="expiresAt")
    return expires
