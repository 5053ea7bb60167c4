"""grantGroupProductAccess, revokeGroupProductAccess and setDefaultGroup over HTTP: product
roles of groups (R-ACCESS-1/4/5/6) and default groups (R-ACCESS-3, R-ROLE-15)."""

import asyncio

from models.enums import AccountType, AdminRole, Experience
from models.group import DefaultGroup, GroupMembership, GroupProductRole
from resolvers import directory, groups, organizations
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient
from tests.support.group_api import (
    confluence,
    default_group,
    events_after,
    group_id,
    holder,
    instance_id,
    last_event_id,
    mutate,
    org_admins,
    problems,
    refusal,
    roles_of,
    rows,
    send,
)

# grantGroupProductAccess


async def test_grant_gives_several_groups_several_roles_in_one_operation_r_access_5(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    wiki = await confluence(world)
    writers = await groups.create_group(world.ctx, world.org, None, "writers", "")
    readers = await groups.create_group(world.ctx, world.org, None, "readers", "")
    since = await last_event_id()
    input = {
        "groupIds": [group_id(writers), group_id(readers)],
        "productInstanceId": instance_id(wiki),
        "roles": ["USER", "PRODUCT_ADMIN"],
    }
    granted = await mutate(api, "grantGroupProductAccess", input, world.admin_token)
    assert granted["errors"] == []
    assert [g["id"] for g in granted["groups"]] == input["groupIds"]
    wiki_id = instance_id(wiki)
    for group in granted["groups"]:
        assert roles_of(group) == {(wiki_id, "USER"), (wiki_id, "PRODUCT_ADMIN")}
    events = await events_after(since)
    assert [(e.action, e.target_id, e.after) for e in events] == [
        ("group.product_role_grant", str(group.id), {"productInstanceId": wiki.id, "role": role})
        for group in (writers, readers)
        for role in ("USER", "PRODUCT_ADMIN")
    ]
    assert {(e.actor_label, e.rule) for e in events} == {
        (world.admin.email, "add_remove_users_from_products")
    }


async def test_grant_defaults_to_the_user_role(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    input = {"groupIds": [group_id(group)], "productInstanceId": instance_id(world.jira)}
    granted = await mutate(api, "grantGroupProductAccess", input, world.admin_token)
    assert roles_of(granted["groups"][0]) == {(instance_id(world.jira), "USER")}


async def test_grant_a_role_the_product_lacks_is_invalid_role_for_product(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    before = await rows()
    input = {
        "groupIds": [group_id(group)],
        "productInstanceId": instance_id(world.jira),
        "roles": ["USER", "AGENT", "GUEST"],
    }
    refused = await mutate(api, "grantGroupProductAccess", input, world.admin_token)
    assert refused["groups"] is None
    assert problems(refused) == [
        ("INVALID_ROLE_FOR_PRODUCT", "roles.1", None),
        ("INVALID_ROLE_FOR_PRODUCT", "roles.2", None),
    ]
    assert await rows() == before


async def test_grant_a_role_a_group_already_holds_is_already_has_access_r_access_4(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    fresh = await groups.create_group(world.ctx, world.org, None, "fresh", "")
    holding = await groups.create_group(world.ctx, world.org, None, "holding", "")
    await groups.grant_group_role(world.ctx, holding, world.jira, "USER", "test")
    before = await rows()
    input = {
        "groupIds": [group_id(fresh), group_id(holding)],
        "productInstanceId": instance_id(world.jira),
        "roles": ["PRODUCT_ADMIN", "USER"],
    }
    refused = await mutate(api, "grantGroupProductAccess", input, world.admin_token)
    assert problems(refused) == [("ALREADY_HAS_ACCESS", "groupIds.1", "R-ACCESS-4")]
    assert "change its role" in refused["errors"][0]["message"]
    assert await rows() == before  # not even the fresh group got anything


async def test_grant_to_a_group_with_a_portal_only_customer_is_refused_r_access_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "mixed", "")
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    await groups.add_members(world.ctx, group, [customer])
    before = await rows()
    input = {"groupIds": [group_id(group)], "productInstanceId": instance_id(world.jira)}
    refused = await mutate(api, "grantGroupProductAccess", input, world.admin_token)
    assert problems(refused) == [("PORTAL_ONLY_CUSTOMER", "groupIds.0", "R-ACCESS-6")]
    assert await rows() == before


async def test_grant_in_original_needs_a_group_of_the_products_site(api: GraphQLClient) -> None:
    world = await factories.world(Experience.ORIGINAL)
    other = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    here = await groups.create_group(world.ctx, world.org, world.site.id, "here", "")
    there = await groups.create_group(world.ctx, world.org, other.id, "there", "")
    before = await rows()
    input = {
        "groupIds": [group_id(here), group_id(there)],
        "productInstanceId": instance_id(world.jira),
    }
    refused = await mutate(api, "grantGroupProductAccess", input, world.admin_token)
    assert problems(refused) == [("INVALID_INPUT", "groupIds.1", None)]
    assert await rows() == before


async def test_grant_with_a_group_of_another_organization_is_invalid_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    # Acme's admin also runs Globex, so both groups are visible to them.
    in_globex = await directory.invite_user(
        other.ctx, other.org, world.admin.email, None, AccountType.ATLASSIAN, []
    )
    await other.role(in_globex, AdminRole.ORG_ADMIN, other.org.id)
    theirs = await groups.create_group(other.ctx, other.org, None, "theirs", "")
    before = await rows()
    input = {"groupIds": [group_id(theirs)], "productInstanceId": instance_id(world.jira)}
    refused = await mutate(api, "grantGroupProductAccess", input, world.admin_token)
    assert problems(refused) == [("INVALID_INPUT", "groupIds.0", None)]
    assert await rows() == before


async def test_grant_decides_on_the_product_and_on_each_group(api: GraphQLClient) -> None:
    world = await factories.world()
    wiki = await confluence(world)
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, wiki.id)
    _, site_admin = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    plain = await groups.create_group(world.ctx, world.org, None, "plain", "")
    with_jira = await groups.create_group(world.ctx, world.org, None, "with-jira", "")
    await groups.grant_group_role(world.ctx, with_jira, world.jira, "USER", "test")
    before = await rows()
    attempts = [
        (token, plain, world.jira, "add_remove_users_from_products"),  # not their product
        (token, with_jira, wiki, "R-ROLE-9"),  # the group gives Jira, which they don't run
        (site_admin, plain, world.jira, "R-ROLE-6"),  # CENTRALIZED site admins don't
    ]
    for who, group, instance, rule in attempts:
        input = {"groupIds": [group_id(group)], "productInstanceId": instance_id(instance)}
        result = await send(api, "grantGroupProductAccess", input, who)
        assert refusal(result) == ("FORBIDDEN", rule), rule
    assert await rows() == before
    input = {"groupIds": [group_id(plain)], "productInstanceId": instance_id(wiki)}
    assert (await mutate(api, "grantGroupProductAccess", input, token))["errors"] == []


async def test_grant_with_a_group_you_cannot_see_is_not_found(api: GraphQLClient) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    theirs = await groups.create_group(other.ctx, other.org, None, "theirs", "")
    input = {"groupIds": [group_id(theirs)], "productInstanceId": instance_id(world.jira)}
    result = await send(api, "grantGroupProductAccess", input, world.admin_token)
    assert refusal(result)[0] == "NOT_FOUND"
    assert not await GroupProductRole.exists(group_id=theirs.id, product_instance_id=world.jira.id)


# revokeGroupProductAccess


async def test_revoke_removes_the_named_roles_and_audits_each(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    for role in ("USER", "PRODUCT_ADMIN"):
        await groups.grant_group_role(world.ctx, group, world.jira, role, "test")
    since = await last_event_id()
    input = {
        "groupIds": [group_id(group)],
        "productInstanceId": instance_id(world.jira),
        "roles": ["PRODUCT_ADMIN"],
    }
    revoked = await mutate(api, "revokeGroupProductAccess", input, world.admin_token)
    assert revoked["errors"] == []
    assert roles_of(revoked["groups"][0]) == {(instance_id(world.jira), "USER")}
    (event,) = await events_after(since)
    assert (event.action, event.target_id, event.rule, event.actor_label) == (
        "group.product_role_revoke",
        str(group.id),
        "add_remove_users_from_products",
        world.admin.email,
    )
    assert event.before == {"productInstanceId": world.jira.id, "role": "PRODUCT_ADMIN"}
    assert event.after is None


async def test_revoke_without_roles_removes_every_role_on_that_product(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    wiki = await confluence(world)
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    for instance, role in ((world.jira, "USER"), (world.jira, "PRODUCT_ADMIN"), (wiki, "USER")):
        await groups.grant_group_role(world.ctx, group, instance, role, "test")
    input = {"groupIds": [group_id(group)], "productInstanceId": instance_id(world.jira)}
    revoked = await mutate(api, "revokeGroupProductAccess", input, world.admin_token)
    assert roles_of(revoked["groups"][0]) == {(instance_id(wiki), "USER")}


async def test_revoke_from_a_group_holding_none_of_the_roles_is_no_such_access(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    holding = await groups.create_group(world.ctx, world.org, None, "holding", "")
    await groups.grant_group_role(world.ctx, holding, world.jira, "USER", "test")
    empty = await groups.create_group(world.ctx, world.org, None, "empty", "")
    before = await rows()
    for roles in (None, ["USER"]):
        input = {
            "groupIds": [group_id(holding), group_id(empty)],
            "productInstanceId": instance_id(world.jira),
            "roles": roles,
        }
        refused = await mutate(api, "revokeGroupProductAccess", input, world.admin_token)
        assert problems(refused) == [("NO_SUCH_ACCESS", "groupIds.1", None)], roles
    input = {
        "groupIds": [group_id(holding)],
        "productInstanceId": instance_id(world.jira),
        "roles": ["PRODUCT_ADMIN"],
    }
    refused = await mutate(api, "revokeGroupProductAccess", input, world.admin_token)
    assert problems(refused) == [("NO_SUCH_ACCESS", "groupIds.0", None)]
    assert await rows() == before


async def test_revoke_a_role_the_product_lacks_is_invalid_role_for_product(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    await groups.grant_group_role(world.ctx, group, world.jira, "USER", "test")
    before = await rows()
    input = {
        "groupIds": [group_id(group)],
        "productInstanceId": instance_id(world.jira),
        "roles": ["USER", "AGENT"],
    }
    refused = await mutate(api, "revokeGroupProductAccess", input, world.admin_token)
    assert problems(refused) == [("INVALID_ROLE_FOR_PRODUCT", "roles.1", None)]
    assert await rows() == before


async def test_a_default_group_keeps_its_default_role_r_access_3(api: GraphQLClient) -> None:
    world = await factories.world()
    users = await default_group(world.jira)
    before = await rows()
    for roles in (None, ["USER"]):
        input = {
            "groupIds": [group_id(users)],
            "productInstanceId": instance_id(world.jira),
            "roles": roles,
        }
        refused = await mutate(api, "revokeGroupProductAccess", input, world.admin_token)
        assert problems(refused) == [("INVALID_INPUT", "groupIds.0", "R-ACCESS-3")], roles
        assert "setDefaultGroup" in refused["errors"][0]["message"]
    assert await rows() == before


async def test_revoke_is_forbidden_to_a_user_access_admin_of_another_product(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    wiki = await confluence(world)
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, wiki.id)
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    await groups.grant_group_role(world.ctx, group, world.jira, "USER", "test")
    before = await rows()
    input = {"groupIds": [group_id(group)], "productInstanceId": instance_id(world.jira)}
    result = await send(api, "revokeGroupProductAccess", input, token)
    assert refusal(result) == ("FORBIDDEN", "add_remove_users_from_products")
    assert await rows() == before


# setDefaultGroup


async def test_set_default_group_gives_the_role_and_new_users_join_it_r_access_3(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "everyone", "")
    since = await last_event_id()
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": group_id(group),
        "enabled": True,
    }
    made = await mutate(api, "setDefaultGroup", input, world.admin_token)
    assert made["errors"] == []
    defaults = {g["id"] for g in made["productInstance"]["defaultGroups"]}
    assert group_id(group) in defaults
    grant, default = await events_after(since)
    assert (grant.action, grant.target_type, grant.target_id, grant.rule) == (
        "group.product_role_grant",
        "Group",
        str(group.id),
        "configure_default_groups",
    )
    assert grant.after == {"productInstanceId": world.jira.id, "role": "USER"}
    assert (default.action, default.target_type, default.target_id, default.rule) == (
        "product.default_group_add",
        "ProductInstance",
        str(world.jira.id),
        "configure_default_groups",
    )
    assert (default.actor_label, default.after) == (
        world.admin.email,
        {"groupId": group.id, "role": "USER"},
    )
    user, _ = await world.member(grants=[(world.jira, "USER")])
    assert await GroupMembership.exists(group_id=group.id, user_id=user.id)


async def test_set_default_group_twice_is_no_change(api: GraphQLClient) -> None:
    world = await factories.world()
    users = await default_group(world.jira)
    before = await rows()
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": group_id(users),
        "enabled": True,
    }
    assert (await mutate(api, "setDefaultGroup", input, world.admin_token))["errors"] == []
    assert await rows() == before


async def test_unset_default_group_keeps_its_role_and_audits_it(api: GraphQLClient) -> None:
    world = await factories.world()
    spare = await groups.create_group(world.ctx, world.org, None, "spare", "")
    await groups.grant_group_role(world.ctx, spare, world.jira, "USER", "test")
    await DefaultGroup.create(group=spare, product_instance=world.jira, role="USER")
    since = await last_event_id()
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": group_id(spare),
        "enabled": False,
    }
    unset = await mutate(api, "setDefaultGroup", input, world.admin_token)
    assert unset["errors"] == []
    assert group_id(spare) not in {g["id"] for g in unset["productInstance"]["defaultGroups"]}
    assert await GroupProductRole.exists(group_id=spare.id, product_instance_id=world.jira.id)
    (event,) = await events_after(since)
    assert (event.action, event.target_id, event.rule) == (
        "product.default_group_remove",
        str(world.jira.id),
        "configure_default_groups",
    )
    assert (event.before, event.after) == ({"groupId": spare.id, "role": "USER"}, None)
    again = await mutate(api, "setDefaultGroup", input, world.admin_token)
    assert again["errors"] == []  # not a default group any more: no change
    assert await events_after(since) == [event]


async def test_the_last_default_group_of_a_role_stays_r_access_3(api: GraphQLClient) -> None:
    world = await factories.world()
    admins = await default_group(world.jira, "PRODUCT_ADMIN")
    before = await rows()
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": group_id(admins),
        "role": "PRODUCT_ADMIN",
        "enabled": False,
    }
    refused = await mutate(api, "setDefaultGroup", input, world.admin_token)
    assert refused["productInstance"] is None
    assert problems(refused) == [("INVALID_INPUT", "groupId", "R-ACCESS-3")]
    assert await rows() == before


async def test_org_admins_can_never_be_a_default_group_r_role_15(api: GraphQLClient) -> None:
    for experience in (Experience.CENTRALIZED, Experience.ORIGINAL):
        world = await factories.world(experience, name=experience.lower())
        admins = await org_admins(world)
        before = await rows()
        input = {
            "productInstanceId": instance_id(world.jira),
            "groupId": group_id(admins),
            "enabled": True,
        }
        refused = await mutate(api, "setDefaultGroup", input, world.admin_token)
        assert problems(refused) == [("PROTECTED_GROUP", "groupId", "R-ROLE-15")], experience
        assert await rows() == before


async def test_set_default_group_with_a_role_the_product_lacks_is_invalid_role_for_product(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "agents", "")
    before = await rows()
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": group_id(group),
        "role": "AGENT",
        "enabled": True,
    }
    refused = await mutate(api, "setDefaultGroup", input, world.admin_token)
    assert problems(refused) == [("INVALID_ROLE_FOR_PRODUCT", "role", None)]
    assert await rows() == before


async def test_a_group_with_a_portal_only_customer_cannot_become_a_default_r_access_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "mixed", "")
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    await groups.add_members(world.ctx, group, [customer])
    before = await rows()
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": group_id(group),
        "enabled": True,
    }
    refused = await mutate(api, "setDefaultGroup", input, world.admin_token)
    assert problems(refused) == [("PORTAL_ONLY_CUSTOMER", "groupId", "R-ACCESS-6")]
    assert await rows() == before


