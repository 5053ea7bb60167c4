"""Accounts and groups over HTTP (docs/accounts-and-groups.md; issue 13, items 1, 7, 8, 9, 10):
default groups are always new, org-admins is protected in one place, names and emails compare
in one form, portal-only customers hold no admin role, and no organization's invite changes
another's account."""

import unicodedata
from typing import Any

from models.directory import Account, OrgUser
from models.enums import AccountType, AdminRole
from models.group import DefaultGroup, Group, GroupMembership, GroupProductRole
from models.organization import Organization
from models.product import ProductInstance
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient
from tests.support.group_api import (
    confluence,
    group_id,
    holder,
    instance_id,
    mutate,
    org_admins,
    problems,
    rows,
    user_id,
)

ADD_PRODUCT = """
mutation ($site: ID!, $key: String!) { addProduct(input: {siteId: $site, productKey: $key}) {
  productInstance { id defaultGroups { id name } } errors { code field rule } } }
"""
INVITE = """
mutation ($input: InviteUserInput!) { inviteUser(input: $input) {
  user { id email displayName accountType } errors { code message field rule } } }
"""
CREATE_ORG = """
mutation { createOrganization(input: {name: "Customer Corp", experience: CENTRALIZED}) {
  organization { id } errors { code field rule } } }
"""
# A name that reads like org-admins, and what it gets: invisible characters are refused as such
# (INVALID_INPUT, no rule); the others read as the reserved name (R-ROLE-15).
ORG_ADMINS_LOOKALIKES = {
    "org-\u200badmins": ("INVALID_INPUT", None),  # a zero-width space
    "\u200forg-admins": ("INVALID_INPUT", None),  # a right-to-left mark
    "org-adm\u0456ns": ("PROTECTED_GROUP", "R-ROLE-15"),  # a Cyrillic i
    "org\u2010admins": ("PROTECTED_GROUP", "R-ROLE-15"),  # a Unicode hyphen
    "\uff4frg-admins": ("PROTECTED_GROUP", "R-ROLE-15"),  # a fullwidth o
    "ORG-Admins": ("PROTECTED_GROUP", "R-ROLE-15"),
}


# 1. Default groups are groups that adding the product creates


async def test_adding_a_product_never_adopts_a_group_named_like_its_default_group(
    served_api: GraphQLClient,
) -> None:
    """A user access admin of Confluence made `compass-admins-<site>` and joined it: adding
    Compass makes its own default groups, so the squatter gains nothing (R-ROLE-9, R-ROLE-14)."""
    world = await factories.world()
    wiki = await confluence(world)
    squatter, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, wiki.id)
    name = f"compass-admins-{world.site.name}"
    made = await mutate(
        served_api,
        "createGroup",
        {"organizationId": gid("Organization", world.org.id), "name": name},
        token,
    )
    assert made["errors"] == []
    squatted = await Group.get(name=name)
    joined = await mutate(
        served_api,
        "addGroupMembers",
        {"groupId": group_id(squatted), "userIds": [user_id(squatter)]},
        token,
    )
    assert joined["errors"] == []

    variables = {"site": gid("Site", world.site.id), "key": "compass"}
    added = (await served_api(ADD_PRODUCT, variables, world.admin_token)).ok()["addProduct"]

    assert added["errors"] == []
    defaults = {g["name"] for g in added["productInstance"]["defaultGroups"]}
    assert defaults == {f"compass-users-{world.site.name}", f"{name}-2"}
    assert group_id(squatted) not in {g["id"] for g in added["productInstance"]["defaultGroups"]}
    assert await GroupProductRole.filter(group_id=squatted.id).count() == 0
    assert await DefaultGroup.filter(group_id=squatted.id).count() == 0
    compass = await ProductInstance.get(product_id="compass")
    new_groups = await DefaultGroup.filter(product_instance_id=compass.id).values_list(
        "group_id", flat=True
    )
    assert await GroupMembership.filter(group_id__in=new_groups).count() == 0


# 7. org-admins: what of it may change, and by whom (R-ROLE-15)


