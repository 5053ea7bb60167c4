"""The actor's reach over a change, over HTTP (docs/security-rules.md, "Changes and the
actor's reach"; issue 13 items 2, 3, 4 and 6).

R-REACH-1: every access-changing mutation's access diff is checked once, entry by entry: the
actor must be able to give or take each entry, and a product role that confers product
administration needs what making a product admin needs (make_product_admin), whichever
mutation gives it. R-REACH-2: only organization admins give themselves a role. Suspending,
restoring or removing a holder of admin roles needs what revoking (assigning) them needs
(R-ROLE-2 for an organization admin and an API key). Each check is tried as every role would,
in both experiences; a refused change leaves the state exactly as it was.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from models.access_settings import AccessRequest
from models.admin_role import RoleAssignment
from models.audit import AuditEvent
from models.directory import OrgUser
from models.enums import ActorKind, AdminRole, Experience, UserStatus
from models.group import DefaultGroup, Group, GroupMembership
from models.product import ProductInstance
from permissions.engine import decide
from permissions.matrix import TargetKind
from permissions.principal import Actor, Assignment, Principal
from permissions.reach import MAKE_PRODUCT_ADMIN, decide_entry
from permissions.targets import Target
from resolvers import access, group_members, groups, organizations
from resolvers.access_diff import effective_of
from tests.resolvers.test_mutations import api_key
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result

ERRORS = "errors { code message field rule }"
FIELDS = {
    "grantProductAccess": "user { id }",
    "changeProductRole": "user { id }",
    "revokeProductAccess": "user { id }",
    "inviteUser": "user { id }",
    "assignAdminRole": "user { id }",
    "approveAccessRequest": "accessRequest { status }",
    "requestProductAccess": "accessRequest { id status }",
    "suspendUser": "user { status }",
    "restoreUser": "user { status }",
    "removeUserFromOrganization": "removedUserId",
    "setAnonymousAccess": "productInstance { anonymousAccess }",
    "addGroupMembers": "group { id }",
    "grantGroupProductAccess": "groups { id }",
}
ALLOWED = ("OK", None)


async def send(api: GraphQLClient, mutation: str, input: dict[str, Any], token: str) -> Result:
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    document = (
        f"mutation ($input: {input_type}!) {{ {mutation}(input: $input) "
        f"{{ {FIELDS[mutation]} {ERRORS} }} }}"
    )
    return await api(document, {"input": input}, token)


def outcome(result: Result, mutation: str) -> tuple[str, str | None]:
    """("OK", None) for a change made; else the (code, rule) of the top-level refusal."""
    if result.errors:
        assert result.empty, result.body  # the refused field alone is null
        extensions = result.errors[0]["extensions"]
        return extensions["code"], extensions.get("rule")
    assert result.ok()[mutation]["errors"] == [], result.body
    return ALLOWED


async def state() -> tuple[object, ...]:
    """What a refused change must leave alone: memberships, roles, statuses, requests, the
    directory and the audit log."""
    return (
        set(await GroupMembership.all().values_list("group_id", "user_id")),
        set(await RoleAssignment.all().values_list("user_id", "role", "scope_ref")),
        set(await OrgUser.all().values_list("id", "status")),
        set(await AccessRequest.all().values_list("id", "status")),
        await AuditEvent.all().count(),
    )


async def held(user_id: int) -> set[tuple[int, str]]:
    """(product instance, role) of the user's effective access."""
    return {(i, role) for _, i, role in await effective_of([user_id])}


@dataclass
class Cast:
    """An organization with a holder of every role, each with a token."""

    world: World
    confluence: ProductInstance
    elsewhere: ProductInstance  # CENTRALIZED: a product of another site; ORIGINAL: same site
    tokens: dict[str, str]
    users: dict[str, OrgUser]

    def user(self, name: str) -> OrgUser:
        return self.users[name]


