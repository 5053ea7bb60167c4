"""One PostgreSQL connection per request (portcullis/held_connection.py, issue 19.3): every
statement of a request runs on the one connection it took from the pool, a mutation's
transaction runs on it whole, and an outage met on it is answered as any outage is.

PostgreSQL only: SQLite has no pool, and its one connection is Tortoise's own (nothing held).
"""

import asyncio
from dataclasses import dataclass, field

import asyncpg
import pytest
from tortoise import connections

from models.group import GroupMembership
from portcullis.held_connection import HeldConnection
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient
from tests.support.sql_counter import count_statements


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("a held connection is PostgreSQL's (SQLite has no pool)")


@dataclass
class Taken:
    """What the requests' held connections ran on: asyncpg connections by backend pid."""

    pids: list[int] = field(default_factory=list)
    acquired: int = 0


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> Taken:
    seen = Taken()
    take = HeldConnection.take

    async def recording(self: HeldConnection) -> asyncpg.Connection:
        before = self.acquired
        connection = await take(self)
        seen.acquired += self.acquired - before
        seen.pids.append(connection.get_server_pid())
        return connection

    monkeypatch.setattr(HeldConnection, "take", recording)
    return seen


USER_ACCESS = """
query ($user: ID!) {
  node(id: $user) { ... on User {
    email
    productAccess { role productInstance { id product { key } site { name } } sources { kind } }
  } }
}
"""

GRANT = """
mutation ($user: ID!, $instance: ID!) {
  grantProductAccess(input: {userId: $user, productInstanceId: $instance, role: "USER"}) {
    user { id productAccess { role productInstance { id } } }
    errors { code }
  }
}
"""


async def test_a_read_runs_every_statement_on_one_connection(
    api: GraphQLClient, taken: Taken
) -> None:
    world = await factories.world()
    user, _ = await world.member(grants=[(world.jira, "USER")])
    with count_statements() as statements:
        result = await api(USER_ACCESS, {"user": gid("User", user.id)}, world.admin_token)
    assert result.ok()["node"]["productAccess"][0]["role"] == "USER"
    assert len(statements) >= 4  # the credential, the caller, the user, their access
    assert len(taken.pids) == len(statements)
    assert taken.acquired == 1
    assert len(set(taken.pids)) == 1


