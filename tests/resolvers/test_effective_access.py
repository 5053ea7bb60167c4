"""Effective access over HTTP: User.productAccess with every source kind, the exclusions,
ProductInstance.users and billableUserCount, User.billing and explainAccess (issue 5).

Sources: DEFAULT_GROUP (R-ACCESS-3), GROUP (R-ACCESS-1), ADMIN_ROLE (R-ROLE-4 organization
admin; R-ROLE-11 product admin outside the Jira family), SITE_ROLE (R-ROLE-12 site admin and
R-ROLE-13 trusted user, ORIGINAL only). Exclusions: R-ACCESS-6, R-ACCESS-11, R-ROLE-8."""

from typing import Any

from models.directory import OrgUser
from models.enums import AccountType, AdminRole, Experience
from models.group import Group, GroupMembership
from models.product import ProductInstance
from resolvers import groups, membership, organizations
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient
from tests.support.sql_counter import count_statements

ACCESS = """
  productAccess {
    role billable productInstance { id }
    sources { kind role rule adminRole group { name } description }
  }
  billing { productInstance { id } billable reason rule }
"""
USER = f"query ($id: ID!) {{ node(id: $id) {{ ... on User {{ email {ACCESS} }} }} }}"
INSTANCE = """
query ($id: ID!, $role: String, $kind: AccessSourceKind) {
  node(id: $id) { ... on ProductInstance {
    billableUserCount
    users(first: 100, role: $role, sourceKind: $kind) { totalCount edges { node { email } } }
  } }
}"""
EXPLAIN = """
query ($user: ID!, $instance: ID!) {
  explainAccess(userId: $user, productInstanceId: $instance) {
    hasAccess roles billable reason rule
    user { id } productInstance { id }
    paths { kind role rule adminRole group { name } description }
    ignoredAdminRoles { adminRole rule reason }
  }
}"""


async def access_of(api: GraphQLClient, token: str, user: OrgUser) -> dict[str, Any]:
    found: dict[str, Any] = (await api(USER, {"id": gid("User", user.id)}, token)).ok()["node"]
    return found


def held(found: dict[str, Any]) -> set[tuple[str, str, str, str | None]]:
    """(product instance id, role, source kind, source rule) of every source."""
    return {
        (a["productInstance"]["id"], a["role"], s["kind"], s["rule"])
        for a in found["productAccess"]
        for s in a["sources"]
    }


async def group_with(
    w: World, name: str, instance: ProductInstance, role: str, *members: OrgUser
) -> Group:
    site_id = w.site.id if w.org.experience is Experience.ORIGINAL else None
    group = await groups.create_group(w.ctx, w.org, site_id, name, "")
    await groups.grant_group_role(w.ctx, group, instance, role, "test")
    await groups.add_members(w.ctx, group, list(members))
    return group


async def instance_users(
    api: GraphQLClient, token: str, instance: ProductInstance, **filters: str
) -> dict[str, Any]:
    variables = {"id": gid("ProductInstance", instance.id), **filters}
    found: dict[str, Any] = (await api(INSTANCE, variables, token)).ok()["node"]
    return found


def emails(found: dict[str, Any]) -> list[str]:
    return [e["node"]["email"] for e in found["users"]["edges"]]


async def test_direct_access_is_a_default_group_source(api: GraphQLClient) -> None:
    """R-ACCESS-3: a grant joins the default group, which shows as DEFAULT_GROUP."""
    w = await factories.world()
    user, _ = await w.member(grants=[(w.jira, "USER")])
    found = await access_of(api, w.admin_token, user)
    jira = gid("ProductInstance", w.jira.id)
    assert held(found) == {(jira, "USER", "DEFAULT_GROUP", "R-ACCESS-3")}
    source = found["productAccess"][0]["sources"][0]
    assert source["group"]["name"].startswith("jira-users-")
    assert source["description"] == (
        f"{user.account.email} -> default group {source['group']['name']} (R-ACCESS-3) -> "
        "USER on Jira"
    )
    assert found["billing"] == [
        {
            "productInstance": {"id": jira},
            "billable": True,
            "reason": f"Holds the billable role USER through default group "
            f"{source['group']['name']} (R-ACCESS-3).",
            "rule": "R-ACCESS-3",
        }
    ]


