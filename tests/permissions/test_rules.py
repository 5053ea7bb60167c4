"""The domain rules the engine applies beside the matrix, each cited by its id, over HTTP."""

from typing import Any

from models.credentials import ApiKey
from models.directory import OrgUser
from models.enums import AdminRole, Experience, UserStatus
from models.group import DefaultGroup, Group
from models.organization import Organization
from models.product import ProductInstance
from permissions.auth import API_KEY_KIND, new_secret
from resolvers import groups, organizations
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result

CAN = """
query ($feature: String!, $scope: ID) {
  viewer { can(feature: $feature, scopeId: $scope) { allowed rule reason } }
}
"""
INVITE = """
mutation ($org: ID!, $email: String!, $instance: ID!, $role: String!) {
  inviteUser(input: {organizationId: $org, email: $email,
                     productAccess: [{productInstanceId: $instance, role: $role}]}) {
    user { email } errors { code }
  }
}
"""


async def can(api: GraphQLClient, token: str, feature: str, scope: str | None) -> dict[str, Any]:
    answer: dict[str, Any] = (await api(CAN, {"feature": feature, "scope": scope}, token)).ok()[
        "viewer"
    ]["can"]
    return answer


def refusal(result: Result) -> tuple[str, str]:
    """(code, rule) of a top-level refusal."""
    assert result.empty, result.body
    error = result.errors[0]
    return error["extensions"]["code"], error["extensions"].get("rule")


async def holder(world: World, role: AdminRole, scope_id: int) -> tuple[OrgUser, str]:
    user, token = await world.member()
    await world.role(user, role, scope_id)
    return user, token


async def invite(api: GraphQLClient, world: World, token: str, instance: ProductInstance) -> Result:
    variables = {
        "org": gid("Organization", world.org.id),
        "email": f"new{instance.id}@example.com",
        "instance": gid("ProductInstance", instance.id),
        "role": "USER",
    }
    return await api(INVITE, variables, token)


async def access_of(api: GraphQLClient, world: World, email: str) -> set[tuple[str, str]] | None:
    """The user's product access as the organization admin reads it over the API: (product
    instance id, role) pairs; None when no such user is in the organization."""
    user = await OrgUser.get_or_none(organization_id=world.org.id, account__email=email)
    if user is None:
        return None
    query = """query ($id: ID!) { node(id: $id) { ... on User {
        productAccess { role productInstance { id } } } } }"""
    node = (await api(query, {"id": gid("User", user.id)}, world.admin_token)).ok()["node"]
    return {(a["productInstance"]["id"], a["role"]) for a in node["productAccess"]}


async def invited_with_access(
    api: GraphQLClient, world: World, token: str, instance: ProductInstance
) -> None:
    """The invitation succeeds and the new user holds exactly USER on the instance."""
    email = f"new{instance.id}@example.com"
    invited = (await invite(api, world, token, instance)).ok()["inviteUser"]
    assert invited == {"user": {"email": email}, "errors": []}
    assert await access_of(api, world, email) == {(gid("ProductInstance", instance.id), "USER")}


async def api_key(org: Organization, read_only: bool) -> str:
    credential, prefix, digest = new_secret(API_KEY_KIND)
    await ApiKey.create(
        organization=org, name="key", prefix=prefix, secret_hash=digest, read_only=read_only
    )
    return credential


async def test_a_user_access_admin_of_confluence_grants_it_and_is_refused_jira(
    api: GraphQLClient,
) -> None:  # R-ROLE-8: the role manages access to its product instances alone
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, confluence.id)
    await invited_with_access(api, world, token, confluence)
    refused = await invite(api, world, token, world.jira)
    assert refusal(refused) == ("FORBIDDEN", "add_remove_users_from_products")
    assert await access_of(api, world, f"new{world.jira.id}@example.com") is None


async def test_a_centralized_site_admin_manages_product_access_only_as_user_access_admin_r_role_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.CENTRALIZED)
    user, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    assert refusal(await invite(api, world, token, world.jira)) == ("FORBIDDEN", "R-ROLE-6")
    assert await access_of(api, world, f"new{world.jira.id}@example.com") is None
    await world.role(user, AdminRole.USER_ACCESS_ADMIN, world.jira.id)
    await invited_with_access(api, world, token, world.jira)


