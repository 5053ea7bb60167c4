"""User access settings over HTTP (R-ACCESS-10): updateUserAccessSettings, the approved domains
in organization.userAccessSettings (narrowed for SCOPED roles) and viewer.joinableProducts."""

from typing import Any

from models.enums import AccountType, AdminRole, Experience
from models.group import DefaultGroup, GroupProductRole
from resolvers import organizations
from tests.support import factories
from tests.support.access_api import (
    approve_domains,
    domains,
    events_after,
    holder,
    instance_id,
    last_event_id,
    mutate,
    outsider,
    problems,
    refusal,
    rows,
    send,
)
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient

UPDATE = "updateUserAccessSettings"
SETTINGS = """
query ($org: ID!) {
  organization(id: $org) {
    userAccessSettings { productInstance { id } approvedDomains { domain requiresApproval } }
  }
}
"""
JOINABLE = """
{ viewer { joinableProducts {
  productInstanceId productKey productName siteName organizationId organizationName
  requiresApproval
} } }
"""


def update(instance_pk: str, *entries: tuple[str, bool]) -> dict[str, Any]:
    return {"productInstanceId": instance_pk, "approvedDomains": domains(*entries)}


async def settings_of(api: GraphQLClient, world: World, token: str) -> dict[str, Any]:
    result = await api(SETTINGS, {"org": gid("Organization", world.org.id)}, token)
    return {
        s["productInstance"]["id"]: [
            (d["domain"], d["requiresApproval"]) for d in s["approvedDomains"]
        ]
        for s in result.ok()["organization"]["userAccessSettings"]
    }


# updateUserAccessSettings


async def test_update_replaces_the_approved_domains_and_audits_before_and_after_r_access_10(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    jira = instance_id(world.jira)
    since = await last_event_id()
    first = update(jira, (" Initech.Example ", False), ("partner.example", True))
    changed = await mutate(api, UPDATE, first, world.admin_token)
    assert changed["errors"] == []
    assert changed["userAccessSettings"] == {
        "productInstance": {"id": jira},
        "approvedDomains": [
            {"domain": "initech.example", "requiresApproval": False},
            {"domain": "partner.example", "requiresApproval": True},
        ],
    }
    second = update(jira, ("initech.example", True), ("new.example", True))
    changed = await mutate(api, UPDATE, second, world.admin_token)
    assert [d["domain"] for d in changed["userAccessSettings"]["approvedDomains"]] == [
        "initech.example",
        "new.example",
    ]
    events = await events_after(since)
    assert [(e.action, e.target_id, e.rule, e.actor_label) for e in events] == [
        (
            "user_access_settings.update",
            str(world.jira.id),
            "configure_user_access_settings",
            world.admin.email,
        )
    ] * 2
    assert events[1].before == {
        "approvedDomains": [
            {"domain": "initech.example", "requiresApproval": False},
            {"domain": "partner.example", "requiresApproval": True},
        ]
    }
    assert events[1].after == {
        "approvedDomains": [
            {"domain": "initech.example", "requiresApproval": True},
            {"domain": "new.example", "requiresApproval": True},
        ]
    }


async def test_an_update_that_changes_nothing_writes_no_event(api: GraphQLClient) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("initech.example", True))
    before = await rows()
    same = update(instance_id(world.jira), ("INITECH.example", True))
    assert (await mutate(api, UPDATE, same, world.admin_token))["errors"] == []
    assert await rows() == before


async def test_an_empty_list_removes_every_approved_domain(api: GraphQLClient) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("initech.example", True))
    cleared = await mutate(api, UPDATE, update(instance_id(world.jira)), world.admin_token)
    assert cleared["userAccessSettings"]["approvedDomains"] == []
    assert await settings_of(api, world, world.admin_token) == {}


async def test_domains_that_are_not_email_domains_are_invalid_input_at_their_path(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    before = await rows()
    bad = update(
        instance_id(world.jira),
        ("ok.example", True),
        ("localhost", True),
        ("10.0.0.1", True),
        ("bad_domain.example", True),
        ("@initech.example", True),
        ("-lead.example", True),
        ("a" * 64 + ".example", True),
    )
    refused = await mutate(api, UPDATE, bad, world.admin_token)
    assert refused["userAccessSettings"] is None
    assert problems(refused) == [
        ("INVALID_INPUT", f"approvedDomains.{i}.domain", None) for i in range(1, 7)
    ]
    assert await rows() == before


async def test_more_than_a_hundred_domains_is_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    many = update(instance_id(world.jira), *((f"d{i}.example", True) for i in range(101)))
    refused = await mutate(api, UPDATE, many, world.admin_token)
    assert problems(refused) == [("INVALID_INPUT", "approvedDomains", None)]


async def test_a_domain_listed_twice_is_duplicate_at_its_path(api: GraphQLClient) -> None:
    world = await factories.world()
    before = await rows()
    twice = update(
        instance_id(world.jira),
        ("initech.example", True),
        ("partner.example", True),
        ("Initech.Example", False),
    )
    refused = await mutate(api, UPDATE, twice, world.admin_token)
    assert problems(refused) == [("DUPLICATE", "approvedDomains.2.domain", None)]
    assert await rows() == before


async def test_a_government_cloud_organization_has_no_user_access_settings_r_access_8(
    api: GraphQLClient,
) -> None:
    world = await factories.world(government_cloud=True)
    before = await rows()
    refused = await mutate(
        api, UPDATE, update(instance_id(world.jira), ("initech.example", True)), world.admin_token
    )
    assert problems(refused) == [
        ("GROUPS_ONLY_IN_GOVERNMENT_CLOUD", "approvedDomains", "R-ACCESS-8")
    ]
    assert await rows() == before


async def test_a_user_access_admin_configures_only_their_own_products(api: GraphQLClient) -> None:
    """configure_user_access_settings: CENTRALIZED user access admin SCOPED."""
    world = await factories.world()
    wiki = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, wiki.id)
    own = await mutate(api, UPDATE, update(instance_id(wiki), ("initech.example", False)), token)
    assert own["errors"] == []
    before = await rows()
    result = await send(
        api, UPDATE, update(instance_id(world.jira), ("initech.example", True)), token
    )
    assert refusal(result) == ("FORBIDDEN", "configure_user_access_settings")
    assert await rows() == before