async def test_a_user_access_admin_can_neither_describe_org_admins_nor_give_it_a_product(
    served_api: GraphQLClient,
) -> None:
    world = await factories.world()
    wiki = await confluence(world)
    _, token = await holder(world, AdminRole.USER_ACCESS_ADMIN, wiki.id)
    admins = await org_admins(world)
    before = await rows()
    described = await mutate(
        served_api, "updateGroup", {"groupId": group_id(admins), "description": "Mine."}, token
    )
    assert problems(described) == [("PROTECTED_GROUP", "description", "R-ROLE-15")]
    grant = {
        "groupIds": [group_id(admins)],
        "productInstanceId": instance_id(wiki),
        "roles": ["USER"],
    }
    for actor in (token, world.admin_token):  # no one gives org-admins a product
        granted = await mutate(served_api, "grantGroupProductAccess", grant, actor)
        assert problems(granted) == [("PROTECTED_GROUP", "groupIds.0", "R-ROLE-15")]
    assert await rows() == before
    assert (await Group.get(id=admins.id)).description == admins.description


async def test_an_org_admin_still_describes_org_admins_and_changes_it_no_other_way(
    served_api: GraphQLClient,
) -> None:
    world = await factories.world()
    admins = await org_admins(world)
    described = await mutate(
        served_api,
        "updateGroup",
        {"groupId": group_id(admins), "description": "The admins."},
        world.admin_token,
    )
    assert described["errors"] == []
    assert described["group"]["description"] == "The admins."
    before = await rows()
    refused = await mutate(
        served_api,
        "updateGroup",
        {"groupId": group_id(admins), "name": "admins"},
        world.admin_token,
    )
    assert problems(refused) == [("PROTECTED_GROUP", "name", "R-ROLE-15")]
    assert await rows() == before


# 8. Names and emails compare in one form


async def test_names_that_read_like_org_admins_are_refused(served_api: GraphQLClient) -> None:
    """Invisible characters: INVALID_INPUT; lookalikes (NFKC, case, confusables): reserved."""
    world = await factories.world()
    writers = await mutate(
        served_api,
        "createGroup",
        {"organizationId": gid("Organization", world.org.id), "name": "writers"},
        world.admin_token,
    )
    before = await rows()
    for name, (code, rule) in ORG_ADMINS_LOOKALIKES.items():
        created = await mutate(
            served_api,
            "createGroup",
            {"organizationId": gid("Organization", world.org.id), "name": name},
            world.admin_token,
        )
        assert problems(created) == [(code, "name", rule)], ascii(name)
        renamed = await mutate(
            served_api,
            "updateGroup",
            {"groupId": writers["group"]["id"], "name": name},
            world.admin_token,
        )
        assert problems(renamed) == [(code, "name", rule)], ascii(name)
    assert await rows() == before


async def test_group_names_are_unique_in_their_compared_form(served_api: GraphQLClient) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    first = await mutate(
        served_api, "createGroup", {"organizationId": org, "name": "Café"}, world.admin_token
    )
    assert first["errors"] == []
    before = await rows()
    nfd = unicodedata.normalize("NFD", "CAFÉ")
    fullwidth = "\uff43af\u00e9"  # a fullwidth c
    for name in (nfd, fullwidth, "café"):
        again = await mutate(
            served_api, "createGroup", {"organizationId": org, "name": name}, world.admin_token
        )
        assert problems(again) == [("DUPLICATE", "name", None)], name
    assert await rows() == before


async def test_emails_in_nfc_nfd_fullwidth_or_other_case_are_one_account(
    served_api: GraphQLClient,
) -> None:
    acme, globex, initech = [await factories.world(name=n) for n in ("Acme", "Globex", "Initech")]
    nfc = unicodedata.normalize("NFC", "José@Example.com")
    spellings = [
        unicodedata.normalize("NFD", nfc),
        "\uff4aos\u00e9@example.com",
        "JOSÉ@EXAMPLE.COM",
    ]
    invited = await invite(served_api, acme, nfc)
    assert invited["errors"] == []
    assert invited["user"]["email"] == "josé@example.com"
    for world, email in zip((globex, initech), spellings, strict=False):
        other = await invite(served_api, world, email)
        assert other["errors"] == [], email
        assert other["user"]["email"] == "josé@example.com"
    assert await Account.filter(email="josé@example.com").count() == 1
    for email in spellings:
        again = await invite(served_api, acme, email)
        assert [(e["code"], e["field"]) for e in again["errors"]] == [("DUPLICATE", "email")]
    assert await OrgUser.filter(account__email="josé@example.com").count() == 3


