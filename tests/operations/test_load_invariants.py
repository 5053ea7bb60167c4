"""A bounded concurrent load with invariants (issue 7), on PostgreSQL: CLIENTS client processes
(tests/support/load_client.py) send REQUESTS_PER_CLIENT requests each to the real server: grants and
revocations of product access, group membership and group product roles, organization and
product admin assignments and revocations (racing to revoke the last organization admins),
and reads. Then:

- never zero organization admins (R-ROLE-3): sampled throughout the run, and at the end;
- every audit event is a change: the log replayed in order from the starting rows adds only
  what was not there and removes only what was, and arrives at the final rows; every event
  belongs to a request answered as a success, made by that request's caller (R-AUDIT-1);
- effective access over the API equals what the property test's reference model computes
  from the final rows (tests/resolvers/test_effective_access_properties.py).

Run with `pytest -m hardening` and TEST_DATABASE_URL naming a PostgreSQL database.
"""

import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from models.admin_role import RoleAssignment
from models.audit import AuditEvent
from models.directory import OrgUser
from models.enums import AccountType, AdminRole, UserStatus
from resolvers import organizations
from tests.resolvers.test_effective_access import group_with
from tests.resolvers.test_effective_access_properties import (
    PRODUCT_ROLES,
    Comparison,
    describe,
    read,
)
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient
from tests.support.load_state import (
    Assignments,
    as_reference,
    assignments_of,
    events_after,
    last_event_id,
    replay,
)
from tests.support.servers import die_with_parent, load_test_env, running_server

pytestmark = pytest.mark.hardening

CLIENTS = 4
REQUESTS_PER_CLIENT = 100  # drawn at random; besides, each client sends 2 to 6 per race round
RACE_ROUNDS = 3
RACE_GAP = 2.0  # seconds between race rounds (the first one RACE_GAP after the start)
CANDIDATES = 5  # accounts the organization admin role moves between
FIRST_ADMINS = 3
RUN_TIMEOUT = 240.0  # seconds for all the clients to finish
# Mutations that, when they succeed, always change something (and so write an audit event).
ALWAYS_CHANGE = {
    "grantProductAccess",
    "revokeProductAccess",
    "grantGroupProductAccess",
    "revokeGroupProductAccess",
    "assignOrgAdmin",
    "revokeOrgAdmin",
    "raceAssignOrgAdmin",
    "raceRevokeOrgAdmin",
    "assignProductAdmin",
    "revokeProductAdmin",
}


async def starting_state() -> tuple[World, dict[str, Any]]:
    """A CENTRALIZED organization with three products, admin candidates (three of them
    organization admins), members with some access, a portal-only customer and three groups;
    and the plan every client process gets (ids and the candidates' tokens)."""
    w = await factories.world(name="Load")
    instances = [w.jira] + [
        await organizations.add_product(w.ctx, w.site.id, key)
        for key in ("confluence", "jira-service-management")
    ]
    first = await OrgUser.get(organization_id=w.org.id, account_id=w.admin.id)
    candidates = [(w.admin.email, first, w.admin_token)]
    for number in range(1, CANDIDATES):
        user, token = await w.member(email=f"admin{number}@load.example")
        if number < FIRST_ADMINS:
            await w.role(user, AdminRole.ORG_ADMIN, w.org.id)
        candidates.append((f"admin{number}@load.example", user, token))
    members = [(await w.member(grants=[(instances[n % 3], "USER")]))[0] for n in range(6)]
    members.append((await w.member(kind=AccountType.CUSTOMER))[0])
    groups = [
        await group_with(w, "load-eng", instances[0], "USER", *members[:3]),
        await group_with(w, "load-support", instances[2], "AGENT", members[3]),
        await group_with(w, "load-wiki", instances[1], "GUEST"),
    ]
    ids = {
        "org": gid("Organization", w.org.id),
        "users": [gid("User", u.id) for u in [c[1] for c in candidates] + members],
        "groups": [gid("Group", g.id) for g in groups],
        "instances": [
            {"id": gid("ProductInstance", i.id), "roles": list(PRODUCT_ROLES[i.product_id])}
            for i in instances
        ],
    }
    plan = {
        "ids": ids,
        "candidates": [(email, gid("User", user.id), token) for email, user, token in candidates],
        "admins": [email for email, _, _ in candidates[:FIRST_ADMINS]],
        "requests": REQUESTS_PER_CLIENT,
    }
    return w, plan


async def org_admins(organization_id: int) -> int:
    """Active organization admins now (R-ROLE-3), in one statement: one snapshot."""
    return await RoleAssignment.filter(
        organization_id=organization_id,
        role=AdminRole.ORG_ADMIN,
        user__status=UserStatus.ACTIVE,
    ).count()


def start_clients(plan: dict[str, Any], folder: Path, root: Path) -> list[subprocess.Popen[bytes]]:
    """The client processes, each with its own seed (from the main thread: they end with it)."""
    processes = []
    for number in range(CLIENTS):
        plan_file, out = folder / f"plan{number}.json", folder / f"sent{number}.json"
        plan_file.write_text(json.dumps({**plan, "seed": number}))
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.support.load_client", str(plan_file), str(out)],
                cwd=root,
                stderr=subprocess.PIPE,
                preexec_fn=die_with_parent(),
            )
        )
    return processes