async def test_roles_the_matrix_refuses_cannot_configure_user_access_settings(
    api: GraphQLClient,
) -> None:
    """CENTRALIZED: site and product admins NO; ORIGINAL: only organization admins."""
    centralized = await factories.world()
    original = await factories.world(Experience.ORIGINAL, name="Globex")
    cases = [
        (centralized, AdminRole.SITE_ADMIN, centralized.site.id),
        (centralized, AdminRole.PRODUCT_ADMIN, centralized.jira.id),
        (original, AdminRole.SITE_ADMIN, original.site.id),
        (original, AdminRole.TRUSTED_USER, original.site.id),
        (original, AdminRole.PRODUCT_ADMIN, original.jira.id),
    ]
    for world, role, scope in cases:
        _, token = await holder(world, role, scope)
        before = await rows()
        input = update(instance_id(world.jira), ("initech.example", True))
        result = await send(api, UPDATE, input, token)
        assert refusal(result) == ("FORBIDDEN", "configure_user_access_settings"), role
        assert await rows() == before
    done = await mutate(
        api, UPDATE, update(instance_id(original.jira), ("g.example", True)), original.admin_token
    )
    assert done["errors"] == []


async def test_a_user_access_admin_cannot_let_domains_join_a_default_group_giving_more_r_role_10(
    api: GraphQLClient,
) -> None:
    """Joining without approval puts accounts in the product's default group, which here also
    gives Jira: as for a grant, a Confluence-only user access admin may not (R-ROLE-10)."""
    world = await factories.world()
    wiki = await organizations.add_product(world.ctx, world.site.id, "confluence")
    default = await DefaultGroup.get(product_instance_id=wiki.id, role="USER")
    await GroupProductRole.create(
        group_id=default.group_id, product_instance=world.jira, role="USER"
    )
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, wiki.id)
    before = await rows()
    result = await send(api, UPDATE, update(instance_id(wiki), ("initech.example", False)), token)
    assert refusal(result) == ("FORBIDDEN", "R-ROLE-10")
    assert await rows() == before
    with_approval = update(instance_id(wiki), ("initech.example", True))
    assert (await mutate(api, UPDATE, with_approval, token))["errors"] == []


async def test_another_organizations_product_is_not_found(api: GraphQLClient) -> None:
    world = await factories.world()
    other = await factories.world(name="Other")
    result = await send(api, UPDATE, update(instance_id(other.jira)), world.admin_token)
    assert result.codes == ["NOT_FOUND"]


# organization.userAccessSettings


async def test_user_access_settings_list_each_configured_product(api: GraphQLClient) -> None:
    world = await factories.world()
    wiki = await organizations.add_product(world.ctx, world.site.id, "confluence")
    await approve_domains(world, world.jira, ("b.example", True), ("a.example", False))
    await approve_domains(world, wiki, ("c.example", True))
    assert await settings_of(api, world, world.admin_token) == {
        instance_id(world.jira): [("a.example", False), ("b.example", True)],
        instance_id(wiki): [("c.example", True)],
    }


async def test_a_user_access_admin_lists_only_their_products_settings(api: GraphQLClient) -> None:
    """SCOPED: the list is narrowed to the role's products (R-ACCESS-10, R-ROLE-8)."""
    world = await factories.world()
    wiki = await organizations.add_product(world.ctx, world.site.id, "confluence")
    await approve_domains(world, world.jira, ("a.example", True))
    await approve_domains(world, wiki, ("c.example", True))
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, wiki.id)
    assert await settings_of(api, world, token) == {instance_id(wiki): [("c.example", True)]}


async def test_user_access_settings_are_refused_to_roles_without_the_feature(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    _, member = await world.member()
    _, site_admin = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    for token in (member, site_admin):
        result = await api(SETTINGS, {"org": gid("Organization", world.org.id)}, token)
        assert [e["extensions"].get("rule") for e in result.errors] == [
            "configure_user_access_settings"
        ]
        assert result.codes == ["FORBIDDEN"]


# viewer.joinableProducts


async def test_joinable_products_are_those_approved_for_your_email_domain(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    wiki = await organizations.add_product(world.ctx, world.site.id, "confluence")
    await approve_domains(world, world.jira, ("initech.example", False))
    await approve_domains(world, wiki, ("elsewhere.example", True))
    _, token = await outsider("lee@initech.example")
    joinable = (await api(JOINABLE, token=token)).ok()["viewer"]["joinableProducts"]
    assert joinable == [
        {
            "productInstanceId": instance_id(world.jira),
            "productKey": "jira",
            "productName": "Jira",
            "siteName": world.site.name,
            "organizationId": gid("Organization", world.org.id),
            "organizationName": "Acme",
            "requiresApproval": False,
        }
    ]


async def test_portal_only_customers_have_no_joinable_products_r_access_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("initech.example", False))
    customer = await factories.account("carl@initech.example", AccountType.CUSTOMER)
    token = await factories.token(customer)
    assert (await api(JOINABLE, token=token)).ok()["viewer"]["joinableProducts"] == []
