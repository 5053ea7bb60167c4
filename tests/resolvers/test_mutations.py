"""The first mutations over HTTP: createOrganization, createSite, addProduct, inviteUser, and the
audit log they write (R-AUDIT-1). Domain refusals come back in the payload's `errors`;
authorization refusals are top-level FORBIDDEN errors naming the rule."""

from datetime import datetime
from typing import Any

from models.audit import AuditEvent
from models.credentials import ApiKey
from models.directory import Account, OrgUser
from models.enums import AccountType, ActorKind, AdminRole, Experience
from models.group import GroupMembership
from models.organization import Organization, Site
from permissions.auth import API_KEY_KIND, new_secret
from resolvers import directory
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, Result

CREATE_ORGANIZATION = """
mutation ($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    organization { id name experience governmentCloud }
    errors { code message field rule }
  }
}
"""

CREATE_SITE = """
mutation ($input: CreateSiteInput!) {
  createSite(input: $input) {
    site { id name organization { id } }
    errors { code message field rule }
  }
}
"""

ADD_PRODUCT = """
mutation ($input: AddProductInput!) {
  addProduct(input: $input) {
    productInstance {
      id product { key } site { name }
      defaultGroups {
        id name site { id name }
        productRoles { role productInstance { id } }
        isDefaultFor { role productInstance { id } }
      }
    }
    errors { code message field rule }
  }
}
"""

INVITE_USER = """
mutation ($input: InviteUserInput!) {
  inviteUser(input: $input) {
    user {
      id email displayName accountType status
      groups(first: 20) { edges { node { name } } }
    }
    errors { code message field rule }
  }
}
"""

ORG_USERS = """
query ($org: ID!) {
  organization(id: $org) {
    users(first: 50) { edges { node {
      id email status
      adminRoles { role scope { __typename ... on Organization { id } } }
      groups(first: 20) { edges { node { name protected } } }
    } } }
  }
}
"""

AUDIT_LOG = """
query ($org: ID!, $first: Int!) {
  organization(id: $org) {
    auditLog(first: $first) {
      totalCount
      edges { node {
        id action actor { kind id displayName } targetType targetId rule requestId createdAt
      } }
    }
  }
}
"""


def payload(result: Result, field: str) -> dict[str, Any]:
    """The mutation's payload; the request itself must have no top-level errors."""
    data: dict[str, Any] = result.ok()[field]
    return data


def rule_of(result: Result) -> str | None:
    rule: str | None = result.errors[0].get("extensions", {}).get("rule")
    return rule


async def counts() -> dict[str, int]:
    """Rows a refused mutation must leave alone."""
    return {
        "organization": await Organization.all().count(),
        "site": await Site.all().count(),
        "account": await Account.all().count(),
        "org_user": await OrgUser.all().count(),
        "group_membership": await GroupMembership.all().count(),
        "audit_event": await AuditEvent.all().count(),
    }


async def api_key(org: Organization, name: str = "integration", read_only: bool = False) -> str:
    credential, prefix, digest = new_secret(API_KEY_KIND)
    await ApiKey.create(
        organization=org, name=name, prefix=prefix, secret_hash=digest, read_only=read_only
    )
    return credential


async def users_by_email(api: GraphQLClient, org_id: int, token: str) -> dict[str, Any]:
    result = await api(ORG_USERS, {"org": gid("Organization", org_id)}, token)
    edges = result.ok()["organization"]["users"]["edges"]
    return {e["node"]["email"]: e["node"] for e in edges}


def group_names(user: dict[str, Any]) -> set[str]:
    return {e["node"]["name"] for e in user["groups"]["edges"]}


# createOrganization


