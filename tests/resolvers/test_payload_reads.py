"""A mutation's payload is readable by the actor that made it (issue 13.18), over HTTP.

What a mutation makes (a site, a product instance and its default groups, a group, a user who
joins the directory) is read by its maker in that request's payload, under the rule it was made
with, even where the maker's roles could not read it later: a centralized site admin adds a
product and reads its default groups. What the maker did not make stays refused (the product's
users), and the next request is decided by the matrix alone.
"""

from typing import Any

import pytest

from models.access_settings import AccessRequest
from models.directory import OrgUser
from models.enums import AdminRole, Experience
from models.group import DefaultGroup
from models.product import ProductInstance
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result

ADD_PRODUCT = """
mutation ($input: AddProductInput!) { addProduct(input: $input) {
  productInstance { id product { key } defaultGroups {
    id name members(first: 5) { totalCount } productRoles { role } isDefaultFor { role }
  } }
  errors { code }
} }
"""
ADD_PRODUCT_DOCUMENTED = """
mutation ($input: AddProductInput!) { addProduct(input: $input) {
  productInstance { id defaultGroups { id name } } errors { code }
} }
"""
ADD_PRODUCT_USERS = """
mutation ($input: AddProductInput!) { addProduct(input: $input) {
  productInstance { id users(first: 5) { totalCount } } errors { code }
} }
"""
DEFAULT_GROUPS = """
query ($id: ID!) { node(id: $id) { ... on ProductInstance { id defaultGroups { id } } } }
"""
INVITE = """
mutation ($input: InviteUserInput!) { inviteUser(input: $input) {
  user { id email organization { id } adminRoles { role }
    groups(first: 5) { edges { node { name } } }
    productAccess { productInstance { id } role sources { kind } } }
  errors { code }
} }
"""
USER_ACCESS = "query ($id: ID!) { node(id: $id) { ... on User { productAccess { role } } } }"
APPROVE = """
mutation ($input: ApproveAccessRequestInput!) { approveAccessRequest(input: $input) {
  accessRequest { status user { email productAccess { productInstance { id } role } } }
  errors { code }
} }
"""


async def site_admin(world: World) -> str:
    user, token = await world.member()
    await world.role(user, AdminRole.SITE_ADMIN, world.site.id)
    return token


def forbidden_at(result: Result) -> list[tuple[list[Any], str, str]]:
    return [
        (e["path"], e["extensions"]["code"], e["extensions"].get("rule")) for e in result.errors
    ]


async def add_confluence(
    api: GraphQLClient, world: World, token: str, text: str = ADD_PRODUCT, **more: str
) -> Result:
    fields = {"siteId": gid("Site", world.site.id), "productKey": "confluence", **more}
    return await api(text, {"input": fields}, token)


async def test_a_centralized_site_admin_reads_the_default_groups_of_the_product_it_added(
    served_api: GraphQLClient,
) -> None:  # add_new_products is SCOPED for the site admin; view_users_in_organization is NO
    world = await factories.world(Experience.CENTRALIZED)
    token = await site_admin(world)
    done = (await add_confluence(served_api, world, token)).ok()["addProduct"]
    assert done["errors"] == []
    instance = await ProductInstance.get(site_id=world.site.id, product_id="confluence")
    made = done["productInstance"]
    assert (made["id"], made["product"]) == (
        gid("ProductInstance", instance.id),
        {"key": "confluence"},
    )
    defaults = await DefaultGroup.filter(product_instance_id=instance.id).order_by("group_id")
    assert [g["id"] for g in made["defaultGroups"]] == [gid("Group", d.group_id) for d in defaults]
    assert {g["name"] for g in made["defaultGroups"]} == {
        f"confluence-{noun}-{world.site.name}" for noun in ("users", "guests", "admins")
    }
    for group in made["defaultGroups"]:
        assert group["members"] == {"totalCount": 0}
        assert group["productRoles"] == group["isDefaultFor"]
    # The next request is decided by the matrix alone: the site admin reads no groups.
    later = await served_api(DEFAULT_GROUPS, {"id": made["id"]}, token)
    assert forbidden_at(later) == [
        (["node", "defaultGroups"], "FORBIDDEN", "view_users_in_organization")
    ]
    # And adding it again is a duplicate, as before.
    again = (await add_confluence(served_api, world, token)).ok()["addProduct"]
    assert again == {"productInstance": None, "errors": [{"code": "DUPLICATE"}]}


