"""requestProductAccess over HTTP (R-ACCESS-10): who may ask (members, and accounts of an
approved email domain), the automatic approval of a domain approved without approval, and each
refusal (R-ACCESS-6, R-ACCESS-8, R-ACCESS-11), which changes nothing."""

from models.access_settings import AccessRequest
from models.directory import OrgUser
from models.enums import AccessRequestStatus, AccountType, UserStatus
from resolvers import membership, organizations
from tests.resolvers.test_mutations import api_key
from tests.support import factories
from tests.support.access_api import (
    approve_domains,
    events_after,
    holds,
    in_default_group,
    instance_id,
    last_event_id,
    mutate,
    outsider,
    problems,
    refusal,
    rows,
    send,
)
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient

REQUEST = "requestProductAccess"


def ask(instance_pk: str) -> dict[str, str]:
    return {"productInstanceId": instance_pk}


async def test_a_member_asks_and_the_request_waits_for_an_admin_r_access_10(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, token = await world.member("dana@acme.example")
    since = await last_event_id()
    asked = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
    assert asked["errors"] == []
    request = await AccessRequest.get(account_id=user.account_id)
    assert asked["accessRequest"] | {"createdAt": None} == {
        "id": gid("AccessRequest", request.id),
        "status": "PENDING",
        "createdAt": None,
        "decidedAt": None,
        "productInstance": {"id": instance_id(world.jira)},
        "productInstanceSummary": {
            "productInstanceId": instance_id(world.jira),
            "productKey": "jira",
            "productName": "Jira",
            "siteName": world.site.name,
            "organizationName": "Acme",
        },
        "requester": {"email": "dana@acme.example", "displayName": "Dana"},
    }
    events = await events_after(since)
    assert [(e.action, e.target_type, e.target_id, e.rule, e.actor_label) for e in events] == [
        (
            "access_request.create",
            "AccessRequest",
            str(request.id),
            "R-ACCESS-10",
            user.account.email,
        )
    ]
    assert events[0].after == {
        "productInstanceId": world.jira.id,
        "email": "dana@acme.example",
        "status": "PENDING",
        "automatic": False,
    }
    assert not await holds(user.account, world.jira)


async def test_an_approved_domain_lets_a_non_member_ask_without_joining_yet(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("initech.example", True))
    person, token = await outsider("lee@initech.example")
    asked = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
    assert asked["errors"] == []
    assert asked["accessRequest"]["status"] == "PENDING"
    assert asked["accessRequest"]["productInstanceSummary"]["organizationName"] == "Acme"
    assert not await OrgUser.exists(account=person)  # joins when approved


async def test_a_domain_approved_without_approval_gives_the_default_access_at_once_r_access_10(
    api: GraphQLClient,
) -> None:
    """The account joins the directory and the default group for USER (R-ACCESS-3)."""
    world = await factories.world()
    await approve_domains(world, world.jira, ("initech.example", False))
    person, token = await outsider("lee@initech.example")
    since = await last_event_id()
    asked = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
    assert asked["errors"] == []
    assert asked["accessRequest"]["status"] == "APPROVED"
    assert asked["accessRequest"]["decidedAt"] is not None
    user = await OrgUser.get(account=person, organization=world.org)
    assert user.status is UserStatus.ACTIVE
    assert await in_default_group(person, world.jira)
    request = await AccessRequest.get(account=person)
    assert (request.status, request.decided_by_id) == (AccessRequestStatus.APPROVED, None)
    events = await events_after(since)
    assert [(e.action, e.rule) for e in events] == [
        ("access_request.create", "R-ACCESS-10"),
        ("user.join", "R-ACCESS-10"),
        ("group.member_add", "R-ACCESS-10"),
    ]
    assert events[0].after == {
        "productInstanceId": world.jira.id,
        "email": "lee@initech.example",
        "status": "APPROVED",
        "automatic": True,
    }
    assert {e.actor_label for e in events} == {"lee@initech.example"}
    # Now a member: they see the organization they joined.
    query = "query ($id: ID!) { organization(id: $id) { name } }"
    organization = await api(query, {"id": gid("Organization", world.org.id)}, token)
    assert organization.ok() == {"organization": {"name": "Acme"}}


async def test_a_member_of_an_approved_domain_is_also_let_in_at_once(api: GraphQLClient) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("acme.example", False))
    user, token = await world.member("dana@acme.example")
    asked = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
    assert asked["accessRequest"]["status"] == "APPROVED"
    assert await OrgUser.filter(account_id=user.account_id).count() == 1
    assert await in_default_group(user.account, world.jira)