async def test_create_organization_makes_the_creator_org_admin_in_org_admins_r_role_1(
    api: GraphQLClient,
) -> None:
    person = await factories.account("founder@example.com")
    token = await factories.token(person)
    result = await api(
        CREATE_ORGANIZATION,
        {"input": {"name": "  Initech  ", "experience": "ORIGINAL", "governmentCloud": False}},
        token,
    )
    created = payload(result, "createOrganization")
    assert created["errors"] == []
    org = created["organization"]
    assert org["name"] == "Initech"
    assert org["experience"] == "ORIGINAL"
    assert org["governmentCloud"] is False

    org_row = await Organization.get(name="Initech")
    assert org["id"] == gid("Organization", org_row.id)
    users = await users_by_email(api, org_row.id, token)
    assert set(users) == {"founder@example.com"}
    founder = users["founder@example.com"]
    assert founder["status"] == "ACTIVE"
    assert founder["adminRoles"] == [
        {"role": "ORG_ADMIN", "scope": {"__typename": "Organization", "id": org["id"]}}
    ]
    assert [e["node"] for e in founder["groups"]["edges"]] == [
        {"name": "org-admins", "protected": True}
    ]


async def test_create_organization_writes_audit_events_with_actor_and_rule_r_audit_1(
    api: GraphQLClient,
) -> None:
    person = await factories.account("founder@example.com")
    token = await factories.token(person)
    result = await api(CREATE_ORGANIZATION, {"input": {"name": "Initech"}}, token)
    org_id = payload(result, "createOrganization")["organization"]["id"]
    log = await api(AUDIT_LOG, {"org": org_id, "first": 50}, token)
    events = [e["node"] for e in log.ok()["organization"]["auditLog"]["edges"]]
    assert {e["action"] for e in events} == {
        "organization.create",
        "admin_role.assign",
        "group.create",
        "group.member_add",
    }
    assert {(e["actor"]["kind"], e["actor"]["displayName"]) for e in events} == {
        ("ACCOUNT", "founder@example.com")
    }
    assert {e["actor"]["id"] for e in events} == {gid("Account", person.id)}
    assert {e["rule"] for e in events} == {"R-ROLE-1"}
    created = next(e for e in events if e["action"] == "organization.create")
    assert created["targetType"] == "Organization"
    assert created["targetId"] == org_id
    rows = await AuditEvent.filter(action="organization.create")
    assert [(r.actor_kind, r.actor_id) for r in rows] == [(ActorKind.ACCOUNT, person.id)]


async def test_create_organization_defaults_to_centralized_without_government_cloud(
    api: GraphQLClient,
) -> None:
    token = await factories.token(await factories.account())
    result = await api(CREATE_ORGANIZATION, {"input": {"name": "Hooli"}}, token)
    org = payload(result, "createOrganization")["organization"]
    assert org["experience"] == "CENTRALIZED"
    assert org["governmentCloud"] is False


async def test_create_organization_with_an_empty_name_is_invalid_input_and_creates_nothing(
    api: GraphQLClient,
) -> None:
    token = await factories.token(await factories.account())
    before = await counts()
    for name in ("", "   "):
        result = await api(CREATE_ORGANIZATION, {"input": {"name": name}}, token)
        refused = payload(result, "createOrganization")
        assert refused["organization"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "name")]
    assert await counts() == before


async def test_create_organization_without_a_token_is_unauthenticated(api: GraphQLClient) -> None:
    result = await api(CREATE_ORGANIZATION, {"input": {"name": "Nobody's"}})
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.empty
    assert await Organization.all().count() == 0


async def test_create_organization_is_forbidden_to_an_api_key_r_key_1(api: GraphQLClient) -> None:
    world = await factories.world()
    key = await api_key(world.org)
    before = await counts()
    result = await api(CREATE_ORGANIZATION, {"input": {"name": "Spin-off"}}, key)
    assert result.codes == ["FORBIDDEN"]
    assert rule_of(result) == "R-KEY-1"
    assert result.empty
    assert await counts() == before


# createSite


