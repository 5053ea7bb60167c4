"""The read API: nested queries, connections, ids, and a fixed number of SQL statements."""

from models.enums import AdminRole
from models.group import Group
from resolvers import groups
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient
from tests.support.sql_counter import count_statements

USERS_PAGE = """
query ($org: ID!, $first: Int!) {
  organization(id: $org) {
    users(first: $first) {
      totalCount
      edges { node {
        email status
        groups(first: 10) { totalCount edges { node { name } } }
        adminRoles { role scope { __typename ... on Site { name } } }
      } }
    }
  }
}
"""


async def _org_with_users(count: int) -> factories.World:
    world = await factories.world()
    teams = [
        await groups.create_group(world.ctx, world.org, None, f"team-{i}", "") for i in range(3)
    ]
    for _ in range(count):
        user, _token = await world.member(grants=[(world.jira, "USER")])
        for team in teams:
            await groups.add_members(world.ctx, team, [user])
        await world.role(user, AdminRole.SITE_ADMIN, world.site.id)
    return world


async def test_a_page_of_users_costs_the_same_statements_for_5_and_50(api: GraphQLClient) -> None:
    world = await _org_with_users(55)
    variables = {"org": gid("Organization", world.org.id)}
    counts = []
    for first in (5, 50):
        with count_statements() as statements:
            result = await api(USERS_PAGE, {**variables, "first": first}, world.admin_token)
        users = result.ok()["organization"]["users"]
        assert len(users["edges"]) == first
        assert users["totalCount"] == 56
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


async def test_users_show_groups_and_admin_roles(api: GraphQLClient) -> None:
    world = await _org_with_users(1)
    result = await api(
        USERS_PAGE, {"org": gid("Organization", world.org.id), "first": 10}, world.admin_token
    )
    edges = result.ok()["organization"]["users"]["edges"]
    member = edges[1]["node"]
    names = {e["node"]["name"] for e in member["groups"]["edges"]}
    assert {"team-0", "team-1", "team-2", f"jira-users-{world.site.name}"} == names
    assert member["adminRoles"] == [
        {"role": "SITE_ADMIN", "scope": {"__typename": "Site", "name": world.site.name}}
    ]
    admin = edges[0]["node"]
    assert admin["adminRoles"][0]["role"] == "ORG_ADMIN"  # R-ROLE-1
    assert [e["node"]["name"] for e in admin["groups"]["edges"]] == ["org-admins"]


