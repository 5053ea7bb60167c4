"""One user's product access over HTTP: grantProductAccess, changeProductRole,
revokeProductAccess and the ORIGINAL toggle setProductAccess (R-ACCESS-3/4/6/8/9, R-ROLE-6/10).

Direct access is membership of the product's default group for the role; domain refusals come
back in the payload's `errors`, authorization refusals as top-level FORBIDDEN with the rule."""

import asyncio
from typing import Any

from models.audit import AuditEvent
from models.directory import OrgUser
from models.enums import AccountType, AdminRole, Experience, UserStatus
from models.group import ORG_ADMINS_GROUP, DefaultGroup, Group, GroupMembership
from models.product import ProductInstance
from resolvers import groups, organizations
from tests.resolvers.test_mutations import api_key
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result

FEATURE = "add_remove_users_from_products"
PAYLOAD = "clientMutationId user { id } errors { code message field rule }"
MUTATIONS = {
    "grantProductAccess": ("GrantProductAccessInput", PAYLOAD),
    "changeProductRole": ("ChangeProductRoleInput", PAYLOAD),
    "revokeProductAccess": ("RevokeProductAccessInput", PAYLOAD + " removedFrom { id name }"),
    "setProductAccess": ("SetProductAccessInput", PAYLOAD),
}


async def mutate(
    api: GraphQLClient,
    name: str,
    token: str,
    user: OrgUser,
    instance: ProductInstance,
    **extra: Any,
) -> Result:
    input_type, fields = MUTATIONS[name]
    query = f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ {fields} }} }}"
    ids = {"userId": gid("User", user.id), "productInstanceId": gid("ProductInstance", instance.id)}
    return await api(query, {"input": {**ids, **extra}}, token)


def payload(result: Result, name: str) -> dict[str, Any]:
    data: dict[str, Any] = result.ok()[name]
    return data


def errors(result: Result, name: str) -> list[tuple[str, str | None]]:
    """(code, rule) of each payload error; the changed objects must be null."""
    data = payload(result, name)
    assert data["user"] is None, data
    return [(e["code"], e["rule"]) for e in data["errors"]]


def refusal(result: Result) -> tuple[str, str | None]:
    assert result.empty, result.body
    extensions = result.errors[0]["extensions"]
    return extensions["code"], extensions.get("rule")


async def group_names(user: OrgUser) -> set[str]:
    names = await Group.filter(memberships__user_id=user.id).values_list("name", flat=True)
    return {str(name) for name in names}


async def state() -> tuple[set[tuple[int, int]], int]:
    """Memberships and the audit log's length: what a refused mutation must leave alone."""
    memberships = await GroupMembership.all().values_list("group_id", "user_id")
    return set(memberships), await AuditEvent.all().count()


async def holder(world: World, role: AdminRole, scope_id: int) -> tuple[OrgUser, str]:
    user, token = await world.member()
    await world.role(user, role, scope_id)
    return user, token


async def group_giving(world: World, name: str, *instances: ProductInstance) -> Group:
    group = await groups.create_group(world.ctx, world.org, None, name, "")
    for instance in instances:
        await groups.grant_group_role(world.ctx, group, instance, "USER", "test")
    return group


def default_name(product: str, world: World, noun: str = "users") -> str:
    return f"{product}-{noun}-{world.site.name}"


async def events(world: World, action: str) -> list[AuditEvent]:
    return await AuditEvent.filter(organization_id=world.org.id, action=action).order_by("id")


# grantProductAccess