async def test_create_site_adds_the_site_and_audits_it_with_add_new_products(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    result = await api(
        CREATE_SITE,
        {"input": {"organizationId": org, "name": "Docs.Acme.Example.NET"}},
        world.admin_token,
    )
    created = payload(result, "createSite")
    assert created["errors"] == []
    assert created["site"]["name"] == "docs.acme.example.net"
    assert created["site"]["organization"] == {"id": org}
    site = await Site.get(name="docs.acme.example.net")
    assert site.organization_id == world.org.id
    assert created["site"]["id"] == gid("Site", site.id)
    events = await AuditEvent.filter(action="site.create", target_id=str(site.id))
    assert len(events) == 1
    assert events[0].rule == "add_new_products"
    assert events[0].actor_label == world.admin.email
    assert events[0].organization_id == world.org.id
    assert events[0].after == {"name": "docs.acme.example.net"}


async def test_create_site_with_an_existing_name_is_duplicate(api: GraphQLClient) -> None:
    world = await factories.world()
    before = await counts()
    for name in (world.site.name, world.site.name.upper()):
        result = await api(
            CREATE_SITE,
            {"input": {"organizationId": gid("Organization", world.org.id), "name": name}},
            world.admin_token,
        )
        refused = payload(result, "createSite")
        assert refused["site"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("DUPLICATE", "name")]
    assert await counts() == before


async def test_create_site_needs_a_host_name(api: GraphQLClient) -> None:
    world = await factories.world()
    before = await counts()
    for name in ("not a host", "", "-acme.example.net", "acme..example.net", "acme_example.net"):
        result = await api(
            CREATE_SITE,
            {"input": {"organizationId": gid("Organization", world.org.id), "name": name}},
            world.admin_token,
        )
        refused = payload(result, "createSite")
        assert refused["site"] is None, name
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "name")]
    assert await counts() == before