async def cast(experience: Experience) -> Cast:
    world = await factories.world(experience)
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    if experience is Experience.CENTRALIZED:
        other = await organizations.create_site(world.ctx, world.org.id, "other.example.net")
        elsewhere = await organizations.add_product(world.ctx, other.id, "bitbucket")
    else:
        elsewhere = world.jira
    holders = {
        "site_admin": (AdminRole.SITE_ADMIN, world.site.id),
        "product_admin": (AdminRole.PRODUCT_ADMIN, confluence.id),
        "second_org_admin": (AdminRole.ORG_ADMIN, world.org.id),
    }
    if experience is Experience.CENTRALIZED:
        holders["user_access_admin"] = (AdminRole.USER_ACCESS_ADMIN, confluence.id)
    else:
        holders["trusted_user"] = (AdminRole.TRUSTED_USER, world.site.id)
    tokens = {
        "org_admin": world.admin_token,
        "api_key": await api_key(world.org, "rw"),
        "api_key_read_only": await api_key(world.org, "ro", read_only=True),
    }
    users: dict[str, OrgUser] = {}
    for name, (role, scope) in holders.items():
        users[name], tokens[name] = await world.member(f"{name}@example.com")
        await world.role(users[name], role, scope)
    users["member"], tokens["member"] = await world.member("member@example.com")
    users["target"], _ = await world.member("target@example.com")
    return Cast(world, confluence, elsewhere, tokens, users)


async def default_group(instance: ProductInstance, role: str = "USER") -> Group:
    found = await DefaultGroup.get(product_instance_id=instance.id, role=role)
    return await Group.get(id=found.group_id)


CENTRALIZED_ACTORS = [
    "org_admin",
    "api_key",
    "api_key_read_only",
    "site_admin",
    "user_access_admin",
    "product_admin",
    "member",
]
ORIGINAL_ACTORS = [
    "org_admin",
    "api_key",
    "api_key_read_only",
    "site_admin",
    "trusted_user",
    "product_admin",
    "member",
]


# Item 2 (R-REACH-1): approving a request gives what the default group gives, all of it.

APPROVE = {
    Experience.CENTRALIZED: {
        "org_admin": ALLOWED,
        "api_key": ALLOWED,
        "api_key_read_only": ("FORBIDDEN", "R-KEY-1"),
        # The hole: the default group of its site's Confluence also gives another site's product.
        "site_admin": ("FORBIDDEN", "R-REACH-1"),
        "user_access_admin": ("FORBIDDEN", "approve_deny_access_requests"),
        "product_admin": ("FORBIDDEN", "approve_deny_access_requests"),
        "member": ("NOT_FOUND", None),  # a member sees no one else's request
    },
    Experience.ORIGINAL: {  # ORIGINAL groups give only their own site's products
        "org_admin": ALLOWED,
        "api_key": ALLOWED,
        "api_key_read_only": ("FORBIDDEN", "R-KEY-1"),
        "site_admin": ALLOWED,
        "trusted_user": ("FORBIDDEN", "approve_deny_access_requests"),
        "product_admin": ("FORBIDDEN", "approve_deny_access_requests"),
        "member": ("NOT_FOUND", None),  # a member sees no one else's request
    },
}