async def run_clients(
    plan: dict[str, Any], organization_id: int, folder: Path, root: Path
) -> tuple[list[dict[str, Any]], list[int]]:
    """Run the client processes, sampling the admin count until they end; their requests and
    the samples."""
    start = time.time() + 1.0  # the clients' start-up: about half a second
    races = [start + RACE_GAP * (k + 1) for k in range(RACE_ROUNDS)]
    processes = start_clients({**plan, "races": races}, folder, root)
    samples: list[int] = []
    try:
        async with asyncio.timeout(RUN_TIMEOUT):
            while any(p.poll() is None for p in processes):
                samples.append(await org_admins(organization_id))
                await asyncio.sleep(0.02)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            _, errors = process.communicate(timeout=30)
            assert process.returncode == 0, errors.decode(errors="replace")
    sent = [s for n in range(CLIENTS) for s in json.loads((folder / f"sent{n}.json").read_text())]
    return sent, samples


def is_success(sent: dict[str, Any]) -> bool:
    ok = sent["status"] == 200 and not sent["codes"] and not sent["errors"]
    return bool(ok and not sent["failure"])


def check_answers(sent: list[dict[str, Any]]) -> Counter[str]:
    """Every request answered, none with an internal error; returns the outcomes."""
    drawn = [s for s in sent if not s["operation"].startswith("race")]
    assert len(drawn) == CLIENTS * REQUESTS_PER_CLIENT
    races = Counter(s["operation"] for s in sent if s["operation"].startswith("race"))
    assert races["raceRevokeOrgAdmin"] == CLIENTS * RACE_ROUNDS, races
    assert races["raceAssignOrgAdmin"] <= CLIENTS * RACE_ROUNDS * CANDIDATES, races
    outcomes: Counter[str] = Counter()
    for s in sent:
        assert s["failure"] is None, s
        assert s["status"] == 200, s
        # Refusals of a caller who is no longer an admin; never INTERNAL_SERVER_ERROR.
        assert set(s["codes"]) <= {"FORBIDDEN", "NOT_FOUND"}, s
        label = s["operation"] + ":" + ",".join(s["codes"] + s["errors"] or ["ok"])
        outcomes[label] += 1
    return outcomes


async def check_admins(organization_id: int, samples: list[int], outcomes: Counter[str]) -> None:
    """R-ROLE-3 throughout the run and at its end; and the run did come down to the last one
    (seen by a sample, or by a revocation refused for it)."""
    assert len(samples) >= 10, samples
    assert min(samples) >= 1, f"organization admins sampled: {Counter(samples)}"
    assert await org_admins(organization_id) >= 1
    last = outcomes["revokeOrgAdmin:LAST_ORG_ADMIN"] + outcomes["raceRevokeOrgAdmin:LAST_ORG_ADMIN"]
    assert min(samples) == 1 or last > 0, f"never down to the last admin: {Counter(samples)}"


def check_audit(
    start: Assignments, events: list[AuditEvent], final: Assignments, sent: list[dict[str, Any]]
) -> None:
    """The log replayed is exactly the changes made, each by a request answered as a success,
    made as that request's caller; every success that must change something has its events."""
    replayed = replay(start, events)
    assert replayed.memberships == final.memberships
    assert replayed.group_roles == final.group_roles
    assert replayed.admin_roles == final.admin_roles
    by_request = {s["request_id"]: s for s in sent}
    for event in events:
        request = by_request.get(event.request_id)
        assert request is not None, (event.id, event.action, event.request_id)
        assert is_success(request), (event.id, event.action, request)
        assert event.actor_label == request["actor"], (event.id, request)
    with_events = {event.request_id for event in events}
    for s in sent:
        if s["operation"] in ALWAYS_CHANGE and is_success(s):
            assert s["request_id"] in with_events, s


async def check_access(api: GraphQLClient, w: World, final: Assignments) -> None:
    """Effective access over the API against the reference model of the final rows."""
    reader = next(u for u, role, _ in final.admin_roles if role == "ORG_ADMIN")
    account = (await OrgUser.get(id=reader).select_related("account")).account
    spec, built = await as_reference(w.org, account)
    comparison = Comparison(spec, built)
    by_user, by_instance, explained = await read(api, built)
    comparison.users(by_user)
    comparison.instances(by_instance)
    comparison.explanations(explained)
    assert not comparison.problems, describe(spec) + "\n" + "\n".join(comparison.problems)


def check_exercised(outcomes: Counter[str]) -> None:
    """The invariants were not kept by doing nothing."""
    for operation in (
        "grantProductAccess",
        "revokeProductAccess",
        "addGroupMembers",
        "removeGroupMembers",
        "assignOrgAdmin",
        "revokeOrgAdmin",
        "raceRevokeOrgAdmin",
    ):
        assert outcomes[f"{operation}:ok"] > 0, f"no {operation} succeeded: {outcomes}"


async def test_concurrent_changes_keep_the_invariants(
    api: GraphQLClient, database: str, is_postgres: bool, tmp_path: Path, repo_root: Path
) -> None:
    if not is_postgres:
        pytest.skip("the load test needs PostgreSQL: set TEST_DATABASE_URL")
    w, plan = await starting_state()
    start, last_before = await assignments_of(w.org.id), await last_event_id()
    env = load_test_env(database)
    with running_server(env, tmp_path / "server.log") as server:
        sent, samples = await run_clients(
            {**plan, "base": server.base}, w.org.id, tmp_path, repo_root
        )
    outcomes = check_answers(sent)
    await check_admins(w.org.id, samples, outcomes)
    events, final = await events_after(w.org.id, last_before), await assignments_of(w.org.id)
    check_audit(start, events, final, sent)
    await check_access(api, w, final)
    check_exercised(outcomes)
    print(
        f"load: {len(sent)} requests from {CLIENTS} processes, {len(events)} audit events "
        f"replayed; organization admins sampled {len(samples)} times: "
        f"{dict(sorted(Counter(samples).items()))}; outcomes {dict(sorted(outcomes.items()))}"
    )