async def test_a_groups_product_role_is_a_group_source(api: GraphQLClient) -> None:
    """R-ACCESS-1: members hold the group's product roles, listed with the group."""
    w = await factories.world()
    confluence = await organizations.add_product(w.ctx, w.site.id, "confluence")
    user, _ = await w.member(grants=[(w.jira, "USER")])
    await group_with(w, "writers", confluence, "GUEST", user)
    await group_with(w, "jira-helpers", w.jira, "USER", user)
    found = await access_of(api, w.admin_token, user)
    jira, conf = gid("ProductInstance", w.jira.id), gid("ProductInstance", confluence.id)
    assert held(found) == {
        (jira, "USER", "DEFAULT_GROUP", "R-ACCESS-3"),
        (jira, "USER", "GROUP", "R-ACCESS-1"),
        (conf, "GUEST", "GROUP", "R-ACCESS-1"),
    }
    jira_entry = next(a for a in found["productAccess"] if a["productInstance"]["id"] == jira)
    assert [s["group"]["name"] for s in jira_entry["sources"]][1] == "jira-helpers"
    guest = next(b for b in found["billing"] if b["productInstance"]["id"] == conf)
    assert guest == {
        "productInstance": {"id": conf},
        "billable": False,
        "reason": "Holds only GUEST, which is not billable.",
        "rule": None,
    }


async def test_an_organization_admin_holds_user_and_product_admin_everywhere(
    api: GraphQLClient,
) -> None:
    """R-ROLE-4: USER and PRODUCT_ADMIN on every product of the organization."""
    w = await factories.world()
    other_site = await organizations.create_site(w.ctx, w.org.id, "second.example.net")
    bitbucket = await organizations.add_product(w.ctx, other_site.id, "bitbucket")
    admin = await OrgUser.get(organization=w.org, account=w.admin).prefetch_related("account")
    found = await access_of(api, w.admin_token, admin)
    expected = {
        (gid("ProductInstance", i.id), role, "ADMIN_ROLE", "R-ROLE-4")
        for i in (w.jira, bitbucket)
        for role in ("USER", "PRODUCT_ADMIN")
    }
    assert held(found) == expected
    assert {s["adminRole"] for a in found["productAccess"] for s in a["sources"]} == {"ORG_ADMIN"}


async def test_a_product_admin_holds_content_access_outside_the_jira_family(
    api: GraphQLClient,
) -> None:
    """R-ROLE-11: Confluence product admins hold access; Jira-family ones do not."""
    w = await factories.world()
    confluence = await organizations.add_product(w.ctx, w.site.id, "confluence")
    user, _ = await w.member()
    await w.role(user, AdminRole.PRODUCT_ADMIN, confluence.id)
    await w.role(user, AdminRole.PRODUCT_ADMIN, w.jira.id)
    found = await access_of(api, w.admin_token, user)
    conf = gid("ProductInstance", confluence.id)
    assert held(found) == {(conf, "PRODUCT_ADMIN", "ADMIN_ROLE", "R-ROLE-11")}
    jira_billing = next(
        b
        for b in found["billing"]
        if b["productInstance"]["id"] == gid("ProductInstance", w.jira.id)
    )
    assert (jira_billing["billable"], jira_billing["rule"]) == (False, "R-ROLE-11")
    explained = await explain(api, w.admin_token, user, w.jira)
    assert (explained["hasAccess"], explained["rule"]) == (False, "R-ACCESS-1")
    assert [i["rule"] for i in explained["ignoredAdminRoles"]] == ["R-ROLE-11"]


