"""createGroup, updateGroup, deleteGroup, addGroupMembers and removeGroupMembers over HTTP:
their audit events (R-AUDIT-1), their domain refusals (payload errors, nothing changed) and
their guards (FORBIDDEN with the rule). Product roles and default groups of groups:
tests/resolvers/test_group_access_mutations.py."""

import asyncio

from models.audit import AuditEvent
from models.enums import AccountType, AdminRole, Experience
from models.group import DefaultGroup, Group, GroupMembership, GroupProductRole
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
    member_ids,
    mutate,
    org_admins,
    problems,
    refusal,
    rows,
    send,
    user_id,
)

# createGroup


async def test_create_group_in_centralized_belongs_to_the_organization(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    since = await last_event_id()
    created = await mutate(
        api,
        "createGroup",
        {
            "organizationId": gid("Organization", world.org.id),
            "name": "  writers ",
            "description": "Write the docs.",
        },
        world.admin_token,
    )
    assert created["errors"] == []
    group = created["group"]
    assert (group["name"], group["description"], group["site"]) == (
        "writers",
        "Write the docs.",
        None,
    )
    assert group["protected"] is False
    assert group["members"]["totalCount"] == 0
    assert group["productRoles"] == []
    assert group["isDefaultFor"] == []
    row = await Group.get(organization_id=world.org.id, name="writers")
    assert group["id"] == group_id(row)
    (event,) = await events_after(since)
    assert (event.action, event.target_type, event.target_id) == (
        "group.create",
        "Group",
        str(row.id),
    )
    assert (event.actor_label, event.rule) == (world.admin.email, "create_or_modify_group")
    assert event.after == {"name": "writers", "description": "Write the docs.", "siteId": None}


async def test_create_group_in_original_belongs_to_its_site(api: GraphQLClient) -> None:
    world = await factories.world(Experience.ORIGINAL)
    site = gid("Site", world.site.id)
    created = await mutate(
        api,
        "createGroup",
        {"organizationId": gid("Organization", world.org.id), "siteId": site, "name": "design"},
        world.admin_token,
    )
    assert created["errors"] == []
    assert created["group"]["site"] == {"id": site}
    row = await Group.get(name="design")
    assert (row.site_id, row.scope_ref) == (world.site.id, world.site.id)


async def test_create_group_site_must_match_the_experience(api: GraphQLClient) -> None:
    centralized = await factories.world()
    original = await factories.world(Experience.ORIGINAL, name="Globex")
    # Globex's admin also runs Acme, so Acme's site is visible to them (not NOT_FOUND).
    in_acme = await directory.invite_user(
        centralized.ctx, centralized.org, original.admin.email, None, AccountType.ATLASSIAN, []
    )
    await centralized.role(in_acme, AdminRole.ORG_ADMIN, centralized.org.id)
    before = await rows()
    attempts = [
        (centralized, {"siteId": gid("Site", centralized.site.id)}),  # CENTRALIZED: no site
        (original, {}),  # ORIGINAL: a site is needed
        (original, {"siteId": gid("Site", centralized.site.id)}),  # another organization's
    ]
    for world, extra in attempts:
        org = gid("Organization", world.org.id)
        input = {"organizationId": org, "name": "team", **extra}
        refused = await mutate(api, "createGroup", input, original.admin_token)
        assert refused["group"] is None
        assert problems(refused) == [("INVALID_INPUT", "siteId", None)], extra
    assert await rows() == before


async def test_create_group_with_a_taken_name_is_duplicate_ignoring_case(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    await groups.create_group(world.ctx, world.org, None, "Writers", "")
    before = await rows()
    for name in ("Writers", "writers", " WRITERS "):
        input = {"organizationId": gid("Organization", world.org.id), "name": name}
        refused = await mutate(api, "createGroup", input, world.admin_token)
        assert refused["group"] is None
        assert problems(refused) == [("DUPLICATE", "name", None)], name
    assert await rows() == before


async def test_create_group_names_are_unique_per_site_in_original(api: GraphQLClient) -> None:
    world = await factories.world(Experience.ORIGINAL)
    other = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    await groups.create_group(world.ctx, world.org, world.site.id, "team", "")
    org = gid("Organization", world.org.id)
    input = {"organizationId": org, "siteId": gid("Site", other.id), "name": "team"}
    assert (await mutate(api, "createGroup", input, world.admin_token))["errors"] == []
    input["siteId"] = gid("Site", world.site.id)
    refused = await mutate(api, "createGroup", input, world.admin_token)
    assert problems(refused) == [("DUPLICATE", "name", None)]


async def test_create_group_named_org_admins_is_a_protected_group_r_role_15(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    before = await rows()
    for name, site in (("org-admins", None), ("Org-Admins", world.site.id)):
        input = {"organizationId": gid("Organization", world.org.id), "name": name}
        if site:
            input["siteId"] = gid("Site", site)
        refused = await mutate(api, "createGroup", input, world.admin_token)
        assert refused["group"] is None
        assert problems(refused) == [("PROTECTED_GROUP", "name", "R-ROLE-15")], name
    assert await rows() == before


async def test_create_group_with_an_empty_name_or_long_description_is_invalid_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    before = await rows()
    attempts = [
        ({"name": "  "}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": "ok", "description": "d" * 1001}, "description"),
        ({"name": "ok", "description": "bell\x07"}, "description"),
    ]
    for extra, field in attempts:
        refused = await mutate(
            api, "createGroup", {"organizationId": org, **extra}, world.admin_token
        )
        assert problems(refused) == [("INVALID_INPUT", field, None)], extra
    assert await rows() == before


async def test_create_group_is_forbidden_to_admins_without_the_feature(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    _, product_admin = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    _, site_admin = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    before = await rows()
    for token in (product_admin, site_admin):
        input = {"organizationId": gid("Organization", world.org.id), "name": "mine"}
        result = await send(api, "createGroup", input, token)
        assert refusal(result) == ("FORBIDDEN", "create_or_modify_group")
    assert await rows() == before


async def test_create_group_by_an_original_site_admin_only_on_their_site(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    other = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    org = gid("Organization", world.org.id)
    own = {"organizationId": org, "siteId": gid("Site", world.site.id), "name": "mine"}
    assert (await mutate(api, "createGroup", own, token))["errors"] == []
    theirs = {**own, "siteId": gid("Site", other.id)}
    assert refusal(await send(api, "createGroup", theirs, token)) == (
        "FORBIDDEN",
        "create_or_modify_group",
    )
    assert not await Group.exists(site_id=other.id, name="mine")


async def test_create_group_in_an_organization_you_are_not_in_is_not_found(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    input = {"organizationId": gid("Organization", world.org.id), "name": "spies"}
    assert refusal(await send(api, "createGroup", input, other.admin_token))[0] == "NOT_FOUND"
    assert not await Group.exists(name="spies")


# updateGroup


async def test_update_group_renames_and_describes_it_with_before_and_after(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "old")
    since = await last_event_id()
    input = {"groupId": group_id(group), "name": "authors", "description": "new"}
    updated = await mutate(api, "updateGroup", input, world.admin_token)
    assert updated["errors"] == []
    assert (updated["group"]["name"], updated["group"]["description"]) == ("authors", "new")
    assert (await Group.get(id=group.id)).name == "authors"
    (event,) = await events_after(since)
    assert (event.action, event.target_id, event.rule) == (
        "group.update",
        str(group.id),
        "create_or_modify_group",
    )
    assert event.actor_label == world.admin.email
    assert event.before == {"name": "writers", "description": "old"}
    assert event.after == {"name": "authors", "description": "new"}


async def test_update_group_with_nothing_new_changes_nothing_and_audits_nothing(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "same")
    before = await rows()
    for input in ({}, {"name": "writers"}, {"name": " writers ", "description": "same"}):
        updated = await mutate(
            api, "updateGroup", {"groupId": group_id(group), **input}, world.admin_token
        )
        assert updated["errors"] == []
        assert updated["group"]["name"] == "writers"
    assert await rows() == before


async def test_update_group_to_a_taken_name_is_duplicate(api: GraphQLClient) -> None:
    world = await factories.world()
    await groups.create_group(world.ctx, world.org, None, "authors", "")
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    before = await rows()
    input = {"groupId": group_id(group), "name": "Authors"}
    refused = await mutate(api, "updateGroup", input, world.admin_token)
    assert refused["group"] is None
    assert problems(refused) == [("DUPLICATE", "name", None)]
    assert await rows() == before
    # A change of case of its own name is no clash.
    input["name"] = "Writers"
    assert (await mutate(api, "updateGroup", input, world.admin_token))["group"][
        "name"
    ] == "Writers"


async def test_org_admins_cannot_be_renamed_nor_another_group_take_its_name_r_role_15(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    admins = await org_admins(world)
    writers = await groups.create_group(world.ctx, world.org, None, "writers", "")
    before = await rows()
    for group, name in ((admins, "admins"), (writers, "org-admins")):
        input = {"groupId": group_id(group), "name": name}
        refused = await mutate(api, "updateGroup", input, world.admin_token)
        assert problems(refused) == [("PROTECTED_GROUP", "name", "R-ROLE-15")]
    assert await rows() == before
    described = await mutate(
        api,
        "updateGroup",
        {"groupId": group_id(admins), "description": "Admins."},
        world.admin_token,
    )
    assert described["group"]["description"] == "Admins."  # only its name is fixed


async def test_update_group_with_an_empty_name_is_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    refused = await mutate(
        api, "updateGroup", {"groupId": group_id(group), "name": " "}, world.admin_token
    )
    assert problems(refused) == [("INVALID_INPUT", "name", None)]


async def test_update_group_is_forbidden_to_a_product_admin(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    _, token = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    before = await rows()
    result = await send(api, "updateGroup", {"groupId": group_id(group), "name": "x"}, token)
    assert refusal(result) == ("FORBIDDEN", "create_or_modify_group")
    assert await rows() == before


# deleteGroup


async def test_delete_group_removes_members_and_roles_and_audits_them(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "Docs.")
    await groups.grant_group_role(world.ctx, group, world.jira, "USER", "test")
    one, _ = await world.member()
    two, _ = await world.member()
    await groups.add_members(world.ctx, group, [two, one])
    since = await last_event_id()
    deleted = await mutate(api, "deleteGroup", {"groupId": group_id(group)}, world.admin_token)
    assert deleted == {"clientMutationId": None, "deletedGroupId": group_id(group), "errors": []}
    assert not await Group.exists(id=group.id)
    assert not await GroupMembership.exists(group_id=group.id)
    assert not await GroupProductRole.exists(group_id=group.id)
    (event,) = await events_after(since)
    assert (event.action, event.target_id, event.rule, event.actor_label) == (
        "group.delete",
        str(group.id),
        "create_or_modify_group",
        world.admin.email,
    )
    assert event.before == {
        "name": "writers",
        "description": "Docs.",
        "siteId": None,
        "memberIds": sorted([one.id, two.id]),
        "productRoles": [{"productInstanceId": world.jira.id, "role": "USER"}],
        "defaultFor": [],
    }
    assert event.after is None


async def test_org_admins_cannot_be_deleted_r_role_15(api: GraphQLClient) -> None:
    world = await factories.world()
    admins = await org_admins(world)
    before = await rows()
    refused = await mutate(api, "deleteGroup", {"groupId": group_id(admins)}, world.admin_token)
    assert refused["deletedGroupId"] is None
    assert problems(refused) == [("PROTECTED_GROUP", "groupId", "R-ROLE-15")]
    assert await rows() == before


async def test_the_last_default_group_of_a_role_cannot_be_deleted_r_access_3(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    users = await default_group(world.jira)
    before = await rows()
    refused = await mutate(api, "deleteGroup", {"groupId": group_id(users)}, world.admin_token)
    assert problems(refused) == [("INVALID_INPUT", "groupId", "R-ACCESS-3")]
    assert "only default group for USER on Jira" in refused["errors"][0]["message"]
    assert await rows() == before
    # With a second default group for that role, it may go; the other one stays.
    spare = await groups.create_group(world.ctx, world.org, None, "spare", "")
    await groups.grant_group_role(world.ctx, spare, world.jira, "USER", "test")
    await DefaultGroup.create(group=spare, product_instance=world.jira, role="USER")
    deleted = await mutate(api, "deleteGroup", {"groupId": group_id(users)}, world.admin_token)
    assert deleted["errors"] == []
    event = await AuditEvent.get(action="group.delete")
    assert event.before is not None
    assert event.before["defaultFor"] == [{"productInstanceId": world.jira.id, "role": "USER"}]
    assert [
        d.group_id
        for d in await DefaultGroup.filter(product_instance_id=world.jira.id, role="USER")
    ] == [spare.id]


async def test_delete_group_is_forbidden_to_a_product_admin(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    _, token = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    before = await rows()
    result = await send(api, "deleteGroup", {"groupId": group_id(group)}, token)
    assert refusal(result) == ("FORBIDDEN", "create_or_modify_group")
    assert await rows() == before


async def test_a_deleted_group_is_not_found_afterwards(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    input = {"groupId": group_id(group)}
    assert (await mutate(api, "deleteGroup", input, world.admin_token))["errors"] == []
    assert refusal(await send(api, "deleteGroup", input, world.admin_token))[0] == "NOT_FOUND"


# addGroupMembers


async def test_add_group_members_audits_each_new_member_and_skips_existing_ones(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    old, _ = await world.member()
    new, _ = await world.member()
    await groups.add_members(world.ctx, group, [old])
    since = await last_event_id()
    input = {"groupId": group_id(group), "userIds": [user_id(old), user_id(new), user_id(new)]}
    added = await mutate(api, "addGroupMembers", input, world.admin_token)
    assert added["errors"] == []
    assert member_ids(added["group"]) == {user_id(old), user_id(new)}
    (event,) = await events_after(since)  # the existing member and the repeat: no change
    assert (event.action, event.target_type, event.target_id) == (
        "group.member_add",
        "Group",
        str(group.id),
    )
    assert (event.actor_label, event.rule) == (world.admin.email, "add_remove_users_from_group")
    assert (event.before, event.after) == (None, {"userId": new.id})


async def test_add_group_members_reports_each_unknown_user_and_adds_none(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    ok, _ = await world.member()
    foreign, _ = await other.member()
    before = await rows()
    ids = [
        user_id(ok),
        gid("User", 999_999),  # no such user
        user_id(foreign),  # a user of another organization
        group_id(group),  # not a user id at all
    ]
    refused = await mutate(
        api, "addGroupMembers", {"groupId": group_id(group), "userIds": ids}, world.admin_token
    )
    assert refused["group"] is None
    assert problems(refused) == [
        ("INVALID_INPUT", "userIds.1", None),
        ("INVALID_INPUT", "userIds.2", None),
        ("INVALID_INPUT", "userIds.3", None),
    ]
    assert len({e["message"] for e in refused["errors"]}) == 1  # existence is not leaked
    assert await rows() == before  # all or nothing: the known user was not added either


async def test_add_group_members_with_a_malformed_id_is_bad_user_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    input = {"groupId": group_id(group), "userIds": ["not an id!"]}
    result = await send(api, "addGroupMembers", input, world.admin_token)
    assert result.codes == ["BAD_USER_INPUT"]


async def test_add_group_members_needs_one_to_a_hundred_users(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    user, _ = await world.member()
    before = await rows()
    for ids in ([], [user_id(user)] * 101):
        input = {"groupId": group_id(group), "userIds": ids}
        refused = await mutate(api, "addGroupMembers", input, world.admin_token)
        assert problems(refused) == [("INVALID_INPUT", "userIds", None)]
    assert await rows() == before


async def test_a_portal_only_customer_cannot_join_a_group_giving_product_access_r_access_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    giving = await groups.create_group(world.ctx, world.org, None, "developers", "")
    await groups.grant_group_role(world.ctx, giving, world.jira, "USER", "test")
    plain = await groups.create_group(world.ctx, world.org, None, "newsletter", "")
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    member, _ = await world.member()
    before = await rows()
    input = {"groupId": group_id(giving), "userIds": [user_id(member), user_id(customer)]}
    refused = await mutate(api, "addGroupMembers", input, world.admin_token)
    assert problems(refused) == [("PORTAL_ONLY_CUSTOMER", "userIds.1", "R-ACCESS-6")]
    assert await rows() == before
    input = {"groupId": group_id(plain), "userIds": [user_id(customer)]}
    added = await mutate(api, "addGroupMembers", input, world.admin_token)
    assert member_ids(added["group"]) == {user_id(customer)}  # a group giving nothing is fine


async def test_org_admins_membership_is_not_edited_directly_r_role_15(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    admins = await org_admins(world)
    member, _ = await world.member()
    admin_user = await GroupMembership.get(group_id=admins.id)
    before = await rows()
    for mutation, user in (
        ("addGroupMembers", member.id),
        ("removeGroupMembers", admin_user.user_id),
    ):
        input = {"groupId": group_id(admins), "userIds": [gid("User", user)]}
        refused = await mutate(api, mutation, input, world.admin_token)
        assert problems(refused) == [("PROTECTED_GROUP", "groupId", "R-ROLE-15")], mutation
        assert "assignAdminRole" in refused["errors"][0]["message"]
    assert await rows() == before


async def test_add_group_members_is_forbidden_to_a_product_admin(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    user, token = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    before = await rows()
    input = {"groupId": group_id(group), "userIds": [user_id(user)]}
    assert refusal(await send(api, "addGroupMembers", input, token)) == (
        "FORBIDDEN",
        "add_remove_users_from_group",
    )
    assert await rows() == before


async def test_a_user_access_admin_manages_only_groups_within_their_products_r_role_9(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    wiki = await confluence(world)
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, wiki.id)
    writers = await groups.create_group(world.ctx, world.org, None, "writers", "")
    await groups.grant_group_role(world.ctx, writers, wiki, "USER", "test")
    user, _ = await world.member()
    input = {"groupId": group_id(writers), "userIds": [user_id(user)]}
    assert member_ids((await mutate(api, "addGroupMembers", input, token))["group"]) == {
        user_id(user)
    }
    # The organization admin gives the group Jira too: the group target follows what it gives.
    grant = {"groupIds": [group_id(writers)], "productInstanceId": instance_id(world.jira)}
    assert (await mutate(api, "grantGroupProductAccess", grant, world.admin_token))["errors"] == []
    other, _ = await world.member()
    before = await rows()
    for mutation, ids in (
        ("addGroupMembers", [user_id(other)]),
        ("removeGroupMembers", [user_id(user)]),
    ):
        result = await send(api, mutation, {"groupId": group_id(writers), "userIds": ids}, token)
        assert refusal(result) == ("FORBIDDEN", "R-ROLE-9"), mutation
    rename = {"groupId": group_id(writers), "name": "x"}
    assert refusal(await send(api, "updateGroup", rename, token)) == ("FORBIDDEN", "R-ROLE-9")
    assert await rows() == before


async def test_an_original_site_admin_adds_only_users_they_can_see(api: GraphQLClient) -> None:
    world = await factories.world(Experience.ORIGINAL)
    other_site = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    other_jira = await organizations.add_product(world.ctx, other_site.id, "jira")
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    group = await groups.create_group(world.ctx, world.org, world.site.id, "team", "")
    here, _ = await world.member(grants=[(world.jira, "USER")])
    there, _ = await world.member(grants=[(other_jira, "USER")])
    input = {"groupId": group_id(group), "userIds": [user_id(here), user_id(there)]}
    refused = await mutate(api, "addGroupMembers", input, token)
    assert problems(refused) == [("INVALID_INPUT", "userIds.1", None)]
    input["userIds"] = [user_id(here)]
    assert member_ids((await mutate(api, "addGroupMembers", input, token))["group"]) == {
        user_id(here)
    }


# removeGroupMembers


async def test_remove_group_members_audits_each_removed_member(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    stays, _ = await world.member()
    leaves, _ = await world.member()
    outsider, _ = await world.member()
    await groups.add_members(world.ctx, group, [stays, leaves])
    since = await last_event_id()
    input = {"groupId": group_id(group), "userIds": [user_id(leaves), user_id(outsider)]}
    removed = await mutate(api, "removeGroupMembers", input, world.admin_token)
    assert removed["errors"] == []
    assert member_ids(removed["group"]) == {user_id(stays)}
    (event,) = await events_after(since)  # the non-member: no change, no event
    assert (event.action, event.target_id, event.rule) == (
        "group.member_remove",
        str(group.id),
        "add_remove_users_from_group",
    )
    assert (event.actor_label, event.before, event.after) == (
        world.admin.email,
        {"userId": leaves.id},
        None,
    )


async def test_remove_group_members_reports_unknown_users_and_removes_none(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    member, _ = await world.member()
    await groups.add_members(world.ctx, group, [member])
    before = await rows()
    input = {"groupId": group_id(group), "userIds": [user_id(member), gid("User", 999_999)]}
    refused = await mutate(api, "removeGroupMembers", input, world.admin_token)
    assert problems(refused) == [("INVALID_INPUT", "userIds.1", None)]
    assert await rows() == before


async def test_remove_group_members_is_forbidden_to_a_product_admin(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    member, _ = await world.member()
    await groups.add_members(world.ctx, group, [member])
    _, token = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    before = await rows()
    input = {"groupId": group_id(group), "userIds": [user_id(member)]}
    assert refusal(await send(api, "removeGroupMembers", input, token)) == (
        "FORBIDDEN",
        "add_remove_users_from_group",
    )
    assert await rows() == before


# Retries with a clientMutationId


async def test_a_retried_add_group_members_is_applied_once(api: GraphQLClient) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    user, _ = await world.member()
    input = {"groupId": group_id(group), "userIds": [user_id(user)], "clientMutationId": "add-1"}
    first = await mutate(api, "addGroupMembers", input, world.admin_token)
    assert first["clientMutationId"] == "add-1"
    before = await rows()
    again = await mutate(api, "addGroupMembers", input, world.admin_token)
    assert again == first
    assert await rows() == before  # no new membership, no new audit event


async def test_a_retry_racing_the_first_add_group_members_is_applied_once(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    users = [(await world.member())[0] for _ in range(3)]
    since = await last_event_id()
    input = {
        "groupId": group_id(group),
        "userIds": [user_id(u) for u in users],
        "clientMutationId": "race",
    }
    results = await asyncio.gather(
        *(send(api, "addGroupMembers", input, world.admin_token) for _ in range(3))
    )
    payloads = [r.ok()["addGroupMembers"] for r in results]
    assert all(p == payloads[0] for p in payloads), payloads
    assert payloads[0]["errors"] == []
    assert await GroupMembership.filter(group_id=group.id).count() == 3
    added = [e for e in await events_after(since) if e.action == "group.member_add"]
    assert sorted(e.after["userId"] for e in added if e.after) == sorted(u.id for u in users)


async def test_members_added_while_the_group_is_deleted_are_not_found_or_deleted_with_it(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    group = await groups.create_group(world.ctx, world.org, None, "writers", "")
    users = [(await world.member())[0] for _ in range(3)]
    adds = [
        send(
            api,
            "addGroupMembers",
            {"groupId": group_id(group), "userIds": [user_id(u)]},
            world.admin_token,
        )
        for u in users
    ]
    delete = send(api, "deleteGroup", {"groupId": group_id(group)}, world.admin_token)
    results = await asyncio.gather(*adds, delete)
    assert results[-1].ok()["deleteGroup"]["errors"] == []
    for result in results[:-1]:  # before the delete, or NOT_FOUND after it; never a crash
        if result.errors:
            assert result.codes == ["NOT_FOUND"], result.body
        else:
            assert result.data["addGroupMembers"]["errors"] == []
    assert not await GroupMembership.exists(group_id=group.id)
