"""Every cell of both matrices, decided as the matrix file's header says (R-MATRIX-1).

For each experience and each role, a principal holding exactly that one role asks every feature
about a target inside the role's scope, one outside it, and the organization itself; so do
principals holding two roles together (PAIRS: where a rule speaks of one role among others). The
expected answer is computed here, independently of the engine, from the header's semantics:
YES allows inside the scope and on organization-wide targets, SCOPED only inside the scope,
NO never; an organization admin also holds the product admin role on every product (R-ROLE-4);
then the domain rules that refuse (R-ROLE-5, R-ROLE-9, R-ROLE-14) and the one that allows
access_to_products where effective access holds it (R-ROLE-4; the products are Jira, whose
product admins hold none by R-ROLE-11). Asked twice: through the engine directly, and over
HTTP through viewer.can.
"""

from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from models.enums import ActorKind, Experience, UserStatus
from models.group import Group
from permissions.engine import decide
from permissions.matrix import MATRIX_FILE, ROLE_IDS, TargetKind
from permissions.principal import Actor, Assignment, Principal
from permissions.targets import Target
from resolvers import groups, organizations
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient

ORG, S1, S2, P1, P2, G1, G2, U1, U2, HOLDER = 1, 10, 20, 100, 200, 1000, 2000, 501, 502, 900
ROLE_SCOPE = {"org_admin": ORG, "site_admin": S1, "trusted_user": S1}  # others: P1
Held = tuple[tuple[str, int], ...]  # (role id, scope id) of each role a principal holds


def _rows() -> dict[str, list[dict[str, Any]]]:
    raw = yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8"))
    return {
        experience: [row for section in sections for row in section["features"]]
        for experience, sections in raw.items()
    }


ROWS = _rows()


def single(role: str) -> Held:
    return ((role, ROLE_SCOPE.get(role, P1)),)


CASES = [(exp, single(role)) for exp, rows in ROWS.items() for role in rows[0]["cells"]]
# Roles held together (issue 13.15): each pair is where a rule speaks of one role among others.
PAIRS: list[tuple[str, Held]] = [
    # R-ROLE-9 narrows user access admins, not an org admin who is also one.
    ("centralized", (("org_admin", ORG), ("user_access_admin", P1))),
    # R-ROLE-14: the product admin role of that very product, not of any product.
    ("centralized", (("site_admin", S1), ("product_admin", P2))),
    ("centralized", (("site_admin", S1), ("product_admin", P1))),
    ("original", (("trusted_user", S1), ("product_admin", P2))),
    ("original", (("trusted_user", S1), ("product_admin", P1))),
    # R-ROLE-6: a site admin who is also user access admin of the product manages its access.
    ("centralized", (("site_admin", S1), ("user_access_admin", P1))),
    # R-ROLE-9 counts every product the user access admin roles administer, and only those.
    ("centralized", (("user_access_admin", P1), ("user_access_admin", P2))),
    ("centralized", (("user_access_admin", P1), ("product_admin", P2))),
    # Scopes add up: two sites, two roles.
    ("original", (("site_admin", S1), ("trusted_user", S2))),
    ("original", (("org_admin", ORG), ("site_admin", S1))),
]
HOLDINGS = CASES + PAIRS


def named(case: Any) -> str:
    if isinstance(case, str):
        return case
    return "+".join(f"{role}@{scope}" for role, scope in case)


@dataclass(frozen=True)
class Place:
    """A target of the test's organization: what it is and where it lies."""

    name: str
    kind: str
    site: int | None = None  # the site it lies in (a site, a product, an ORIGINAL group)
    instance: int | None = None
    reaches: frozenset[int] = frozenset()  # a user's sites and products; a group's products
    org_wide: bool = False