async def test_a_retry_with_the_client_mutation_id_reads_what_the_first_run_made(
    served_api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.CENTRALIZED)
    token = await site_admin(world)
    shape = ADD_PRODUCT_DOCUMENTED  # the product instance is read as made again, not its groups
    first = (await add_confluence(served_api, world, token, shape, clientMutationId="a")).ok()
    retry = (await add_confluence(served_api, world, token, shape, clientMutationId="a")).ok()
    assert retry == first
    assert len(first["addProduct"]["productInstance"]["defaultGroups"]) == 3
    assert await ProductInstance.filter(product_id="confluence").count() == 1


async def test_a_retry_reads_no_user_it_made_the_first_time(served_api: GraphQLClient) -> None:
    """A replay answers as things are now: the people of what it made may have changed, so
    only sites and product instances are read again as made (resolvers/receipts.py)."""
    world = await factories.world(Experience.ORIGINAL)
    trusted, token = await world.member()
    await world.role(trusted, AdminRole.TRUSTED_USER, world.site.id)
    fields = {
        "organizationId": gid("Organization", world.org.id),
        "email": "new.hire@example.com",
        "productAccess": [{"productInstanceId": gid("ProductInstance", world.jira.id)}],
        "clientMutationId": "invite-1",
    }
    first = await served_api(INVITE, {"input": fields}, token)
    assert first.ok()["inviteUser"]["errors"] == []
    retry = await served_api(INVITE, {"input": fields}, token)
    assert (["inviteUser", "user", "organization"], "FORBIDDEN", "view_users_in_organization") in (
        forbidden_at(retry)
    )
    assert await OrgUser.filter(account__email="new.hire@example.com").count() == 1


async def test_the_maker_does_not_read_who_holds_the_product_it_added(
    served_api: GraphQLClient,
) -> None:  # its users (the org admins, R-ROLE-4) were not made by the site admin
    world = await factories.world(Experience.CENTRALIZED)
    token = await site_admin(world)
    result = await add_confluence(served_api, world, token, ADD_PRODUCT_USERS)
    assert forbidden_at(result) == [
        (["addProduct", "productInstance", "users"], "FORBIDDEN", "view_users_in_organization")
    ]
    assert await ProductInstance.filter(product_id="confluence").count() == 1  # it was added


async def test_an_original_trusted_user_reads_the_user_it_invited(
    served_api: GraphQLClient,
) -> None:  # add_remove_users_from_products is SCOPED for it; view_users_in_organization NO
    world = await factories.world(Experience.ORIGINAL)
    trusted, token = await world.member()
    await world.role(trusted, AdminRole.TRUSTED_USER, world.site.id)
    jira = gid("ProductInstance", world.jira.id)
    fields = {
        "organizationId": gid("Organization", world.org.id),
        "email": "new.hire@example.com",
        "productAccess": [{"productInstanceId": jira, "role": "USER"}],
    }
    done = (await served_api(INVITE, {"input": fields}, token)).ok()["inviteUser"]
    assert done["errors"] == []
    user = await OrgUser.get(organization_id=world.org.id, account__email="new.hire@example.com")
    assert done["user"] == {
        "id": gid("User", user.id),
        "email": "new.hire@example.com",
        "organization": {"id": gid("Organization", world.org.id)},
        "adminRoles": [],
        "groups": {"edges": [{"node": {"name": f"jira-users-{world.site.name}"}}]},
        "productAccess": [
            {
                "productInstance": {"id": jira},
                "role": "USER",
                "sources": [{"kind": "DEFAULT_GROUP"}],
            }
        ],
    }
    later = await served_api(USER_ACCESS, {"id": done["user"]["id"]}, token)
    assert later.codes == ["NOT_FOUND"]  # node(id) reads users as the matrix says, later


async def test_a_centralized_site_admin_reads_the_user_its_approval_let_in(
    served_api: GraphQLClient,
) -> None:  # approve_deny_access_requests is SCOPED for it (R-ACCESS-10)
    world = await factories.world(Experience.CENTRALIZED)
    token = await site_admin(world)
    person = await factories.account("outsider@example.com")
    request = await AccessRequest.create(
        organization_id=world.org.id, product_instance=world.jira, account=person
    )
    fields = {"requestId": gid("AccessRequest", request.id)}
    done = (await served_api(APPROVE, {"input": fields}, token)).ok()["approveAccessRequest"]
    assert done == {
        "accessRequest": {
            "status": "APPROVED",
            "user": {
                "email": "outsider@example.com",
                "productAccess": [
                    {
                        "productInstance": {"id": gid("ProductInstance", world.jira.id)},
                        "role": "USER",
                    }
                ],
            },
        },
        "errors": [],
    }
    assert await OrgUser.exists(organization_id=world.org.id, account_id=person.id)


