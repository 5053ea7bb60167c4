"""assignAdminRole and revokeAdminRole over HTTP: the make_ feature of each role on its scope,
the domain refusals in the payload, and the last organization admin under concurrent requests
(R-ROLE-3)."""

from typing import Any

import pytest

from models.admin_role import RoleAssignment
from models.audit import AuditEvent
from models.directory import OrgUser
from models.enums import AccountType, AdminRole, Experience, UserStatus
from models.group import ORG_ADMINS_GROUP, Group, GroupMembership
from resolvers import directory, organizations
from tests.resolvers.test_mutations import api_key, payload, rule_of
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result
from tests.support.last_admin_race import TakeOut, keeps_an_admin_r_role_3, one_applied, race
from tests.support.sql_counter import count_statements

PAYLOAD = """
user {
  id
  adminRoles { role scope { __typename
    ... on Organization { id } ... on Site { id } ... on ProductInstance { id } } }
}
errors { code message field rule }
"""


def mutation_text(name: str, fields: str = PAYLOAD) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    return f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ {fields} }} }}"


ASSIGN = mutation_text("assignAdminRole")
REVOKE = mutation_text("revokeAdminRole")
SCOPE_TYPES = {
    AdminRole.ORG_ADMIN: "Organization",
    AdminRole.SITE_ADMIN: "Site",
    AdminRole.TRUSTED_USER: "Site",
    AdminRole.USER_ACCESS_ADMIN: "ProductInstance",
    AdminRole.PRODUCT_ADMIN: "ProductInstance",
}


def role_input(user: OrgUser, role: AdminRole, scope: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"userId": gid("User", user.id), "role": role.value}
    if scope is not None:
        fields["scopeId"] = scope
    return {"input": fields}


def scope_pk(world: World, role: AdminRole) -> int:
    kind = SCOPE_TYPES[role]
    return {"Organization": world.org.id, "Site": world.site.id}.get(kind, world.jira.id)


def scope_of(world: World, role: AdminRole) -> str:
    return gid(SCOPE_TYPES[role], scope_pk(world, role))


def refused(result: Result, mutation: str) -> list[tuple[str, str | None, str | None]]:
    """(code, field, rule) of each payload error; a refusal returns no user."""
    data = payload(result, mutation)
    assert data["user"] is None
    return [(e["code"], e["field"], e["rule"]) for e in data["errors"]]


def forbidden(result: Result) -> str | None:
    assert result.codes == ["FORBIDDEN"], result.body
    assert result.empty
    return rule_of(result)


async def state() -> dict[str, Any]:
    """What a refused mutation must leave alone."""
    return {
        "roles": sorted(await RoleAssignment.all().values_list("user_id", "role", "scope_ref")),
        "members": sorted(await GroupMembership.all().values_list("group_id", "user_id")),
        "users": sorted(await OrgUser.all().values_list("id", "status")),
        "audit": await AuditEvent.all().count(),
    }


async def org_admins_group(world: World) -> set[int]:
    group = await Group.get(organization_id=world.org.id, name=ORG_ADMINS_GROUP)
    return {m.user_id for m in await GroupMembership.filter(group=group)}


async def org_admin_ids(world: World) -> set[int]:
    rows = RoleAssignment.filter(organization_id=world.org.id, role=AdminRole.ORG_ADMIN)
    return {r.user_id for r in await rows}


async def requested_events(world: World) -> list[AuditEvent]:
    """Events written over HTTP (the factories write theirs with request id "test")."""
    rows = AuditEvent.filter(organization_id=world.org.id, request_id__not="test")
    return await rows.order_by("id")


async def founder(world: World) -> OrgUser:
    return await OrgUser.get(organization_id=world.org.id, account_id=world.admin.id)


async def holder(world: World, role: AdminRole, scope_id: int) -> tuple[OrgUser, str]:
    user, token = await world.member()
    await world.role(user, role, scope_id)
    return user, token


# assignAdminRole: success


