"""viewerCan on every object type answers what the guards decide; decisions are cached."""

from typing import Any

import pytest

from models.enums import AdminRole
from permissions import engine
from resolvers import groups
from tests import factories
from tests.factories import gid
from tests.graphql_client import GraphQLClient

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