async def test_an_original_site_admin_manages_product_access_of_their_site(
    api: GraphQLClient,
) -> None:  # R-ROLE-12; R-ROLE-6 is CENTRALIZED only
    world = await factories.world(Experience.ORIGINAL)
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    await invited_with_access(api, world, token, world.jira)


async def test_only_organization_admins_make_organization_admins_r_role_2(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    _, site_admin = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    assert (await can(api, site_admin, "make_org_admin", org))["rule"] == "R-ROLE-2"
    assert (await can(api, world.admin_token, "make_org_admin", org))["allowed"] is True
    key = await api_key(world.org, read_only=False)  # acts as org admin, but is not a person
    answer = await can(api, key, "make_org_admin", org)
    assert (answer["allowed"], answer["rule"]) == (False, "R-ROLE-2")
    assert (await can(api, key, "make_site_admin", gid("Site", world.site.id)))["allowed"]


async def test_an_original_site_admin_makes_site_admins_of_its_own_site_r_role_5(
    served_api: GraphQLClient,
) -> None:  # the ORIGINAL matrix says SCOPED; "only organization admins" is CENTRALIZED's
    world = await factories.world(Experience.ORIGINAL)
    other = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    own = await can(served_api, token, "make_site_admin", gid("Site", world.site.id))
    assert (own["allowed"], own["rule"]) == (True, "make_site_admin")
    foreign = await can(served_api, token, "make_site_admin", gid("Site", other.id))
    assert (foreign["allowed"], foreign["rule"]) == (False, "R-ROLE-5")
    assert (await can(served_api, token, "make_trusted_user", gid("Site", world.site.id)))[
        "allowed"
    ] is True


async def test_a_centralized_site_admin_cannot_make_site_admins_r_role_5(
    served_api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.CENTRALIZED)
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    answer = await can(served_api, token, "make_site_admin", gid("Site", world.site.id))
    assert (answer["allowed"], answer["rule"]) == (False, "R-ROLE-5")


async def test_roles_an_experience_lacks_are_refused_r_role_7(api: GraphQLClient) -> None:
    centralized = await factories.world(Experience.CENTRALIZED)
    original = await factories.world(Experience.ORIGINAL, name="Globex")
    trusted = await can(
        api, centralized.admin_token, "make_trusted_user", gid("Site", centralized.site.id)
    )
    assert (trusted["allowed"], trusted["rule"]) == (False, "R-ROLE-7")
    access_admin = await can(
        api,
        original.admin_token,
        "make_user_access_admin",
        gid("ProductInstance", original.jira.id),
    )
    assert (access_admin["allowed"], access_admin["rule"]) == (False, "R-ROLE-7")


async def test_organization_admins_hold_the_product_admin_role_implicitly_r_role_4(
    api: GraphQLClient,
) -> None:  # configure_product_settings: org_admin NO, product_admin YES
    world = await factories.world()
    answer = await can(
        api, world.admin_token, "configure_product_settings", gid("ProductInstance", world.jira.id)
    )
    assert answer["allowed"] is True
    assert "product admin" in answer["reason"]


async def test_a_user_access_admin_cannot_manage_a_group_giving_other_products_r_role_9(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, confluence.id)
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    await groups.grant_group_role(world.ctx, group, confluence, "USER", "test")
    scope = gid("Group", group.id)
    assert (await can(api, token, "add_remove_users_from_group", scope))["allowed"] is True
    await groups.grant_group_role(world.ctx, group, world.jira, "USER", "test")
    for feature in ("add_remove_users_from_group", "create_or_modify_group"):
        answer = await can(api, token, feature, scope)
        assert (answer["allowed"], answer["rule"]) == (False, "R-ROLE-9")


async def test_a_shared_default_group_stops_a_user_access_admin_granting_r_role_10(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, confluence.id)
    default = await DefaultGroup.get(product_instance_id=confluence.id, role="USER")
    shared = await Group.get(id=default.group_id)
    await groups.grant_group_role(world.ctx, shared, world.jira, "USER", "test")
    scope = gid("ProductInstance", confluence.id)
    answer = await can(api, token, "add_remove_users_from_products", scope)
    assert (answer["allowed"], answer["rule"]) == (False, "R-ROLE-10")
    assert refusal(await invite(api, world, token, confluence)) == ("FORBIDDEN", "R-ROLE-10")


async def test_adding_an_app_needs_the_product_admin_role_r_role_14(api: GraphQLClient) -> None:
    world = await factories.world(Experience.ORIGINAL)
    user, token = await holder(world, AdminRole.TRUSTED_USER, world.site.id)
    scope = gid("ProductInstance", world.jira.id)
    answer = await can(api, token, "add_apps_to_products", scope)
    assert (answer["allowed"], answer["rule"]) == (False, "R-ROLE-14")
    await world.role(user, AdminRole.PRODUCT_ADMIN, world.jira.id)
    assert (await can(api, token, "add_apps_to_products", scope))["allowed"] is True


async def test_a_read_only_api_key_only_reads_r_key_1(api: GraphQLClient) -> None:
    world = await factories.world()
    key = await api_key(world.org, read_only=True)
    org = gid("Organization", world.org.id)
    assert (await can(api, key, "view_users_in_organization", org))["allowed"] is True
    answer = await can(api, key, "add_new_products", gid("Site", world.site.id))
    assert (answer["allowed"], answer["rule"]) == (False, "R-KEY-1")
    default = await can(api, key, "view_org_audit_log", None)  # the key's own organization
    assert default["allowed"] is True


async def test_suspended_members_hold_no_rights_r_access_11(api: GraphQLClient) -> None:
    world = await factories.world()
    admin = await OrgUser.get(organization_id=world.org.id, account_id=world.admin.id)
    await OrgUser.filter(id=admin.id).update(status=UserStatus.SUSPENDED)
    answer = await can(api, world.admin_token, "view_users_in_organization", None)
    assert (answer["allowed"], answer["rule"]) == (False, "R-ACCESS-11")
    result = await api(
        "query ($id: ID!) { organization(id: $id) { name } }",
        {"id": gid("Organization", world.org.id)},
        world.admin_token,
    )
    assert refusal(result) == ("FORBIDDEN", "R-ACCESS-11")


async def test_viewer_can_refuses_unknown_features_and_scopes(api: GraphQLClient) -> None:
    world = await factories.world()
    other = await factories.world(name="Other")
    unknown = await api(CAN, {"feature": "launch_rockets", "scope": None}, world.admin_token)
    assert unknown.codes == ["BAD_USER_INPUT"]
    foreign = await api(
        CAN,
        {"feature": "view_users_in_organization", "scope": gid("Site", other.site.id)},
        world.admin_token,
    )
    assert foreign.codes == ["NOT_FOUND"]  # never leak existence
    log = await api(CAN, {"feature": "view_org_audit_log", "scope": gid("AuditEvent", 1)})
    assert log.codes == ["UNAUTHENTICATED"]


async def test_a_product_admin_manages_settings_but_not_the_administration_r_role_11(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    _, token = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    instance = gid("ProductInstance", world.jira.id)
    assert (await can(api, token, "configure_product_settings", instance))["allowed"] is True
    org = gid("Organization", world.org.id)
    for feature in ("view_users_in_organization", "create_or_modify_group", "update_api_keys"):
        assert (await can(api, token, feature, org))["allowed"] is False, feature
    listed = await api(
        "query ($id: ID!) { organization(id: $id) { users(first: 5) { totalCount } } }",
        {"id": org},
        token,
    )
    assert refusal(listed) == ("FORBIDDEN", "view_users_in_organization")


async def test_access_requests_are_decided_by_the_admins_the_matrix_names_r_access_10(
    api: GraphQLClient,
) -> None:  # who approves; the requests themselves come with issue 5
    world = await factories.world(Experience.ORIGINAL)
    other_site = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    other = await organizations.add_product(world.ctx, other_site.id, "jira")
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    feature = "approve_deny_access_requests"
    own = await can(api, token, feature, gid("ProductInstance", world.jira.id))
    assert own["allowed"] is True
    foreign = await can(api, token, feature, gid("ProductInstance", other.id))
    assert (foreign["allowed"], foreign["rule"]) == (False, feature)
    _, trusted = await holder(world, AdminRole.TRUSTED_USER, world.site.id)
    assert (await can(api, trusted, feature, gid("ProductInstance", world.jira.id)))[
        "allowed"
    ] is False
