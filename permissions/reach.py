"""The actor's reach over a change (docs/security-rules.md, "Changes and the actor's reach").

A mutation is guarded on what it names (a product instance, a group, a role's scope); what it
then does to who can use what is its access diff (resolvers/access_diff.py). R-REACH-1: the
actor must be able to give or take every entry of that diff, each decided here as if it were
given alone: the mutation's access feature on the entry's product instance and, for a product
role that confers product administration, the make_product_admin decision of assignAdminRole
(one concept, one path: the same decision, whichever mutation gives it). R-ROLE-10 is the
case of a user access admin and a default group that gives more.

R-REACH-2: the matrix rows say *make another user*; only organization admins give themselves a
role (the seed: "Organization admins can assign themselves the relevant role"), whether the
admin role itself or the product role that confers product administration.
"""

from models.enums import AdminRole
from permissions.engine import decide
from permissions.matrix import FeatureId
from permissions.principal import Principal
from permissions.targets import Decision, Target

DIFF_RULE = "R-REACH-1"
SELF_RULE = "R-REACH-2"
# The product role that makes its holder an admin of the product (its admin areas and
# settings): the admin role's namesake in every product of the catalog.
ADMINISTERING_ROLES = frozenset({AdminRole.PRODUCT_ADMIN.value})
MAKE_PRODUCT_ADMIN = FeatureId.MAKE_PRODUCT_ADMIN


def decide_entry(
    principal: Principal, feature: str, instance: Target, role: str, user_id: int, giving: bool
) -> Decision:
    """May the principal give (or take) `role` on `instance` to (from) the user, by `feature`?
    `instance` is the product instance alone: what reaches further is its own entry."""
    verb = "give" if giving else "take"
    allowed = decide(principal, feature, instance)
    if not allowed.allowed:
        return Decision(
            False,
            DIFF_RULE,
            f"this change would {verb} the {role} role here, which you may not {verb} "
            f"({allowed.reason})",
        )
    if role not in ADMINISTERING_ROLES:
        return allowed
    making = decide(principal, MAKE_PRODUCT_ADMIN, instance)
    if not making.allowed:
        return Decision(
            False,
            making.rule,
            f"The {role} role makes its holder a product admin; to {verb} it you must be "
            f"allowed to make product admins there: {making.reason}",
        )
    if giving:
        return self_assignment(principal, instance.organization_id, user_id) or making
    return making


def self_assignment(principal: Principal, organization_id: int, user_id: int) -> Decision | None:
    """R-REACH-2: a refusal when the principal would give itself a role and is no
    organization admin there (an API key is no one's account)."""
    if principal.user_id_in(organization_id) != user_id:
        return None
    if principal.holdings(organization_id).org_admin:
        return None
    return Decision(
        False,
        SELF_RULE,
        "Admins make *another* user an admin; only organization admins give themselves a role.",
    )
