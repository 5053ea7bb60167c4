"""Audit events (R-AUDIT-1): written by each mutation inside its own transaction."""

from datetime import datetime
from typing import Any

from models.audit import AuditEvent
from permissions.errors import BadUserInput
from permissions.matrix import TargetKind
from resolvers.context import Context
from resolvers.pages import Filter, filter_text

# The actions that make an object, and its kind: the object is the caller's to read in the
# rest of the request (Context.read). An adopted or changed object is not made.
MAKES = {
    "site.create": TargetKind.SITE,
    "product.add": TargetKind.PRODUCT_INSTANCE,
    "group.create": TargetKind.GROUP,
    "user.invite": TargetKind.USER,
    "user.join": TargetKind.USER,
}


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
    made = MAKES.get(action)
    if made is not None:
        ctx.made[(made, int(target_id))] = rule


def audit_filter(
    action: str | None, actor: str | None, since: datetime | None, until: datetime | None
) -> Filter | None:
    """organization.auditLog's filters: an action (`group.member_add`, or a prefix ending in
    a dot: `group.`), an actor (an email, or `api-key:<name>`), and a time range [since, until)."""
    conditions: list[tuple[str, tuple[Any, ...]]] = []
    if action is not None:
        filter_text("action", action)
        prefix = action.endswith(".")
        conditions.append(
            ("substr(action, 1, ?) = ?", (len(action), action))
            if prefix
            else ("action = ?", (action,))
        )
    if actor is not None:
        filter_text("actor", actor)
        conditions.append(("actor_label = ?", (actor.strip().lower() if "@" in actor else actor,)))
    for comparison, name, moment in (
        ("created_at >= ?", "since", since),
        ("created_at < ?", "until", until),
    ):
        if moment is not None:
            if moment.tzinfo is None:
                raise BadUserInput(f"'{name}' needs a time zone, like 2026-11-23T10:00:00Z.")
            conditions.append((comparison, (moment,)))
    if not conditions:
        return None
    return Filter(
        " AND ".join(c for c, _ in conditions), tuple(p for _, ps in conditions for p in ps)
    )
