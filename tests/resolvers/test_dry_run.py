"""Dry runs of the access-changing mutations (issue 5): `dryRun: true` changes nothing and
writes no audit event, and returns the same accessDiff that the real mutation then produces.
The diffs are also checked against User.productAccess and billableUserCount read over the API
before and after the real change."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from models.enums import AdminRole
from models.product import ProductInstance
from models.receipt import MutationReceipt
from resolvers import organizations
from tests.resolvers.test_effective_access import group_with
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.faults import every_row
from tests.support.graphql_client import GraphQLClient

DIFF = """dryRun accessDiff {
  gained { user { id } productInstance { id } role }
  lost { user { id } productInstance { id } role }
  billableUsers { productInstance { id } before after change }
}"""
STATE_TABLES = (
    "group_membership",
    "group_product_role",
    "default_group",
    "role_assignment",
    "user_group",
    "audit_event",
    "mutation_receipt",
)


@dataclass
class Case:
    mutation: str
    input: dict[str, Any]
    users: list[str]  # global ids of the users whose access may change
    instances: list[ProductInstance]


async def state() -> dict[str, list[Any]]:
    return dict(await every_row(STATE_TABLES))


async def send(api: GraphQLClient, token: str, case: Case, dry_run: bool) -> dict[str, Any]:
    input_type = case.mutation[0].upper() + case.mutation[1:] + "Input"
    query = (
        f"mutation ($input: {input_type}!) {{ {case.mutation}(input: $input) "
        f"{{ {DIFF} errors {{ code message }} }} }}"
    )
    result = await api(query, {"input": {**case.input, "dryRun": dry_run}}, token)
    payload: dict[str, Any] = result.ok()[case.mutation]
    assert payload["errors"] == [], payload
    return payload


async def effective(api: GraphQLClient, token: str, users: list[str]) -> set[tuple[str, str, str]]:
    query = """query ($id: ID!) { node(id: $id) { ... on User {
        productAccess { role productInstance { id } } } } }"""
    held = set()
    for user in users:
        node = (await api(query, {"id": user}, token)).ok()["node"]
        held |= {(user, a["productInstance"]["id"], a["role"]) for a in node["productAccess"]}
    return held


async def billable(
    api: GraphQLClient, token: str, instances: list[ProductInstance]
) -> dict[str, int]:
    query = "query ($id: ID!) { node(id: $id) { ... on ProductInstance { billableUserCount } } }"
    counts = {}
    for instance in instances:
        pk = gid("ProductInstance", instance.id)
        counts[pk] = (await api(query, {"id": pk}, token)).ok()["node"]["billableUserCount"]
    return counts


def entries(changes: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(c["user"]["id"], c["productInstance"]["id"], c["role"]) for c in changes}


async def _grant(w: World, confluence: ProductInstance) -> Case:
    user, _ = await w.member()
    uid = gid("User", user.id)
    input = {
        "userId": uid,
        "productInstanceId": gid("ProductInstance", confluence.id),
        "role": "USER",
    }
    return Case("grantProductAccess", input, [uid], [confluence])


async def _revoke(w: World, confluence: ProductInstance) -> Case:
    user, _ = await w.member(grants=[(w.jira, "USER"), (confluence, "GUEST")])
    uid = gid("User", user.id)
    input = {"userId": uid, "productInstanceId": gid("ProductInstance", w.jira.id)}
    return Case("revokeProductAccess", input, [uid], [w.jira, confluence])


async def _change_role(w: World, confluence: ProductInstance) -> Case:
    user, _ = await w.member(grants=[(confluence, "USER")])
    uid = gid("User", user.id)
    input = {
        "userId": uid,
        "productInstanceId": gid("ProductInstance", confluence.id),
        "role": "GUEST",
    }
    return Case("changeProductRole", input, [uid], [confluence])


async def _toggle(w: World, confluence: ProductInstance) -> Case:
    user, _ = await w.member(grants=[(confluence, "USER")])
    uid = gid("User", user.id)
    input = {
        "userId": uid,
        "productInstanceId": gid("ProductInstance", confluence.id),
        "enabled": False,
    }
    return Case("setProductAccess", input, [uid], [confluence])


async def _add_members(w: World, confluence: ProductInstance) -> Case:
    group = await group_with(w, "writers", confluence, "USER")
    have, _ = await w.member(grants=[(confluence, "USER")])
    new, _ = await w.member()
    users = [gid("User", have.id), gid("User", new.id)]
    return Case(
        "addGroupMembers",
        {"groupId": gid("Group", group.id), "userIds": users},
        users,
        [confluence],
    )


async def _remove_members(w: World, confluence: ProductInstance) -> Case:
    one, _ = await w.member()
    two, _ = await w.member()
    group = await group_with(w, "writers", confluence, "USER", one, two)
    users = [gid("User", one.id)]
    return Case(
        "removeGroupMembers",
        {"groupId": gid("Group", group.id), "userIds": users},
        users,
        [confluence],
    )


async def _grant_groups(w: World, confluence: ProductInstance) -> Case:
    one, _ = await w.member()
    two, _ = await w.member()
    first = await group_with(w, "writers", w.jira, "USER", one)
    second = await group_with(w, "readers", w.jira, "USER", one, two)
    input = {
        "groupIds": [gid("Group", first.id), gid("Group", second.id)],
        "productInstanceId": gid("ProductInstance", confluence.id),
        "roles": ["USER", "GUEST"],
    }
    return Case(
        "grantGroupProductAccess", input, [gid("User", one.id), gid("User", two.id)], [confluence]
    )


async def _revoke_groups(w: World, confluence: ProductInstance) -> Case:
    one, _ = await w.member(grants=[(confluence, "GUEST")])
    two, _ = await w.member()
    group = await group_with(w, "writers", confluence, "USER", one, two)
    input = {
        "groupIds": [gid("Group", group.id)],
        "productInstanceId": gid("ProductInstance", confluence.id),
    }
    return Case(
        "revokeGroupProductAccess", input, [gid("User", one.id), gid("User", two.id)], [confluence]
    )


async def _delete_group(w: World, confluence: ProductInstance) -> Case:
    one, _ = await w.member()
    two, _ = await w.member(grants=[(w.jira, "USER")])
    group = await group_with(w, "writers", w.jira, "USER", one, two)
    users = [gid("User", one.id), gid("User", two.id)]
    return Case("deleteGroup", {"groupId": gid("Group", group.id)}, users, [w.jira])


async def _assign_org_admin(w: World, confluence: ProductInstance) -> Case:
    user, _ = await w.member(grants=[(w.jira, "USER")])
    uid = gid("User", user.id)
    input = {"userId": uid, "role": "ORG_ADMIN"}
    return Case("assignAdminRole", input, [uid], [w.jira, confluence])


async def _revoke_product_admin(w: World, confluence: ProductInstance) -> Case:
    user, _ = await w.member()
    await w.role(user, AdminRole.PRODUCT_ADMIN, confluence.id)
    uid = gid("User", user.id)
    input = {
        "userId": uid,
        "role": "PRODUCT_ADMIN",
        "scopeId": gid("ProductInstance", confluence.id),
    }
    return Case("revokeAdminRole", input, [uid], [confluence])


CASES: dict[str, Callable[[World, ProductInstance], Awaitable[Case]]] = {
    "grantProductAccess": _grant,
    "revokeProductAccess": _revoke,
    "changeProductRole": _change_role,
    "setProductAccess": _toggle,
    "addGroupMembers": _add_members,
    "removeGroupMembers": _remove_members,
    "grantGroupProductAccess": _grant_groups,
    "revokeGroupProductAccess": _revoke_groups,
    "deleteGroup": _delete_group,
    "assignAdminRole": _assign_org_admin,
    "revokeAdminRole": _revoke_product_admin,
}
# The audit events each real run writes (R-AUDIT-1); its dry run writes none.
AUDITED = {
    "grantProductAccess": ["group.member_add"],
    "revokeProductAccess": ["group.member_remove"],
    "changeProductRole": ["group.member_add", "group.member_remove"],
    "setProductAccess": ["group.member_remove"],
    "addGroupMembers": ["group.member_add"] * 2,
    "removeGroupMembers": ["group.member_remove"],
    "grantGroupProductAccess": ["group.product_role_grant"] * 4,  # 2 groups x 2 roles
    "revokeGroupProductAccess": ["group.product_role_revoke"],
    "deleteGroup": ["group.delete"],
    "assignAdminRole": ["admin_role.assign", "group.member_add"],
    "revokeAdminRole": ["admin_role.revoke"],
}


def written_events(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    """The actions of the audit events added since `before` (rows in key order), all by one
    request; the older rows and the receipts (no clientMutationId here) are as they were."""
    old = len(before["audit_event"])
    assert after["audit_event"][:old] == before["audit_event"]
    assert after["mutation_receipt"] == before["mutation_receipt"]
    added = [dict(row) for row in after["audit_event"][old:]]
    assert len({event["request_id"] for event in added}) == 1, added
    return sorted(event["action"] for event in added)


@pytest.mark.parametrize("name", list(CASES))
async def test_a_dry_run_changes_nothing_and_returns_the_diff_the_change_makes(
    api: GraphQLClient, name: str
) -> None:
    w = await factories.world()
    confluence = await organizations_add(w)
    case = await CASES[name](w, confluence)
    before_state = await state()
    before = await effective(api, w.admin_token, case.users)
    counts_before = await billable(api, w.admin_token, case.instances)

    rehearsed = await send(api, w.admin_token, case, dry_run=True)
    assert rehearsed["dryRun"] is True
    assert await state() == before_state  # nothing changed, no audit event written

    applied = await send(api, w.admin_token, case, dry_run=False)
    assert applied["dryRun"] is False
    assert applied["accessDiff"] == rehearsed["accessDiff"]
    assert written_events(before_state, await state()) == AUDITED[name]

    diff = applied["accessDiff"]
    after = await effective(api, w.admin_token, case.users)
    assert entries(diff["gained"]) == after - before
    assert entries(diff["lost"]) == before - after
    assert diff["gained"] or diff["lost"], "each case changes someone's access"
    counts_after = await billable(api, w.admin_token, case.instances)
    reported = {
        b["productInstance"]["id"]: (b["before"], b["after"]) for b in diff["billableUsers"]
    }
    for instance, (was, now) in reported.items():
        assert (counts_before[instance], counts_after[instance]) == (was, now)
    changed = {i for i in counts_before if counts_before[i] != counts_after[i]}
    assert changed <= set(reported)


async def organizations_add(w: World) -> ProductInstance:
    return await organizations.add_product(w.ctx, w.site.id, "confluence")


async def test_a_grant_reports_who_gains_what_and_the_billable_change(api: GraphQLClient) -> None:
    w = await factories.world()
    confluence = await organizations_add(w)
    case = await _grant(w, confluence)
    diff = (await send(api, w.admin_token, case, dry_run=True))["accessDiff"]
    conf = gid("ProductInstance", confluence.id)
    assert entries(diff["gained"]) == {(case.users[0], conf, "USER")}
    assert diff["lost"] == []
    # Before: the organization admin (R-ROLE-4); after: and the new user.
    assert diff["billableUsers"] == [
        {"productInstance": {"id": conf}, "before": 1, "after": 2, "change": 1}
    ]


async def test_a_guest_role_changes_access_but_not_billable_users(api: GraphQLClient) -> None:
    w = await factories.world()
    confluence = await organizations_add(w)
    user, _ = await w.member()
    uid, conf = gid("User", user.id), gid("ProductInstance", confluence.id)
    case = Case(
        "grantProductAccess", {"userId": uid, "productInstanceId": conf, "role": "GUEST"}, [uid], []
    )
    diff = (await send(api, w.admin_token, case, dry_run=True))["accessDiff"]
    assert entries(diff["gained"]) == {(uid, conf, "GUEST")}
    assert diff["billableUsers"] == [
        {"productInstance": {"id": conf}, "before": 1, "after": 1, "change": 0}
    ]


async def test_a_refused_dry_run_reports_the_error_and_no_diff(api: GraphQLClient) -> None:
    """R-ACCESS-4: the dry run makes the real run's checks."""
    w = await factories.world()
    user, _ = await w.member(grants=[(w.jira, "USER")])
    input = {
        "userId": gid("User", user.id),
        "productInstanceId": gid("ProductInstance", w.jira.id),
        "dryRun": True,
    }
    query = """mutation ($input: GrantProductAccessInput!) { grantProductAccess(input: $input) {
        dryRun accessDiff { gained { role } } user { id } errors { code rule } } }"""
    payload = (await api(query, {"input": input}, w.admin_token)).ok()["grantProductAccess"]
    assert payload["errors"] == [{"code": "ALREADY_HAS_ACCESS", "rule": "R-ACCESS-4"}]
    assert (payload["accessDiff"], payload["user"]) == (None, None)


