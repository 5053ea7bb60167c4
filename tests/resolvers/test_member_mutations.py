"""suspendUser, restoreUser and removeUserFromOrganization over HTTP: the feature picked from
the user's account type, R-ACCESS-11 (suspended users keep their assignments and hold no
rights), and the last active organization admin, also under concurrent requests (R-ROLE-3)."""

from typing import Any

import pytest

from models.admin_role import RoleAssignment
from models.directory import Account, OrgUser
from models.enums import AccountType, AdminRole, Experience, UserStatus
from models.group import GroupMembership
from resolvers import directory, groups
from tests.resolvers.test_admin_role_mutations import (
    founder,
    holder,
    mutation_text,
    org_admin_ids,
    requested_events,
    state,
)
from tests.resolvers.test_mutations import CREATE_SITE, payload, rule_of
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result
from tests.support.last_admin_race import TakeOut, keeps_an_admin_r_role_3, one_applied, race

USER_PAYLOAD = """
user { id status adminRoles { role } groups(first: 20) { edges { node { name } } } }
errors { code message field rule }
"""
SUSPEND = mutation_text("suspendUser", USER_PAYLOAD)
RESTORE = mutation_text("restoreUser", USER_PAYLOAD)
REMOVE = mutation_text(
    "removeUserFromOrganization", "removedUserId errors { code message field rule }"
)
MUTATIONS = {"suspend": (SUSPEND, "suspendUser"), "remove": (REMOVE, "removeUserFromOrganization")}


def member_input(world: World, user: OrgUser, **extra: Any) -> dict[str, Any]:
    ids = {"organizationId": gid("Organization", world.org.id), "userId": gid("User", user.id)}
    return {"input": {**ids, **extra}}


def errors(result: Result, mutation: str) -> list[tuple[str, str | None, str | None]]:
    data = payload(result, mutation)
    return [(e["code"], e["field"], e["rule"]) for e in data["errors"]]


def forbidden(result: Result) -> str | None:
    assert result.codes == ["FORBIDDEN"], result.body
    return rule_of(result)


async def status_of(user: OrgUser) -> UserStatus:
    return (await OrgUser.get(id=user.id)).status


async def site_group_member(world: World, kind: AccountType) -> tuple[OrgUser, str]:
    """A user of the (ORIGINAL) site: a member of one of its groups, without product roles."""
    user, token = await world.member(kind=kind)
    group = await groups.create_group(world.ctx, world.org, world.site.id, f"team-{user.id}", "")
    await groups.add_members(world.ctx, group, [user])
    return user, token


# suspendUser