async def test_grant_product_access_joins_the_default_group_of_the_role_r_access_3(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    before = len(await events(world, "group.member_add"))
    granted = payload(
        await mutate(api, "grantProductAccess", world.admin_token, user, world.jira),
        "grantProductAccess",
    )
    assert granted["errors"] == []
    assert granted["user"] == {"id": gid("User", user.id)}
    assert await group_names(user) == {default_name("jira", world)}
    added = (await events(world, "group.member_add"))[before:]
    jira_users = await Group.get(name=default_name("jira", world))
    assert [(e.actor_label, e.rule, e.target_type, e.target_id) for e in added] == [
        (world.admin.email, FEATURE, "Group", str(jira_users.id))
    ]
    assert added[0].before is None
    assert added[0].after == {"userId": user.id, "productInstanceId": world.jira.id, "role": "USER"}


async def test_grant_product_access_joins_every_default_group_of_the_role_r_access_3(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    second = await groups.create_group(world.ctx, world.org, None, "more-guests", "")
    await DefaultGroup.create(group=second, product_instance=confluence, role="GUEST")
    user, _ = await world.member()
    result = await mutate(
        api, "grantProductAccess", world.admin_token, user, confluence, role="GUEST"
    )
    assert payload(result, "grantProductAccess")["errors"] == []
    assert await group_names(user) == {default_name("confluence", world, "guests"), "more-guests"}


async def test_grant_product_access_with_a_role_the_product_lacks_is_refused(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    before = await state()
    result = await mutate(
        api, "grantProductAccess", world.admin_token, user, world.jira, role="AGENT"
    )
    refused = payload(result, "grantProductAccess")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("INVALID_ROLE_FOR_PRODUCT", "role")
    ]
    assert "USER, PRODUCT_ADMIN" in refused["errors"][0]["message"]
    assert await state() == before


async def test_granting_a_product_the_user_has_says_to_change_the_role_r_access_4(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member(grants=[(world.jira, "USER")])
    before = await state()
    result = await mutate(
        api, "grantProductAccess", world.admin_token, user, world.jira, role="PRODUCT_ADMIN"
    )
    assert errors(result, "grantProductAccess") == [("ALREADY_HAS_ACCESS", "R-ACCESS-4")]
    message = payload(result, "grantProductAccess")["errors"][0]["message"]
    assert "changeProductRole" in message
    assert default_name("jira", world) in message
    assert await state() == before


async def test_granting_a_product_held_through_a_group_is_already_has_access_r_access_4(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    engineers = await group_giving(world, "engineers", world.jira)
    await groups.add_members(world.ctx, engineers, [user])
    before = await state()
    result = await mutate(api, "grantProductAccess", world.admin_token, user, world.jira)
    assert errors(result, "grantProductAccess") == [("ALREADY_HAS_ACCESS", "R-ACCESS-4")]
    message = payload(result, "grantProductAccess")["errors"][0]["message"]
    assert "engineers" in message
    assert "change the group" in message
    assert await state() == before


async def test_granting_a_portal_only_customer_is_refused_r_access_6(api: GraphQLClient) -> None:
    world = await factories.world()
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    before = await state()
    result = await mutate(api, "grantProductAccess", world.admin_token, customer, world.jira)
    assert errors(result, "grantProductAccess") == [("PORTAL_ONLY_CUSTOMER", "R-ACCESS-6")]
    assert await state() == before


async def test_granting_a_single_user_in_government_cloud_is_refused_r_access_8(
    api: GraphQLClient,
) -> None:
    world = await factories.world(government_cloud=True)
    user, _ = await world.member()
    before = await state()
    result = await mutate(api, "grantProductAccess", world.admin_token, user, world.jira)
    assert errors(result, "grantProductAccess") == [
        ("GROUPS_ONLY_IN_GOVERNMENT_CLOUD", "R-ACCESS-8")
    ]
    assert await state() == before


async def test_granting_a_role_without_a_default_group_is_invalid_input(
    api: GraphQLClient,
) -> None:  # only possible once the product's default groups were changed
    world = await factories.world()
    await DefaultGroup.filter(product_instance_id=world.jira.id, role="USER").delete()
    user, _ = await world.member()
    before = await state()
    result = await mutate(api, "grantProductAccess", world.admin_token, user, world.jira)
    refused = payload(result, "grantProductAccess")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "role")]
    assert await state() == before


async def test_a_suspended_user_can_be_granted_access_they_hold_once_restored_r_access_11(
    api: GraphQLClient,
) -> None:  # R-ACCESS-11: assignments are kept while not active, so they can be prepared
    world = await factories.world()
    user, _ = await world.member()
    await OrgUser.filter(id=user.id).update(status=UserStatus.SUSPENDED)
    result = await mutate(api, "grantProductAccess", world.admin_token, user, world.jira)
    assert payload(result, "grantProductAccess")["errors"] == []
    assert await group_names(user) == {default_name("jira", world)}


async def test_granting_to_a_user_of_another_organization_is_not_found(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    stranger, _ = await other.member()
    # Acme's admin also administers Globex: both ids are visible, but not one organization.
    in_globex = await OrgUser.create(organization=other.org, account=world.admin)
    await other.role(in_globex, AdminRole.ORG_ADMIN, other.org.id)
    before = await state()
    for token in (world.admin_token, other.admin_token):
        result = await mutate(api, "grantProductAccess", token, stranger, world.jira)
        assert result.codes == ["NOT_FOUND"], token
    outsider = await factories.token(await factories.account())
    result = await mutate(api, "grantProductAccess", outsider, stranger, other.jira)
    assert result.codes == ["NOT_FOUND"]
    assert await state() == before


async def test_a_user_access_admin_of_confluence_grants_it_and_not_jira(
    api: GraphQLClient,
) -> None:  # R-ROLE-8
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, confluence.id)
    user, _ = await world.member()
    result = await mutate(api, "grantProductAccess", token, user, confluence)
    assert payload(result, "grantProductAccess")["errors"] == []
    before = await state()
    refused = await mutate(api, "grantProductAccess", token, user, world.jira)
    assert refusal(refused) == ("FORBIDDEN", FEATURE)
    assert await state() == before


async def test_a_centralized_site_admin_may_not_grant_product_access_r_role_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.CENTRALIZED)
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    user, _ = await world.member()
    before = await state()
    result = await mutate(api, "grantProductAccess", token, user, world.jira)
    assert refusal(result) == ("FORBIDDEN", "R-ROLE-6")
    assert await state() == before


async def test_a_shared_default_group_stops_a_user_access_admin_granting_r_role_10(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, confluence.id)
    shared = await Group.get(name=default_name("confluence", world))
    await groups.grant_group_role(world.ctx, shared, world.jira, "USER", "test")
    user, _ = await world.member()
    before = await state()
    result = await mutate(api, "grantProductAccess", token, user, confluence)
    assert refusal(result) == ("FORBIDDEN", "R-ROLE-10")
    assert await state() == before


async def test_grant_product_access_is_forbidden_to_a_plain_member_and_a_read_only_key(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, member_token = await world.member()
    read_only = await api_key(world.org, read_only=True)
    before = await state()
    result = await mutate(api, "grantProductAccess", member_token, user, world.jira)
    assert refusal(result) == ("FORBIDDEN", FEATURE)
    result = await mutate(api, "grantProductAccess", read_only, user, world.jira)
    assert refusal(result) == ("FORBIDDEN", "R-KEY-1")
    assert await state() == before
    key = await api_key(world.org, name="writer")  # acts as organization admin (R-KEY-1)
    result = await mutate(api, "grantProductAccess", key, user, world.jira)
    assert payload(result, "grantProductAccess")["errors"] == []
    assert (await events(world, "group.member_add"))[-1].actor_label == "writer"


async def test_an_original_trusted_user_grants_their_sites_products_r_role_13(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    _, token = await holder(world, AdminRole.TRUSTED_USER, world.site.id)
    user, _ = await world.member()
    result = await mutate(api, "grantProductAccess", token, user, world.jira)
    assert payload(result, "grantProductAccess")["errors"] == []
    assert await group_names(user) == {default_name("jira", world)}


# changeProductRole


async def test_change_product_role_moves_direct_access_to_the_new_default_group(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member(grants=[(world.jira, "USER")])
    engineers = await group_giving(world, "engineers", world.jira)
    await groups.add_members(world.ctx, engineers, [user])
    result = await mutate(
        api, "changeProductRole", world.admin_token, user, world.jira, role="PRODUCT_ADMIN"
    )
    assert payload(result, "changeProductRole")["errors"] == []
    assert await group_names(user) == {default_name("jira", world, "admins"), "engineers"}
    users_group = await Group.get(name=default_name("jira", world))
    removed = (await events(world, "group.member_remove"))[-1]
    assert (removed.target_id, removed.rule, removed.actor_label) == (
        str(users_group.id),
        FEATURE,
        world.admin.email,
    )
    assert removed.before == {
        "userId": user.id,
        "productInstanceId": world.jira.id,
        "roles": ["USER"],
        "groupGives": [{"productInstanceId": world.jira.id, "role": "USER"}],
    }
    assert removed.after is None
    added = (await events(world, "group.member_add"))[-1]
    assert added.after == {
        "userId": user.id,
        "productInstanceId": world.jira.id,
        "role": "PRODUCT_ADMIN",
    }


async def test_change_product_role_to_the_current_role_is_already_has_access(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member(grants=[(world.jira, "USER")])
    before = await state()
    result = await mutate(
        api, "changeProductRole", world.admin_token, user, world.jira, role="USER"
    )
    assert errors(result, "changeProductRole") == [("ALREADY_HAS_ACCESS", "R-ACCESS-4")]
    assert await state() == before


async def test_change_product_role_to_a_role_the_product_lacks_is_refused(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member(grants=[(world.jira, "USER")])
    before = await state()
    result = await mutate(
        api, "changeProductRole", world.admin_token, user, world.jira, role="GUEST"
    )
    assert errors(result, "changeProductRole") == [("INVALID_ROLE_FOR_PRODUCT", None)]
    assert await state() == before


async def test_change_product_role_without_direct_access_is_no_such_access(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    before = await state()
    result = await mutate(
        api, "changeProductRole", world.admin_token, user, world.jira, role="PRODUCT_ADMIN"
    )
    assert errors(result, "changeProductRole") == [("NO_SUCH_ACCESS", None)]
    engineers = await group_giving(world, "engineers", world.jira)
    await groups.add_members(world.ctx, engineers, [user])
    before = await state()
    result = await mutate(
        api, "changeProductRole", world.admin_token, user, world.jira, role="PRODUCT_ADMIN"
    )
    assert errors(result, "changeProductRole") == [("NO_SUCH_ACCESS", None)]
    message = payload(result, "changeProductRole")["errors"][0]["message"]
    assert "engineers" in message
    assert "change the group instead" in message
    assert await state() == before


async def test_change_product_role_of_a_customer_or_in_government_cloud_is_refused(
    api: GraphQLClient,
) -> None:  # R-ACCESS-6, R-ACCESS-8: a new role for a single user is a grant
    world = await factories.world()
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    result = await mutate(
        api, "changeProductRole", world.admin_token, customer, world.jira, role="PRODUCT_ADMIN"
    )
    assert errors(result, "changeProductRole") == [("PORTAL_ONLY_CUSTOMER", "R-ACCESS-6")]
    federal = await factories.world(government_cloud=True, name="Federal")
    user, _ = await federal.member()
    default = await Group.get(name=default_name("jira", federal))
    await groups.add_members(federal.ctx, default, [user])  # groups are how access is given
    before = await state()
    result = await mutate(
        api, "changeProductRole", federal.admin_token, user, federal.jira, role="PRODUCT_ADMIN"
    )
    assert errors(result, "changeProductRole") == [
        ("GROUPS_ONLY_IN_GOVERNMENT_CLOUD", "R-ACCESS-8")
    ]
    assert await state() == before


async def test_change_product_role_is_forbidden_to_a_user_access_admin_of_another_product(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, confluence.id)
    user, _ = await world.member(grants=[(world.jira, "USER")])
    before = await state()
    result = await mutate(api, "changeProductRole", token, user, world.jira, role="PRODUCT_ADMIN")
    assert refusal(result) == ("FORBIDDEN", FEATURE)
    assert await state() == before


# revokeProductAccess


async def test_revoke_product_access_leaves_every_group_giving_the_product(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    user, _ = await world.member(grants=[(world.jira, "USER"), (confluence, "USER")])
    engineers = await group_giving(world, "engineers", world.jira, confluence)
    await groups.add_members(world.ctx, engineers, [user])
    result = await mutate(api, "revokeProductAccess", world.admin_token, user, world.jira)
    revoked = payload(result, "revokeProductAccess")
    assert revoked["errors"] == []
    jira_users = await Group.get(name=default_name("jira", world))
    assert revoked["removedFrom"] == [
        {"id": gid("Group", jira_users.id), "name": jira_users.name},
        {"id": gid("Group", engineers.id), "name": "engineers"},
    ]
    assert await group_names(user) == {default_name("confluence", world)}
    removed = await events(world, "group.member_remove")
    assert [(e.target_id, e.rule, e.actor_label) for e in removed] == [
        (str(jira_users.id), FEATURE, world.admin.email),
        (str(engineers.id), FEATURE, world.admin.email),
    ]
    # The audit says that leaving engineers also took Confluence away.
    assert removed[1].before == {
        "userId": user.id,
        "productInstanceId": world.jira.id,
        "roles": ["USER"],
        "groupGives": [
            {"productInstanceId": world.jira.id, "role": "USER"},
            {"productInstanceId": confluence.id, "role": "USER"},
        ],
    }


async def test_revoke_product_access_without_access_is_no_such_access(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    before = await state()
    result = await mutate(api, "revokeProductAccess", world.admin_token, user, world.jira)
    assert errors(result, "revokeProductAccess") == [("NO_SUCH_ACCESS", None)]
    assert payload(result, "revokeProductAccess")["removedFrom"] is None
    assert await state() == before


async def test_revoke_product_access_never_removes_an_org_admins_membership_r_role_4(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    admins = await Group.get(organization_id=world.org.id, name=ORG_ADMINS_GROUP)
    await groups.grant_group_role(world.ctx, admins, world.jira, "USER", "test")
    admin = await OrgUser.get(organization_id=world.org.id, account_id=world.admin.id)
    before = await state()
    result = await mutate(api, "revokeProductAccess", world.admin_token, admin, world.jira)
    assert errors(result, "revokeProductAccess") == [("PROTECTED_GROUP", "R-ROLE-4")]
    assert "revokeAdminRole" in payload(result, "revokeProductAccess")["errors"][0]["message"]
    assert await state() == before


async def test_a_user_access_admin_may_not_revoke_through_a_group_giving_other_products(
    api: GraphQLClient,
) -> None:  # R-ROLE-9/10: leaving the group would also take Jira away
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, confluence.id)
    user, _ = await world.member(grants=[(confluence, "USER")])
    both = await group_giving(world, "both", world.jira, confluence)
    await groups.add_members(world.ctx, both, [user])
    before = await state()
    result = await mutate(api, "revokeProductAccess", token, user, confluence)
    assert refusal(result) == ("FORBIDDEN", "R-ROLE-10")
    assert await state() == before
    await GroupMembership.filter(group_id=both.id, user_id=user.id).delete()
    result = await mutate(api, "revokeProductAccess", token, user, confluence)
    assert payload(result, "revokeProductAccess")["errors"] == []
    assert await group_names(user) == set()


async def test_revoke_product_access_is_forbidden_to_a_plain_member(api: GraphQLClient) -> None:
    world = await factories.world()
    user, token = await world.member(grants=[(world.jira, "USER")])
    before = await state()
    result = await mutate(api, "revokeProductAccess", token, user, world.jira)
    assert refusal(result) == ("FORBIDDEN", FEATURE)
    assert await state() == before


async def test_a_retried_revocation_returns_the_first_result(api: GraphQLClient) -> None:
    world = await factories.world()
    user, _ = await world.member(grants=[(world.jira, "USER")])
    first = payload(
        await mutate(
            api, "revokeProductAccess", world.admin_token, user, world.jira, clientMutationId="r1"
        ),
        "revokeProductAccess",
    )
    logged = await AuditEvent.all().count()
    again = payload(
        await mutate(
            api, "revokeProductAccess", world.admin_token, user, world.jira, clientMutationId="r1"
        ),
        "revokeProductAccess",
    )
    assert again == first  # not NO_SUCH_ACCESS: the retry gets the first answer
    assert [g["name"] for g in first["removedFrom"]] == [default_name("jira", world)]
    assert await AuditEvent.all().count() == logged


# setProductAccess, the ORIGINAL toggle (R-ACCESS-9)


async def test_the_toggle_switches_a_product_on_and_off_for_an_original_site_admin_r_access_9(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    user, _ = await world.member()
    on = await mutate(api, "setProductAccess", token, user, world.jira, enabled=True)
    assert payload(on, "setProductAccess")["errors"] == []
    assert await group_names(user) == {default_name("jira", world)}
    added = (await events(world, "group.member_add"))[-1]
    assert (added.rule, added.after) == (
        FEATURE,
        {"userId": user.id, "productInstanceId": world.jira.id, "role": "USER"},
    )
    off = await mutate(api, "setProductAccess", token, user, world.jira, enabled=False)
    assert payload(off, "setProductAccess")["errors"] == []
    assert await group_names(user) == set()
    assert len(await events(world, "group.member_remove")) == 1


async def test_the_toggle_is_idempotent_both_ways(api: GraphQLClient) -> None:
    world = await factories.world()
    user, _ = await world.member()
    engineers = await group_giving(world, "engineers", world.jira)
    await groups.add_members(world.ctx, engineers, [user])
    before = await state()
    on = await mutate(api, "setProductAccess", world.admin_token, user, world.jira, enabled=True)
    assert payload(on, "setProductAccess")["errors"] == []  # already on, through a group
    assert await state() == before
    stranger, _ = await world.member()
    before = await state()
    off = await mutate(
        api, "setProductAccess", world.admin_token, stranger, world.jira, enabled=False
    )
    assert payload(off, "setProductAccess")["errors"] == []  # already off
    assert await state() == before


async def test_the_toggle_keeps_the_grant_and_revoke_refusals(api: GraphQLClient) -> None:
    world = await factories.world()
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    before = await state()
    result = await mutate(
        api, "setProductAccess", world.admin_token, customer, world.jira, enabled=True
    )
    assert errors(result, "setProductAccess") == [("PORTAL_ONLY_CUSTOMER", "R-ACCESS-6")]
    assert await state() == before
    admins = await Group.get(organization_id=world.org.id, name=ORG_ADMINS_GROUP)
    await groups.grant_group_role(world.ctx, admins, world.jira, "USER", "test")
    admin = await OrgUser.get(organization_id=world.org.id, account_id=world.admin.id)
    before = await state()
    result = await mutate(
        api, "setProductAccess", world.admin_token, admin, world.jira, enabled=False
    )
    assert errors(result, "setProductAccess") == [("PROTECTED_GROUP", "R-ROLE-4")]
    assert await state() == before
    federal = await factories.world(government_cloud=True, name="Federal")
    user, _ = await federal.member()
    before = await state()
    result = await mutate(
        api, "setProductAccess", federal.admin_token, user, federal.jira, enabled=True
    )
    assert errors(result, "setProductAccess") == [("GROUPS_ONLY_IN_GOVERNMENT_CLOUD", "R-ACCESS-8")]
    assert await state() == before


async def test_the_toggle_is_forbidden_to_a_member_without_an_admin_role(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    user, token = await world.member()
    before = await state()
    for enabled in (True, False):
        result = await mutate(api, "setProductAccess", token, user, world.jira, enabled=enabled)
        assert refusal(result) == ("FORBIDDEN", FEATURE)
    assert await state() == before


async def test_concurrent_grants_give_one_membership(api: GraphQLClient) -> None:
    world = await factories.world()
    user, _ = await world.member()
    added = len(await events(world, "group.member_add"))
    results = await asyncio.gather(
        *(mutate(api, "grantProductAccess", world.admin_token, user, world.jira) for _ in range(4))
    )
    for result in results:  # each succeeds or is told the user has it; none fails
        codes = {e["code"] for e in payload(result, "grantProductAccess")["errors"]}
        assert codes <= {"ALREADY_HAS_ACCESS"}, result.body
    assert await group_names(user) == {default_name("jira", world)}
    assert len(await events(world, "group.member_add")) == added + 1
