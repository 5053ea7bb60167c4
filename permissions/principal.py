"""Who is calling: an account with its directory entries and role assignments, or an API key."""

from dataclasses import dataclass, field, replace

from models.enums import AdminRole, UserStatus


@dataclass(frozen=True)
class Assignment:
    organization_id: int
    role: AdminRole
    scope_id: int  # organization, site or product instance id, by the role's scope kind


@dataclass(frozen=True)
class Principal:
    label: str  # shown in the audit log: the email, or "api-key:<name>"
    account_id: int | None = None
    api_key_id: int | None = None
    api_key_organization_id: int | None = None
    read_only: bool = False
    # organization id -> (directory user id, status)
    memberships: dict[int, tuple[int, UserStatus]] = field(default_factory=dict)
    assignments: tuple[Assignment, ...] = ()

    def is_active_member(self, organization_id: int) -> bool:
        entry = self.memberships.get(organization_id)
        return entry is not None and entry[1] is UserStatus.ACTIVE

    def roles_in(self, organization_id: int) -> list[Assignment]:
        """Roles that count: suspended or removed members hold no rights."""
        if not self.is_active_member(organization_id):
            return []
        return [a for a in self.assignments if a.organization_id == organization_id]

    def is_org_admin(self, organization_id: int) -> bool:
        return any(a.role is AdminRole.ORG_ADMIN for a in self.roles_in(organization_id))

    def visible_organization_ids(self) -> set[int]:
        if self.api_key_organization_id is not None:
            return {self.api_key_organization_id}
        return {org for org in self.memberships if self.is_active_member(org)}


def joined(
    principal: Principal, organization_id: int, user_id: int, *roles: Assignment
) -> Principal:
    """The same principal after it joined an organization (with roles) in this request."""
    memberships = {**principal.memberships, organization_id: (user_id, UserStatus.ACTIVE)}
    return replace(principal, memberships=memberships, assignments=(*principal.assignments, *roles))
