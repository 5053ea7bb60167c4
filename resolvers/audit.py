"""Audit events (R-AUDIT-1): written by each mutation inside its own transaction."""

from datetime import datetime
from typing import Any

from models.audit import AuditEvent
from models.credentials import ApiKey
from models.directory import OrgUser
from models.enums import ActorKind
from models.provisioning import ScimToken
from permissions.errors import BadUserInput
from permissions.matrix import TargetKind
from permissions.principal import Actor
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
    actor: Actor | None = None,
) -> None:
    """Write one event in the mutation's transaction (resolvers/runner.py). The actor is the
    principal's, unless named: signIn's is the account signing in, not yet a principal."""
    actor = actor or ctx.require_principal().actor
    await AuditEvent.create(
        organization_id=organization_id,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.display,
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


async def is_actor_of(organization_id: int, kind: ActorKind, pk: int) -> bool:
    """Whether an actor id names someone of this organization: an actor in its log, or one
    that may act in it (an API key of it, an account in its directory). Anything else is an
    id that names nothing here, another organization's included."""
    if await AuditEvent.exists(organization_id=organization_id, actor_kind=kind, actor_id=pk):
        return True
    if kind is ActorKind.API_KEY:
        return await ApiKey.exists(id=pk, organization_id=organization_id)
    if kind is ActorKind.ACCOUNT:
        return await OrgUser.exists(account_id=pk, organization_id=organization_id)
    return await ScimToken.exists(id=pk, organization_id=organization_id)


def audit_filter(
    action: str | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    *,
    actor_ref: tuple[ActorKind, int] | None = None,
) -> Filter | None:
    """organization.auditLog's filters: an action (`group.member_add`, or a prefix ending in
    a dot: `group.`), an actor by kind and id (`actor_ref`), or by the name it had (`actor`:
    an email or an API key's name, of either kind), and a time range [since, until)."""
    conditions: list[tuple[str, tuple[Any, ...]]] = []
    if action is not None:
        filter_text("action", action)
        prefix = action.endswith(".")
        conditions.append(
            ("substr(action, 1, ?) = ?", (len(action), action))
            if prefix
            else ("action = ?", (action,))
        )
    if actor_ref is not None:
        conditions.append(("actor_kind = ? AND actor_id = ?", (actor_ref[0].value, actor_ref[1])))
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