def places(experience: str) -> dict[str, dict[str, Place]]:
    """For each target kind: the place inside the scopes of the test, outside, and org-wide."""
    original = experience == "original"
    organization = Place("organization", "organization", org_wide=True)
    return {
        "organization": {"org": organization},
        "site": {"in": Place("S1", "site", site=S1), "out": Place("S2", "site", site=S2)},
        "product_instance": {
            "in": Place("P1", "product_instance", site=S1, instance=P1),
            "out": Place("P2", "product_instance", site=S2, instance=P2),
        },
        "group": {  # organization-level in CENTRALIZED, so organization-wide there
            "in": Place(
                "G1", "group", S1 if original else None, None, frozenset({P1}), not original
            ),
            "out": Place(
                "G2", "group", S2 if original else None, None, frozenset({P2}), not original
            ),
        },
        "user": {
            "in": Place("U1", "user", reaches=frozenset({S1, P1}), org_wide=True),
            "out": Place("U2", "user", reaches=frozenset({S2, P2}), org_wide=True),
        },
    }


def covers(experience: str, role: str, place: Place, scope: int) -> bool:
    """The header: an organization covers everything in it, a site its products and (ORIGINAL)
    its groups and users, a product instance itself (and, ORIGINAL, the users reaching it)."""
    if role == "org_admin":
        return True
    if place.kind == "user":
        return experience == "original" and scope in place.reaches
    if place.kind == "group" and place.site is None:
        return False  # an organization-level group lies in no site
    return scope in (place.site, place.instance) if role in ROLE_SCOPE else place.instance == scope


def allows(row: dict[str, Any], role: str, experience: str, place: Place, scope: int) -> bool:
    cell = row["cells"].get(role, "NO")
    inside = covers(experience, role, place, scope)
    return (cell == "YES" and (inside or place.org_wide)) or (cell == "SCOPED" and inside)


def expected_held(
    experience: str, held: Held, row: dict[str, Any], place: Place
) -> tuple[bool, str]:
    """The answer for a principal holding every (role, scope) of `held`: allowed when any role
    allows and no rule refuses (the header), then the rules, as they speak of roles held
    together: R-ROLE-9 narrows only where user access admin roles alone allow, R-ROLE-14 needs
    the product admin role of that very product (an org admin's implicit one, R-ROLE-4)."""
    feature = row["id"]
    roles = {role for role, _ in held}
    allowing = [role for role, scope in held if allows(row, role, experience, place, scope)]
    if "org_admin" in roles and _implicit(row, place):
        allowing.append("product_admin")  # R-ROLE-4, over every product instance
    if not allowing:
        if feature == "access_to_products" and "org_admin" in roles:
            return True, "R-ROLE-4"  # effective access holds every product (issue 13.17)
        return False, _refusal_rule(experience, held, feature, place)
    if feature == "make_site_admin" and "org_admin" not in roles and experience == "centralized":
        return False, "R-ROLE-5"
    administered = {scope for role, scope in held if role == "user_access_admin"}
    beyond = place.reaches - administered
    if set(allowing) == {"user_access_admin"} and place.kind == "group" and beyond:
        return False, "R-ROLE-9"
    product_admin_of = {scope for role, scope in held if role == "product_admin"}
    if feature == "add_apps_to_products" and not (
        "org_admin" in roles
        or (product_admin_of and (place.instance is None or place.instance in product_admin_of))
    ):
        return False, "R-ROLE-14"
    return True, feature


def _implicit(row: dict[str, Any], place: Place) -> bool:
    cell = row["cells"].get("product_admin", "NO")
    return (cell != "NO" and place.instance is not None) or (cell == "YES" and place.org_wide)


def _refusal_rule(experience: str, held: Held, feature: str, place: Place) -> str:
    if feature == "make_org_admin":
        return "R-ROLE-2"
    if feature == "make_site_admin":
        return "R-ROLE-5"
    if (
        feature == "add_remove_users_from_products"
        and experience == "centralized"
        and any(r == "site_admin" and covers(experience, r, place, s) for r, s in held)
    ):
        return "R-ROLE-6"
    return feature


def questions(experience: str) -> list[tuple[dict[str, Any], str, Place]]:
    by_kind = places(experience)
    return [
        (row, where, place)
        for row in ROWS[experience]
        for where, place in by_kind[row["target"]].items()
    ]


# Through the engine directly


def principal(held: Held) -> Principal:
    return Principal(
        actor=Actor(ActorKind.ACCOUNT, 1, f"{named(held)}@example.com"),
        account_id=1,
        memberships={ORG: (HOLDER, UserStatus.ACTIVE)},
        assignments=tuple(Assignment(ORG, ROLE_IDS[role], scope) for role, scope in held),
    )