async def test_original_site_roles_give_their_sites_products(api: GraphQLClient) -> None:
    """R-ROLE-12 (site admin) and R-ROLE-13 (trusted user): USER and PRODUCT_ADMIN on every
    product of their site, and nothing on another site."""
    w = await factories.world(Experience.ORIGINAL)
    confluence = await organizations.add_product(w.ctx, w.site.id, "confluence")
    elsewhere = await organizations.create_site(w.ctx, w.org.id, "other.example.net")
    await organizations.add_product(w.ctx, elsewhere.id, "jira")
    site_admin, _ = await w.member()
    trusted, _ = await w.member()
    await w.role(site_admin, AdminRole.SITE_ADMIN, w.site.id)
    await w.role(trusted, AdminRole.TRUSTED_USER, w.site.id)
    for user, rule, role in (
        (site_admin, "R-ROLE-12", "SITE_ADMIN"),
        (trusted, "R-ROLE-13", "TRUSTED_USER"),
    ):
        found = await access_of(api, w.admin_token, user)
        assert held(found) == {
            (gid("ProductInstance", i.id), r, "SITE_ROLE", rule)
            for i in (w.jira, confluence)
            for r in ("USER", "PRODUCT_ADMIN")
        }
        assert {s["adminRole"] for a in found["productAccess"] for s in a["sources"]} == {role}


async def test_a_centralized_site_admin_holds_no_access_by_that_role(api: GraphQLClient) -> None:
    """R-ROLE-12 is ORIGINAL only: in CENTRALIZED the site admin role gives no content."""
    w = await factories.world()
    user, _ = await w.member()
    await w.role(user, AdminRole.SITE_ADMIN, w.site.id)
    assert (await access_of(api, w.admin_token, user))["productAccess"] == []
    explained = await explain(api, w.admin_token, user, w.jira)
    assert explained["hasAccess"] is False
    assert [i["rule"] for i in explained["ignoredAdminRoles"]] == ["R-ROLE-12"]


async def test_a_user_access_admin_holds_nothing_by_that_role(api: GraphQLClient) -> None:
    """R-ROLE-8: no access and not billable, unless another role gives the product."""
    w = await factories.world()
    user, _ = await w.member()
    await w.role(user, AdminRole.USER_ACCESS_ADMIN, w.jira.id)
    found = await access_of(api, w.admin_token, user)
    assert found["productAccess"] == []
    assert [(b["billable"], b["rule"]) for b in found["billing"]] == [(False, "R-ROLE-8")]
    counted = await instance_users(api, w.admin_token, w.jira)
    assert user.account.email not in emails(counted)


async def test_a_portal_only_customer_never_holds_access(api: GraphQLClient) -> None:
    """R-ACCESS-6: even a membership of a group giving the product (made here behind the
    mutations' backs, which refuse it) lists nothing."""
    w = await factories.world()
    customer, _ = await w.member(kind=AccountType.CUSTOMER)
    group = await group_with(w, "helpers", w.jira, "USER")
    await GroupMembership.create(group=group, user=customer)
    found = await access_of(api, w.admin_token, customer)
    assert found["productAccess"] == []
    assert [(b["billable"], b["rule"]) for b in found["billing"]] == [(False, "R-ACCESS-6")]
    explained = await explain(api, w.admin_token, customer, w.jira)
    assert (explained["hasAccess"], explained["rule"]) == (False, "R-ACCESS-6")
    assert [p["kind"] for p in explained["paths"]] == ["GROUP"]
    assert customer.account.email not in emails(await instance_users(api, w.admin_token, w.jira))


