"""viewerCan on every object type answers what the guards decide; decisions are cached."""

from typing import Any

import pytest

from models.directory import OrgUser
from models.enums import AdminRole, Experience
from permissions import engine
from resolvers import groups, organizations
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient

OBJECTS = """
query ($org: ID!, $user: ID!, $group: ID!) {
  organization(id: $org) {
    viewerCan { viewUsersInOrganization makeOrgAdmin addNewProducts updateApiKeys }
    sites(first: 5) { edges { node {
      viewerCan { addNewProducts makeSiteAdmin makeTrustedUser trackStorage }
      products { product { key } viewerCan { addRemoveUsersFromProducts configureProductSettings } }
    } } }
  }
  user: node(id: $user) { ... on User { viewerCan { updateManagedAccounts } } }
  group: node(id: $group) { ... on Group { viewerCan { createOrModifyGroup } } }
}
"""


async def objects(api: GraphQLClient, token: str, variables: dict[str, str]) -> Any:
    return (await api(OBJECTS, variables, token)).ok()


async def test_viewer_can_answers_for_every_object_type(api: GraphQLClient) -> None:
    world = await factories.world()
    user, token = await world.member()
    await world.role(user, AdminRole.USER_ACCESS_ADMIN, world.jira.id)
    group = await groups.create_group(world.ctx, world.org, None, "team", "")
    variables = {
        "org": gid("Organization", world.org.id),
        "user": gid("User", user.id),
        "group": gid("Group", group.id),
    }
    admin = await objects(api, world.admin_token, variables)
    assert admin["organization"]["viewerCan"] == {
        "viewUsersInOrganization": True,
        "makeOrgAdmin": True,
        "addNewProducts": True,
        "updateApiKeys": True,
    }
    site = admin["organization"]["sites"]["edges"][0]["node"]
    assert site["viewerCan"] == {
        "addNewProducts": True,
        "makeSiteAdmin": True,
        "makeTrustedUser": False,  # R-ROLE-7: CENTRALIZED has no trusted users
        "trackStorage": True,
    }
    assert site["products"][0]["viewerCan"] == {
        "addRemoveUsersFromProducts": True,
        "configureProductSettings": True,  # R-ROLE-4: implicit product admin
    }
    assert admin["user"]["viewerCan"] == {"updateManagedAccounts": True}
    assert admin["group"]["viewerCan"] == {"createOrModifyGroup": True}

    access_admin = await objects(api, token, variables)
    assert access_admin["organization"]["viewerCan"] == {
        "viewUsersInOrganization": True,
        "makeOrgAdmin": False,
        "addNewProducts": False,
        "updateApiKeys": False,
    }
    product = access_admin["organization"]["sites"]["edges"][0]["node"]["products"][0]
    assert product["viewerCan"] == {
        "addRemoveUsersFromProducts": True,
        "configureProductSettings": False,
    }
    assert access_admin["user"]["viewerCan"] == {"updateManagedAccounts": False}
    assert access_admin["group"]["viewerCan"] == {"createOrModifyGroup": True}  # gives nothing