def target(experience: str, place: Place) -> Target:
    exp = Experience(experience.upper())
    kind = TargetKind(place.kind)
    if kind is TargetKind.USER:
        sites = frozenset(r for r in place.reaches if r in (S1, S2))
        return Target(
            kind, ORG, exp, user_id=U1, site_ids=sites, instance_ids=place.reaches - sites
        )
    if kind is TargetKind.GROUP:
        return Target(kind, ORG, exp, site_id=place.site, group_id=G1, instance_ids=place.reaches)
    if kind is TargetKind.PRODUCT_INSTANCE:  # what its default groups give: itself
        reach = frozenset({place.instance or 0})
        return Target(  # Jira, as over HTTP: its product admins hold no content (R-ROLE-11)
            kind, ORG, exp, place.site, place.instance, instance_ids=reach, product_family="jira"
        )
    return Target(kind, ORG, exp, place.site, place.instance)


@pytest.mark.parametrize(("experience", "held"), HOLDINGS, ids=named)
def test_the_engine_decides_every_cell(experience: str, held: Held) -> None:
    holder = principal(held)
    wrong = []
    for row, where, place in questions(experience):
        decision = decide(holder, row["id"], target(experience, place))
        want = expected_held(experience, held, row, place)
        if (decision.allowed, decision.rule) != want:
            wrong.append(f"{row['id']} @ {where}: got {decision}, want {want}")
    assert not wrong, "\n".join(wrong)


# Over HTTP, through viewer.can, for a user who holds exactly those roles


@dataclass
class Ids:
    by_place: dict[str, str]
    token: str


async def setup_world(experience: str, held: Held) -> Ids:
    exp = Experience(experience.upper())
    world = await factories.world(exp)
    ctx = world.ctx
    site2 = await organizations.create_site(ctx, world.org.id, f"two{world.site.id}.example.net")
    p2 = await organizations.add_product(ctx, site2.id, "jira")
    sites = {"G1": world.site.id, "G2": site2.id} if exp is Experience.ORIGINAL else {}
    made: dict[str, Group] = {}
    users = {}
    for name, instance in (("G1", world.jira), ("G2", p2)):
        group = await groups.create_group(ctx, world.org, sites.get(name), name.lower(), "")
        await groups.grant_group_role(ctx, group, instance, "USER", "test")
        made[name] = group
        user, _ = await world.member()
        await groups.add_members(ctx, group, [user])
        users["U" + name[1]] = user
    holder, token = await world.member()
    real = {ORG: world.org.id, S1: world.site.id, S2: site2.id, P1: world.jira.id, P2: p2.id}
    for role, scope in held:
        await world.role(holder, ROLE_IDS[role], real[scope])
    return Ids(
        {
            "organization": gid("Organization", world.org.id),
            "S1": gid("Site", world.site.id),
            "S2": gid("Site", site2.id),
            "P1": gid("ProductInstance", world.jira.id),
            "P2": gid("ProductInstance", p2.id),
            "G1": gid("Group", made["G1"].id),
            "G2": gid("Group", made["G2"].id),
            "U1": gid("User", users["U1"].id),
            "U2": gid("User", users["U2"].id),
        },
        token,
    )


@pytest.mark.parametrize(("experience", "held"), HOLDINGS, ids=named)
async def test_viewer_can_answers_every_cell_over_http(
    served_api: GraphQLClient, experience: str, held: Held
) -> None:
    ids = await setup_world(experience, held)
    asked = questions(experience)
    fields = [
        f'q{i}: can(feature: "{row["id"]}", scopeId: "{ids.by_place[place.name]}") '
        "{ allowed rule reason }"
        for i, (row, _, place) in enumerate(asked)
    ]
    query = "{ viewer { " + " ".join(fields) + " } }"
    answers = (await served_api(query, token=ids.token)).ok()
    wrong = []
    for i, (row, where, place) in enumerate(asked):
        got = answers["viewer"][f"q{i}"]
        want = expected_held(experience, held, row, place)
        if (got["allowed"], got["rule"]) != want or not got["reason"]:
            wrong.append(f"{row['id']} @ {where}: got {got}, want {want}")
    assert not wrong, "\n".join(wrong)