async def test_assign_org_admin_adds_the_role_and_joins_org_admins(api: GraphQLClient) -> None:
    world = await factories.world()
    user, _ = await world.member()
    result = await api(ASSIGN, role_input(user, AdminRole.ORG_ADMIN), world.admin_token)
    done = payload(result, "assignAdminRole")
    assert done["errors"] == []
    organization = {"__typename": "Organization", "id": gid("Organization", world.org.id)}
    assert done["user"]["adminRoles"] == [{"role": "ORG_ADMIN", "scope": organization}]
    assert user.id in await org_admins_group(world)
    events = await requested_events(world)
    assert [(e.action, e.actor_label, e.rule) for e in events] == [
        ("admin_role.assign", world.admin.email, "make_org_admin"),
        ("group.member_add", world.admin.email, "make_org_admin"),
    ]
    assert events[0].target_id == str(user.id)
    assert events[0].after == {"role": "ORG_ADMIN", "scope": f"Organization:{world.org.id}"}
    assert events[1].after == {"userId": user.id}


@pytest.mark.parametrize(
    ("experience", "role", "feature"),
    [
        (Experience.CENTRALIZED, AdminRole.ORG_ADMIN, "make_org_admin"),
        (Experience.CENTRALIZED, AdminRole.SITE_ADMIN, "make_site_admin"),
        (Experience.CENTRALIZED, AdminRole.USER_ACCESS_ADMIN, "make_user_access_admin"),
        (Experience.CENTRALIZED, AdminRole.PRODUCT_ADMIN, "make_product_admin"),
        (Experience.ORIGINAL, AdminRole.SITE_ADMIN, "make_site_admin"),
        (Experience.ORIGINAL, AdminRole.TRUSTED_USER, "make_trusted_user"),
        (Experience.ORIGINAL, AdminRole.PRODUCT_ADMIN, "make_product_admin"),
    ],
)
async def test_assign_each_role_on_its_scope_is_audited_with_its_make_feature(
    api: GraphQLClient, experience: Experience, role: AdminRole, feature: str
) -> None:
    world = await factories.world(experience)
    user, _ = await world.member()
    scope = scope_of(world, role)
    result = await api(ASSIGN, role_input(user, role, scope), world.admin_token)
    done = payload(result, "assignAdminRole")
    assert done["errors"] == []
    held = {"role": role.value, "scope": {"__typename": SCOPE_TYPES[role], "id": scope}}
    assert done["user"]["adminRoles"] == [held]
    event = await AuditEvent.get(action="admin_role.assign", target_id=str(user.id))
    assert (event.actor_label, event.rule, event.before) == (world.admin.email, feature, None)
    described = f"{SCOPE_TYPES[role]}:{scope_pk(world, role)}"
    assert event.after == {"role": role.value, "scope": described}
    assert (user.id in await org_admins_group(world)) is (role is AdminRole.ORG_ADMIN)


async def test_an_original_site_admin_makes_trusted_users_and_product_admins_on_their_site(
    api: GraphQLClient,
) -> None:  # the ORIGINAL matrix: SCOPED for the site admin
    world = await factories.world(Experience.ORIGINAL)
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    user, _ = await world.member()
    for role in (AdminRole.TRUSTED_USER, AdminRole.PRODUCT_ADMIN):
        result = await api(ASSIGN, role_input(user, role, scope_of(world, role)), token)
        assert payload(result, "assignAdminRole")["errors"] == []
    held = await RoleAssignment.filter(user_id=user.id)
    assert sorted(r.role.value for r in held) == ["PRODUCT_ADMIN", "TRUSTED_USER"]