async def test_a_suspended_user_keeps_paths_but_holds_nothing(api: GraphQLClient) -> None:
    """R-ACCESS-11: suspended users keep their groups; access comes back on restore."""
    w = await factories.world()
    user, _ = await w.member(grants=[(w.jira, "USER")])
    before = await instance_users(api, w.admin_token, w.jira)
    await membership.suspend_user(w.ctx, user)
    found = await access_of(api, w.admin_token, user)
    assert found["productAccess"] == []
    assert [(b["billable"], b["rule"]) for b in found["billing"]] == [(False, "R-ACCESS-11")]
    explained = await explain(api, w.admin_token, user, w.jira)
    assert (explained["hasAccess"], explained["rule"], explained["roles"]) == (
        False,
        "R-ACCESS-11",
        [],
    )
    assert [p["kind"] for p in explained["paths"]] == ["DEFAULT_GROUP"]
    after = await instance_users(api, w.admin_token, w.jira)
    assert after["billableUserCount"] == before["billableUserCount"] - 1
    await membership.restore_user(w.ctx, await OrgUser.get(id=user.id).prefetch_related("account"))
    assert len((await access_of(api, w.admin_token, user))["productAccess"]) == 1


async def test_instance_users_filter_by_role_and_source_and_count_billable(
    api: GraphQLClient,
) -> None:
    """ProductInstance.users lists effective access; GUEST is not billable (catalog)."""
    w = await factories.world()
    confluence = await organizations.add_product(w.ctx, w.site.id, "confluence")
    writer, _ = await w.member("writer@example.com", grants=[(confluence, "USER")])
    guest, _ = await w.member("guest@example.com")
    await group_with(w, "guests", confluence, "GUEST", guest)
    found = await instance_users(api, w.admin_token, confluence)
    admin = w.admin.email
    assert sorted(emails(found)) == sorted([admin, writer.account.email, guest.account.email])
    assert found["users"]["totalCount"] == 3
    assert found["billableUserCount"] == 2  # the admin (R-ROLE-4) and the writer
    guests = await instance_users(api, w.admin_token, confluence, role="GUEST")
    assert emails(guests) == ["guest@example.com"]
    by_admin_role = await instance_users(api, w.admin_token, confluence, kind="ADMIN_ROLE")
    assert emails(by_admin_role) == [admin]
    assert by_admin_role["users"]["totalCount"] == 1
    defaults = await instance_users(
        api, w.admin_token, confluence, role="USER", kind="DEFAULT_GROUP"
    )
    assert emails(defaults) == ["writer@example.com"]


async def explain(
    api: GraphQLClient, token: str, user: OrgUser, instance: ProductInstance
) -> dict[str, Any]:
    variables = {"user": gid("User", user.id), "instance": gid("ProductInstance", instance.id)}
    found: dict[str, Any] = (await api(EXPLAIN, variables, token)).ok()["explainAccess"]
    return found


async def test_explain_access_lists_every_path_with_its_rule(api: GraphQLClient) -> None:
    w = await factories.world()
    user, own_token = await w.member(grants=[(w.jira, "USER")])
    await group_with(w, "jira-helpers", w.jira, "USER", user)
    await w.role(user, AdminRole.ORG_ADMIN, w.org.id)
    explained = await explain(api, own_token, user, w.jira)
    assert explained["hasAccess"] is True
    assert explained["roles"] == ["PRODUCT_ADMIN", "USER"]
    assert explained["billable"] is True
    assert explained["rule"] is None
    assert [(p["kind"], p["role"], p["rule"]) for p in explained["paths"]] == [
        ("ADMIN_ROLE", "PRODUCT_ADMIN", "R-ROLE-4"),
        ("ADMIN_ROLE", "USER", "R-ROLE-4"),
        ("DEFAULT_GROUP", "USER", "R-ACCESS-3"),
        ("GROUP", "USER", "R-ACCESS-1"),
    ]
    assert explained["paths"][1]["description"] == (
        f"{user.account.email} -> the ORG_ADMIN role (R-ROLE-4) -> USER on Jira"
    )


async def test_explain_access_without_a_path(api: GraphQLClient) -> None:
    w = await factories.world()
    user, _ = await w.member()
    explained = await explain(api, w.admin_token, user, w.jira)
    assert (explained["hasAccess"], explained["rule"], explained["paths"]) == (
        False,
        "R-ACCESS-1",
        [],
    )
    assert explained["reason"].startswith("No group, default group or admin role gives Jira")


