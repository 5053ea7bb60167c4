"""The engine: decide(principal, feature, target) -> Decision(allowed, rule, reason).

One pass, deny by default, in the order the matrix file's header gives:
1. gates: the feature must exist in the organization's experience (R-ROLE-7, R-MATRIX-1), an
   API key acts only in its own organization and only reads when read-only (R-KEY-1), and only
   active members hold rights (R-ACCESS-11);
2. the matrix: each role the principal holds in the organization, plus the product admin role an
   organization admin holds implicitly on every product instance (R-ROLE-4), allows the feature
   when its cell is YES and the target lies in the role's scope or is organization-wide, or when
   its cell is SCOPED and the target lies in the role's scope;
3. the domain rules that can refuse what the matrix allows (permissions/rules.py). Deny wins.
   Where the matrix refuses access_to_products, effective access may still hold it (R-ROLE-4,
   R-ROLE-11): the answer agrees with it, with the rule that gives it.
A refusal names the rule that explains it best: an R- rule where one covers the case, else the
feature id.
"""

from models.enums import AdminRole, Experience, UserStatus
from permissions import rules
from permissions.matrix import (
    EXPERIENCE_FEATURES,
    MAKE_ROLE_FEATURE,
    MATRIX,
    Cell,
    Feature,
    FeatureId,
    Membership,
)
from permissions.principal import Holdings, Principal
from permissions.targets import Decision, Reach, Target

VIEW_ORGANIZATION = Membership.VIEW_ORGANIZATION
# What a read-only API key may still do (R-KEY-1).
READ_FEATURES = frozenset(
    {
        VIEW_ORGANIZATION,
        FeatureId.VIEW_USERS_IN_ORGANIZATION,
        FeatureId.VIEW_ORG_AUDIT_LOG,
        FeatureId.TRACK_STORAGE,
        FeatureId.BILLING_VIEW_ESTIMATE_AND_INFO,
    }
)
# Refusals about the caller rather than the object: a read-only key (R-KEY-1) and a suspended
# member (R-ACCESS-11) know their organization and are told why they may not act there.
CALLER_RULES = frozenset({"R-KEY-1", "R-ACCESS-11"})
ROLE_NAMES = {
    AdminRole.ORG_ADMIN: "organization admin",
    AdminRole.SITE_ADMIN: "site admin",
    AdminRole.USER_ACCESS_ADMIN: "user access admin",
    AdminRole.PRODUCT_ADMIN: "product admin",
    AdminRole.TRUSTED_USER: "trusted user",
}


def decide(principal: Principal, feature: str, target: Target) -> Decision:
    if feature == VIEW_ORGANIZATION:
        return _membership(principal, target) or Decision(
            True, VIEW_ORGANIZATION, "Members see their organization's sites and products."
        )
    spec = MATRIX.features[target.experience].get(feature)
    if spec is None:
        return _no_such_feature(feature, target.experience)
    if _own_entry(principal, spec, target):
        return Decision(True, spec.id, "Everyone may read their own account and access.")
    refused = _gate(principal, spec, target)
    if refused is not None:
        return refused
    holdings = principal.holdings(target.organization_id)
    allowing = _allowing_roles(spec, holdings, target)
    if not allowing:
        return (
            rules.implied_access(principal, spec, holdings, target)
            or rules.explain_refusal(spec, holdings, target)
            or _not_allowed(spec, holdings)
        )
    refused = rules.refuse(principal, spec, holdings, allowing, target)
    if refused is not None:
        return refused
    role, cell = allowing[0]
    return Decision(True, spec.id, f"Allowed to your {ROLE_NAMES[role]} role ({cell}).")


def in_sight(principal: Principal, decision: Decision, target: Target) -> bool:
    """Whether the object a read decision is about may be named to the caller: it may read it;
    only the caller's own state refuses (CALLER_RULES); or the caller holds an admin role
    there, whose refusals name the rule (FORBIDDEN). A member without one sees the
    organization, its sites and products and their own entry (README "Members"): any other
    object of it is NOT_FOUND to them, as an id that names nothing (existence is not leaked)."""
    if decision.allowed or decision.rule in CALLER_RULES:
        return True
    return bool(principal.holdings(target.organization_id).roles())


