"""Directory search over HTTP: Organization.users(query:, status:, accountType:, adminRole:,
productInstanceId:, orderBy:) with totalCount following the filters, pages both ways in every
order, and a fixed number of statements (resolvers/directory_search.py)."""

from typing import Any

from models.directory import OrgUser
from models.enums import AccountType, AdminRole, Experience, UserStatus
from resolvers import directory, organizations
from resolvers.directory_search import fold
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient
from tests.support.sql_counter import count_statements

SEARCH = """
query ($org: ID!, $query: String, $status: UserStatus, $type: AccountType, $role: AdminRole,
       $product: ID, $order: UserOrder, $first: Int, $after: String, $last: Int,
       $before: String) {
  organization(id: $org) {
    users(query: $query, status: $status, accountType: $type, adminRole: $role,
          productInstanceId: $product, orderBy: $order, first: $first, after: $after,
          last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { email displayName } }
    }
  }
}
"""
PEOPLE = [
    ("emile.zola@example.com", "Émile Zola"),
    ("ada@example.com", "Ada Lovelace"),
    ("zoe.b@example.com", "Zoë Bright"),
    ("grace@example.com", "Grace Hopper"),
    ("alan@example.com", "alan turing"),
]


async def _directory() -> World:
    """An organization whose admin is first (person…@example.com), then PEOPLE in order."""
    world = await factories.world()
    for email, name in PEOPLE:
        await _invite(world, email, name)
    return world


async def _invite(world: World, email: str, name: str) -> OrgUser:
    return await directory.invite_user(world.ctx, world.org, email, name, AccountType.ATLASSIAN, [])


async def _search(api: GraphQLClient, world: World, **variables: Any) -> dict[str, Any]:
    result = await api(
        SEARCH, {"org": gid("Organization", world.org.id), **variables}, world.admin_token
    )
    users: dict[str, Any] = result.ok()["organization"]["users"]
    return users


def _emails(users: dict[str, Any]) -> list[str]:
    return [edge["node"]["email"] for edge in users["edges"]]


async def test_a_query_matches_the_start_of_email_name_or_a_word_ignoring_case_and_accents(
    api: GraphQLClient,
) -> None:
    world = await _directory()
    expected = {
        "emi": ["emile.zola@example.com"],  # the name's start, without its accent
        "ZO": ["emile.zola@example.com", "zoe.b@example.com"],  # a word, the email's start
        "zoë": ["zoe.b@example.com"],
        "zoe.b@": ["zoe.b@example.com"],  # the email's start
        "ada lo": ["ada@example.com"],  # the whole name's start
        "lovelace": ["ada@example.com"],  # a later word
        "  Émile   ZOLA ": ["emile.zola@example.com"],  # spaces folded
        "ovelace": [],  # inside a word: no match
        "example.com": [],  # inside the email: no match
    }
    for query, emails in expected.items():
        users = await _search(api, world, query=query)
        assert _emails(users) == emails, query
        assert users["totalCount"] == len(emails), query


async def test_order_by_name_email_or_date_added_both_ways(api: GraphQLClient) -> None:
    world = await _directory()
    by_name = await _search(api, world, query="a", order={"field": "DISPLAY_NAME"})
    names = [e["node"]["displayName"] for e in by_name["edges"]]
    assert names == ["Ada Lovelace", "alan turing"]  # case ignored: not "alan" after "Zoë"
    everyone = await _search(api, world, order={"field": "DISPLAY_NAME", "direction": "DESC"})
    names = [e["node"]["displayName"] for e in everyone["edges"]]
    assert names == sorted(names, key=fold, reverse=True)
    assert names.index("Grace Hopper") + 1 == names.index("Émile Zola")  # É sorts as E
    by_email = await _search(api, world, order={"field": "EMAIL"})
    assert _emails(by_email) == sorted(_emails(by_email))
    added = await _search(api, world, order={"field": "DATE_ADDED", "direction": "DESC"})
    assert _emails(added)[:2] == ["alan@example.com", "grace@example.com"]
    assert _emails(added)[-1] == world.admin.email


