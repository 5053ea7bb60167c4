"""The rules of DOMAIN.md the engine applies beside the matrix, each named by its id.

Coverage (what a role's scope contains), the rules that refuse what the matrix allows (deny
wins), and the rules that explain a refusal of the matrix better than the bare feature id.
"""

from models.enums import AdminRole, Experience
from permissions.matrix import Cell, Feature, FeatureId, TargetKind
from permissions.principal import Holdings, Principal
from permissions.targets import Decision, Target

# Products whose product admins hold no access to the content by that role (R-ROLE-11).
JIRA_FAMILY = "jira"
GROUP_FEATURES = frozenset(
    {FeatureId.CREATE_OR_MODIFY_GROUP, FeatureId.ADD_REMOVE_USERS_FROM_GROUP}
)


def site_covers(sites: frozenset[int], target: Target) -> bool:
    """A site covers itself, its product instances and, in ORIGINAL, its groups (whose site_id
    is set) and the users who belong to it through its groups or roles."""
    if target.site_id is not None and target.site_id in sites:
        return True
    return _original_user(target) and not sites.isdisjoint(target.site_ids)


def instance_covers(instances: frozenset[int], target: Target) -> bool:
    """A product instance covers itself (and, in ORIGINAL, the users who reach it)."""
    if target.product_instance_id is not None and target.product_instance_id in instances:
        return True
    return _original_user(target) and not instances.isdisjoint(target.instance_ids)


def _original_user(target: Target) -> bool:
    return target.kind is TargetKind.USER and target.experience is Experience.ORIGINAL


def implied_access(
    principal: Principal, spec: Feature, holdings: Holdings, target: Target
) -> Decision | None:
    """access_to_products where effective access holds it though the matrix cell says NO: an
    organization admin holds every product of the organization (R-ROLE-4), a product admin
    their product outside the Jira family (R-ROLE-11, the matrix's Confluence exception). An
    API key is nobody's account and holds no access."""
    if spec.id != FeatureId.ACCESS_TO_PRODUCTS or principal.is_api_key:
        return None
    if holdings.org_admin:
        return Decision(
            True,
            "R-ROLE-4",
            "Organization admins hold access to every product of the organization.",
        )
    administered = holdings.instances.get(AdminRole.PRODUCT_ADMIN, frozenset())
    if target.product_instance_id in administered and target.product_family != JIRA_FAMILY:
        return Decision(
            True,
            "R-ROLE-11",
            "A product admin holds access to the product's content (outside the Jira family).",
        )
    return None


def explain_refusal(spec: Feature, holdings: Holdings, target: Target) -> Decision | None:
    """The matrix refused; name the domain rule that says so, where one does."""
    if spec.id == FeatureId.MAKE_ORG_ADMIN:
        return Decision(False, "R-ROLE-2", "Only organization admins manage organization admins.")
    if spec.id == FeatureId.MAKE_SITE_ADMIN:
        return _site_admins_by_org_admins(target)
    if (
        spec.id == FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS
        and target.experience is Experience.CENTRALIZED
        and site_covers(holdings.sites.get(AdminRole.SITE_ADMIN, frozenset()), target)
    ):
        return Decision(
            False,
            "R-ROLE-6",
            "Site admins manage product access only for products where they are also "
            "user access admins.",
        )
    return None


def refuse(
    principal: Principal,
    spec: Feature,
    holdings: Holdings,
    allowing: list[tuple[AdminRole, Cell]],
    target: Target,
) -> Decision | None:
    """The matrix allowed; a domain rule may still refuse."""
    if spec.id == FeatureId.MAKE_ORG_ADMIN and principal.is_api_key:
        return Decision(
            False, "R-ROLE-2", "Only organization admins (people, not API keys) make org admins."
        )
    if (
        spec.id == FeatureId.MAKE_SITE_ADMIN
        and target.experience is Experience.CENTRALIZED
        and not holdings.org_admin
    ):
        return _site_admins_by_org_admins(target)
    if all(role is AdminRole.USER_ACCESS_ADMIN for role, _ in allowing):
        refused = _beyond_administered(spec, holdings, target)
        if refused is not None:
            return refused
    if spec.id == FeatureId.ADD_APPS_TO_PRODUCTS and not _product_admin(holdings, target):
        return Decision(
            False, "R-ROLE-14", "Adding an app also needs the product admin role for the product."
        )
    return None


def _site_admins_by_org_admins(target: Target) -> Decision:
    """R-ROLE-5: in CENTRALIZED only organization admins assign or revoke the site admin role;
    in ORIGINAL a site admin also makes (and unmakes) the site admins of its own site, as the
    matrix's SCOPED cell says, and of no other."""
    if target.experience is Experience.ORIGINAL:
        return Decision(
            False,
            "R-ROLE-5",
            "Only organization admins, and the site admins of this site, manage its site admins.",
        )
    return Decision(False, "R-ROLE-5", "Only organization admins manage site admins.")


def _beyond_administered(spec: Feature, holdings: Holdings, target: Target) -> Decision | None:
    """R-ROLE-9 and R-ROLE-10: a user access admin acts only where nothing they don't
    administer is reached."""
    administered = holdings.instances.get(AdminRole.USER_ACCESS_ADMIN, frozenset())
    others = len(target.instance_ids - administered)
    if not others:
        return None
    if spec.id in GROUP_FEATURES and target.kind is TargetKind.GROUP:
        return Decision(
            False,
            "R-ROLE-9",
            f"This group gives access to {others} product(s) you don't administer.",
        )
    if spec.id == FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS and (
        target.kind is TargetKind.PRODUCT_INSTANCE
    ):
        return Decision(
            False,
            "R-ROLE-10",
            f"The product's default group also gives {others} product(s) you don't administer; "
            "add the user to another group that gives this product instead.",
        )
    if spec.id == FeatureId.CONFIGURE_USER_ACCESS_SETTINGS and (
        target.kind is TargetKind.PRODUCT_INSTANCE
    ):  # a domain approved without approval puts its accounts in the default group
        return Decision(
            False,
            "R-ROLE-10",
            f"The product's default group also gives {others} product(s) you don't administer; "
            "approve domains only with an admin's approval here.",
        )
    return None


def _product_admin(holdings: Holdings, target: Target) -> bool:
    """R-ROLE-14, with R-ROLE-4: an organization admin is product admin of every product."""
    if holdings.org_admin:
        return True
    instances = holdings.instances.get(AdminRole.PRODUCT_ADMIN, frozenset())
    if target.product_instance_id is None:
        return bool(instances)
    return target.product_instance_id in instances
