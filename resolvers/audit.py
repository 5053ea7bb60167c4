"""Audit events (R-AUDIT-1): written by each mutation inside its own transaction."""

from typing import Any

from models.audit import AuditEvent
from resolvers.context import Context


async def record(
    ctx: Context,
    *,
    organization_id: int,
    action: str,
    target_type: str,
    target_id: int | str,
    rule: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    principal = ctx.require_principal()
    await AuditEvent.create(
        organization_id=organization_id,
        actor_account_id=principal.account_id,
        actor_api_key_id=principal.api_key_id,
        actor_label=principal.label,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        before=before,
        after=after,
        rule=rule,
        request_id=ctx.request_id,
    )
