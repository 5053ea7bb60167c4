"""The typed per-request context: principal, request id, DataLoaders, decision cache."""

from dataclasses import dataclass, field

from permissions.engine import Decision, Target, decide
from permissions.guards import require_principal
from permissions.principal import Principal
from resolvers.loaders import Loaders


@dataclass
class Context:
    principal: Principal | None
    request_id: str
    credentials_sent: bool = False
    loaders: Loaders = field(default_factory=Loaders)
    _decisions: dict[tuple[str, Target], Decision] = field(default_factory=dict)

    def require_principal(self) -> Principal:
        return require_principal(self.principal, self.credentials_sent)

    def decide(self, feature: str, target: Target) -> Decision:
        """Decided once per (feature, target) per request; the principal is fixed per request."""
        key = (feature, target)
        if key not in self._decisions:
            self._decisions[key] = decide(self.require_principal(), feature, target)
        return self._decisions[key]

    def can_see(self, organization_id: int) -> bool:
        return organization_id in self.require_principal().visible_organization_ids()

    def principal_changed(self, principal: Principal) -> None:
        """A mutation changed the caller's own memberships or roles (createOrganization)."""
        self.principal = principal
        self._decisions.clear()
        self.loaders.clear()