async def test_a_dry_run_needs_the_same_permission_as_the_change(api: GraphQLClient) -> None:
    """A member without an admin role is refused a dry run (add_remove_users_from_products)."""
    w = await factories.world()
    user, member_token = await w.member()
    input = {
        "userId": gid("User", user.id),
        "productInstanceId": gid("ProductInstance", w.jira.id),
        "dryRun": True,
    }
    query = """mutation ($input: GrantProductAccessInput!) { grantProductAccess(input: $input) {
        accessDiff { gained { role } } } }"""
    result = await api(query, {"input": input}, member_token)
    assert result.codes == ["FORBIDDEN"]
    assert result.errors[0]["extensions"]["rule"] == "add_remove_users_from_products"


async def test_a_dry_run_with_a_client_mutation_id_leaves_no_receipt(api: GraphQLClient) -> None:
    """The real run with the same id afterwards applies: a rehearsal is not a first attempt."""
    w = await factories.world()
    confluence = await organizations_add(w)
    case = await _grant(w, confluence)
    case.input["clientMutationId"] = "grant-1"
    await send(api, w.admin_token, case, dry_run=True)
    assert not await MutationReceipt.exists(client_mutation_id="grant-1")
    before = await effective(api, w.admin_token, case.users)
    await send(api, w.admin_token, case, dry_run=False)
    receipts = await MutationReceipt.filter(client_mutation_id="grant-1")
    assert [r.mutation for r in receipts] == ["grantProductAccess"]
    user, confluence_id = case.users[0], case.input["productInstanceId"]
    assert before == set()
    assert await effective(api, w.admin_token, case.users) == {(user, confluence_id, "USER")}