@pytest.mark.parametrize(
    ("experience", "actor"),
    [(Experience.CENTRALIZED, a) for a in CENTRALIZED_ACTORS]
    + [(Experience.ORIGINAL, a) for a in ORIGINAL_ACTORS],
)
async def test_approving_a_request_gives_only_what_the_approver_may_give_r_reach_1(
    served_api: GraphQLClient, experience: Experience, actor: str
) -> None:
    c = await cast(experience)
    group = await default_group(c.confluence)
    await groups.grant_group_role(c.world.ctx, group, c.elsewhere, "USER", "test")
    asking = c.user("target")
    asked = await send(
        served_api,
        "requestProductAccess",
        {"productInstanceId": gid("ProductInstance", c.confluence.id)},
        await factories.token(await asking.account),
    )
    request_id = asked.ok()["requestProductAccess"]["accessRequest"]["id"]
    before, access_before = await state(), await held(asking.id)

    result = await send(
        served_api, "approveAccessRequest", {"requestId": request_id}, c.tokens[actor]
    )

    assert outcome(result, "approveAccessRequest") == APPROVE[experience][actor]
    if APPROVE[experience][actor] == ("FORBIDDEN", "R-REACH-1"):  # names what it may not give
        assert result.errors[0]["message"].startswith("Bitbucket: this change would give")
    if APPROVE[experience][actor] == ALLOWED:
        assert await held(asking.id) == {(c.confluence.id, "USER"), (c.elsewhere.id, "USER")}
    else:
        assert await state() == before
        assert await held(asking.id) == access_before == set()


# Item 4: product administration only from who may make product admins, by every mutation.

GIVE_PRODUCT_ADMIN = {
    Experience.ORIGINAL: {
        "org_admin": ALLOWED,
        "api_key": ALLOWED,
        "api_key_read_only": ("FORBIDDEN", "R-KEY-1"),
        "site_admin": ALLOWED,  # make_product_admin SCOPED: its site
        "trusted_user": ("FORBIDDEN", "make_product_admin"),  # the back door, closed
        "product_admin": ("FORBIDDEN", "add_remove_users_from_products"),
        "member": ("NOT_FOUND", None),  # a member sees no other user
    },
    Experience.CENTRALIZED: {
        "org_admin": ALLOWED,
        "api_key": ALLOWED,
        "api_key_read_only": ("FORBIDDEN", "R-KEY-1"),
        "site_admin": ("FORBIDDEN", "R-ROLE-6"),
        "user_access_admin": ALLOWED,  # make_product_admin SCOPED: its products
        "product_admin": ("FORBIDDEN", "add_remove_users_from_products"),
        "member": ("NOT_FOUND", None),  # a member sees no other user
    },
}


def product_admin_input(c: Cast, mutation: str) -> dict[str, Any]:
    instance = gid("ProductInstance", c.confluence.id)
    if mutation == "inviteUser":
        return {
            "organizationId": gid("Organization", c.world.org.id),
            "email": "newcomer@example.com",
            "productAccess": [{"productInstanceId": instance, "role": "PRODUCT_ADMIN"}],
        }
    return {
        "userId": gid("User", c.user("target").id),
        "productInstanceId": instance,
        "role": "PRODUCT_ADMIN",
    }


@pytest.mark.parametrize("mutation", ["grantProductAccess", "changeProductRole", "inviteUser"])
@pytest.mark.parametrize(
    ("experience", "actor"),
    [(Experience.CENTRALIZED, a) for a in CENTRALIZED_ACTORS]
    + [(Experience.ORIGINAL, a) for a in ORIGINAL_ACTORS],
)
async def test_the_product_admin_role_is_given_only_by_who_may_make_product_admins(
    served_api: GraphQLClient, experience: Experience, actor: str, mutation: str
) -> None:
    c = await cast(experience)
    if mutation == "changeProductRole":  # direct USER access first, by the org admin
        done = await send(
            served_api,
            "grantProductAccess",
            {**product_admin_input(c, mutation), "role": "USER"},
            c.tokens["org_admin"],
        )
        assert outcome(done, "grantProductAccess") == ALLOWED
    before = await state()

    result = await send(served_api, mutation, product_admin_input(c, mutation), c.tokens[actor])

    expected = GIVE_PRODUCT_ADMIN[experience][actor]
    if mutation == "inviteUser" and actor == "member":  # names no user: refused, not hidden
        expected = ("FORBIDDEN", "add_remove_users_from_products")
    assert outcome(result, mutation) == expected
    if expected == ALLOWED:
        newcomer = await OrgUser.get_or_none(account__email="newcomer@example.com")
        user = c.user("target") if mutation != "inviteUser" else newcomer
        assert user is not None
        assert (c.confluence.id, "PRODUCT_ADMIN") in await held(user.id)
    else:
        assert await state() == before


