"""Issuing an organization credential: an API key (R-KEY-1, resolvers/settings.py) or a SCIM
token (issue 17, resolvers/provisioning.py). Both are made alike: the secret is shown once and
stored only as a SHA-256 hash, the name is unique among the organization's unrevoked ones of
its kind, and the creation is one audit event in its transaction (R-AUDIT-1)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from models.credentials import ApiKey
from models.organization import Organization
from models.provisioning import ScimToken
from permissions.auth import new_secret
from permissions.matrix import FeatureId
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import ErrorCode, refuse
from resolvers.receipts import Replay
from resolvers.validation import clean_name

Row = TypeVar("Row", ApiKey, ScimToken)


@dataclass(frozen=True)
class Issued(Generic[Row]):
    """A credential's row and its whole secret, which exists only in the response that created
    it: a replay of the same clientMutationId reloads the row and has no secret to give."""

    row: Row
    secret: str | None


def _nothing(*_: object) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class CredentialKind(Generic[Row]):
    """What tells one kind of organization credential from another."""

    model: type[Row]
    kind: str  # the credential reads `<kind>_<prefix>_<secret>` (permissions/auth.py)
    called: str  # "An API key": how the DUPLICATE message names one
    action: str  # the audit event of its creation
    rule: FeatureId  # the feature that guards it, the audit event's rule
    # What the audit event says of a new one beyond its name and prefix.
    described: Callable[[Row], dict[str, Any]] = field(default=_nothing)

    def replay(self) -> Replay[Issued[Row]]:
        """How a receipt keeps an issued credential: its row, read back without the secret."""

        async def reissued(ids: list[int]) -> Issued[Row]:
            return Issued(await self.model.get(id=ids[0]), None)  # the secret is gone

        return Replay(lambda issued: [issued.row.id], reissued)


async def issue(
    ctx: Context,
    kind: CredentialKind[Row],
    organization_id: int,
    name: str,
    columns: Callable[[], dict[str, Any]] = _nothing,
) -> Issued[Row]:
    """A new credential of `kind` in the organization, made by the principal (no creator for
    an API key). `columns` gives the kind's own columns, checked after the name."""
    name = clean_name(name, "name")
    own = columns()
    credential, prefix, digest = new_secret(kind.kind)
    creator = ctx.require_principal().user_id_in(organization_id)  # None for an API key
    # Serializes creation per organization on PostgreSQL (SQLite has one writer), so two
    # requests cannot both find the name free.
    await Organization.select_for_update().get(id=organization_id)
    if await kind.model.exists(organization_id=organization_id, name=name, revoked_at=None):
        raise refuse(ErrorCode.DUPLICATE, f"{kind.called} named '{name}' exists.", field="name")
    row = await kind.model.create(
        organization_id=organization_id,
        name=name,
        prefix=prefix,
        secret_hash=digest,
        created_by_id=creator,
        **own,
    )
    await record(
        ctx,
        organization_id=organization_id,
        action=kind.action,
        target_type=kind.model.__name__,
        target_id=row.id,
        rule=kind.rule,
        after={"name": name, "prefix": prefix, **kind.described(row)},
    )
    return Issued(row, credential)