async def test_suspend_user_keeps_groups_and_roles_and_is_audited_r_access_11(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member(grants=[(world.jira, "USER")])
    await world.role(user, AdminRole.SITE_ADMIN, world.site.id)
    result = await api(SUSPEND, member_input(world, user), world.admin_token)
    done = payload(result, "suspendUser")
    assert done["errors"] == []
    assert done["user"]["status"] == "SUSPENDED"
    assert done["user"]["adminRoles"] == [{"role": "SITE_ADMIN"}]
    jira_users = f"jira-users-{world.site.name}"
    assert done["user"]["groups"]["edges"] == [{"node": {"name": jira_users}}]
    assert await status_of(user) is UserStatus.SUSPENDED
    events = await requested_events(world)
    assert [(e.action, e.actor_label, e.rule, e.target_id) for e in events] == [
        ("user.suspend", world.admin.email, "update_managed_accounts", str(user.id))
    ]
    assert (events[0].before, events[0].after) == ({"status": "ACTIVE"}, {"status": "SUSPENDED"})


async def test_suspend_and_restore_a_portal_only_customer_use_manage_portal_only_accounts(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    for mutation, name in ((SUSPEND, "suspendUser"), (RESTORE, "restoreUser")):
        result = await api(mutation, member_input(world, customer), world.admin_token)
        assert payload(result, name)["errors"] == []
    events = await requested_events(world)
    assert [(e.action, e.rule) for e in events] == [
        ("user.suspend", "manage_portal_only_accounts"),
        ("user.restore", "manage_portal_only_accounts"),
    ]


async def test_the_guard_picks_the_feature_from_the_users_account_type(
    api: GraphQLClient,
) -> None:  # ORIGINAL site admin: manage_portal_only_accounts SCOPED, update_managed_accounts NO
    world = await factories.world(Experience.ORIGINAL)
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    customer, _ = await site_group_member(world, AccountType.CUSTOMER)
    licensed, _ = await site_group_member(world, AccountType.ATLASSIAN)
    result = await api(SUSPEND, member_input(world, customer), token)
    assert payload(result, "suspendUser")["errors"] == []
    before = await state()
    assert forbidden(await api(SUSPEND, member_input(world, licensed), token)) == (
        "update_managed_accounts"
    )
    assert await state() == before


async def test_suspend_a_user_who_is_not_active_is_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    suspended, _ = await world.member()
    deactivated, _ = await world.member()
    await OrgUser.filter(id=suspended.id).update(status=UserStatus.SUSPENDED)
    await OrgUser.filter(id=deactivated.id).update(status=UserStatus.DEACTIVATED)
    before = await state()
    for user in (suspended, deactivated):
        result = await api(SUSPEND, member_input(world, user), world.admin_token)
        assert payload(result, "suspendUser")["user"] is None
        assert errors(result, "suspendUser") == [("INVALID_INPUT", "userId", None)]
    assert await state() == before


async def test_suspend_the_last_active_org_admin_is_refused_r_role_3(api: GraphQLClient) -> None:
    world = await factories.world()
    admin = await founder(world)
    suspended, _ = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    await OrgUser.filter(id=suspended.id).update(status=UserStatus.SUSPENDED)
    before = await state()
    result = await api(SUSPEND, member_input(world, admin), world.admin_token)
    assert errors(result, "suspendUser") == [("LAST_ORG_ADMIN", "userId", "R-ROLE-3")]
    assert await state() == before


async def test_suspend_user_is_forbidden_to_a_site_admin(api: GraphQLClient) -> None:
    world = await factories.world()
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    user, _ = await world.member()
    before = await state()
    for mutation in (SUSPEND, RESTORE):
        result = await api(mutation, member_input(world, user), token)
        assert forbidden(result) == "update_managed_accounts"
    assert await state() == before


async def test_suspend_a_user_of_another_organization_is_not_found(api: GraphQLClient) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    stranger, _ = await other.member()
    # Globex's admin is also a member of Acme: Acme's users are visible to them, not theirs.
    acme_user = await directory.invite_user(
        world.ctx, world.org, other.admin.email, None, AccountType.ATLASSIAN, []
    )
    before = await state()
    attempts = [
        (member_input(world, stranger), world.admin_token),
        (member_input(other, acme_user), other.admin_token),
        (member_input(other, acme_user), world.admin_token),
    ]
    for variables, token in attempts:
        for mutation in (SUSPEND, RESTORE, REMOVE):
            assert (await api(mutation, variables, token)).codes == ["NOT_FOUND"]
    assert await state() == before


async def test_a_suspended_admin_holds_no_rights_until_restored_r_access_11(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    admin, token = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    org = gid("Organization", world.org.id)

    async def create_site(name: str) -> Result:
        return await api(CREATE_SITE, {"input": {"organizationId": org, "name": name}}, token)

    await api(SUSPEND, member_input(world, admin), world.admin_token)
    assert forbidden(await create_site("while-suspended.example.net")) == "R-ACCESS-11"
    other, _ = await world.member()
    assert forbidden(await api(SUSPEND, member_input(world, other), token)) == "R-ACCESS-11"
    assert await RoleAssignment.exists(user_id=admin.id, role=AdminRole.ORG_ADMIN)

    result = await api(RESTORE, member_input(world, admin), world.admin_token)
    restored = payload(result, "restoreUser")
    assert restored["errors"] == []
    assert restored["user"]["status"] == "ACTIVE"
    assert payload(await create_site("restored.example.net"), "createSite")["errors"] == []


# restoreUser


async def test_restore_user_makes_a_suspended_user_active_and_is_audited(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    await OrgUser.filter(id=user.id).update(status=UserStatus.SUSPENDED)
    result = await api(RESTORE, member_input(world, user), world.admin_token)
    assert payload(result, "restoreUser")["user"]["status"] == "ACTIVE"
    assert await status_of(user) is UserStatus.ACTIVE
    events = await requested_events(world)
    assert [(e.action, e.actor_label, e.rule, e.before, e.after) for e in events] == [
        (
            "user.restore",
            world.admin.email,
            "update_managed_accounts",
            {"status": "SUSPENDED"},
            {"status": "ACTIVE"},
        )
    ]


async def test_restore_a_user_who_is_not_suspended_is_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    active, _ = await world.member()
    deactivated, _ = await world.member()
    await OrgUser.filter(id=deactivated.id).update(status=UserStatus.DEACTIVATED)
    before = await state()
    for user in (active, deactivated):
        result = await api(RESTORE, member_input(world, user), world.admin_token)
        assert errors(result, "restoreUser") == [("INVALID_INPUT", "userId", None)]
    assert await state() == before


# removeUserFromOrganization


async def test_remove_user_deletes_the_entry_with_its_groups_and_roles_and_audits_them(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member("leaver@example.com", grants=[(world.jira, "USER")])
    await world.role(user, AdminRole.ORG_ADMIN, world.org.id)
    result = await api(REMOVE, member_input(world, user), world.admin_token)
    done = payload(result, "removeUserFromOrganization")
    assert done["errors"] == []
    assert done["removedUserId"] == gid("User", user.id)
    assert not await OrgUser.exists(id=user.id)
    assert not await GroupMembership.exists(user_id=user.id)
    assert not await RoleAssignment.exists(user_id=user.id)
    assert await Account.exists(email="leaver@example.com")  # the account is not the org's
    events = await requested_events(world)
    assert [(e.action, e.actor_label, e.rule, e.target_id) for e in events] == [
        ("user.remove", world.admin.email, "add_remove_users_from_products", str(user.id))
    ]
    before = events[0].before or {}
    assert (before["email"], before["status"]) == ("leaver@example.com", "ACTIVE")
    assert sorted(g["name"] for g in before["groups"]) == sorted(
        ["org-admins", f"jira-users-{world.site.name}"]
    )
    assert before["adminRoles"] == [{"role": "ORG_ADMIN", "scope": f"Organization:{world.org.id}"}]


async def test_removing_yourself_is_allowed_while_another_org_admin_remains(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    second, _ = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    admin = await founder(world)
    result = await api(REMOVE, member_input(world, admin), world.admin_token)
    assert payload(result, "removeUserFromOrganization")["errors"] == []
    assert await org_admin_ids(world) == {second.id}


async def test_remove_the_last_org_admin_is_refused_r_role_3(api: GraphQLClient) -> None:
    world = await factories.world()
    admin = await founder(world)
    before = await state()
    result = await api(REMOVE, member_input(world, admin), world.admin_token)
    assert errors(result, "removeUserFromOrganization") == [
        ("LAST_ORG_ADMIN", "userId", "R-ROLE-3")
    ]
    assert payload(result, "removeUserFromOrganization")["removedUserId"] is None
    assert await state() == before


@pytest.mark.parametrize(
    ("experience", "role"),
    [
        (Experience.CENTRALIZED, AdminRole.USER_ACCESS_ADMIN),
        (Experience.ORIGINAL, AdminRole.SITE_ADMIN),
    ],
)
async def test_remove_user_is_forbidden_to_roles_scoped_below_the_organization(
    api: GraphQLClient, experience: Experience, role: AdminRole
) -> None:  # add_remove_users_from_products is SCOPED for them: not on the organization
    world = await factories.world(experience)
    scope = world.jira.id if role is AdminRole.USER_ACCESS_ADMIN else world.site.id
    _, token = await holder(world, role, scope)
    user, _ = await world.member(grants=[(world.jira, "USER")])
    before = await state()
    result = await api(REMOVE, member_input(world, user), token)
    assert forbidden(result) == "add_remove_users_from_products"
    assert await state() == before


# R-ROLE-3 under concurrent requests, by any mix of means: the answers each ordering allows
# are reasoned out in tests/support/last_admin_race.py; whichever comes, one organization admin
# remains.

THEMSELVES = {"LAST_ORG_ADMIN"}  # the other request touched neither this caller nor its target
# scenario -> ((how, target) of first's request, of second's request), the later one's refusals
LEAVINGS = {
    "both suspend themselves": ((("suspend", "first"), ("suspend", "second")), THEMSELVES),
    "both remove themselves": ((("remove", "first"), ("remove", "second")), THEMSELVES),
    "suspend and revoke themselves": ((("suspend", "first"), ("revoke", "second")), THEMSELVES),
    "remove and suspend themselves": ((("remove", "first"), ("suspend", "second")), THEMSELVES),
    # The later caller was removed or suspended first, unless its guard ran before that.
    "each removes the other": (
        (("remove", "second"), ("remove", "first")),
        {"LAST_ORG_ADMIN", "NOT_FOUND"},
    ),
    "each suspends the other": (
        (("suspend", "second"), ("suspend", "first")),
        {"LAST_ORG_ADMIN", "FORBIDDEN R-ACCESS-11"},
    ),
    # Both remove the second: not the last admin, but only one removal can happen.
    "both remove the second": ((("remove", "second"), ("remove", "second")), {"NOT_FOUND"}),
}


@pytest.mark.parametrize("round_", range(3))
@pytest.mark.parametrize("scenario", list(LEAVINGS))
async def test_the_last_two_active_org_admins_leaving_at_once_keep_one_r_role_3(
    api: GraphQLClient, scenario: str, round_: int
) -> None:
    world = await factories.world()
    first = await founder(world)
    second, second_token = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    users = {"first": first, "second": second}
    ((first_how, first_target), (second_how, second_target)), refusals = LEAVINGS[scenario]
    take_outs = (
        TakeOut(first_how, first, world.admin_token, users[first_target]),
        TakeOut(second_how, second, second_token, users[second_target]),
    )
    outcomes = await race(api, world, *take_outs)
    one_applied(outcomes, refusals)
    await keeps_an_admin_r_role_3(world, take_outs, outcomes)
