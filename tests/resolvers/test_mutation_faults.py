"""A mutation interrupted mid-way leaves no partial change (R-AUDIT-1: every mutation runs in
one transaction with its audit events), and its client gets a clean error.

For each multi-statement mutation the fault (tests/support/faults.py) fails its 1st row write, then
its
2nd, and so on until the mutation gets through: after every interrupted try every table holds
exactly the rows it held before, and the try that got through wrote as many rows as there were
tries before it, so every write (the last audit event included) was once the one interrupted.
Each mutation runs without a clientMutationId (its own transaction) and with one (the receipt's
transaction around it, whose receipt is the last write); there the successful try reuses the
clientMutationId of the failed ones: they left no receipt behind.
"""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from tortoise import connections

from models.enums import AdminRole
from models.product import ProductInstance
from resolvers import organizations
from tests.resolvers.test_effective_access import group_with
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.faults import COUNTER, FAULT_MESSAGE, Faults, every_row, injected_faults
from tests.support.graphql_client import GraphQLClient, Result

MAX_TRIES = 40


@dataclass
class Case:
    mutation: str
    input: dict[str, Any]


async def inviting(w: World, confluence: ProductInstance) -> Case:
    """An account, a directory entry, two default groups, their audit events."""
    access = [
        {"productInstanceId": gid("ProductInstance", w.jira.id), "role": "USER"},
        {"productInstanceId": gid("ProductInstance", confluence.id), "role": "USER"},
    ]
    return Case(
        "inviteUser",
        {
            "organizationId": gid("Organization", w.org.id),
            "email": "lee@example.com",
            "productAccess": access,
        },
    )


async def granting_to_groups(w: World, confluence: ProductInstance) -> Case:
    """Two groups, two roles each: four grants and four audit events."""
    user, _ = await w.member()
    first = await group_with(w, "writers", w.jira, "USER", user)
    second = await group_with(w, "readers", w.jira, "USER")
    return Case(
        "grantGroupProductAccess",
        {
            "groupIds": [gid("Group", first.id), gid("Group", second.id)],
            "productInstanceId": gid("ProductInstance", confluence.id),
            "roles": ["USER", "PRODUCT_ADMIN"],
        },
    )


async def deleting_a_group(w: World, confluence: ProductInstance) -> Case:
    """The group, its memberships and product roles (cascaded), and its audit event."""
    first, _ = await w.member()
    second, _ = await w.member()
    group = await group_with(w, "doomed", confluence, "USER", first, second)
    return Case("deleteGroup", {"groupId": gid("Group", group.id)})


async def assigning_an_org_admin(w: World, confluence: ProductInstance) -> Case:
    """The role, its audit event, joining org-admins and its audit event (R-ROLE-1)."""
    user, _ = await w.member(grants=[(confluence, "USER")])
    return Case("assignAdminRole", {"userId": gid("User", user.id), "role": "ORG_ADMIN"})


async def revoking_an_org_admin(w: World, confluence: ProductInstance) -> Case:
    """The role's removal, leaving org-admins, and their audit events."""
    user, _ = await w.member()
    await w.role(user, AdminRole.ORG_ADMIN, w.org.id)
    return Case("revokeAdminRole", {"userId": gid("User", user.id), "role": "ORG_ADMIN"})


async def removing_a_user(w: World, confluence: ProductInstance) -> Case:
    """The directory entry with its memberships and roles (cascaded), and the audit event."""
    user, _ = await w.member(grants=[(w.jira, "USER"), (confluence, "USER")])
    await w.role(user, AdminRole.PRODUCT_ADMIN, confluence.id)
    return Case(
        "removeUserFromOrganization",
        {"organizationId": gid("Organization", w.org.id), "userId": gid("User", user.id)},
    )


async def revoking_a_product(w: World, confluence: ProductInstance) -> Case:
    """Leaving the default group and another group that give the product, with events."""
    user, _ = await w.member(grants=[(confluence, "USER")])
    await group_with(w, "wiki", confluence, "USER", user)
    return Case(
        "revokeProductAccess",
        {
            "userId": gid("User", user.id),
            "productInstanceId": gid("ProductInstance", confluence.id),
        },
    )