async def test_taking_product_administration_needs_make_product_admin_too(
    served_api: GraphQLClient,
) -> None:
    c = await cast(Experience.ORIGINAL)
    input = product_admin_input(c, "grantProductAccess")
    assert (
        outcome(
            await send(served_api, "grantProductAccess", input, c.tokens["org_admin"]),
            "grantProductAccess",
        )
        == ALLOWED
    )
    before = await state()
    for mutation, change in (
        ("changeProductRole", {**input, "role": "USER"}),
        ("revokeProductAccess", {k: v for k, v in input.items() if k != "role"}),
    ):
        result = await send(served_api, mutation, change, c.tokens["trusted_user"])
        assert outcome(result, mutation) == ("FORBIDDEN", "make_product_admin")
    assert await state() == before
    result = await send(
        served_api, "changeProductRole", {**input, "role": "USER"}, c.tokens["site_admin"]
    )
    assert outcome(result, "changeProductRole") == ALLOWED


async def test_a_dry_run_is_refused_as_the_change_would_be(served_api: GraphQLClient) -> None:
    """The check runs inside the rehearsal too: a dry run answers what the change would."""
    c = await cast(Experience.ORIGINAL)
    input = {**product_admin_input(c, "grantProductAccess"), "dryRun": True}
    before = await state()
    result = await send(served_api, "grantProductAccess", input, c.tokens["trusted_user"])
    assert outcome(result, "grantProductAccess") == ("FORBIDDEN", "make_product_admin")
    result = await send(served_api, "grantProductAccess", input, c.tokens["site_admin"])
    assert outcome(result, "grantProductAccess") == ALLOWED
    assert await state() == before


# Item 3 (R-REACH-2): only organization admins give themselves a role.

SELF: dict[Experience, list[tuple[str, AdminRole, tuple[str, str | None]]]] = {
    Experience.CENTRALIZED: [
        ("org_admin", AdminRole.PRODUCT_ADMIN, ALLOWED),  # the seed: org admins may
        ("user_access_admin", AdminRole.PRODUCT_ADMIN, ("FORBIDDEN", "R-REACH-2")),
    ],
    Experience.ORIGINAL: [
        ("org_admin", AdminRole.TRUSTED_USER, ALLOWED),
        ("site_admin", AdminRole.TRUSTED_USER, ("FORBIDDEN", "R-REACH-2")),
        ("site_admin", AdminRole.PRODUCT_ADMIN, ("FORBIDDEN", "R-REACH-2")),
        ("trusted_user", AdminRole.PRODUCT_ADMIN, ("FORBIDDEN", "make_product_admin")),
        ("product_admin", AdminRole.TRUSTED_USER, ("FORBIDDEN", "make_trusted_user")),
    ],
}


@pytest.mark.parametrize(
    ("experience", "actor", "role", "expected"),
    [(e, *case) for e, cases in SELF.items() for case in cases],
)
async def test_only_organization_admins_give_themselves_a_role_r_reach_2(
    served_api: GraphQLClient,
    experience: Experience,
    actor: str,
    role: AdminRole,
    expected: tuple[str, str | None],
) -> None:
    c = await cast(experience)
    me = c.world.admin if actor == "org_admin" else None
    user = (
        await OrgUser.get(organization_id=c.world.org.id, account_id=me.id)
        if me is not None
        else c.user(actor)
    )
    scope = c.confluence.id if role is AdminRole.PRODUCT_ADMIN else c.world.site.id
    kind = "ProductInstance" if role is AdminRole.PRODUCT_ADMIN else "Site"
    before = await state()
    input = {"userId": gid("User", user.id), "role": role.value, "scopeId": gid(kind, scope)}
    result = await send(served_api, "assignAdminRole", input, c.tokens[actor])
    assert outcome(result, "assignAdminRole") == expected
    if expected != ALLOWED:
        assert await state() == before


