"""Who is calling: an account with its directory entries and role assignments, or an API key.

The assignments are indexed per organization once, when the principal is built, so the engine
answers "does a role of this principal cover that target" with set lookups whose cost does not
grow with the number of assignments.
"""

from dataclasses import dataclass, field, replace
from functools import cached_property

from models.enums import ROLE_SCOPE_KIND, ActorKind, AdminRole, ScopeKind, UserStatus


@dataclass(frozen=True)
class Actor:
    """Who acts, as the audit log records it: a kind, the id of its row of that kind (an
    account, an API key), and the name shown for it then (the email, or the key's name). The
    kind says what the id names, so no name is ever parsed to tell an account from a key."""

    kind: ActorKind
    id: int
    display: str


@dataclass(frozen=True)
class Assignment:
    organization_id: int
    role: AdminRole
    scope_id: int  # organization, site or product instance id, by the role's scope kind


@dataclass(frozen=True)
class Holdings:
    """The admin roles held in one organization: scope ids per role."""

    org_admin: bool = False
    sites: dict[AdminRole, frozenset[int]] = field(default_factory=dict)
    instances: dict[AdminRole, frozenset[int]] = field(default_factory=dict)

    def roles(self) -> list[AdminRole]:
        held = [AdminRole.ORG_ADMIN] if self.org_admin else []
        return held + [r for r in AdminRole if self.sites.get(r) or self.instances.get(r)]


NO_HOLDINGS = Holdings()
ORG_ADMIN_HOLDINGS = Holdings(org_admin=True)


@dataclass(frozen=True)
class Principal:
    actor: Actor  # who acts, for the audit log
    credential: str = ""  # "<kind>_<prefix>" of the credential presented: the rate-limit key
    account_id: int | None = None
    api_key_id: int | None = None
    api_key_organization_id: int | None = None  # the organization of an API key or SCIM token
    scim_token_id: int | None = None  # a SCIM token (scim/): reaches only the SCIM endpoint
    read_only: bool = False
    # organization id -> (directory user id, status)
    memberships: dict[int, tuple[int, UserStatus]] = field(default_factory=dict)
    assignments: tuple[Assignment, ...] = ()

    @property
    def is_api_key(self) -> bool:
        """An organization credential: an API key, or a SCIM token, which the SCIM endpoint
        alone accepts and which acts there as an API key does (R-KEY-1)."""
        return self.api_key_id is not None or self.scim_token_id is not None

    def status_in(self, organization_id: int) -> UserStatus | None:
        entry = self.memberships.get(organization_id)
        return entry[1] if entry is not None else None

    def user_id_in(self, organization_id: int) -> int | None:
        entry = self.memberships.get(organization_id)
        return entry[0] if entry is not None else None

    def is_active_member(self, organization_id: int) -> bool:
        if self.is_api_key:
            return organization_id == self.api_key_organization_id
        return self.status_in(organization_id) is UserStatus.ACTIVE

    def holdings(self, organization_id: int) -> Holdings:
        """Roles that count: an API key holds the organization admin's rights in its own
        organization (R-KEY-1); suspended or removed members hold nothing (R-ACCESS-11)."""
        if self.is_api_key:
            own = organization_id == self.api_key_organization_id
            return ORG_ADMIN_HOLDINGS if own else NO_HOLDINGS
        if not self.is_active_member(organization_id):
            return NO_HOLDINGS
        return self._index.get(organization_id, NO_HOLDINGS)

    def is_org_admin(self, organization_id: int) -> bool:
        return self.holdings(organization_id).org_admin

    def visible_organization_ids(self) -> set[int]:
        """Organizations whose existence the caller knows: any membership, even a suspended
        one (its guards then refuse with R-ACCESS-11), or the API key's own organization."""
        if self.api_key_organization_id is not None:
            return {self.api_key_organization_id}
        return set(self.memberships)

    @cached_property
    def _index(self) -> dict[int, Holdings]:
        scopes: dict[int, dict[AdminRole, set[int]]] = {}
        for a in self.assignments:
            scopes.setdefault(a.organization_id, {}).setdefault(a.role, set()).add(a.scope_id)
        return {org: _holdings(by_role) for org, by_role in scopes.items()}


def _holdings(by_role: dict[AdminRole, set[int]]) -> Holdings:
    def of_kind(kind: ScopeKind) -> dict[AdminRole, frozenset[int]]:
        return {r: frozenset(ids) for r, ids in by_role.items() if ROLE_SCOPE_KIND[r] is kind}

    return Holdings(
        org_admin=AdminRole.ORG_ADMIN in by_role,
        sites=of_kind(ScopeKind.SITE),
        instances=of_kind(ScopeKind.PRODUCT_INSTANCE),
    )


def joined(
    principal: Principal, organization_id: int, user_id: int, *roles: Assignment
) -> Principal:
    """The same principal after it joined an organization (with roles) in this request."""
    memberships = {**principal.memberships, organization_id: (user_id, UserStatus.ACTIVE)}
    return replace(principal, memberships=memberships, assignments=(*principal.assignments, *roles))