async def test_a_decision_is_made_once_per_feature_and_target_per_request(
    api: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await factories.world()
    for _ in range(3):
        await world.member()
    asked: list[tuple[str, Any]] = []
    real = engine.decide

    def counting(principal: Any, feature: str, target: Any) -> Any:
        asked.append((feature, target))
        return real(principal, feature, target)

    monkeypatch.setattr("resolvers.context.decide", counting)
    query = """
    query ($org: ID!) { organization(id: $org) {
      a: viewerCan { viewUsersInOrganization } b: viewerCan { viewUsersInOrganization }
      users(first: 10) { edges { node { email groups(first: 5) { totalCount } } } }
    } }
    """
    (await api(query, {"org": gid("Organization", world.org.id)}, world.admin_token)).ok()
    assert asked
    assert len(asked) == len(set(asked)), "a (feature, target) was decided twice"


# access_to_products agrees with effective access (R-ROLE-4, R-ROLE-11; issue 13.17)

ACCESS = """
query ($org: ID!, $me: ID!) {
  organization(id: $org) {
    viewerCan { accessToProducts }
    sites(first: 5) { edges { node { products { id viewerCan { accessToProducts } } } } }
  }
  me: node(id: $me) { ... on User {
    productAccess { productInstance { id } sources { kind adminRole } }
  } }
}
"""
CAN = "query ($scope: ID) { viewer { can(feature: $feature, scopeId: $scope) { allowed rule } } }"
CAN = CAN.replace("$feature", '"access_to_products"')
ROLE_SOURCES = {"ADMIN_ROLE", "SITE_ROLE"}


async def capability_and_access(
    api: GraphQLClient, token: str, org: int, me: int
) -> tuple[dict[str, bool], dict[str, str], set[str], bool]:
    """Per product instance: viewerCan.accessToProducts, viewer.can's rule where allowed, and
    the instances the caller's effective access holds through an admin role; and the
    organization's viewerCan."""
    answer = (
        await api(ACCESS, {"org": gid("Organization", org), "me": gid("User", me)}, token)
    ).ok()
    sites = answer["organization"]["sites"]["edges"]
    can = {
        p["id"]: p["viewerCan"]["accessToProducts"] for s in sites for p in s["node"]["products"]
    }
    rules = {}
    for instance in can:
        decided = (await api(CAN, {"scope": instance}, token)).ok()["viewer"]["can"]
        assert decided["allowed"] is can[instance], (instance, decided)
        if decided["allowed"]:
            rules[instance] = decided["rule"]
    held = {
        a["productInstance"]["id"]
        for a in answer["me"]["productAccess"]
        if {s["kind"] for s in a["sources"]} & ROLE_SOURCES
    }
    return can, rules, held, answer["organization"]["viewerCan"]["accessToProducts"]


@pytest.mark.parametrize("experience", list(Experience))
async def test_an_org_admin_can_access_every_product_it_holds_r_role_4(
    served_api: GraphQLClient, experience: Experience
) -> None:
    world = await factories.world(experience)
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    admin = await OrgUser.get(organization_id=world.org.id, account_id=world.admin.id)
    can, rules, held, org_wide = await capability_and_access(
        served_api, world.admin_token, world.org.id, admin.id
    )
    instances = {gid("ProductInstance", i.id) for i in (world.jira, confluence)}
    assert held == instances  # effective access (R-ROLE-4)
    assert can == dict.fromkeys(instances, True)  # the matrix cell alone says NO
    assert rules == dict.fromkeys(instances, "R-ROLE-4")
    assert org_wide is True


@pytest.mark.parametrize("experience", list(Experience))
async def test_a_product_admin_can_access_a_product_outside_the_jira_family_r_role_11(
    served_api: GraphQLClient, experience: Experience
) -> None:
    world = await factories.world(experience)
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    user, token = await world.member()
    await world.role(user, AdminRole.PRODUCT_ADMIN, confluence.id)
    await world.role(user, AdminRole.PRODUCT_ADMIN, world.jira.id)
    can, rules, held, org_wide = await capability_and_access(
        served_api, token, world.org.id, user.id
    )
    jira, wiki = gid("ProductInstance", world.jira.id), gid("ProductInstance", confluence.id)
    assert held == {wiki}  # a Jira product admin holds no content by that role
    assert can == {jira: False, wiki: True}
    assert rules == {wiki: "R-ROLE-11"}
    assert org_wide is False  # only its own products, as a SCOPED cell


@pytest.mark.parametrize(
    ("experience", "role", "on_site"),
    [
        (Experience.ORIGINAL, AdminRole.SITE_ADMIN, True),  # R-ROLE-12: the cell is SCOPED
        (Experience.ORIGINAL, AdminRole.TRUSTED_USER, True),  # R-ROLE-13: SCOPED
        (Experience.CENTRALIZED, AdminRole.SITE_ADMIN, False),
        (Experience.CENTRALIZED, AdminRole.USER_ACCESS_ADMIN, False),  # R-ROLE-8
    ],
)
async def test_other_roles_can_access_what_effective_access_holds(
    served_api: GraphQLClient, experience: Experience, role: AdminRole, on_site: bool
) -> None:
    world = await factories.world(experience)
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    user, token = await world.member()
    scope = world.jira.id if role is AdminRole.USER_ACCESS_ADMIN else world.site.id
    await world.role(user, role, scope)
    can, rules, held, _ = await capability_and_access(served_api, token, world.org.id, user.id)
    instances = {gid("ProductInstance", i.id) for i in (world.jira, confluence)}
    assert held == (instances if on_site else set())
    assert can == dict.fromkeys(instances, on_site)
    assert rules == (dict.fromkeys(instances, "access_to_products") if on_site else {})