def reach(principal: Principal, feature: str, organization: Target) -> Reach:
    """Where `feature` may be used in an organization: everywhere, or the scopes of SCOPED
    roles (lists are narrowed to them in SQL), or nowhere (the decision says why)."""
    decision = decide(principal, feature, organization)
    spec = MATRIX.features[organization.experience].get(feature)
    if decision.allowed or spec is None or _gate(principal, spec, organization):
        return Reach(decision)
    holdings = principal.holdings(organization.organization_id)
    sites = [ids for r, ids in holdings.sites.items() if spec.cells.get(r, Cell.NO) is not Cell.NO]
    instances = [
        ids for r, ids in holdings.instances.items() if spec.cells.get(r, Cell.NO) is not Cell.NO
    ]
    return Reach(decision, frozenset().union(*sites), frozenset().union(*instances))


def _membership(principal: Principal, target: Target) -> Decision | None:
    org = target.organization_id
    if principal.is_api_key:
        if principal.api_key_organization_id != org:
            return Decision(False, "R-KEY-1", "An API key acts only inside its own organization.")
        return None
    status = principal.status_in(org)
    if status is None:
        return Decision(False, VIEW_ORGANIZATION, "You are not a member of this organization.")
    if status is not UserStatus.ACTIVE:
        return Decision(
            False, "R-ACCESS-11", f"Your account is {status.lower()} in this organization."
        )
    return None


def _gate(principal: Principal, spec: Feature, target: Target) -> Decision | None:
    refused = _membership(principal, target)
    if refused is not None:
        return refused
    if principal.is_api_key and principal.read_only and spec.id not in READ_FEATURES:
        return Decision(False, "R-KEY-1", "This API key is read-only.")
    return None


def _own_entry(principal: Principal, spec: Feature, target: Target) -> bool:
    """API.md: everyone may read their own account and access, whatever their roles."""
    return (
        spec.id == FeatureId.VIEW_USERS_IN_ORGANIZATION
        and target.user_id is not None
        and target.user_id == principal.user_id_in(target.organization_id)
    )


def _no_such_feature(feature: str, experience: Experience) -> Decision:
    for role, making in MAKE_ROLE_FEATURE.items():
        if feature == making and making not in EXPERIENCE_FEATURES[experience]:
            return Decision(
                False,
                "R-ROLE-7",
                f"The {ROLE_NAMES[role]} role does not exist in the {experience} experience.",
            )
    return Decision(False, "R-MATRIX-1", f"No feature '{feature}' in the {experience} experience.")


def _allowing_roles(
    spec: Feature, holdings: Holdings, target: Target
) -> list[tuple[AdminRole, Cell]]:
    """The held roles whose cell allows the feature on this target, strongest first."""
    allowing: list[tuple[AdminRole, Cell]] = []
    if holdings.org_admin:
        _consider(allowing, spec, AdminRole.ORG_ADMIN, True, target)
        # R-ROLE-4: the implicit product admin role covers every product instance.
        implicit = target.product_instance_id is not None
        _consider(allowing, spec, AdminRole.PRODUCT_ADMIN, implicit, target)
    for role, sites in holdings.sites.items():
        _consider(allowing, spec, role, rules.site_covers(sites, target), target)
    for role, instances in holdings.instances.items():
        _consider(allowing, spec, role, rules.instance_covers(instances, target), target)
    return allowing


def _consider(
    allowing: list[tuple[AdminRole, Cell]],
    spec: Feature,
    role: AdminRole,
    covered: bool,
    target: Target,
) -> None:
    cell = spec.cells.get(role, Cell.NO)
    if cell is Cell.NO or any(r is role for r, _ in allowing):
        return
    if covered or (cell is Cell.YES and target.organization_wide):
        allowing.append((role, cell))


def _not_allowed(spec: Feature, holdings: Holdings) -> Decision:
    held = ", ".join(ROLE_NAMES[r] for r in holdings.roles())
    if not held:
        return Decision(False, spec.id, f"'{spec.label}' needs an admin role; you hold none here.")
    return Decision(False, spec.id, f"'{spec.label}' is not allowed here for your roles ({held}).")
