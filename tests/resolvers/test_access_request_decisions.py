"""approveAccessRequest, denyAccessRequest and reading requests over HTTP (R-ACCESS-10): the
admins the matrix names decide (approve_deny_access_requests), organization.accessRequests is
narrowed for SCOPED roles, and requesters read their own requests."""

import asyncio
from typing import Any

from models.access_settings import AccessRequest
from models.directory import Account, OrgUser
from models.enums import AccessRequestStatus, AccountType, AdminRole, Experience, UserStatus
from models.product import ProductInstance
from resolvers import access, membership, organizations
from tests.support import factories
from tests.support.access_api import (
    approve_domains,
    events_after,
    holder,
    in_default_group,
    instance_id,
    last_event_id,
    mutate,
    outsider,
    problems,
    refusal,
    request_id,
    rows,
    send,
)
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient
from tests.support.sql_counter import count_statements

APPROVE, DENY = "approveAccessRequest", "denyAccessRequest"
REQUESTS = """
query ($org: ID!, $status: AccessRequestStatus) {
  organization(id: $org) {
    accessRequests(status: $status, first: 10) {
      totalCount edges { node { id status requester { email } } }
    }
  }
}
"""
OWN_REQUESTS = """
{ viewer { accessRequests { totalCount edges { node {
  id status user { id } productInstanceSummary { organizationName productKey }
} } } } }
"""
APPROVE_STATUS = """
mutation ($input: ApproveAccessRequestInput!) {
  approveAccessRequest(input: $input) { accessRequest { status } errors { code } }
}
"""
NESTED = """
query ($org: ID!, $first: Int!) {
  organization(id: $org) {
    accessRequests(first: $first) { edges { node {
      status requester { email } user { email } decidedBy { email }
      productInstance { id } productInstanceSummary { siteName organizationName }
    } } }
  }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on AccessRequest { status } } }"


async def pending(instance: ProductInstance, person: Account) -> AccessRequest:
    return await AccessRequest.create(
        organization_id=instance.organization_id, product_instance=instance, account=person
    )


async def decide(api: GraphQLClient, mutation: str, request: AccessRequest, token: str) -> Any:
    return await send(api, mutation, {"requestId": request_id(request)}, token)


def listed(result: Any) -> list[tuple[str, str]]:
    connection = result.ok()["organization"]["accessRequests"]
    return [(e["node"]["requester"]["email"], e["node"]["status"]) for e in connection["edges"]]


async def admin_user_id(world: World) -> str:
    user = await OrgUser.get(organization=world.org, account=world.admin)
    return gid("User", user.id)


# approveAccessRequest


async def test_approving_lets_a_non_member_in_with_the_default_access_r_access_10(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("initech.example", True))
    person, token = await outsider("lee@initech.example")
    ask = {"productInstanceId": instance_id(world.jira)}
    assert (await mutate(api, "requestProductAccess", ask, token))["errors"] == []
    request = await AccessRequest.get(account=person)
    since = await last_event_id()
    approved = await mutate(api, APPROVE, {"requestId": request_id(request)}, world.admin_token)
    assert approved["errors"] == []
    user = await OrgUser.get(account=person, organization=world.org)
    node = approved["accessRequest"]
    assert (node["status"], node["user"], node["decidedBy"]) == (
        "APPROVED",
        {"id": gid("User", user.id), "email": "lee@initech.example"},
        {"id": await admin_user_id(world)},
    )
    assert node["decidedAt"] is not None
    assert await in_default_group(person, world.jira)
    events = await events_after(since)
    assert [(e.action, e.rule) for e in events] == [
        ("access_request.approve", "approve_deny_access_requests"),
        ("user.join", "approve_deny_access_requests"),
        ("group.member_add", "approve_deny_access_requests"),
    ]
    admin = await OrgUser.get(organization=world.org, account=world.admin)
    assert (events[0].before, events[0].after) == (
        {"status": "PENDING"},
        {"status": "APPROVED", "decidedBy": admin.id},
    )
    assert {e.actor_label for e in events} == {world.admin.email}


async def test_approving_a_members_request_adds_them_to_the_default_group(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member("dana@acme.example")
    request = await pending(world.jira, user.account)
    since = await last_event_id()
    approved = await mutate(api, APPROVE, {"requestId": request_id(request)}, world.admin_token)
    assert approved["accessRequest"]["user"]["id"] == gid("User", user.id)
    assert await in_default_group(user.account, world.jira)
    assert [e.action for e in await events_after(since)] == [
        "access_request.approve",
        "group.member_add",
    ]


async def test_approving_for_someone_who_meanwhile_got_the_product_adds_nothing(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member("dana@acme.example")
    request = await pending(world.jira, user.account)
    await access.grant_product_access(world.ctx, user, world.jira, "USER")
    before, since = await rows(), await last_event_id()
    approved = await mutate(api, APPROVE, {"requestId": request_id(request)}, world.admin_token)
    assert approved["accessRequest"]["status"] == "APPROVED"
    assert [e.action for e in await events_after(since)] == ["access_request.approve"]
    after = await rows()
    assert after["memberships"] == before["memberships"]
    assert after["directory"] == before["directory"]


async def test_a_suspended_requester_is_approved_and_holds_the_product_once_restored(
    api: GraphQLClient,
) -> None:
    """R-ACCESS-11: they keep assignments and hold nothing while suspended, as for grants."""
    world = await factories.world()
    user, _ = await world.member("dana@acme.example")
    request = await pending(world.jira, user.account)
    await membership.suspend_user(world.ctx, user)
    approved = await mutate(api, APPROVE, {"requestId": request_id(request)}, world.admin_token)
    assert approved["accessRequest"]["status"] == "APPROVED"
    assert await in_default_group(user.account, world.jira)
    assert (await OrgUser.get(id=user.id)).status is UserStatus.SUSPENDED


async def test_only_pending_requests_are_decided_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    person, _ = await outsider("lee@initech.example")
    request = await pending(world.jira, person)
    assert (await mutate(api, DENY, {"requestId": request_id(request)}, world.admin_token))[
        "errors"
    ] == []
    before = await rows()
    for mutation in (APPROVE, DENY):
        refused = (await decide(api, mutation, request, world.admin_token)).ok()[mutation]
        assert refused["accessRequest"] is None
        assert problems(refused) == [("INVALID_INPUT", "requestId", None)]
        assert "already denied" in refused["errors"][0]["message"]
    assert await rows() == before


async def test_two_racing_decisions_apply_one(api: GraphQLClient) -> None:
    """A conditional update: one approval or denial wins, the other is INVALID_INPUT."""
    world = await factories.world()
    for round_ in range(10):
        person, _ = await outsider(f"race{round_}@initech.example")
        request = await pending(world.jira, person)
        since = await last_event_id()
        answers = await asyncio.gather(
            decide(api, APPROVE, request, world.admin_token),
            decide(api, DENY, request, world.admin_token),
        )
        codes = sorted(
            tuple(e["code"] for e in answer.ok()[name]["errors"])
            for answer, name in zip(answers, (APPROVE, DENY), strict=True)
        )
        assert codes == [(), ("INVALID_INPUT",)]
        decisions = [
            e.action for e in await events_after(since) if e.target_type == "AccessRequest"
        ]
        assert len(decisions) == 1


async def test_two_racing_asks_store_one_request(api: GraphQLClient) -> None:
    world = await factories.world()
    await approve_domains(world, world.jira, ("initech.example", True))
    for round_ in range(10):
        person, token = await outsider(f"ask{round_}@initech.example")
        ask = {"productInstanceId": instance_id(world.jira)}
        answers = await asyncio.gather(
            *(send(api, "requestProductAccess", ask, token) for _ in "ab")
        )
        codes = sorted(
            tuple(e["code"] for e in answer.ok()["requestProductAccess"]["errors"])
            for answer in answers
        )
        assert codes == [(), ("DUPLICATE",)]
        assert await AccessRequest.filter(account=person).count() == 1


async def test_approving_a_portal_only_customers_request_is_refused_r_access_6(
    api: GraphQLClient,
) -> None:
    """Whatever the settings: a request stored for a customer never gives access."""
    world = await factories.world()
    customer = await factories.account("carl@customer.example", AccountType.CUSTOMER)
    request = await pending(world.jira, customer)
    before = await rows()
    refused = (await decide(api, APPROVE, request, world.admin_token)).ok()[APPROVE]
    assert problems(refused) == [("PORTAL_ONLY_CUSTOMER", "requestId", "R-ACCESS-6")]
    assert await rows() == before


async def test_approving_in_a_government_cloud_organization_is_refused_r_access_8(
    api: GraphQLClient,
) -> None:
    world = await factories.world(government_cloud=True)
    user, _ = await world.member()
    request = await pending(world.jira, user.account)
    before = await rows()
    refused = (await decide(api, APPROVE, request, world.admin_token)).ok()[APPROVE]
    assert problems(refused) == [("GROUPS_ONLY_IN_GOVERNMENT_CLOUD", "requestId", "R-ACCESS-8")]
    assert await rows() == before


async def test_roles_the_matrix_refuses_cannot_decide_requests(api: GraphQLClient) -> None:
    """approve_deny_access_requests: product admins NO, CENTRALIZED user access admins NO,
    ORIGINAL trusted users NO, site admins only for their own site (SCOPED)."""
    centralized = await factories.world()
    original = await factories.world(Experience.ORIGINAL, name="Globex")
    other_site = await organizations.create_site(
        centralized.ctx, centralized.org.id, "b.example.net"
    )
    cases = [
        (centralized, AdminRole.PRODUCT_ADMIN, centralized.jira.id),
        (centralized, AdminRole.USER_ACCESS_ADMIN, centralized.jira.id),
        (centralized, AdminRole.SITE_ADMIN, other_site.id),
        (original, AdminRole.TRUSTED_USER, original.site.id),
        (original, AdminRole.PRODUCT_ADMIN, original.jira.id),
    ]
    for world, role, scope in cases:
        person, _ = await outsider(f"{role.lower()}-{world.org.id}@initech.example")
        request = await pending(world.jira, person)
        _, token = await holder(world, role, scope)
        for mutation in (APPROVE, DENY):
            before = await rows()
            result = await decide(api, mutation, request, token)
            assert refusal(result) == ("FORBIDDEN", "approve_deny_access_requests"), role
            assert await rows() == before


async def test_site_admins_decide_the_requests_of_their_site_in_both_experiences(
    api: GraphQLClient,
) -> None:
    for experience in Experience:
        world = await factories.world(experience, name=f"Org{experience.title()}")
        person, _ = await outsider(f"lee-{experience.lower()}@initech.example")
        request = await pending(world.jira, person)
        _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
        # Only the status: a CENTRALIZED site admin may not read the directory (the matrix).
        result = await api(APPROVE_STATUS, {"input": {"requestId": request_id(request)}}, token)
        approved = result.ok()[APPROVE]
        assert approved == {"accessRequest": {"status": "APPROVED"}, "errors": []}, experience
        assert await in_default_group(person, world.jira)


async def test_a_request_of_another_organization_is_not_found(api: GraphQLClient) -> None:
    world = await factories.world()
    other = await factories.world(name="Other")
    person, _ = await outsider("lee@initech.example")
    request = await pending(other.jira, person)
    for mutation in (APPROVE, DENY):
        assert (await decide(api, mutation, request, world.admin_token)).codes == ["NOT_FOUND"]
    assert (await AccessRequest.get(id=request.id)).status is AccessRequestStatus.PENDING


# denyAccessRequest


async def test_denying_records_the_decision_and_gives_nothing_r_access_10(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, _ = await world.member("dana@acme.example")
    request = await pending(world.jira, user.account)
    since = await last_event_id()
    denied = await mutate(api, DENY, {"requestId": request_id(request)}, world.admin_token)
    assert denied["errors"] == []
    node = denied["accessRequest"]
    assert (node["status"], node["decidedBy"]) == ("DENIED", {"id": await admin_user_id(world)})
    assert not await in_default_group(user.account, world.jira)
    events = await events_after(since)
    assert [(e.action, e.rule, e.before, e.after) for e in events] == [
        (
            "access_request.deny",
            "approve_deny_access_requests",
            {"status": "PENDING"},
            {"status": "DENIED", "decidedBy": (await OrgUser.get(account=world.admin)).id},
        )
    ]


# Reading requests


async def test_access_requests_are_newest_first_and_filter_by_status(api: GraphQLClient) -> None:
    world = await factories.world()
    for name in ("ann", "ben", "cat"):
        await pending(world.jira, (await outsider(f"{name}@initech.example"))[0])
    await AccessRequest.filter(account__email="ben@initech.example").update(
        status=AccessRequestStatus.DENIED
    )
    org = gid("Organization", world.org.id)
    everyone = await api(REQUESTS, {"org": org}, world.admin_token)
    assert listed(everyone) == [
        ("cat@initech.example", "PENDING"),
        ("ben@initech.example", "DENIED"),
        ("ann@initech.example", "PENDING"),
    ]
    pending_only = await api(REQUESTS, {"org": org, "status": "PENDING"}, world.admin_token)
    assert pending_only.ok()["organization"]["accessRequests"]["totalCount"] == 2


async def test_a_site_admin_lists_only_their_sites_requests(api: GraphQLClient) -> None:
    """SCOPED (an ORIGINAL or CENTRALIZED site admin): narrowed in the query, with totalCount."""
    for experience in Experience:
        world = await factories.world(experience, name=f"Org{experience.title()}")
        site2 = await organizations.create_site(
            world.ctx, world.org.id, f"two-{experience.lower()}.example.net"
        )
        jira2 = await organizations.add_product(world.ctx, site2.id, "jira")
        here, _ = await outsider(f"here-{experience.lower()}@initech.example")
        there, _ = await outsider(f"there-{experience.lower()}@initech.example")
        await pending(world.jira, here)
        await pending(jira2, there)
        _, token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
        result = await api(REQUESTS, {"org": gid("Organization", world.org.id)}, token)
        assert listed(result) == [(here.email, "PENDING")], experience
        assert result.ok()["organization"]["accessRequests"]["totalCount"] == 1


async def test_a_page_of_requests_costs_the_same_statements_for_2_as_for_8(
    api: GraphQLClient,
) -> None:
    """Requesters, directory entries, deciders and products are read through DataLoaders."""
    world = await factories.world()
    for n in range(8):
        user, _ = await world.member(f"member{n}@acme.example")
        request = await pending(world.jira, user.account)
        await mutate(api, DENY, {"requestId": request_id(request)}, world.admin_token)
    counts = []
    for first in (2, 8):
        variables = {"org": gid("Organization", world.org.id), "first": first}
        with count_statements() as statements:
            result = await api(NESTED, variables, world.admin_token)
        edges = result.ok()["organization"]["accessRequests"]["edges"]
        assert len(edges) == first
        assert {e["node"]["decidedBy"]["email"] for e in edges} == {world.admin.email}
        counts.append(len(statements))
    # As in test_scoped_lists: a batch is now and then dispatched in two halves on PostgreSQL.
    assert abs(counts[0] - counts[1]) <= 1, counts


async def test_access_requests_are_refused_to_roles_without_the_feature(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    _, member = await world.member()
    _, user_access_admin = await holder(world, AdminRole.USER_ACCESS_ADMIN, world.jira.id)
    for token in (member, user_access_admin):
        result = await api(REQUESTS, {"org": gid("Organization", world.org.id)}, token)
        assert result.codes == ["FORBIDDEN"]
        assert result.errors[0]["extensions"]["rule"] == "approve_deny_access_requests"


async def test_requesters_read_their_own_requests_in_every_organization(
    api: GraphQLClient,
) -> None:
    acme = await factories.world()
    globex = await factories.world(name="Globex")
    person, token = await outsider("lee@initech.example")
    first = await pending(acme.jira, person)
    await AccessRequest.filter(id=first.id).update(status=AccessRequestStatus.DENIED)
    await pending(globex.jira, person)
    await pending(acme.jira, (await outsider("someone@initech.example"))[0])
    own = (await api(OWN_REQUESTS, token=token)).ok()["viewer"]["accessRequests"]
    assert own["totalCount"] == 2
    assert [
        (e["node"]["status"], e["node"]["user"], e["node"]["productInstanceSummary"])
        for e in own["edges"]
    ] == [
        ("PENDING", None, {"organizationName": "Globex", "productKey": "jira"}),
        ("DENIED", None, {"organizationName": "Acme", "productKey": "jira"}),
    ]


async def test_node_reads_a_request_for_its_deciders_and_its_requester_only(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    person, requester = await outsider("lee@initech.example")
    request = await pending(world.jira, person)
    _, member = await world.member()
    _, product_admin = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    wanted = {"id": request_id(request), "status": "PENDING"}
    for token in (world.admin_token, requester):
        assert (await api(NODE, {"id": request_id(request)}, token)).ok() == {"node": wanted}
    for token in (member, product_admin):
        assert (await api(NODE, {"id": request_id(request)}, token)).codes == ["NOT_FOUND"]


async def test_a_member_reads_their_request_but_not_who_decided_it(api: GraphQLClient) -> None:
    """decidedBy is reached through the request the member reads: refused with its feature,
    not hidden as an id the member named would be (README "Isolation between organizations")."""
    world = await factories.world()
    user, token = await world.member("dana@acme.example")
    request = await pending(world.jira, user.account)
    await mutate(api, DENY, {"requestId": request_id(request)}, world.admin_token)
    document = (
        "query ($id: ID!) { node(id: $id) { ... on AccessRequest { status decidedBy { id } } } }"
    )
    result = await api(document, {"id": request_id(request)}, token)
    assert [(e["path"], e["extensions"]) for e in result.errors] == [
        (["node", "decidedBy"], {"code": "FORBIDDEN", "rule": "view_users_in_organization"})
    ]
    assert result.data == {"node": {"status": "DENIED", "decidedBy": None}}