async def test_a_user_access_admin_who_made_itself_product_admin_has_no_product_settings(
    served_api: GraphQLClient,
) -> None:
    """Issue 13 item 3, end to end: self-promotion, then product settings."""
    c = await cast(Experience.CENTRALIZED)
    me, token = c.user("user_access_admin"), c.tokens["user_access_admin"]
    instance = gid("ProductInstance", c.confluence.id)
    promote = {"userId": gid("User", me.id), "role": "PRODUCT_ADMIN", "scopeId": instance}
    result = await send(served_api, "assignAdminRole", promote, token)
    assert outcome(result, "assignAdminRole") == ("FORBIDDEN", "R-REACH-2")
    # Nor through the product role that confers product administration.
    grant = {"userId": gid("User", me.id), "productInstanceId": instance, "role": "PRODUCT_ADMIN"}
    result = await send(served_api, "grantProductAccess", grant, token)
    assert outcome(result, "grantProductAccess") == ("FORBIDDEN", "R-REACH-2")
    settings = {"productInstanceId": instance, "enabled": True}
    result = await send(served_api, "setAnonymousAccess", settings, token)
    assert outcome(result, "setAnonymousAccess") == ("FORBIDDEN", "configure_product_settings")
    assert await held(me.id) == set()
    # Another user, as the matrix row says: allowed.
    other = {**promote, "userId": gid("User", c.user("target").id)}
    assert (
        outcome(await send(served_api, "assignAdminRole", other, token), "assignAdminRole")
        == ALLOWED
    )


# The same check through groups: a membership, or a group's product role, that gives the role
# that confers product administration.

GROUP_GIVES_PRODUCT_ADMIN = {
    "org_admin": ALLOWED,
    "api_key": ALLOWED,
    "api_key_read_only": ("FORBIDDEN", "R-KEY-1"),
    "site_admin": ("FORBIDDEN", "add_remove_users_from_group"),  # CENTRALIZED: no groups
    "user_access_admin": ALLOWED,  # the group gives only their product
    "trusted_user": ("FORBIDDEN", "add_remove_users_from_group"),
    "product_admin": ("FORBIDDEN", "add_remove_users_from_group"),
    "member": ("NOT_FOUND", None),
}


@pytest.mark.parametrize(
    ("experience", "actor"),
    [(Experience.CENTRALIZED, a) for a in CENTRALIZED_ACTORS]
    + [(Experience.ORIGINAL, a) for a in ORIGINAL_ACTORS],
)
async def test_adding_to_a_group_that_gives_product_admin_needs_make_product_admin(
    served_api: GraphQLClient, experience: Experience, actor: str
) -> None:
    c = await cast(experience)
    admins = await default_group(c.confluence, "PRODUCT_ADMIN")
    target = c.user("target")
    if experience is Experience.ORIGINAL:  # a user of the site, so its site admin sees them
        await access.grant_product_access(c.world.ctx, target, c.world.jira, "USER")
    input = {"groupId": gid("Group", admins.id), "userIds": [gid("User", target.id)]}
    before = await state()
    result = await send(served_api, "addGroupMembers", input, c.tokens[actor])
    expected = GROUP_GIVES_PRODUCT_ADMIN[actor]
    if experience is Experience.ORIGINAL and actor == "site_admin":
        expected = ALLOWED  # its site's group: make_product_admin SCOPED
    assert outcome(result, "addGroupMembers") == expected
    if expected == ALLOWED:
        assert (c.confluence.id, "PRODUCT_ADMIN") in await held(target.id)
    else:
        assert await state() == before


