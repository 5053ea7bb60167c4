"""Decisions: decide(principal, feature, target) -> Decision(allowed, rule, reason).

This is the interim policy of the service's first release (issue 2), kept deliberately narrow
and deny-by-default until the full engine lands:
- reading an organization's data needs an active membership (or an API key of that
  organization);
- every other feature is allowed to an active organization admin of the target's organization
  whose matrix cell is not NO (R-MATRIX-1), and to a non-read-only API key of that organization,
  which acts with the organization admin's rights (R-KEY-1).
"""

from dataclasses import dataclass

from models.enums import AdminRole, Experience
from permissions.matrix import MATRIX, Cell, TargetKind
from permissions.principal import Principal

# Features that only read; a read-only API key may use these (R-KEY-1).
READ_FEATURES = frozenset({"view_users_in_organization", "view_org_audit_log"})
MEMBER_READ_RULE = "view_users_in_organization"


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    organization_id: int
    experience: Experience
    site_id: int | None = None
    product_instance_id: int | None = None
    group_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: str
    reason: str


def decide(principal: Principal, feature: str, target: Target) -> Decision:
    org = target.organization_id
    if feature not in MATRIX.features[target.experience]:
        return Decision(False, "R-MATRIX-1", f"Unknown feature '{feature}'.")
    if principal.api_key_id is not None:
        return _decide_api_key(principal, feature, target)
    if not principal.is_active_member(org):
        return Decision(
            False, "R-ACCESS-11", "Only active members of the organization hold rights."
        )
    if feature == MEMBER_READ_RULE:
        return Decision(True, feature, "Members of the organization may read its directory.")
    if principal.is_org_admin(org) and _org_admin_cell(feature, target) is not Cell.NO:
        return Decision(True, feature, "Allowed to organization admins by the role matrix.")
    return Decision(False, feature, f"Your admin roles do not allow '{feature}' here.")


def _decide_api_key(principal: Principal, feature: str, target: Target) -> Decision:
    if principal.api_key_organization_id != target.organization_id:
        return Decision(False, "R-KEY-1", "API keys act only inside their own organization.")
    if principal.read_only and feature not in READ_FEATURES:
        return Decision(False, "R-KEY-1", "This API key is read-only.")
    if feature == MEMBER_READ_RULE or _org_admin_cell(feature, target) is not Cell.NO:
        return Decision(True, feature, "API keys act with the organization admin's rights.")
    return Decision(False, feature, f"Organization admins may not '{feature}'.")


def _org_admin_cell(feature: str, target: Target) -> Cell:
    return MATRIX.cell(target.experience, feature, AdminRole.ORG_ADMIN)
