"""The typed per-request context: principal, request id, DataLoaders, decision cache."""

from collections.abc import Callable
from dataclasses import dataclass, field

from permissions.engine import decide, reach
from permissions.guards import require_principal
from permissions.matrix import Asked, TargetKind
from permissions.principal import Principal
from permissions.targets import Decision, Reach, Target
from resolvers.loaders import Loaders
from resolvers.scopes import Scope


@dataclass
class Context:
    principal: Principal | None
    request_id: str
    credentials_sent: bool = False
    # Told of every decision the engine makes; the runtime counts them (portcullis/metrics.py).
    on_decision: Callable[[str, bool], None] = field(default=lambda feature, allowed: None)
    loaders: Loaders = field(default_factory=Loaders)
    _decisions: dict[tuple[str, Target], Decision] = field(default_factory=dict)
    _reaches: dict[tuple[str, Target], Reach] = field(default_factory=dict)
    # What this request's mutations made, by kind and id, with the rule each was made under
    # (written by resolvers/audit.py with the audit event that records the making).
    made: dict[tuple[TargetKind, int], str] = field(default_factory=dict)

    def require_principal(self) -> Principal:
        return require_principal(self.principal, self.credentials_sent)

    def decide(self, feature: Asked, target: Target) -> Decision:
        """Decided once per (feature, target) per request; the principal is fixed per request
        (and the cache is emptied when a mutation changes it)."""
        key = (feature, target)
        if key not in self._decisions:
            decision = self._decisions[key] = decide(self.require_principal(), feature, target)
            self.on_decision(feature, decision.allowed)
        return self._decisions[key]

    def read(self, feature: Asked, target: Target) -> Decision:
        """A read of an object's own fields: the engine's decision or, for an object this
        request made, the rule it was made under. Whoever may make a thing reads what the
        mutation's payload returns of it; afterwards the matrix alone decides again."""
        decision = self.decide(feature, target)
        if decision.allowed or target.object_id is None:
            return decision
        rule = self.made.get((target.kind, target.object_id))
        if rule is None:
            return decision
        return Decision(True, rule, "Made in this request: its maker reads it in the payload.")

    def was_made(self, kind: TargetKind, pk: int) -> bool:
        return (kind, pk) in self.made

    def reach(self, feature: Asked, organization: Target) -> Reach:
        key = (feature, organization)
        if key not in self._reaches:
            found = self._reaches[key] = reach(self.require_principal(), feature, organization)
            self.on_decision(feature, found.decision.allowed)
        return self._reaches[key]

    def scope(self, feature: Asked, organization: Target) -> Scope | None:
        """How an organization-wide list is narrowed for the caller: None for the whole list."""
        found = self.reach(feature, organization)
        if found.everywhere:
            return None
        return Scope(tuple(sorted(found.site_ids)), tuple(sorted(found.instance_ids)))

    def can_see(self, organization_id: int) -> bool:
        return organization_id in self.require_principal().visible_organization_ids()

    def principal_changed(self, principal: Principal) -> None:
        """A mutation changed the caller's own memberships or roles (createOrganization)."""
        self.principal = principal
        self._decisions.clear()
        self._reaches.clear()
        self.loaders.clear()