async def test_neither_member_nor_approved_is_not_found_r_access_10(api: GraphQLClient) -> None:
    """Never leak existence: a product of another organization, one approved for another
    domain, one whose sibling product is approved, and an id that names nothing read alike."""
    world = await factories.world()
    wiki = await organizations.add_product(world.ctx, world.site.id, "confluence")
    await approve_domains(world, wiki, ("initech.example", True))
    await approve_domains(world, world.jira, ("other.example", True))
    _, token = await outsider("lee@initech.example")
    _, member_elsewhere = await (await factories.world(name="Other")).member()
    before = await rows()
    for caller, pk in (
        (token, instance_id(world.jira)),
        (member_elsewhere, instance_id(world.jira)),
        (token, gid("ProductInstance", 999_999)),
    ):
        result = await send(api, REQUEST, ask(pk), caller)
        assert result.codes == ["NOT_FOUND"]
        assert result.errors[0]["message"] == "No such product instance."
    assert await rows() == before


async def test_portal_only_customers_cannot_ask_r_access_6(api: GraphQLClient) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("customer.example", False))
    _, member_token = await world.member("carl@customer.example", kind=AccountType.CUSTOMER)
    customer = await factories.account("cora@customer.example", AccountType.CUSTOMER)
    before = await rows()
    for token in (member_token, await factories.token(customer)):
        refused = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
        assert refused["accessRequest"] is None
        assert problems(refused) == [("PORTAL_ONLY_CUSTOMER", "productInstanceId", "R-ACCESS-6")]
    assert await rows() == before


async def test_asking_for_a_product_you_hold_is_already_has_access(api: GraphQLClient) -> None:
    world = await factories.world()
    _, token = await world.member("dana@acme.example", [(world.jira, "USER")])
    before = await rows()
    refused = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
    assert problems(refused) == [("ALREADY_HAS_ACCESS", "productInstanceId", None)]
    assert "jira-users-" in refused["errors"][0]["message"]
    assert await rows() == before


async def test_an_organization_admin_already_holds_every_product_r_role_4(
    api: GraphQLClient,
) -> None:
    """Effective access counts, not only groups: the admin holds Jira by R-ROLE-4."""
    world = await factories.world()
    before = await rows()
    refused = await mutate(api, REQUEST, ask(instance_id(world.jira)), world.admin_token)
    assert problems(refused) == [("ALREADY_HAS_ACCESS", "productInstanceId", None)]
    assert "the ORG_ADMIN role (R-ROLE-4)" in refused["errors"][0]["message"]
    assert await rows() == before


async def test_asking_twice_while_pending_is_duplicate_and_after_a_denial_is_fine(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    _, token = await world.member()
    assert (await mutate(api, REQUEST, ask(instance_id(world.jira)), token))["errors"] == []
    before = await rows()
    refused = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
    assert problems(refused) == [("DUPLICATE", "productInstanceId", None)]
    assert await rows() == before
    await AccessRequest.all().update(status=AccessRequestStatus.DENIED)
    again = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
    assert again["accessRequest"]["status"] == "PENDING"


async def test_in_a_government_cloud_organization_access_comes_from_groups_r_access_8(
    api: GraphQLClient,
) -> None:
    world = await factories.world(government_cloud=True)
    _, token = await world.member()
    before = await rows()
    refused = await mutate(api, REQUEST, ask(instance_id(world.jira)), token)
    assert problems(refused) == [
        ("GROUPS_ONLY_IN_GOVERNMENT_CLOUD", "productInstanceId", "R-ACCESS-8")
    ]
    assert await rows() == before


async def test_suspended_members_are_refused_with_r_access_11(api: GraphQLClient) -> None:
    """They still know the organization, so FORBIDDEN rather than NOT_FOUND, as the engine
    answers them; an approved domain does not get around it."""
    world = await factories.world()
    await approve_domains(world, world.jira, ("acme.example", False))
    user, token = await world.member("dana@acme.example")
    await membership.suspend_user(world.ctx, user)
    before = await rows()
    result = await send(api, REQUEST, ask(instance_id(world.jira)), token)
    assert refusal(result) == ("FORBIDDEN", "R-ACCESS-11")
    assert await rows() == before


async def test_an_api_key_cannot_ask_for_product_access(api: GraphQLClient) -> None:
    world = await factories.world()
    secret = await api_key(world.org)
    result = await send(api, REQUEST, ask(instance_id(world.jira)), secret)
    assert refusal(result) == ("FORBIDDEN", "R-KEY-1")
    assert await AccessRequest.all().count() == 0


async def test_a_retried_automatic_approval_is_applied_once(api: GraphQLClient) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("initech.example", False))
    _, token = await outsider("lee@initech.example")
    input = ask(instance_id(world.jira)) | {"clientMutationId": "ask-1"}
    first = await mutate(api, REQUEST, input, token)
    since = await last_event_id()
    retry = await mutate(api, REQUEST, input, token)
    assert retry["accessRequest"]["id"] == first["accessRequest"]["id"]
    assert retry["clientMutationId"] == "ask-1"
    assert await events_after(since) == []
    assert await AccessRequest.all().count() == 1