# Every documented payload shape (API.md, README) for the roles that may run it in their scope
# but read little of the directory: none of them may answer FORBIDDEN for what was just done.

Step = tuple[str, dict[str, Any], str]


async def scripted(api: GraphQLClient, token: str, steps: list[Step]) -> list[str]:
    """Run each step; the problems found (any error, any refusal in the payload)."""
    problems = []
    for name, fields, selection in steps:
        kind = name[0].upper() + name[1:] + "Input"
        text = (
            f"mutation ($input: {kind}!) {{ {name}(input: $input) "
            f"{{ {selection} errors {{ code }} }} }}"
        )
        result = await api(text, {"input": fields}, token)
        answer = (result.data or {}).get(name) or {}
        if result.errors or answer.get("errors"):
            problems.append(f"{name}: {result.body}")
    return problems


async def documented_steps(world: World, role: AdminRole) -> list[Step]:
    """The shapes of API.md (and README's inviteUser, which reads the new user's groups) that
    `role` may run in its scope, in an order where each finds what it needs."""
    org, site = gid("Organization", world.org.id), gid("Site", world.site.id)
    jira = gid("ProductInstance", world.jira.id)
    member, _ = await world.member()
    user = gid("User", member.id)
    original = world.org.experience is Experience.ORIGINAL
    grants = [{"productInstanceId": jira, "role": "USER"}]
    invite = {"organizationId": org, "email": "a@example.com", "productAccess": grants}
    access: list[Step] = [
        ("inviteUser", invite, "user { id groups(first: 5) { edges { node { name } } } }"),
        ("grantProductAccess", {"userId": user, "productInstanceId": jira}, "user { id }"),
        ("revokeProductAccess", {"userId": user, "productInstanceId": jira}, "user { id }"),
    ]
    group = {"organizationId": org, "name": "team", **({"siteId": site} if original else {})}
    groups: list[Step] = [("createGroup", group, "group { id }")]
    settings: list[Step] = [
        (
            "setAnonymousAccess",
            {"productInstanceId": jira, "enabled": True},
            "productInstance { id }",
        )
    ]
    add: list[Step] = [
        (
            "addProduct",
            {"siteId": site, "productKey": "confluence"},
            "productInstance { id defaultGroups { id name } }",
        )
    ]
    make: list[Step] = [
        (
            "assignAdminRole",
            {"userId": user, "role": "PRODUCT_ADMIN", "scopeId": jira},
            "user { id }",
        )
    ]
    return {
        AdminRole.SITE_ADMIN: add + (access + groups + settings + make if original else []),
        AdminRole.TRUSTED_USER: access + settings,
        AdminRole.USER_ACCESS_ADMIN: access + groups + make,
        AdminRole.PRODUCT_ADMIN: settings,
    }[role]


@pytest.mark.parametrize(
    ("experience", "role"),
    [
        (Experience.CENTRALIZED, AdminRole.SITE_ADMIN),
        (Experience.CENTRALIZED, AdminRole.USER_ACCESS_ADMIN),
        (Experience.CENTRALIZED, AdminRole.PRODUCT_ADMIN),
        (Experience.ORIGINAL, AdminRole.SITE_ADMIN),
        (Experience.ORIGINAL, AdminRole.TRUSTED_USER),
        (Experience.ORIGINAL, AdminRole.PRODUCT_ADMIN),
    ],
)
async def test_documented_payloads_answer_whoever_may_run_them(
    served_api: GraphQLClient, experience: Experience, role: AdminRole
) -> None:
    world = await factories.world(experience)
    holder, token = await world.member()
    scope = (
        world.site.id if role in (AdminRole.SITE_ADMIN, AdminRole.TRUSTED_USER) else world.jira.id
    )
    await world.role(holder, role, scope)
    steps = await documented_steps(world, role)
    assert await scripted(served_api, token, steps) == []