async def test_members_read_their_own_access_but_not_anothers(api: GraphQLClient) -> None:
    """API.md: everyone may read their own account and access; others need
    view_users_in_organization."""
    w = await factories.world()
    me, my_token = await w.member(grants=[(w.jira, "USER")])
    other, _ = await w.member(grants=[(w.jira, "USER")])
    own = await access_of(api, my_token, me)
    assert len(own["productAccess"]) == 1
    assert own["productAccess"][0]["sources"][0]["group"]["name"].startswith("jira-users-")
    variables = {"user": gid("User", other.id), "instance": gid("ProductInstance", w.jira.id)}
    refused = await api(EXPLAIN, variables, my_token)
    assert refused.codes == ["NOT_FOUND"] or refused.codes == ["FORBIDDEN"]
    assert refused.empty
    listed = await api(INSTANCE, {"id": gid("ProductInstance", w.jira.id)}, my_token)
    assert listed.data == {"node": {"billableUserCount": None, "users": None}}
    assert listed.codes == ["FORBIDDEN", "FORBIDDEN"]  # each field refused on its own
    assert {e["extensions"]["rule"] for e in listed.errors} == {"view_users_in_organization"}


async def test_a_scoped_viewer_sees_only_the_access_in_their_scope(api: GraphQLClient) -> None:
    """An ORIGINAL site admin (view_users_in_organization SCOPED) sees the access a user holds
    on their site, not on another site; explaining the other site's product is NOT_FOUND."""
    w = await factories.world(Experience.ORIGINAL)
    elsewhere = await organizations.create_site(w.ctx, w.org.id, "other.example.net")
    confluence = await organizations.add_product(w.ctx, elsewhere.id, "confluence")
    viewer, viewer_token = await w.member()
    await w.role(viewer, AdminRole.SITE_ADMIN, w.site.id)
    user, _ = await w.member(grants=[(w.jira, "USER"), (confluence, "USER")])
    everything = await access_of(api, w.admin_token, user)
    assert len(everything["productAccess"]) == 2
    found = await access_of(api, viewer_token, user)
    jira = gid("ProductInstance", w.jira.id)
    assert {a["productInstance"]["id"] for a in found["productAccess"]} == {jira}
    assert {b["productInstance"]["id"] for b in found["billing"]} == {jira}
    variables = {"user": gid("User", user.id), "instance": gid("ProductInstance", confluence.id)}
    assert (await api(EXPLAIN, variables, viewer_token)).codes == ["NOT_FOUND"]


async def test_a_page_of_50_users_costs_the_statements_of_a_page_of_5(
    api: GraphQLClient,
) -> None:
    """One DataLoader batch per level: productAccess, its sources' groups and billing."""
    w = await factories.world()
    confluence = await organizations.add_product(w.ctx, w.site.id, "confluence")
    helpers = await group_with(w, "helpers", confluence, "GUEST")
    users = [(await w.member(grants=[(w.jira, "USER")]))[0] for _ in range(50)]
    await groups.add_members(w.ctx, helpers, users[::2])
    await w.role(users[1], AdminRole.PRODUCT_ADMIN, confluence.id)
    await w.role(users[3], AdminRole.USER_ACCESS_ADMIN, confluence.id)
    await w.role(users[40], AdminRole.USER_ACCESS_ADMIN, w.jira.id)
    query = f"""query ($org: ID!, $first: Int!) {{ node(id: $org) {{ ... on Organization {{
        users(first: $first) {{ edges {{ node {{ email {ACCESS} }} }} }} }} }} }}"""
    counts = []
    for first in (5, 50):
        with count_statements() as statements:
            result = await api(
                query, {"org": gid("Organization", w.org.id), "first": first}, w.admin_token
            )
        edges = result.ok()["node"]["users"]["edges"]
        assert len(edges) == first
        assert all(e["node"]["productAccess"] for e in edges)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
