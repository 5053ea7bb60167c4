"""The database going away under load (issue 7): a throwaway PostgreSQL cluster of the test's
own, the real server on it, concurrent reads and multi-statement mutations, the database stopped
in the middle of the load (`fast`: sessions told to end; `immediate`: killed as in a crash)
and started again.

While it is down every answer is clean: a 503 with DATABASE_UNAVAILABLE (before execution) or
a GraphQL error with that code (during it), never a 500, an INTERNAL_SERVER_ERROR, a traceback
or a dropped connection, each within REQUEST_TIMEOUT. Once it is back, the same server process
is healthy again and every query and mutation succeeds. No change is half made: a mutation
that met the outage either left all of its rows and audit events or none.

Run with `pytest -m hardening` (figures: add -rP).
"""

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support.outage_load import WORKERS, Load, OutageFigures
from tests.support.pg_cluster import Cluster, throwaway_cluster
from tests.support.servers import cli, load_test_env, running_server

pytestmark = pytest.mark.hardening

BEFORE = 40  # answers before the stop, all successful
DURING = 150  # answers from the stop until the start is issued
AFTER = 80  # answers after the server is healthy again, all successful
HEALTHY_WITHIN = 60.0  # seconds from the start to readyz 200


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as made:
        yield made


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_an_outage_under_load_is_answered_cleanly_and_recovered_from(
    cluster: Cluster, mode: str, tmp_path: Path
) -> None:
    env = load_test_env(cluster.url)
    email = f"outage-{mode}@example.com"
    cli(env, "user", "create", "--email", email, "--name", "Outage")
    token = cli(env, "token", "create", "--email", email)
    with running_server(env, tmp_path / "server.log") as server:
        async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
            load = await Load.prepare(http, token, mode)
            before = await counts(cluster, load.organization_pk)
            figures = await outage_under(load, cluster, mode)
            made = await counts(cluster, load.organization_pk) - before
        assert server.process.poll() is None, "the server must recover without a restart"
        logged = server.output()
    check_answers(load, figures)
    check_nothing_half_made(made, load)
    bugs = [line for line in logged.splitlines() if _bug_logged(line)]
    assert bugs == [], bugs[:5]
    print(figures.summary())


def _bug_logged(line: str) -> bool:
    return "internal error in request" in line or "Exception in ASGI application" in line


async def outage_under(load: Load, cluster: Cluster, mode: str) -> OutageFigures:
    """Run the load through the phases; returns what was measured."""
    figures = OutageFigures(mode)
    workers = load.start()
    try:
        await load.answered(BEFORE)
        load.phase = "down"
        began = time.monotonic()
        await asyncio.to_thread(cluster.stop, mode)
        figures.stop_seconds = time.monotonic() - began
        await out_of_rotation(load.http)
        await load.answered(BEFORE + DURING)
        await asyncio.to_thread(cluster.start)
        load.phase = "restarted"
        started = time.monotonic()
        figures.healthy_after = await healthy_within(load.http, HEALTHY_WITHIN) - started
        load.phase = "after"
        await load.answered(len(load.answers) + AFTER)
        figures.first_success_after = load.first_success_since(started) - started
    finally:
        await load.stop(workers)
    figures.count(load.answers)
    return figures


async def out_of_rotation(http: httpx.AsyncClient) -> None:
    """With the database stopped, the replica is not ready (a load balancer takes it out of
    rotation) but alive (nothing restarts it)."""
    ready = await http.get("/readyz")
    assert (ready.status_code, ready.json()) == (
        503,
        {"status": "unavailable", "reason": "database"},
    )
    assert (await http.get("/livez")).status_code == 200


async def healthy_within(http: httpx.AsyncClient, seconds: float) -> float:
    """Back in rotation: /readyz (the database answers, the migrations are applied) and the
    older /healthz both 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (await http.get("/readyz")).status_code == 200:
            assert (await http.get("/healthz")).status_code == 200
            return time.monotonic()
        await asyncio.sleep(0.05)
    pytest.fail(f"readyz not 200 within {seconds}s of the database starting again")


def check_answers(load: Load, figures: OutageFigures) -> None:
    unclean = [a for a in load.answers if a.problem() is not None]
    assert unclean == [], [a.problem() for a in unclean[:5]]
    by_phase = Counter((a.sent_in, a.unavailable) for a in load.answers)
    assert by_phase[("up", False)] >= BEFORE - WORKERS, by_phase
    assert by_phase[("after", False)] >= AFTER, by_phase
    assert by_phase[("down", True)] >= DURING // 2, f"the outage was hardly seen: {by_phase}"
    assert figures.served_during_outage["503"] > 0, "no outage met before execution"


async def counts(cluster: Cluster, organization_pk: int) -> Counter[str]:
    """Audit events by action, and the rows the load's mutations make (named load-...)."""
    connection = await asyncpg.connect(cluster.url)
    try:
        rows = await connection.fetch(
            "SELECT action, count(*) AS n FROM audit_event "
            "WHERE organization_id = $1 GROUP BY action",
            organization_pk,
        )
        found = Counter({row["action"]: int(row["n"]) for row in rows})
        for name, sql in LOAD_ROWS.items():
            found[name] = int(await connection.fetchval(sql, organization_pk))
    finally:
        await connection.close()
    return found


LOAD_USERS = (
    "FROM org_user u JOIN account a ON a.id = u.account_id "
    "WHERE u.organization_id = $1 AND a.email LIKE 'load-%'"
)
LOAD_ROWS = {
    "groups": "SELECT count(*) FROM user_group WHERE organization_id = $1 AND name LIKE 'load-%'",
    "invited": f"SELECT count(*) {LOAD_USERS}",
    "memberships": "SELECT count(*) FROM group_membership m "
    f"WHERE m.user_id IN (SELECT u.id {LOAD_USERS})",
}


def check_nothing_half_made(made: Counter[str], load: Load) -> None:
    """Each new group came with its group.create event; each invited user with their user.invite
    event and both default groups of their grants, with one event per membership. Every
    mutation answered as a success is there (some that met the outage may be there too)."""
    assert made["groups"] == made["group.create"] >= load.succeeded("createGroup") > 0, made
    assert made["invited"] == made["user.invite"] >= load.succeeded("inviteUser") > 0, made
    assert made["memberships"] == 2 * made["invited"] == made["group.member_add"], made