async def test_cursor_pagination_walks_every_user_once(api: GraphQLClient) -> None:
    world = await _org_with_users(6)
    query = """query ($org: ID!, $after: String) { organization(id: $org) {
      users(first: 3, after: $after) { pageInfo { hasNextPage endCursor }
        edges { cursor node { email } } } } }"""
    seen, after, pages = [], None, 0
    while True:
        page = (
            await api(
                query, {"org": gid("Organization", world.org.id), "after": after}, world.admin_token
            )
        ).ok()["organization"]["users"]
        seen += [e["node"]["email"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7


async def test_first_above_100_and_bad_cursors_are_bad_user_input(api: GraphQLClient) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    too_many = await api(
        "query ($o: ID!) { organization(id: $o) { users(first: 101) { totalCount } } }",
        {"o": org},
        world.admin_token,
    )
    assert too_many.codes == ["BAD_USER_INPUT"]
    bad_cursor = await api(
        'query ($o: ID!) { organization(id: $o) { users(after: "zz") { totalCount } } }',
        {"o": org},
        world.admin_token,
    )
    assert bad_cursor.codes == ["BAD_USER_INPUT"]


async def test_malformed_ids_are_bad_user_input_and_unknown_ids_not_found(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    query = "query ($id: ID!) { node(id: $id) { id } }"
    for malformed in ("", "not-base64!", "%%%", gid("Nope", 1), "T3JnYW5pemF0aW9uOmFiYw"):
        result = await api(query, {"id": malformed}, world.admin_token)
        assert result.status == 200
        assert result.codes == ["BAD_USER_INPUT"], (malformed, result.body)
    for unknown in (gid("Organization", 999999), gid("User", 424242), gid("Group", 1 << 40)):
        result = await api(query, {"id": unknown}, world.admin_token)
        assert result.codes == ["NOT_FOUND"], (unknown, result.body)
    wrong_type = await api(
        "query ($id: ID!) { organization(id: $id) { name } }",
        {"id": gid("Site", world.site.id)},
        world.admin_token,
    )
    assert wrong_type.codes == ["NOT_FOUND"]


async def test_node_returns_each_type_by_its_global_id(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await Group.get(organization_id=world.org.id, name="org-admins")
    query = "query ($id: ID!) { node(id: $id) { __typename id } }"
    for type_name, pk in [
        ("Organization", world.org.id),
        ("Site", world.site.id),
        ("ProductInstance", world.jira.id),
        ("Group", group.id),
    ]:
        node = (await api(query, {"id": gid(type_name, pk)}, world.admin_token)).ok()["node"]
        assert node == {"__typename": type_name, "id": gid(type_name, pk)}


async def test_product_instance_shows_product_site_and_default_groups(api: GraphQLClient) -> None:
    world = await factories.world()
    query = """query ($id: ID!) { node(id: $id) { ... on ProductInstance {
      anonymousAccess product { key name family roles { key billable } }
      site { name } defaultGroups { name isDefaultFor { role } }
      groups(first: 10) { totalCount } } } }"""
    node = (
        await api(query, {"id": gid("ProductInstance", world.jira.id)}, world.admin_token)
    ).ok()["node"]
    assert node["product"]["key"] == "jira"
    assert node["product"]["family"] == "jira"
    assert node["site"]["name"] == world.site.name
    assert sorted(g["name"] for g in node["defaultGroups"]) == [
        f"jira-admins-{world.site.name}",
        f"jira-users-{world.site.name}",
    ]
    assert node["groups"]["totalCount"] == 2
    assert node["anonymousAccess"] is False


async def test_product_catalog_is_public_and_lists_the_api_keys(api: GraphQLClient) -> None:
    result = await api("{ productCatalog { key roles { key } anonymousAccessSupported } }")
    catalog = {p["key"]: p for p in result.ok()["productCatalog"]}
    assert set(catalog) == {
        "jira",
        "jira-service-management",
        "jira-product-discovery",
        "confluence",
        "bitbucket",
        "opsgenie",
        "statuspage",
        "trello",
        "loom",
        "compass",
    }
    assert all("USER" in {r["key"] for r in p["roles"]} for p in catalog.values())
    assert "GUEST" in {r["key"] for r in catalog["confluence"]["roles"]}
    assert "STAKEHOLDER" in {r["key"] for r in catalog["jira-service-management"]["roles"]}
    assert "CONTRIBUTOR" in {r["key"] for r in catalog["jira-product-discovery"]["roles"]}
    supported = {k for k, p in catalog.items() if p["anonymousAccessSupported"]}
    assert supported == {"jira", "jira-service-management", "confluence"}  # R-ACCESS-7


async def test_healthz_answers_when_the_database_does(api: GraphQLClient) -> None:
    response = await api.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


GROUPS_PAGE = """
query ($org: ID!, $first: Int!) {
  organization(id: $org) {
    groups(first: $first) { edges { node {
      name site { name }
      members(first: 3) { totalCount edges { node { email } } }
      productRoles { role productInstance { product { key } site { name } } }
      isDefaultFor { role }
    } } }
  }
}
"""


async def test_groups_with_members_and_roles_cost_the_same_for_5_and_50(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    people = [(await world.member())[0] for _ in range(4)]
    for i in range(55):
        team = await groups.create_group(world.ctx, world.org, None, f"team-{i:02}", "")
        await groups.add_members(world.ctx, team, people[: 1 + i % 4])
        await groups.grant_group_role(world.ctx, team, world.jira, "USER", "test")
    counts = []
    for first in (5, 50):
        with count_statements() as statements:
            result = await api(
                GROUPS_PAGE,
                {"org": gid("Organization", world.org.id), "first": first},
                world.admin_token,
            )
        edges = result.ok()["organization"]["groups"]["edges"]
        assert len(edges) == first
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