async def test_a_user_access_admin_joins_no_group_that_makes_it_product_admin_r_reach_2(
    served_api: GraphQLClient,
) -> None:
    c = await cast(Experience.CENTRALIZED)
    me, token = c.user("user_access_admin"), c.tokens["user_access_admin"]
    admins = await default_group(c.confluence, "PRODUCT_ADMIN")
    mine = await groups.create_group(c.world.ctx, c.world.org, None, "writers", "")
    await group_members.add_group_members(c.world.ctx, mine, [me.id])
    before = await state()
    join = {"groupId": gid("Group", admins.id), "userIds": [gid("User", me.id)]}
    result = await send(served_api, "addGroupMembers", join, token)
    assert outcome(result, "addGroupMembers") == ("FORBIDDEN", "R-REACH-2")
    # Nor by giving a group it is in the role: the grant to the group is checked on its members.
    grant = {
        "groupIds": [gid("Group", mine.id)],
        "productInstanceId": gid("ProductInstance", c.confluence.id),
        "roles": ["PRODUCT_ADMIN"],
    }
    result = await send(served_api, "grantGroupProductAccess", grant, token)
    assert outcome(result, "grantGroupProductAccess") == ("FORBIDDEN", "R-REACH-2")
    assert await state() == before
    assert await held(me.id) == set()
    # For another member of its group it may (make_product_admin SCOPED): the check is per entry.
    await group_members.add_group_members(c.world.ctx, mine, [c.user("target").id])
    await GroupMembership.filter(group_id=mine.id, user_id=me.id).delete()
    result = await send(served_api, "grantGroupProductAccess", grant, token)
    assert outcome(result, "grantGroupProductAccess") == ALLOWED


# Item 6: suspending, restoring or removing a role holder needs what revoking the role needs.

SUSPEND_ORG_ADMIN = {
    "org_admin": ALLOWED,
    "api_key": ("FORBIDDEN", "R-ROLE-2"),  # the side door, closed
    "api_key_read_only": ("FORBIDDEN", "R-KEY-1"),
    "site_admin": ("FORBIDDEN", "update_managed_accounts"),
    "user_access_admin": ("FORBIDDEN", "update_managed_accounts"),
    "trusted_user": ("FORBIDDEN", "update_managed_accounts"),
    "product_admin": ("FORBIDDEN", "update_managed_accounts"),
    "member": ("NOT_FOUND", None),
}
REMOVE_ORG_ADMIN = {
    **SUSPEND_ORG_ADMIN,
    **dict.fromkeys(
        ("site_admin", "user_access_admin", "trusted_user", "product_admin"),
        ("FORBIDDEN", "add_remove_users_from_products"),
    ),
}


@pytest.mark.parametrize("mutation", ["suspendUser", "removeUserFromOrganization"])
@pytest.mark.parametrize(
    ("experience", "actor"),
    [(Experience.CENTRALIZED, a) for a in CENTRALIZED_ACTORS]
    + [(Experience.ORIGINAL, a) for a in ORIGINAL_ACTORS],
)
async def test_suspending_or_removing_an_org_admin_needs_what_revoking_it_needs_r_role_2(
    served_api: GraphQLClient, experience: Experience, actor: str, mutation: str
) -> None:
    c = await cast(experience)
    admin = c.user("second_org_admin")
    input = {"organizationId": gid("Organization", c.world.org.id), "userId": gid("User", admin.id)}
    before = await state()
    result = await send(served_api, mutation, input, c.tokens[actor])
    expected = (SUSPEND_ORG_ADMIN if mutation == "suspendUser" else REMOVE_ORG_ADMIN)[actor]
    assert outcome(result, mutation) == expected
    if expected != ALLOWED:
        assert await state() == before
        assert await RoleAssignment.exists(user_id=admin.id, role=AdminRole.ORG_ADMIN)


async def test_an_api_key_still_suspends_restores_and_removes_other_users(
    served_api: GraphQLClient,
) -> None:
    """Nothing else changes for a key: a plain member and a site admin, as before."""
    c = await cast(Experience.CENTRALIZED)
    key, org = c.tokens["api_key"], gid("Organization", c.world.org.id)
    for name in ("member", "site_admin"):
        input = {"organizationId": org, "userId": gid("User", c.user(name).id)}
        for mutation in ("suspendUser", "restoreUser", "removeUserFromOrganization"):
            assert outcome(await send(served_api, mutation, input, key), mutation) == ALLOWED