async def test_set_default_group_in_original_needs_a_group_of_the_products_site(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    other = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    there = await groups.create_group(world.ctx, world.org, other.id, "there", "")
    before = await rows()
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": group_id(there),
        "enabled": True,
    }
    refused = await mutate(api, "setDefaultGroup", input, world.admin_token)
    assert problems(refused) == [("INVALID_INPUT", "groupId", None)]
    assert await rows() == before


async def test_set_default_group_is_forbidden_to_a_user_access_admin(api: GraphQLClient) -> None:
    world = await factories.world()
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, world.jira.id)
    group = await groups.create_group(world.ctx, world.org, None, "everyone", "")
    before = await rows()
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": group_id(group),
        "enabled": True,
    }
    result = await send(api, "setDefaultGroup", input, token)
    assert refusal(result) == ("FORBIDDEN", "configure_default_groups")
    assert await rows() == before


async def test_set_default_group_with_a_group_you_cannot_see_is_not_found(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    theirs = await groups.create_group(other.ctx, other.org, None, "theirs", "")
    input = {
        "productInstanceId": instance_id(world.jira),
        "groupId": gid("Group", theirs.id),
        "enabled": True,
    }
    result = await send(api, "setDefaultGroup", input, world.admin_token)
    assert refusal(result)[0] == "NOT_FOUND"
    assert not await DefaultGroup.exists(group_id=theirs.id)


async def test_racing_unsets_leave_one_default_group_r_access_3(api: GraphQLClient) -> None:
    """Three default groups of a role, three concurrent requests to unset them: two win."""
    world = await factories.world()
    three = [await default_group(world.jira)]
    for name in ("spare-1", "spare-2"):
        spare = await groups.create_group(world.ctx, world.org, None, name, "")
        await groups.grant_group_role(world.ctx, spare, world.jira, "USER", "test")
        three.append(spare)
    for _ in range(3):  # a few rounds, as interleavings vary from run to run
        for group in three:
            await DefaultGroup.get_or_create(group=group, product_instance=world.jira, role="USER")
        inputs = [
            {"productInstanceId": instance_id(world.jira), "groupId": group_id(g), "enabled": False}
            for g in three
        ]
        results = await asyncio.gather(
            *(send(api, "setDefaultGroup", input, world.admin_token) for input in inputs)
        )
        outcomes = sorted(
            tuple(e["code"] for e in r.ok()["setDefaultGroup"]["errors"]) for r in results
        )
        assert outcomes == [(), (), ("INVALID_INPUT",)]
        left = DefaultGroup.filter(product_instance_id=world.jira.id, role="USER")
        assert await left.count() == 1