async def test_create_site_is_forbidden_to_a_member_who_is_not_org_admin(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, token = await world.member()
    await world.role(user, AdminRole.SITE_ADMIN, world.site.id)
    result = await api(
        CREATE_SITE,
        {"input": {"organizationId": gid("Organization", world.org.id), "name": "x.example.net"}},
        token,
    )
    assert result.codes == ["FORBIDDEN"]
    assert rule_of(result) == "add_new_products"
    assert not await Site.exists(name="x.example.net")


async def test_create_site_in_an_organization_you_are_not_in_is_not_found(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    outsider = await factories.token(await factories.account())
    org = gid("Organization", world.org.id)
    for token in (outsider, other.admin_token):
        result = await api(
            CREATE_SITE, {"input": {"organizationId": org, "name": "x.example.net"}}, token
        )
        assert result.codes == ["NOT_FOUND"]
        assert result.empty
    assert not await Site.exists(name="x.example.net")


async def test_create_site_with_a_malformed_organization_id_is_bad_user_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    result = await api(
        CREATE_SITE,
        {"input": {"organizationId": "not-an-id!", "name": "x.example.net"}},
        world.admin_token,
    )
    assert result.codes == ["BAD_USER_INPUT"]


async def test_refused_create_site_leaves_database_and_audit_log_unchanged_r_audit_1(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    _, member_token = await world.member()
    outsider = await factories.token(await factories.account())
    org = gid("Organization", world.org.id)
    before = await counts()
    attempts: list[tuple[str, str | None, str]] = [
        (world.site.name, world.admin_token, "DUPLICATE"),
        ("bad host!", world.admin_token, "INVALID_INPUT"),
        ("member.example.net", member_token, "FORBIDDEN"),
        ("outsider.example.net", outsider, "NOT_FOUND"),
        ("anonymous.example.net", None, "UNAUTHENTICATED"),
    ]
    for name, token, code in attempts:
        result = await api(CREATE_SITE, {"input": {"organizationId": org, "name": name}}, token)
        if result.errors:
            assert result.codes == [code], result.body
        else:
            assert [e["code"] for e in result.data["createSite"]["errors"]] == [code]
    assert await counts() == before


# addProduct


async def test_add_product_creates_one_default_group_per_role_r_access_3(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    result = await api(
        ADD_PRODUCT,
        {"input": {"siteId": gid("Site", world.site.id), "productKey": "confluence"}},
        world.admin_token,
    )
    added = payload(result, "addProduct")
    assert added["errors"] == []
    instance = added["productInstance"]
    assert instance["product"] == {"key": "confluence"}
    assert instance["site"] == {"name": world.site.name}
    site = world.site.name
    by_name = {g["name"]: g for g in instance["defaultGroups"]}
    expected = {
        f"confluence-users-{site}": "USER",
        f"confluence-guests-{site}": "GUEST",
        f"confluence-admins-{site}": "PRODUCT_ADMIN",
    }
    assert set(by_name) == set(expected)
    for name, role in expected.items():
        grant = {"role": role, "productInstance": {"id": instance["id"]}}
        assert by_name[name]["productRoles"] == [grant], name
        assert by_name[name]["isDefaultFor"] == [grant], name
        assert by_name[name]["site"] is None  # CENTRALIZED: organization-level groups
    events = await AuditEvent.filter(organization_id=world.org.id, action="product.add")
    assert [e.rule for e in events] == ["add_new_products", "add_new_products"]  # jira, then this


async def test_add_product_in_original_puts_default_groups_on_the_site(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    result = await api(
        ADD_PRODUCT,
        {"input": {"siteId": gid("Site", world.site.id), "productKey": "confluence"}},
        world.admin_token,
    )
    groups = payload(result, "addProduct")["productInstance"]["defaultGroups"]
    assert len(groups) == 3
    site = {"id": gid("Site", world.site.id), "name": world.site.name}
    assert [g["site"] for g in groups] == [site, site, site]


async def test_add_product_twice_on_a_site_is_duplicate(api: GraphQLClient) -> None:
    world = await factories.world()
    before = await counts()
    result = await api(
        ADD_PRODUCT,
        {"input": {"siteId": gid("Site", world.site.id), "productKey": "jira"}},
        world.admin_token,
    )
    refused = payload(result, "addProduct")
    assert refused["productInstance"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("DUPLICATE", "productKey")]
    assert await counts() == before


async def test_add_product_with_an_unknown_product_key_is_invalid_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    before = await counts()
    for key in ("jira-work-management-2000", "", "nope"):
        result = await api(
            ADD_PRODUCT,
            {"input": {"siteId": gid("Site", world.site.id), "productKey": key}},
            world.admin_token,
        )
        refused = payload(result, "addProduct")
        assert refused["productInstance"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("INVALID_INPUT", "productKey")
        ]
    assert await counts() == before


async def test_add_product_is_forbidden_to_a_member_who_is_not_org_admin(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    _, token = await world.member()
    before = await counts()
    result = await api(
        ADD_PRODUCT,
        {"input": {"siteId": gid("Site", world.site.id), "productKey": "confluence"}},
        token,
    )
    assert result.codes == ["FORBIDDEN"]
    assert rule_of(result) == "add_new_products"
    assert await counts() == before


async def test_add_product_on_a_site_of_another_organization_is_not_found(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    result = await api(
        ADD_PRODUCT,
        {"input": {"siteId": gid("Site", other.site.id), "productKey": "confluence"}},
        world.admin_token,
    )
    assert result.codes == ["NOT_FOUND"]


# inviteUser


def invite(world: factories.World, email: str, **extra: Any) -> dict[str, Any]:
    return {"input": {"organizationId": gid("Organization", world.org.id), "email": email, **extra}}


async def test_invite_user_adds_a_new_account_to_the_organization_r_access_2(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    result = await api(
        INVITE_USER,
        invite(world, "New.Person@Example.com", displayName="New Person"),
        world.admin_token,
    )
    invited = payload(result, "inviteUser")
    assert invited["errors"] == []
    user = invited["user"]
    assert user["email"] == "new.person@example.com"
    assert user["displayName"] == "New Person"
    assert user["accountType"] == "ATLASSIAN"
    assert user["status"] == "ACTIVE"
    assert user["groups"]["edges"] == []
    listed = await users_by_email(api, world.org.id, world.admin_token)
    assert listed["new.person@example.com"]["id"] == user["id"]
    assert listed["new.person@example.com"]["status"] == "ACTIVE"
    events = await AuditEvent.filter(organization_id=world.org.id, action="user.invite")
    assert [(e.actor_label, e.rule) for e in events] == [(world.admin.email, "R-ACCESS-2")]


async def test_invite_user_with_product_access_joins_the_default_group_r_access_3(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    grant = {"productInstanceId": gid("ProductInstance", world.jira.id), "role": "USER"}
    result = await api(
        INVITE_USER, invite(world, "dev@example.com", productAccess=[grant]), world.admin_token
    )
    user = payload(result, "inviteUser")["user"]
    assert group_names(user) == {f"jira-users-{world.site.name}"}
    listed = await users_by_email(api, world.org.id, world.admin_token)
    assert group_names(listed["dev@example.com"]) == {f"jira-users-{world.site.name}"}
    joined = await AuditEvent.filter(organization_id=world.org.id, action="group.member_add")
    assert "add_remove_users_from_products" in {e.rule for e in joined}


async def test_invite_user_with_an_existing_account_adds_that_account_r_access_2(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    existing = await factories.account("known@example.com")
    accounts = await Account.all().count()
    result = await api(INVITE_USER, invite(world, "KNOWN@example.com"), world.admin_token)
    user = payload(result, "inviteUser")["user"]
    assert user["email"] == "known@example.com"
    assert user["displayName"] == existing.display_name  # the account's, not a new one
    assert await Account.all().count() == accounts
    row = await OrgUser.get(organization_id=world.org.id, account_id=existing.id)
    assert user["id"] == gid("User", row.id)


async def test_invite_user_already_in_the_organization_is_duplicate(api: GraphQLClient) -> None:
    world = await factories.world()
    before = await counts()
    result = await api(INVITE_USER, invite(world, world.admin.email), world.admin_token)
    refused = payload(result, "inviteUser")
    assert refused["user"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("DUPLICATE", "email")]
    assert await counts() == before


async def test_invite_user_with_a_bad_email_is_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    before = await counts()
    for email in ("not-an-email", "", "two@@example.com", "space in@example.com"):
        result = await api(INVITE_USER, invite(world, email), world.admin_token)
        refused = payload(result, "inviteUser")
        assert refused["user"] is None, email
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "email")]
    assert await counts() == before


async def test_invite_portal_only_customer_with_product_access_is_refused_r_access_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    grant = {"productInstanceId": gid("ProductInstance", world.jira.id), "role": "USER"}
    before = await counts()
    result = await api(
        INVITE_USER,
        invite(world, "customer@example.com", accountType="CUSTOMER", productAccess=[grant]),
        world.admin_token,
    )
    refused = payload(result, "inviteUser")
    assert refused["user"] is None
    assert [(e["code"], e["rule"]) for e in refused["errors"]] == [
        ("PORTAL_ONLY_CUSTOMER", "R-ACCESS-6")
    ]
    assert await counts() == before


async def test_invite_portal_only_customer_without_product_access_is_allowed(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    result = await api(
        INVITE_USER,
        invite(world, "customer@example.com", accountType="CUSTOMER"),
        world.admin_token,
    )
    user = payload(result, "inviteUser")["user"]
    assert user["accountType"] == "CUSTOMER"
    assert user["groups"]["edges"] == []


async def test_invite_with_product_access_in_government_cloud_is_refused_r_access_8(
    api: GraphQLClient,
) -> None:
    world = await factories.world(government_cloud=True)
    grant = {"productInstanceId": gid("ProductInstance", world.jira.id), "role": "USER"}
    before = await counts()
    result = await api(
        INVITE_USER, invite(world, "fed@example.com", productAccess=[grant]), world.admin_token
    )
    refused = payload(result, "inviteUser")
    assert refused["user"] is None
    assert [(e["code"], e["rule"]) for e in refused["errors"]] == [
        ("GROUPS_ONLY_IN_GOVERNMENT_CLOUD", "R-ACCESS-8")
    ]
    assert await counts() == before


async def test_invite_with_a_role_the_product_lacks_is_invalid_role_for_product(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    grant = {"productInstanceId": gid("ProductInstance", world.jira.id), "role": "AGENT"}
    before = await counts()
    result = await api(
        INVITE_USER, invite(world, "agent@example.com", productAccess=[grant]), world.admin_token
    )
    refused = payload(result, "inviteUser")
    assert refused["user"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID_ROLE_FOR_PRODUCT", "productAccess.0.role")
    ]
    assert await counts() == before


async def test_invite_with_a_product_instance_of_an_organization_you_cannot_see_is_not_found(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    grant = {"productInstanceId": gid("ProductInstance", other.jira.id), "role": "USER"}
    before = await counts()
    result = await api(
        INVITE_USER, invite(world, "spy@example.com", productAccess=[grant]), world.admin_token
    )
    assert result.codes == ["NOT_FOUND"]
    assert result.empty
    assert await counts() == before


async def test_invite_with_a_visible_product_instance_of_another_organization_is_invalid_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    # Globex's admin is also an org admin of Acme, so both product instances are visible.
    in_acme = await directory.invite_user(
        world.ctx, world.org, other.admin.email, None, AccountType.ATLASSIAN, []
    )
    await world.role(in_acme, AdminRole.ORG_ADMIN, world.org.id)
    grant = {"productInstanceId": gid("ProductInstance", world.jira.id), "role": "USER"}
    before = await counts()
    result = await api(
        INVITE_USER, invite(other, "mixed@example.com", productAccess=[grant]), other.admin_token
    )
    refused = payload(result, "inviteUser")
    assert refused["user"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID_INPUT", "productAccess.0.productInstanceId")
    ]
    assert await counts() == before


async def test_invite_user_is_forbidden_to_a_member_who_is_not_org_admin(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    _, token = await world.member()
    grant = {"productInstanceId": gid("ProductInstance", world.jira.id), "role": "USER"}
    before = await counts()
    for extra in ({}, {"productAccess": [grant]}):
        result = await api(INVITE_USER, invite(world, "friend@example.com", **extra), token)
        assert result.codes == ["FORBIDDEN"], extra
        assert rule_of(result) == "add_remove_users_from_products"
    assert await counts() == before


# auditLog


async def test_audit_log_is_newest_first_for_the_org_admin_r_audit_1(api: GraphQLClient) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    site = await api(
        CREATE_SITE,
        {"input": {"organizationId": org, "name": "last.example.net"}},
        world.admin_token,
    )
    site_id = payload(site, "createSite")["site"]["id"]
    log = (await api(AUDIT_LOG, {"org": org, "first": 100}, world.admin_token)).ok()
    connection = log["organization"]["auditLog"]
    events = [e["node"] for e in connection["edges"]]
    rows = await AuditEvent.filter(organization_id=world.org.id).order_by("-id")
    assert connection["totalCount"] == len(rows) == len(events)
    assert [e["id"] for e in events] == [gid("AuditEvent", r.id) for r in rows]
    assert events[0]["action"] == "site.create"
    assert events[0]["targetId"] == site_id
    assert events[0]["actor"] == {
        "kind": "ACCOUNT",
        "id": gid("Account", world.admin.id),
        "displayName": world.admin.email,
    }
    assert events[-1]["action"] == "organization.create"
    stamps = [datetime.fromisoformat(e["createdAt"]) for e in events]
    assert stamps == sorted(stamps, reverse=True)


async def test_audit_log_is_forbidden_to_a_plain_member(api: GraphQLClient) -> None:
    world = await factories.world()
    _, token = await world.member()
    result = await api(AUDIT_LOG, {"org": gid("Organization", world.org.id), "first": 5}, token)
    assert result.codes == ["FORBIDDEN"]
    assert rule_of(result) == "view_org_audit_log"
    assert result.empty