async def test_an_api_key_does_not_restore_a_suspended_org_admin_r_role_2(
    served_api: GraphQLClient,
) -> None:
    c = await cast(Experience.ORIGINAL)
    admin = c.user("second_org_admin")
    await OrgUser.filter(id=admin.id).update(status=UserStatus.SUSPENDED)
    input = {"organizationId": gid("Organization", c.world.org.id), "userId": gid("User", admin.id)}
    before = await state()
    result = await send(served_api, "restoreUser", input, c.tokens["api_key"])
    assert outcome(result, "restoreUser") == ("FORBIDDEN", "R-ROLE-2")
    assert await state() == before
    result = await send(served_api, "restoreUser", input, c.tokens["org_admin"])
    assert outcome(result, "restoreUser") == ALLOWED
    assert (await OrgUser.get(id=admin.id)).status is UserStatus.ACTIVE


# The engine's side, without a server: the reach check skips reading the diff of an actor who
# holds the organization's own scope; that is sound only if every entry would be allowed.

REACH_FEATURES = ["add_remove_users_from_products", "approve_deny_access_requests"]


@pytest.mark.parametrize("experience", list(Experience))
@pytest.mark.parametrize("feature", REACH_FEATURES)
@pytest.mark.parametrize("who", ["org_admin", "api_key"])
def test_an_organization_scope_allows_every_entry_of_any_diff(
    experience: Experience, feature: str, who: str
) -> None:
    organization = Target(TargetKind.ORGANIZATION, 1, experience)
    if who == "org_admin":
        principal = Principal(
            actor=Actor(ActorKind.ACCOUNT, 1, "admin@example.com"),
            account_id=1,
            memberships={1: (7, UserStatus.ACTIVE)},
            assignments=(Assignment(1, AdminRole.ORG_ADMIN, 1),),
        )
    else:
        principal = Principal(
            actor=Actor(ActorKind.API_KEY, 1, "k"), api_key_id=1, api_key_organization_id=1
        )
    assert decide(principal, feature, organization).allowed
    assert decide(principal, MAKE_PRODUCT_ADMIN, organization).allowed
    for site, instance in ((1, 1), (2, 5)):
        target = Target(
            TargetKind.PRODUCT_INSTANCE, 1, experience, site_id=site, product_instance_id=instance
        )
        for role in ("USER", "AGENT", "PRODUCT_ADMIN"):
            for user, giving in ((7, True), (8, True), (8, False)):
                assert decide_entry(principal, feature, target, role, user, giving).allowed


def test_an_entry_outside_the_actors_products_cites_r_reach_1() -> None:
    principal = Principal(
        actor=Actor(ActorKind.ACCOUNT, 1, "uaa@example.com"),
        account_id=2,
        memberships={1: (9, UserStatus.ACTIVE)},
        assignments=(Assignment(1, AdminRole.USER_ACCESS_ADMIN, 5),),
    )
    mine, other = (
        Target(TargetKind.PRODUCT_INSTANCE, 1, Experience.CENTRALIZED, 1, product_instance_id=pk)
        for pk in (5, 6)
    )
    feature = "add_remove_users_from_products"
    assert decide_entry(principal, feature, mine, "USER", 3, True).allowed
    assert decide_entry(principal, feature, other, "USER", 3, False).rule == "R-REACH-1"
    assert decide_entry(principal, feature, mine, "PRODUCT_ADMIN", 3, True).allowed
    assert decide_entry(principal, feature, mine, "PRODUCT_ADMIN", 9, True).rule == "R-REACH-2"
    assert decide_entry(principal, feature, mine, "PRODUCT_ADMIN", 9, False).allowed
