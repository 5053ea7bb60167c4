"""The SCIM endpoint over HTTP (in process): tokens, refusals, and what provisioning does to the
directory (issue 17). The run of an identity provider is tests/scim/test_scim_provisioning_run.py,
the RFC checker tests/scim/test_scim_compliance.py."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from models.audit import AuditEvent
from models.directory import Account, OrgUser
from models.enums import AccountType, ActorKind, Experience, UserStatus
from models.group import ORG_ADMINS_GROUP, Group, GroupMembership
from models.provisioning import ScimToken
from resolvers import provisioning
from tests.support import factories
from tests.support.scim_support import Scim, group_body, patch_body, scim_for, user_body
from tests.support.sql_counter import count_statements

SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
async def scim(database: str) -> AsyncIterator[Scim]:
    async for client in scim_for(database, await factories.world()):
        yield client


def scim_error(response: httpx.Response, status: int, scim_type: str | None = None) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [SCIM_ERROR]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type
    detail: str = body["detail"]
    return detail


# --- Refusals -------------------------------------------------------------------------------


async def test_no_wrong_or_revoked_token_is_401(scim: Scim) -> None:
    wrong = scim.secret[:-4] + "AAAA"
    for secret in (wrong, "pcs_nothing", scim.world.admin_token):
        response = await scim("GET", "/Users", secret=secret)
        scim_error(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
    response = await scim.http.get("/scim/v2/Users")
    scim_error(response, 401)
    await provisioning.revoke_scim_token(scim.world.ctx, scim.token)
    scim_error(await scim("GET", "/Users"), 401)


async def test_a_scim_token_is_not_a_graphql_credential(scim: Scim) -> None:
    response = await scim.http.post(
        "/graphql",
        json={"query": "{ viewer { email } }"},
        headers={"Authorization": f"Bearer {scim.secret}"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_another_organizations_ids_are_404(scim: Scim, database: str) -> None:
    other = await factories.world(name="Other")
    stranger, _ = await other.member("stranger@other.example")
    group = await Group.get(organization_id=other.org.id, name=ORG_ADMINS_GROUP)
    for path in (f"/Users/{stranger.id}", f"/Groups/{group.id}", "/Users/x", "/Users/0"):
        scim_error(await scim("GET", path), 404)
    scim_error(await scim("DELETE", f"/Users/{stranger.id}"), 404)
    scim_error(await scim("PUT", f"/Groups/{group.id}", group_body("taken")), 404)
    listed = (await scim("GET", "/Users", filter='userName eq "stranger@other.example"')).json()
    assert listed["totalResults"] == 0
    assert await OrgUser.exists(id=stranger.id)


@pytest.mark.parametrize(
    "text",
    ["userName eq", 'title eq "x"', 'userName gt "a"', 'emails[type eq "work"]', "active eq 3"],
)
async def test_a_bad_filter_is_400_invalid_filter(scim: Scim, text: str) -> None:
    scim_error(await scim("GET", "/Users", filter=text), 400, "invalidFilter")


async def test_a_refused_group_leaves_nothing(scim: Scim) -> None:
    """A member that is no user of the organization: 400, and no group, event or row."""
    before = await AuditEvent.all().count(), await Group.all().count()
    response = await scim("POST", "/Groups", group_body("writers", "999999"))
    scim_error(response, 400, "invalidValue")
    assert (await AuditEvent.all().count(), await Group.all().count()) == before


async def test_a_refused_user_leaves_nothing(scim: Scim) -> None:
    """The second user with a taken userName: 409 uniqueness, no account, no event."""
    await scim.create_user("ada@acme.example")
    before = await AuditEvent.all().count(), await Account.all().count()
    response = await scim("POST", "/Users", user_body("ADA@acme.example", "other@acme.example"))
    scim_error(response, 409, "uniqueness")
    assert (await AuditEvent.all().count(), await Account.all().count()) == before
    scim_error(
        await scim("POST", "/Users", user_body("nomail", "not an email")), 400, "invalidValue"
    )


async def test_unknown_paths_and_methods(scim: Scim) -> None:
    scim_error(await scim("GET", "/Nothing"), 404)
    response = await scim("POST", "/ServiceProviderConfig", {})
    scim_error(response, 405)
    assert response.headers["allow"] == "GET"


# --- Semantics ------------------------------------------------------------------------------


async def test_a_provisioned_user_is_a_managed_account_audited_as_the_token(scim: Scim) -> None:
    created = await scim.create_user(
        "Ada.Lovelace",
        email="ada@acme.example",
        externalId="00u1",
        displayName="Ada L",
        name={"givenName": "Ada", "familyName": "Lovelace"},
    )
    user = await OrgUser.get(id=int(created["id"])).select_related("account")
    assert (user.organization_id, user.status) == (scim.world.org.id, UserStatus.ACTIVE)
    assert (user.account.email, user.account.managed) == ("ada@acme.example", True)
    assert created["userName"] == "Ada.Lovelace"
    assert created["emails"] == [{"value": "ada@acme.example", "primary": True}]
    assert created["name"] == {"givenName": "Ada", "familyName": "Lovelace"}
    assert created["meta"]["location"].endswith(f"/scim/v2/Users/{user.id}")
    events = await AuditEvent.filter(target_type="User", target_id=str(user.id)).order_by("id")
    token = await ScimToken.get(name="okta")
    assert [(e.action, e.actor_kind, e.actor_id, e.actor_label, e.rule) for e in events] == [
        ("user.invite", ActorKind.SCIM_TOKEN, token.id, "okta", "R-ACCESS-2"),
        ("scim.user_provision", ActorKind.SCIM_TOKEN, token.id, "okta", "user_provisioning"),
    ]


async def test_active_false_suspends_and_true_restores(scim: Scim) -> None:
    created = await scim.create_user("bo@acme.example")
    path = f"/Users/{created['id']}"
    replace = {"op": "replace", "path": "active", "value": False}
    patched = await scim("PATCH", path, patch_body(replace))
    assert patched.json()["active"] is False
    assert (await OrgUser.get(id=int(created["id"]))).status is UserStatus.SUSPENDED
    body = user_body("bo@acme.example", active=True)
    assert (await scim("PUT", path, body)).json()["active"] is True
    assert (await OrgUser.get(id=int(created["id"]))).status is UserStatus.ACTIVE
    actions = await AuditEvent.filter(target_id=created["id"], action__startswith="user.s")
    assert sorted(e.action for e in actions) == ["user.suspend"]


async def test_the_last_org_admin_is_kept(scim: Scim) -> None:
    admin = await OrgUser.get(organization_id=scim.world.org.id, account_id=scim.world.admin.id)
    off = patch_body({"op": "replace", "path": "active", "value": False})
    detail = scim_error(await scim("PATCH", f"/Users/{admin.id}", off), 400, "mutability")
    assert "LAST_ORG_ADMIN (R-ROLE-3)" in detail
    scim_error(await scim("DELETE", f"/Users/{admin.id}"), 400, "mutability")
    assert (await OrgUser.get(id=admin.id)).status is UserStatus.ACTIVE


async def test_delete_removes_from_the_organization_and_provisioning_restores(
    scim: Scim,
) -> None:
    created = await scim.create_user("cy@acme.example")
    assert (await scim("DELETE", f"/Users/{created['id']}")).status_code == 204
    scim_error(await scim("GET", f"/Users/{created['id']}"), 404)
    assert await Account.exists(email="cy@acme.example")
    again = await scim.create_user("cy@acme.example")
    assert again["id"] != created["id"]
    assert await OrgUser.exists(id=int(again["id"]), organization_id=scim.world.org.id)


async def test_group_members_patched_by_path(scim: Scim) -> None:
    a, b = [await scim.create_user(f"{n}@acme.example") for n in "ab"]
    made = await scim("POST", "/Groups", group_body("writers", a["id"]))
    assert made.status_code == 201, made.text
    path = f"/Groups/{made.json()['id']}"
    add = {"op": "add", "path": "members", "value": [{"value": b["id"]}]}
    remove = {"op": "remove", "path": f'members[value eq "{a["id"]}"]'}
    patched = await scim("PATCH", path, patch_body(add, remove))
    assert [m["value"] for m in patched.json()["members"]] == [b["id"]]
    members = await GroupMembership.filter(group_id=int(made.json()["id"]))
    assert [m.user_id for m in members] == [int(b["id"])]
    listed = await scim("GET", "/Groups", filter=f'members.value eq "{b["id"]}"')
    assert [g["displayName"] for g in listed.json()["Resources"]] == ["writers"]


async def test_org_admins_is_untouched(scim: Scim) -> None:
    user = await scim.create_user("dee@acme.example")
    group = await Group.get(organization_id=scim.world.org.id, name=ORG_ADMINS_GROUP)
    add = {"op": "add", "path": "members", "value": [{"value": user["id"]}]}
    detail = scim_error(
        await scim("PATCH", f"/Groups/{group.id}", patch_body(add)), 400, "mutability"
    )
    assert "PROTECTED_GROUP (R-ROLE-15)" in detail
    assert not await GroupMembership.exists(group_id=group.id, user_id=int(user["id"]))


async def test_portal_only_customers_join_no_group_that_gives_a_product(scim: Scim) -> None:
    # The customer is in the directory by the admin API's invite (CUSTOMER accounts belong to
    # the organization that invited them); SCIM finds the email taken, and may not make the
    # customer a licensed user through a group.
    customer_user, _ = await scim.world.member("carl@customer.example", kind=AccountType.CUSTOMER)
    refused = await scim("POST", "/Users", user_body("carl@customer.example"))
    assert "taken" in scim_error(refused, 409, "uniqueness")
    customer = await Account.get(id=customer_user.account_id)
    users_group = await Group.get(name__startswith="jira-users-")
    add = {"op": "add", "path": "members", "value": [{"value": str(customer_user.id)}]}
    response = await scim("PATCH", f"/Groups/{users_group.id}", patch_body(add))
    assert "PORTAL_ONLY_CUSTOMER (R-ACCESS-6)" in scim_error(response, 400, "mutability")
    assert (await Account.get(id=customer.id)).account_type is AccountType.CUSTOMER


async def test_original_organizations_manage_members_only(database: str) -> None:
    world = await factories.world(Experience.ORIGINAL)
    async for scim in scim_for(database, world):
        detail = scim_error(await scim("POST", "/Groups", group_body("x")), 400, "mutability")
        assert "ORIGINAL" in detail
        created = await scim.create_user("eve@globex.example")
        users_group = await Group.get(name__startswith="jira-users-")
        add = {"op": "add", "path": "members", "value": [{"value": created["id"]}]}
        assert (await scim("PATCH", f"/Groups/{users_group.id}", patch_body(add))).is_success
        scim_error(await scim("DELETE", f"/Groups/{users_group.id}"), 400, "mutability")


# --- Lists ----------------------------------------------------------------------------------


async def test_filters_pages_and_attributes(scim: Scim) -> None:
    for name, ext in (("ann", "e1"), ("anna", "e2"), ("bob", "e3")):
        await scim.create_user(f"{name}@acme.example", externalId=ext, displayName=name.title())

    async def names(**params: Any) -> list[str]:
        body = (await scim("GET", "/Users", **params)).json()
        return [r["userName"] for r in body["Resources"]]

    assert await names(filter='userName eq "ANN@acme.example"') == ["ann@acme.example"]
    assert await names(filter='userName sw "ann"') == ["ann@acme.example", "anna@acme.example"]
    assert await names(filter='emails.value co "bob"') == ["bob@acme.example"]
    assert await names(filter='externalId eq "e2" or displayName eq "bob"') == [
        "anna@acme.example",
        "bob@acme.example",
    ]
    assert await names(filter='userName sw "ann" and not (externalId eq "e1")') == [
        "anna@acme.example"
    ]
    assert len(await names(filter="active eq true")) == 4  # the admin too
    page = (await scim("GET", "/Users", startIndex="2", count="2")).json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (4, 2, 2)
    only = (await scim("GET", "/Users", attributes="userName", count="1")).json()["Resources"]
    assert set(only[0]) == {"schemas", "id", "userName"}
    without = (await scim("GET", "/Users", excludedAttributes="emails,groups")).json()
    assert "emails" not in without["Resources"][0]


async def test_a_user_name_lookup_costs_the_same_whatever_the_directory(scim: Scim) -> None:
    async def statements() -> int:
        with count_statements() as seen:
            response = await scim("GET", "/Users", filter='userName eq "u1@acme.example"')
        assert response.json()["totalResults"] == 1
        return len(seen)

    await scim.create_user("u1@acme.example")
    few = await statements()
    for n in range(2, 40):
        await scim.create_user(f"u{n}@acme.example")
    assert await statements() == few


async def test_attributes_that_name_nothing(scim: Scim) -> None:
    """An unknown attribute selects nothing (RFC 7644 §3.9); a malformed one is refused."""
    response = await scim("GET", "/Users", attributes="nothingLikeThis")
    assert [set(r) for r in response.json()["Resources"]] == [{"schemas", "id"}]
    scim_error(await scim("GET", "/Users", attributes="not a path!"), 400, "invalidPath")


async def test_a_user_never_provisioned_is_found_by_email_as_user_name(scim: Scim) -> None:
    invited, _ = await scim.world.member("fay@acme.example")
    await scim.create_user("Gil", email="gil@acme.example")

    async def ids(text: str) -> list[str]:
        body = (await scim("GET", "/Users", filter=text)).json()
        return [r["id"] for r in body["Resources"]]

    assert await ids('userName eq "FAY@acme.example"') == [str(invited.id)]
    assert await ids('userName eq "gil@acme.example"') == []  # its userName is "Gil"
    gil = await ids('userName eq "gil"')
    assert await ids('emails.value eq "gil@acme.example"') == gil
    assert len(await ids('userName ne "gil"')) == 2  # the admin and fay


async def test_an_account_of_this_organization_alone_takes_a_new_email_and_name(
    scim: Scim,
) -> None:
    created = await scim.create_user("hal", email="hal@acme.example")
    body = user_body("hal", "hal.new@acme.example", displayName="Hal N")
    changed = (await scim("PUT", f"/Users/{created['id']}", body)).json()
    assert (changed["emails"][0]["value"], changed["displayName"]) == (
        "hal.new@acme.example",
        "Hal N",
    )
    event = await AuditEvent.get(action="scim.account_update")
    assert event.after == {"email": "hal.new@acme.example", "displayName": "Hal N"}
    assert (event.actor_kind, event.actor_label) == (ActorKind.SCIM_TOKEN, "okta")


async def test_an_account_also_elsewhere_is_not_renamed(scim: Scim) -> None:
    other = await factories.world(name="Other")
    shared, _ = await other.member("ivy@shared.example")
    created = await scim.create_user("ivy@shared.example")
    body = user_body("ivy@shared.example", displayName="Renamed")
    response = await scim("PUT", f"/Users/{created['id']}", body)
    assert "another organization" in scim_error(response, 400, "mutability")
    account = await Account.get(id=shared.account_id)
    assert account.display_name != "Renamed"
    assert not await AuditEvent.exists(action="scim.account_update")