async def test_sorted_pages_walk_every_user_once_both_ways(api: GraphQLClient) -> None:
    world = await _directory()
    for n in range(7):
        await _invite(world, f"same{n % 2}-{n}@example.com", "Same Name")  # ties go by id
    for field in ("DISPLAY_NAME", "EMAIL", "DATE_ADDED"):
        order = {"field": field, "direction": "DESC"}
        whole = _emails(await _search(api, world, order=order))
        forward, after = list[str](), None
        while True:
            page = await _search(api, world, order=order, first=2, after=after)
            forward += _emails(page)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        backward, before = list[str](), None
        while True:
            page = await _search(api, world, order=order, last=3, before=before)
            backward = _emails(page) + backward
            if not page["pageInfo"]["hasPreviousPage"]:
                break
            before = page["pageInfo"]["startCursor"]
        assert forward == whole == backward, field
        assert len(whole) == 13, field


async def test_status_account_type_admin_role_and_product_filters(api: GraphQLClient) -> None:
    world = await _directory()
    grace = await OrgUser.get(organization_id=world.org.id, account__email="grace@example.com")
    await OrgUser.filter(id=grace.id).update(status=UserStatus.SUSPENDED)
    await world.member("portal@example.com", kind=AccountType.CUSTOMER)
    ada = await OrgUser.get(organization_id=world.org.id, account__email="ada@example.com")
    await world.role(ada, AdminRole.SITE_ADMIN, world.site.id)
    holder, _ = await world.member("holder@example.com", [(world.jira, "USER")])
    suspended = await _search(api, world, status="SUSPENDED")
    assert (_emails(suspended), suspended["totalCount"]) == (["grace@example.com"], 1)
    customers = await _search(api, world, type="CUSTOMER")
    assert _emails(customers) == ["portal@example.com"]
    admins = await _search(api, world, role="SITE_ADMIN")
    assert _emails(admins) == ["ada@example.com"]
    jira = gid("ProductInstance", world.jira.id)
    holders = await _search(api, world, product=jira)
    assert _emails(holders) == [world.admin.email, "holder@example.com"]  # R-ROLE-4, a grant
    both = await _search(api, world, product=jira, query="hold", status="ACTIVE")
    assert (_emails(both), both["totalCount"]) == (["holder@example.com"], 1)
    assert holder.id


async def test_bad_filters_are_refused_with_a_code(api: GraphQLClient) -> None:
    world = await _directory()
    other = await factories.world(name="Globex")
    org = gid("Organization", world.org.id)
    for variables, code in [
        ({"query": "   "}, "BAD_USER_INPUT"),
        ({"query": ""}, "BAD_USER_INPUT"),
        ({"query": "x" * 256}, "BAD_USER_INPUT"),
        ({"product": gid("ProductInstance", other.jira.id)}, "NOT_FOUND"),
        ({"product": gid("Site", world.site.id)}, "NOT_FOUND"),  # not a product
    ]:
        result = await api(SEARCH, {"org": org, **variables}, world.admin_token)
        assert result.codes == [code], variables
        assert result.data == {"organization": {"users": None}}, variables


async def test_a_scoped_admin_filters_only_by_products_in_scope(api: GraphQLClient) -> None:
    world = await factories.world(Experience.ORIGINAL)
    elsewhere = await organizations.create_site(world.ctx, world.org.id, "b.example.net")
    confluence = await organizations.add_product(world.ctx, elsewhere.id, "confluence")
    admin, token = await world.member("siteadmin@example.com")
    await world.role(admin, AdminRole.SITE_ADMIN, world.site.id)
    org = gid("Organization", world.org.id)
    mine = await api(SEARCH, {"org": org, "product": gid("ProductInstance", world.jira.id)}, token)
    assert "siteadmin@example.com" in _emails(mine.ok()["organization"]["users"])
    other = gid("ProductInstance", confluence.id)
    refused = await api(SEARCH, {"org": org, "product": other}, token)
    assert refused.codes == ["FORBIDDEN"]
    assert refused.errors[0]["extensions"]["rule"] == "view_users_in_organization"


async def test_a_search_costs_the_same_statements_for_a_few_users_and_for_many(
    api: GraphQLClient,
) -> None:
    world = await _directory()
    variables = {"query": "a", "order": {"field": "DISPLAY_NAME"}, "status": "ACTIVE"}
    counts = []
    for extra in (0, 30):
        for n in range(extra):
            await world.member(f"a{n}@example.com")
        with count_statements() as statements:
            users = await _search(api, world, **variables, first=50)
        assert users["totalCount"] == 2 + extra
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