async def test_requests_one_after_another_each_take_and_give_back_one(
    api: GraphQLClient, taken: Taken
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    for _ in range(3):
        (await api(USER_ACCESS, {"user": gid("User", user.id)}, world.admin_token)).ok()
    assert taken.acquired == 3
    pool = connections.get("default")._pool
    assert pool.get_size() == pool.get_idle_size()  # every connection is back in the pool


async def test_a_mutation_runs_its_transaction_on_the_request_connection(
    api: GraphQLClient, taken: Taken
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    variables = {"user": gid("User", user.id), "instance": gid("ProductInstance", world.jira.id)}
    payload = (await api(GRANT, variables, world.admin_token)).ok()["grantProductAccess"]
    assert payload["errors"] == []
    assert payload["user"]["productAccess"][0]["role"] == "USER"  # read after the commit
    # The credential, the transaction and the payload's reads: one connection, taken once.
    assert taken.acquired == 1
    assert len(set(taken.pids)) == 1
    assert len(taken.pids) > 2
    # Committed: another connection sees the grant (the user joined the default group).
    assert await GroupMembership.filter(user_id=user.id).count() == 1


async def test_a_failed_transaction_rolls_back_and_the_request_still_answers(
    api: GraphQLClient, taken: Taken, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    audit = "resolvers.audit.AuditEvent.create"
    failing_write = RuntimeError("the audit event's write failed")

    async def failing(*args: object, **kwargs: object) -> None:
        raise failing_write

    monkeypatch.setattr(audit, failing)
    variables = {"user": gid("User", user.id), "instance": gid("ProductInstance", world.jira.id)}
    result = await api(GRANT, variables, world.admin_token)
    assert result.codes == ["INTERNAL_SERVER_ERROR"]
    monkeypatch.undo()
    assert await GroupMembership.filter(user_id=user.id).count() == 0
    # The same connection answered it, and the next request gets a clean one.
    assert taken.acquired == 1
    (await api(USER_ACCESS, {"user": gid("User", user.id)}, world.admin_token)).ok()


async def _terminate(pid: int) -> None:
    """What an outage does to a server session (pg_terminate_backend: "terminating connection
    due to administrator command")."""
    admin = await connections.get("default")._pool.acquire()
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connections.get("default")._pool.release(admin)


@pytest.fixture
def outage_at(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Terminates the held connection's session before the Nth statement of each request
    (the list's one value), as a database that went away mid-request."""
    at = [0]
    take = HeldConnection.take
    turns: dict[int, int] = {}  # statements so far, by held connection (one per request)

    async def dying(self: HeldConnection) -> asyncpg.Connection:
        connection = await take(self)
        turns[id(self)] = turns.get(id(self), 0) + 1
        if turns[id(self)] == at[0]:
            await _terminate(connection.get_server_pid())
        return connection

    monkeypatch.setattr(HeldConnection, "take", dying)
    return at


async def test_an_outage_before_execution_answers_503_and_the_next_request_recovers(
    api: GraphQLClient, outage_at: list[int]
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    outage_at[0] = 1  # the credential's read
    result = await api(USER_ACCESS, {"user": gid("User", user.id)}, world.admin_token)
    assert result.status == 503
    assert result.codes == ["DATABASE_UNAVAILABLE"]
    outage_at[0] = 0
    (await api(USER_ACCESS, {"user": gid("User", user.id)}, world.admin_token)).ok()


async def test_an_outage_during_execution_answers_database_unavailable(
    api: GraphQLClient, outage_at: list[int]
) -> None:
    world = await factories.world()
    user, _ = await world.member()
    with count_statements() as statements:
        (await api(USER_ACCESS, {"user": gid("User", user.id)}, world.admin_token)).ok()
    outage_at[0] = len(statements)  # the last statement, inside GraphQL execution
    result = await api(USER_ACCESS, {"user": gid("User", user.id)}, world.admin_token)
    assert result.status == 200
    assert "DATABASE_UNAVAILABLE" in result.codes
    outage_at[0] = 0
    (await api(USER_ACCESS, {"user": gid("User", user.id)}, world.admin_token)).ok()


async def test_concurrent_requests_past_the_pool_size_each_hold_their_own(
    api: GraphQLClient, taken: Taken
) -> None:
    world = await factories.world()
    user, _ = await world.member(grants=[(world.jira, "USER")])
    pool = connections.get("default")._pool
    many = pool.get_max_size() * 3  # more requests than connections: they wait their turn
    variables = {"user": gid("User", user.id)}
    results = await asyncio.gather(
        *(api(USER_ACCESS, variables, world.admin_token) for _ in range(many))
    )
    assert all(r.ok()["node"]["productAccess"][0]["role"] == "USER" for r in results)
    assert taken.acquired == many
    assert pool.get_size() == pool.get_idle_size()


async def _statement(held: HeldConnection) -> int:
    async with held.acquire_connection() as connection:
        one: int = await connection.fetchval("SELECT 1")
        return one


async def _transaction(held: HeldConnection) -> int:
    async with held._in_transaction() as client:
        rows = await client.execute_query_dict("SELECT 1 AS one")
        return int(rows[0]["one"])


async def test_turns_still_waiting_when_the_request_ends_run_on_pool_connections() -> None:
    """A statement and a transaction of tasks the request left running, waiting for the held
    connection's turn when it ended, each run on a pool connection of their own (the one
    fallback of portcullis/held_connection._Turn), and nothing stays held."""
    held = HeldConnection(connections.get("default"))
    turn = held.acquire_connection()
    await turn.__aenter__()
    pool = held._pool
    waiting = [asyncio.create_task(_statement(held)), asyncio.create_task(_transaction(held))]
    for _ in range(5):
        await asyncio.sleep(0)  # both are queued for the turn
    await held.end()  # during the turn: the turn gives the connection back as it ends
    await turn.__aexit__(None, None, None)
    assert await asyncio.gather(*waiting) == [1, 1]
    assert held.acquired == 1  # the held connection was taken once, by the first turn
    assert held._connection is None
    assert pool.get_size() == pool.get_idle_size()