async def test_an_api_key_makes_site_admins_with_the_org_admin_rights_r_key_1(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    key = await api_key(world.org)
    user, _ = await world.member()
    result = await api(
        ASSIGN, role_input(user, AdminRole.SITE_ADMIN, scope_of(world, AdminRole.SITE_ADMIN)), key
    )
    assert payload(result, "assignAdminRole")["errors"] == []
    event = await AuditEvent.get(action="admin_role.assign", target_id=str(user.id))
    assert (event.actor_label, event.rule) == ("integration", "make_site_admin")


# assignAdminRole: domain refusals


async def test_assign_a_role_already_held_is_duplicate(api: GraphQLClient) -> None:
    world = await factories.world()
    user, _ = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    before = await state()
    for role, scope in (
        (AdminRole.SITE_ADMIN, scope_of(world, AdminRole.SITE_ADMIN)),
        (AdminRole.ORG_ADMIN, None),
    ):
        target = user if role is AdminRole.SITE_ADMIN else await founder(world)
        result = await api(ASSIGN, role_input(target, role, scope), world.admin_token)
        assert refused(result, "assignAdminRole") == [("DUPLICATE", "role", None)]
    assert await state() == before


@pytest.mark.parametrize(
    ("experience", "role"),
    [
        (Experience.CENTRALIZED, AdminRole.TRUSTED_USER),
        (Experience.ORIGINAL, AdminRole.USER_ACCESS_ADMIN),
    ],
)
async def test_assign_a_role_the_experience_lacks_is_role_not_in_experience_r_role_7(
    api: GraphQLClient, experience: Experience, role: AdminRole
) -> None:
    world = await factories.world(experience)
    user, member_token = await world.member()
    before = await state()
    # Told to an org admin and to a plain member alike: the role does not exist there at all.
    for token in (world.admin_token, member_token):
        result = await api(ASSIGN, role_input(user, role, scope_of(world, role)), token)
        assert refused(result, "assignAdminRole") == [
            ("ROLE_NOT_IN_EXPERIENCE", "role", "R-ROLE-7")
        ]
    assert await state() == before


async def test_assign_with_a_scope_id_of_the_wrong_kind_is_invalid_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    site, jira = gid("Site", world.site.id), gid("ProductInstance", world.jira.id)
    attempts = [
        (AdminRole.SITE_ADMIN, jira),
        (AdminRole.SITE_ADMIN, gid("Organization", world.org.id)),
        (AdminRole.SITE_ADMIN, gid("User", user.id)),
        (AdminRole.SITE_ADMIN, None),
        (AdminRole.PRODUCT_ADMIN, site),
        (AdminRole.USER_ACCESS_ADMIN, None),
        (AdminRole.ORG_ADMIN, site),
    ]
    before = await state()
    for role, scope in attempts:
        result = await api(ASSIGN, role_input(user, role, scope), world.admin_token)
        assert refused(result, "assignAdminRole") == [("INVALID_INPUT", "scopeId", None)], role
    assert await state() == before


async def test_assign_with_a_visible_scope_of_another_organization_is_invalid_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    # Acme's admin is also an org admin of Globex, so Globex's site and organization are visible.
    in_globex = await directory.invite_user(
        other.ctx, other.org, world.admin.email, None, AccountType.ATLASSIAN, []
    )
    await other.role(in_globex, AdminRole.ORG_ADMIN, other.org.id)
    user, _ = await world.member()
    before = await state()
    for role, scope in (
        (AdminRole.SITE_ADMIN, gid("Site", other.site.id)),
        (AdminRole.ORG_ADMIN, gid("Organization", other.org.id)),
    ):
        result = await api(ASSIGN, role_input(user, role, scope), world.admin_token)
        assert refused(result, "assignAdminRole") == [("INVALID_INPUT", "scopeId", None)]
    assert await state() == before


async def test_assign_with_a_scope_or_user_you_cannot_see_is_not_found(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    user, _ = await world.member()
    stranger, _ = await other.member()
    before = await state()
    attempts = [
        role_input(user, AdminRole.SITE_ADMIN, gid("Site", other.site.id)),
        role_input(user, AdminRole.PRODUCT_ADMIN, gid("ProductInstance", other.jira.id)),
        role_input(user, AdminRole.ORG_ADMIN, gid("Organization", other.org.id)),
        role_input(stranger, AdminRole.SITE_ADMIN, gid("Site", world.site.id)),
    ]
    for variables in attempts:
        result = await api(ASSIGN, variables, world.admin_token)
        assert result.codes == ["NOT_FOUND"], variables
    assert await state() == before


async def test_assign_an_admin_role_to_a_portal_only_customer_is_refused_r_access_6(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    customer, _ = await world.member(kind=AccountType.CUSTOMER)
    before = await state()
    for role in (AdminRole.ORG_ADMIN, AdminRole.PRODUCT_ADMIN):
        result = await api(
            ASSIGN, role_input(customer, role, scope_of(world, role)), world.admin_token
        )
        assert refused(result, "assignAdminRole") == [
            ("PORTAL_ONLY_CUSTOMER", "userId", "R-ACCESS-6")
        ]
    assert await state() == before


async def test_assign_an_admin_role_to_a_suspended_user_is_invalid_input_r_access_11(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    await OrgUser.filter(id=user.id).update(status=UserStatus.SUSPENDED)
    before = await state()
    result = await api(ASSIGN, role_input(user, AdminRole.ORG_ADMIN), world.admin_token)
    assert refused(result, "assignAdminRole") == [("INVALID_INPUT", "userId", "R-ACCESS-11")]
    assert await state() == before


# assignAdminRole: authorization refusals


async def test_a_site_admin_cannot_make_org_admins_r_role_2(api: GraphQLClient) -> None:
    world = await factories.world()
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    user, _ = await world.member()
    before = await state()
    assert forbidden(await api(ASSIGN, role_input(user, AdminRole.ORG_ADMIN), token)) == "R-ROLE-2"
    assert await state() == before


async def test_an_api_key_cannot_make_org_admins_r_role_2(api: GraphQLClient) -> None:
    world = await factories.world()
    key = await api_key(world.org)
    user, _ = await world.member()
    before = await state()
    assert forbidden(await api(ASSIGN, role_input(user, AdminRole.ORG_ADMIN), key)) == "R-ROLE-2"
    assert await state() == before


async def test_an_original_site_admin_makes_site_admins_of_its_own_site_r_role_5(
    served_api: GraphQLClient,
) -> None:  # the ORIGINAL matrix's SCOPED cell; issue 13.16 (refused with R-ROLE-5 before)
    world = await factories.world(Experience.ORIGINAL)
    site_admin, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    user, _ = await world.member()
    site = scope_of(world, AdminRole.SITE_ADMIN)
    result = await served_api(ASSIGN, role_input(user, AdminRole.SITE_ADMIN, site), token)
    done = payload(result, "assignAdminRole")
    assert done["errors"] == []
    assert done["user"]["adminRoles"] == [
        {"role": "SITE_ADMIN", "scope": {"__typename": "Site", "id": site}}
    ]
    held = await RoleAssignment.filter(role=AdminRole.SITE_ADMIN).values_list("user_id", "site_id")
    assert sorted(held) == sorted([(site_admin.id, world.site.id), (user.id, world.site.id)])
    event = await AuditEvent.get(action="admin_role.assign", target_id=str(user.id))
    actor = await OrgUser.get(id=site_admin.id).prefetch_related("account")
    assert (event.actor_label, event.rule) == (actor.account.email, "make_site_admin")


async def test_an_original_site_admin_makes_no_site_admin_of_another_site_r_role_5(
    served_api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    other = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    user, _ = await world.member()
    before = await state()
    result = await served_api(
        ASSIGN, role_input(user, AdminRole.SITE_ADMIN, gid("Site", other.id)), token
    )
    assert forbidden(result) == "R-ROLE-5"
    assert await state() == before


async def test_a_centralized_site_admin_makes_no_site_admin_r_role_5(
    served_api: GraphQLClient,
) -> None:  # "only organization admins" is said of CENTRALIZED
    world = await factories.world(Experience.CENTRALIZED)
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    user, _ = await world.member()
    before = await state()
    site = scope_of(world, AdminRole.SITE_ADMIN)
    result = await served_api(ASSIGN, role_input(user, AdminRole.SITE_ADMIN, site), token)
    assert forbidden(result) == "R-ROLE-5"
    assert await state() == before


async def test_a_user_access_admin_makes_product_admins_only_of_their_products(
    api: GraphQLClient,
) -> None:  # make_product_admin is SCOPED for the user access admin (CENTRALIZED)
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, world.jira.id)
    user, _ = await world.member()
    jira = gid("ProductInstance", world.jira.id)
    result = await api(ASSIGN, role_input(user, AdminRole.PRODUCT_ADMIN, jira), token)
    assert payload(result, "assignAdminRole")["errors"] == []
    before = await state()
    other = gid("ProductInstance", confluence.id)
    result = await api(ASSIGN, role_input(user, AdminRole.PRODUCT_ADMIN, other), token)
    assert forbidden(result) == "make_product_admin"
    assert await state() == before


async def test_a_suspended_org_admin_cannot_assign_roles_r_access_11(api: GraphQLClient) -> None:
    world = await factories.world()
    suspended, suspended_token = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    await OrgUser.filter(id=suspended.id).update(status=UserStatus.SUSPENDED)
    user, _ = await world.member()
    before = await state()
    for role in (AdminRole.SITE_ADMIN, AdminRole.TRUSTED_USER):  # TRUSTED_USER: not in CENTRALIZED
        result = await api(ASSIGN, role_input(user, role, scope_of(world, role)), suspended_token)
        assert forbidden(result) == "R-ACCESS-11"
    assert await state() == before


# revokeAdminRole


async def test_revoke_org_admin_removes_the_role_and_the_org_admins_membership(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    scope = gid("Organization", world.org.id)
    result = await api(REVOKE, role_input(user, AdminRole.ORG_ADMIN, scope), world.admin_token)
    done = payload(result, "revokeAdminRole")
    assert done["errors"] == []
    assert done["user"] == {"id": gid("User", user.id), "adminRoles": []}
    assert user.id not in await org_admins_group(world)
    assert await org_admin_ids(world) == {(await founder(world)).id}
    events = await requested_events(world)
    assert [(e.action, e.actor_label, e.rule) for e in events] == [
        ("admin_role.revoke", world.admin.email, "make_org_admin"),
        ("group.member_remove", world.admin.email, "make_org_admin"),
    ]
    assert events[0].target_id == str(user.id)
    assert events[0].before == {"role": "ORG_ADMIN", "scope": f"Organization:{world.org.id}"}
    assert events[0].after is None
    assert events[1].before == {"userId": user.id}


async def test_revoke_a_site_role_keeps_the_others(api: GraphQLClient) -> None:
    world = await factories.world(Experience.ORIGINAL)
    user, _ = await holder(world, AdminRole.TRUSTED_USER, world.site.id)
    await world.role(user, AdminRole.PRODUCT_ADMIN, world.jira.id)
    site = scope_of(world, AdminRole.TRUSTED_USER)
    result = await api(REVOKE, role_input(user, AdminRole.TRUSTED_USER, site), world.admin_token)
    done = payload(result, "revokeAdminRole")
    assert done["errors"] == []
    jira = {"__typename": "ProductInstance", "id": gid("ProductInstance", world.jira.id)}
    assert done["user"]["adminRoles"] == [{"role": "PRODUCT_ADMIN", "scope": jira}]
    event = await AuditEvent.get(action="admin_role.revoke")
    assert (event.rule, event.before) == (
        "make_trusted_user",
        {"role": "TRUSTED_USER", "scope": f"Site:{world.site.id}"},
    )


async def test_revoke_a_role_not_held_is_no_such_access(api: GraphQLClient) -> None:
    world = await factories.world()
    user, _ = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    before = await state()
    for role in (AdminRole.SITE_ADMIN, AdminRole.USER_ACCESS_ADMIN, AdminRole.ORG_ADMIN):
        result = await api(REVOKE, role_input(user, role, scope_of(world, role)), world.admin_token)
        assert refused(result, "revokeAdminRole") == [("NO_SUCH_ACCESS", "role", None)]
    assert await state() == before


async def test_revoke_the_last_org_admin_is_refused_r_role_3(api: GraphQLClient) -> None:
    world = await factories.world()
    admin = await founder(world)
    before = await state()
    result = await api(REVOKE, role_input(admin, AdminRole.ORG_ADMIN), world.admin_token)
    assert refused(result, "revokeAdminRole") == [("LAST_ORG_ADMIN", "userId", "R-ROLE-3")]
    assert await state() == before


async def test_a_suspended_org_admin_does_not_count_as_the_remaining_one_r_role_3(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    suspended, _ = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    await OrgUser.filter(id=suspended.id).update(status=UserStatus.SUSPENDED)
    admin = await founder(world)
    before = await state()
    result = await api(REVOKE, role_input(admin, AdminRole.ORG_ADMIN), world.admin_token)
    assert refused(result, "revokeAdminRole") == [("LAST_ORG_ADMIN", "userId", "R-ROLE-3")]
    assert await state() == before
    # The suspended admin's own role may go: the active admin stays.
    result = await api(REVOKE, role_input(suspended, AdminRole.ORG_ADMIN), world.admin_token)
    assert payload(result, "revokeAdminRole")["errors"] == []
    assert await org_admin_ids(world) == {admin.id}


async def test_revoke_a_role_the_experience_lacks_or_a_wrong_scope_is_refused(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    before = await state()
    site = gid("Site", world.site.id)
    trusted = await api(REVOKE, role_input(user, AdminRole.TRUSTED_USER, site), world.admin_token)
    assert refused(trusted, "revokeAdminRole") == [("ROLE_NOT_IN_EXPERIENCE", "role", "R-ROLE-7")]
    jira = gid("ProductInstance", world.jira.id)
    wrong = await api(REVOKE, role_input(user, AdminRole.SITE_ADMIN, jira), world.admin_token)
    assert refused(wrong, "revokeAdminRole") == [("INVALID_INPUT", "scopeId", None)]
    assert await state() == before


async def test_a_site_admin_cannot_revoke_org_admins_r_role_2(api: GraphQLClient) -> None:
    world = await factories.world()
    second, _ = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    before = await state()
    assert forbidden(await api(REVOKE, role_input(second, AdminRole.ORG_ADMIN), token)) == (
        "R-ROLE-2"
    )
    assert await state() == before


async def test_an_original_site_admin_revokes_site_admins_of_its_own_site_only_r_role_5(
    served_api: GraphQLClient,
) -> None:  # revokeAdminRole asks the same make_site_admin cell as assignAdminRole (API.md)
    world = await factories.world(Experience.ORIGINAL)
    other_site = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
    _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    other, _ = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    elsewhere, _ = await holder(world, AdminRole.SITE_ADMIN, other_site.id)
    before = await state()
    foreign = gid("Site", other_site.id)
    result = await served_api(REVOKE, role_input(elsewhere, AdminRole.SITE_ADMIN, foreign), token)
    assert forbidden(result) == "R-ROLE-5"
    assert await state() == before
    site = scope_of(world, AdminRole.SITE_ADMIN)
    # Without the role the user no longer lies in the site: its roles are out of sight now.
    revoke = mutation_text("revokeAdminRole", "errors { code }")
    result = await served_api(revoke, role_input(other, AdminRole.SITE_ADMIN, site), token)
    assert payload(result, "revokeAdminRole")["errors"] == []
    assert not await RoleAssignment.exists(user_id=other.id, role=AdminRole.SITE_ADMIN)
    assert await RoleAssignment.exists(user_id=elsewhere.id, role=AdminRole.SITE_ADMIN)


# R-ROLE-3 under concurrent requests: the answers each ordering allows are reasoned out in
# tests/support/last_admin_race.py; whichever comes, one organization admin remains.

# scenario -> (first's target, second's target), and the refusals the later request may get
REVOCATIONS = {
    "each revokes themselves": (("first", "second"), {"LAST_ORG_ADMIN"}),
    "each revokes the other": (("second", "first"), {"LAST_ORG_ADMIN", "NOT_FOUND"}),
    "both revoke the second": (("second", "second"), {"NO_SUCH_ACCESS", "FORBIDDEN R-ROLE-2"}),
}


@pytest.mark.parametrize("round_", range(5))
@pytest.mark.parametrize("scenario", list(REVOCATIONS))
async def test_two_org_admins_revoking_org_admins_at_once_keep_one_r_role_3(
    api: GraphQLClient, scenario: str, round_: int
) -> None:
    world = await factories.world()
    first = await founder(world)
    second, second_token = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    users = {"first": first, "second": second}
    (first_target, second_target), refusals = REVOCATIONS[scenario]
    take_outs = (
        TakeOut("revoke", first, world.admin_token, users[first_target]),
        TakeOut("revoke", second, second_token, users[second_target]),
    )
    outcomes = await race(api, world, *take_outs)
    one_applied(outcomes, refusals)
    await keeps_an_admin_r_role_3(world, take_outs, outcomes)
    remaining = await org_admin_ids(world)
    assert await org_admins_group(world) == remaining


async def test_the_last_org_admin_check_locks_the_organization_row_on_postgresql(
    api: GraphQLClient, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip(
            "SQLite has no row locks (Tortoise drops FOR UPDATE there): its single connection "
            "runs one transaction at a time; set TEST_DATABASE_URL to a PostgreSQL database"
        )
    world = await factories.world()
    second, _ = await holder(world, AdminRole.ORG_ADMIN, world.org.id)
    with count_statements() as statements:
        result = await api(REVOKE, role_input(second, AdminRole.ORG_ADMIN), world.admin_token)
    assert payload(result, "revokeAdminRole")["errors"] == []
    assert await org_admin_ids(world) == {(await founder(world)).id}
    locks = [s for s in statements if "FOR UPDATE" in s.upper()]
    assert len(locks) == 1, statements
    assert '"organization"' in locks[0]