async def test_an_email_with_an_invisible_character_is_invalid_input(
    served_api: GraphQLClient,
) -> None:
    world = await factories.world()
    accounts = await Account.all().count()
    for email in ("lee\u200b@example.com", "\u200flee@example.com"):
        refused = await invite(served_api, world, email)
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "email")]
    assert await Account.all().count() == accounts


# 9. Portal-only customers are not licensed users (R-ACCESS-6)


async def test_a_portal_only_customer_cannot_create_an_organization(
    served_api: GraphQLClient,
) -> None:
    customer = await factories.account("carl@customer.example", AccountType.CUSTOMER)
    token = await factories.token(customer)
    created = (await served_api(CREATE_ORG, token=token)).ok()["createOrganization"]
    assert created["organization"] is None
    assert problems(created) == [("PORTAL_ONLY_CUSTOMER", None, "R-ACCESS-6")]
    assert await Organization.all().count() == 0
    assert await OrgUser.filter(account_id=customer.id).count() == 0


# 10. No organization's invite changes another's account


async def test_another_organizations_customer_invite_leaves_the_persons_account_alone(
    served_api: GraphQLClient,
) -> None:
    """Globex's portal-only customer `newhire@acme.example`, named "x", is Globex's own account:
    Acme still invites the person's own account and gives it Jira."""
    acme = await factories.world(name="Acme")
    globex = await factories.world(name="Globex")
    email = "newhire@acme.example"
    as_customer = await invite(served_api, globex, email, accountType="CUSTOMER", displayName="x")
    assert as_customer["errors"] == []
    grant = [{"productInstanceId": instance_id(acme.jira), "role": "USER"}]
    hired = await invite(served_api, acme, email, productAccess=grant)
    assert hired["errors"] == []
    assert hired["user"] | {"id": None} == {
        "id": None,
        "email": email,
        "displayName": "newhire",
        "accountType": "ATLASSIAN",
    }
    in_globex = await OrgUser.get(
        organization_id=globex.org.id, account__email=email
    ).prefetch_related("account")
    assert (in_globex.account.account_type, in_globex.account.owner_id) == (
        AccountType.CUSTOMER,
        globex.org.id,
    )
    own = await Account.get(email=email, owner_ref=0)
    assert (own.account_type, own.display_name) == (AccountType.ATLASSIAN, "newhire")


async def test_a_display_name_given_by_one_organization_is_not_seen_by_another(
    served_api: GraphQLClient,
) -> None:
    acme, globex, initech = [await factories.world(name=n) for n in ("Acme", "Globex", "Initech")]
    first = await invite(served_api, globex, "lee@example.com", displayName="x")
    assert first["user"]["displayName"] == "x"
    second = await invite(served_api, acme, "lee@example.com")
    assert second["user"]["displayName"] == "lee"  # the account's own: its email's local part
    third = await invite(served_api, initech, "lee@example.com", displayName="Lee Lee")
    assert third["user"]["displayName"] == "Lee Lee"
    assert await Account.filter(email="lee@example.com").count() == 1


async def test_an_invite_naming_another_account_type_is_account_type_mismatch(
    served_api: GraphQLClient,
) -> None:
    """R-ACCESS-2: the type of an existing account is never silently ignored: an email already
    in the directory as another type, or an account the operator made of another type."""
    acme = await factories.world(name="Acme")
    bot = await factories.account("bot@example.com", AccountType.APP)  # `user create`'s kind
    assert (await invite(served_api, acme, "dev@example.com"))["errors"] == []
    accounts, entries = await Account.all().count(), await OrgUser.all().count()
    for email, kind in (("dev@example.com", "CUSTOMER"), ("bot@example.com", "ATLASSIAN")):
        refused = await invite(served_api, acme, email, accountType=kind)
        assert refused["user"] is None
        assert problems(refused) == [("ACCOUNT_TYPE_MISMATCH", "accountType", "R-ACCESS-2")]
    assert (await Account.all().count(), await OrgUser.all().count()) == (accounts, entries)
    as_app = await invite(served_api, acme, "bot@example.com", accountType="APP")
    assert as_app["errors"] == []
    assert await OrgUser.exists(organization_id=acme.org.id, account_id=bot.id)


async def invite(
    api: GraphQLClient, world: factories.World, email: str, **extra: Any
) -> dict[str, Any]:
    input = {"organizationId": gid("Organization", world.org.id), "email": email, **extra}
    payload: dict[str, Any] = (await api(INVITE, {"input": input}, world.admin_token)).ok()[
        "inviteUser"
    ]
    return payload