CASES: dict[str, Callable[[World, ProductInstance], Awaitable[Case]]] = {
    "inviteUser": inviting,
    "grantGroupProductAccess": granting_to_groups,
    "deleteGroup": deleting_a_group,
    "assignAdminRole": assigning_an_org_admin,
    "revokeAdminRole": revoking_an_org_admin,
    "removeUserFromOrganization": removing_a_user,
    "revokeProductAccess": revoking_a_product,
}


@pytest.fixture
async def faults(is_postgres: bool) -> AsyncIterator[Faults]:
    async with injected_faults(is_postgres) as installed:
        yield installed


def document(mutation: str) -> str:
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    return (
        f"mutation ($input: {input_type}!) {{ {mutation}(input: $input) "
        "{ clientMutationId errors { code message } } }"
    )


def assert_clean_refusal(result: Result, expected_code: str) -> None:
    """A masked error with the request id: no database message, no traceback."""
    assert result.status == 200, result.body
    assert result.empty, result.body
    assert result.codes == [expected_code], result.body
    assert result.errors[0]["extensions"]["requestId"], result.body
    text = json.dumps(result.body)
    for leak in (FAULT_MESSAGE, "Traceback", "trigger", "asyncpg", "sqlite"):
        assert leak not in text, result.body


async def remaining_count() -> int:
    rows = await connections.get("default").execute_query_dict(f"SELECT n FROM {COUNTER}")
    return int(rows[0]["n"])


async def interrupt_at_every_write(
    api: GraphQLClient, w: World, faults: Faults, case: Case, kill: bool, receipt: bool
) -> int:
    """Fail the 1st, 2nd, ... row write until the mutation gets through; returns its writes."""
    before = await every_row()
    retry = {"clientMutationId": f"faulted-{case.mutation}"} if receipt else {}
    variables = {"input": {**case.input, **retry}}
    expected_code = "DATABASE_UNAVAILABLE" if kill else "INTERNAL_SERVER_ERROR"
    for nth in range(1, MAX_TRIES + 1):
        await faults.arm(nth, kill=kill)
        result = await api(document(case.mutation), variables, w.admin_token)
        if not result.empty:
            break
        assert_clean_refusal(result, expected_code)
        await faults.disarm()
        assert await every_row() == before, f"{case.mutation}: a partial change at write {nth}"
    else:
        pytest.fail(f"{case.mutation} never got through {MAX_TRIES} faults")
    payload = result.ok()[case.mutation]
    assert payload["errors"] == [], payload
    # The try that got through left the count at nth - writes: every write was interrupted once.
    writes = nth - await remaining_count()
    await faults.disarm()
    assert writes == nth - 1, f"{case.mutation}: {writes} writes, {nth - 1} interrupted"
    assert await every_row() != before
    return writes


RECEIPT = pytest.mark.parametrize("receipt", [False, True], ids=["plain", "clientMutationId"])


@RECEIPT
@pytest.mark.parametrize("mutation", list(CASES))
async def test_a_failed_write_anywhere_leaves_no_partial_change(
    api: GraphQLClient, faults: Faults, mutation: str, receipt: bool
) -> None:
    w = await factories.world()
    confluence = await organizations.add_product(w.ctx, w.site.id, "confluence")
    case = await CASES[mutation](w, confluence)
    writes = await interrupt_at_every_write(api, w, faults, case, kill=False, receipt=receipt)
    assert writes >= 3, f"{mutation} wrote {writes} rows: not a multi-statement mutation"


@RECEIPT
@pytest.mark.parametrize("mutation", list(CASES))
async def test_a_connection_lost_anywhere_leaves_no_partial_change(
    api: GraphQLClient, faults: Faults, is_postgres: bool, mutation: str, receipt: bool
) -> None:
    """PostgreSQL ends the serving connection mid-transaction: DATABASE_UNAVAILABLE."""
    if not is_postgres:
        pytest.skip("a SQLite file has no server connection to lose")
    w = await factories.world()
    confluence = await organizations.add_product(w.ctx, w.site.id, "confluence")
    case = await CASES[mutation](w, confluence)
    await interrupt_at_every_write(api, w, faults, case, kill=True, receipt=receipt)
