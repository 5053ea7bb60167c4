"""The "Grant access" and "Add product" lists over HTTP (User.grantableProducts,
Group.grantableProducts; resolvers/grantable.py): what the user or group lacks and the caller
may give, as the grant mutations would decide, read in a fixed number of statements."""

from typing import Any

from models.enums import AccountType, AdminRole, Experience
from models.group import Group
from models.product import ProductInstance
from resolvers import groups, organizations
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient
from tests.support.sql_counter import count_statements

USER = """query ($id: ID!) { node(id: $id) { ... on User {
  grantableProducts { id product { key } } } } }"""
GROUP = """query ($id: ID!) { node(id: $id) { ... on Group {
  grantableProducts { id product { key } } } } }"""
PAGE = """query ($org: ID!) { organization(id: $org) { users(first: 100) {
  edges { node { email grantableProducts { id product { key } } } } } } }"""


def _ids(*instances: ProductInstance) -> list[str]:
    return [gid("ProductInstance", i.id) for i in instances]


async def _listed(api: GraphQLClient, query: str, node: str, token: str) -> Any:
    result = await api(query, {"id": node}, token)
    return result.ok()["node"]["grantableProducts"]


async def _with_confluence(world: World) -> ProductInstance:
    return await organizations.add_product(world.ctx, world.site.id, "confluence")


async def test_an_org_admin_sees_what_the_user_lacks(api: GraphQLClient) -> None:
    world = await factories.world()
    confluence = await _with_confluence(world)
    user, _ = await world.member(grants=[(world.jira, "USER")])
    listed = await _listed(api, USER, gid("User", user.id), world.admin_token)
    assert [entry["id"] for entry in listed] == _ids(confluence)
    bare, _ = await world.member()
    listed = await _listed(api, USER, gid("User", bare.id), world.admin_token)
    assert [entry["id"] for entry in listed] == _ids(world.jira, confluence)


async def test_a_default_group_trap_leaves_the_product_out_r_role_10(api: GraphQLClient) -> None:
    """A user access admin of Confluence alone: Confluence's default group also gives Jira, so
    granting Confluence would give Jira too; the list leaves it out, as the mutation refuses."""
    world = await factories.world()
    confluence = await _with_confluence(world)
    admin, token = await world.member()
    await world.role(admin, AdminRole.USER_ACCESS_ADMIN, confluence.id)
    user, _ = await world.member()
    listed = await _listed(api, USER, gid("User", user.id), token)
    assert [entry["id"] for entry in listed] == _ids(confluence)  # not Jira (R-ROLE-8)
    shared = await Group.get(name=f"confluence-users-{world.site.name}")
    await groups.grant_group_role(world.ctx, shared, world.jira, "USER", "test")
    assert await _listed(api, USER, gid("User", user.id), token) == []


async def test_a_centralized_site_admin_is_refused_r_role_6(api: GraphQLClient) -> None:
    world = await factories.world(Experience.CENTRALIZED)
    admin, token = await world.member("site.admin@example.com")
    await world.role(admin, AdminRole.SITE_ADMIN, world.site.id)
    result = await api("{ viewer { users { email grantableProducts { id } } } }", None, token)
    own = {"email": "site.admin@example.com", "grantableProducts": None}
    assert result.data == {"viewer": {"users": [own]}}
    assert result.codes == ["FORBIDDEN"]
    assert result.errors[0]["extensions"]["rule"] == "add_remove_users_from_products"


async def test_an_original_trusted_user_reads_the_list_of_a_user_it_is_given(
    api: GraphQLClient,
) -> None:
    """A trusted user may not read the directory (view_users_in_organization: NO), but may add
    users to its site's products: the User a grant answers with shows what else it may give,
    its own site's products only."""
    world = await factories.world(Experience.ORIGINAL)
    elsewhere = await organizations.create_site(world.ctx, world.org.id, "b.example.net")
    await organizations.add_product(world.ctx, elsewhere.id, "confluence")
    confluence = await _with_confluence(world)
    trusted, token = await world.member()
    await world.role(trusted, AdminRole.TRUSTED_USER, world.site.id)
    user, _ = await world.member()
    mutation = """mutation ($input: GrantProductAccessInput!) { grantProductAccess(input: $input) {
      errors { code } user { email grantableProducts { id } } } }"""
    variables = {
        "input": {"userId": gid("User", user.id), "productInstanceId": _ids(world.jira)[0]}
    }
    result = await api(mutation, variables, token)
    payload = result.ok()["grantProductAccess"]
    assert payload["errors"] == []
    assert [entry["id"] for entry in payload["user"]["grantableProducts"]] == _ids(confluence)


async def test_a_portal_only_customer_can_be_granted_nothing_r_access_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    assert await _listed(api, USER, gid("User", customer.id), world.admin_token) == []


async def test_the_add_product_list_of_a_group(api: GraphQLClient) -> None:
    world = await factories.world()
    confluence = await _with_confluence(world)
    team = await groups.create_group(world.ctx, world.org, None, "team", "")
    await groups.grant_group_role(world.ctx, team, world.jira, "USER", "test")
    listed = await _listed(api, GROUP, gid("Group", team.id), world.admin_token)
    assert [entry["id"] for entry in listed] == _ids(confluence)


async def test_an_original_group_takes_products_of_its_own_site(api: GraphQLClient) -> None:
    world = await factories.world(Experience.ORIGINAL)
    elsewhere = await organizations.create_site(world.ctx, world.org.id, "b.example.net")
    await organizations.add_product(world.ctx, elsewhere.id, "confluence")
    team = await groups.create_group(world.ctx, world.org, world.site.id, "team", "")
    listed = await _listed(api, GROUP, gid("Group", team.id), world.admin_token)
    assert [entry["id"] for entry in listed] == _ids(world.jira)


async def test_a_product_admin_may_not_add_products_to_a_group(api: GraphQLClient) -> None:
    world = await factories.world()
    admin, token = await world.member()
    await world.role(admin, AdminRole.PRODUCT_ADMIN, world.jira.id)
    team = await groups.create_group(world.ctx, world.org, None, "team", "")
    result = await api(GROUP, {"id": gid("Group", team.id)}, token)
    assert result.codes == ["NOT_FOUND"] or result.codes == ["FORBIDDEN"]
    assert result.empty


async def test_a_page_of_users_reads_its_lists_in_a_fixed_number_of_statements(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    await _with_confluence(world)
    org = gid("Organization", world.org.id)
    counts = []
    for more in (3, 25):
        for _ in range(more):
            await world.member(grants=[(world.jira, "USER")])
        with count_statements() as statements:
            users = (await api(PAGE, {"org": org}, world.admin_token)).ok()
        edges = users["organization"]["users"]["edges"]
        assert all(len(e["node"]["grantableProducts"]) == 1 for e in edges[1:])
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
