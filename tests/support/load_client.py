"""One client process of the load test (tests/operations/test_load_invariants.py):
`python -m tests.support.load_client PLAN OUT` sends the plan's number of requests, one at a time,
to
the real server, and writes what each one asked and got to OUT as JSON.

Requests are drawn with the plan's seed: grants and revocations of product access, group
membership and group product roles, organization admin and product admin assignments and
revocations, and reads. Each is sent as one of the organization admins the process believes
there are (a refusal as FORBIDDEN corrects the belief), and an organization admin revocation
names one of them. Besides, at each of the plan's race moments (wall-clock times shared by
every process) each process makes its own candidate an organization admin (trying the admins
it believes in until one is), then, all at the same instant, revokes it: the processes race to
revoke the last admins (R-ROLE-3).
"""

import itertools
import json
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

REQUEST_TIMEOUT = 60.0
ASSIGN_AHEAD = 0.5  # seconds before a race moment that each process assigns its candidate
READS = {
    "readUserAccess": "query ($id: ID!) { node(id: $id) { ... on User { productAccess { role "
    "productInstance { id } sources { kind } } } } }",
    "readUsers": "query ($org: ID!) { node(id: $org) { ... on Organization { users(first: 50) "
    "{ totalCount edges { node { id groups(first: 10) { edges { node { id } } } } } } } } }",
}
# The draw: (operation, weight).
OPERATIONS = (
    ("grantProductAccess", 10),
    ("revokeProductAccess", 8),
    ("addGroupMembers", 10),
    ("removeGroupMembers", 8),
    ("grantGroupProductAccess", 7),
    ("revokeGroupProductAccess", 6),
    ("assignOrgAdmin", 10),
    ("revokeOrgAdmin", 14),
    ("assignProductAdmin", 4),
    ("revokeProductAdmin", 4),
    ("readUserAccess", 10),
    ("readUsers", 5),
)
ASSIGN_ORG_ADMIN = ("assignOrgAdmin", "raceAssignOrgAdmin")
REVOKE_ORG_ADMIN = ("revokeOrgAdmin", "raceRevokeOrgAdmin")
MUTATION_OF = {
    "assignOrgAdmin": "assignAdminRole",
    "revokeOrgAdmin": "revokeAdminRole",
    "raceAssignOrgAdmin": "assignAdminRole",
    "raceRevokeOrgAdmin": "revokeAdminRole",
    "assignProductAdmin": "assignAdminRole",
    "revokeProductAdmin": "revokeAdminRole",
}


@dataclass
class Sent:
    number: int
    operation: str
    mutation: str | None
    actor: str  # the email of the admin whose token was used
    target: str | None  # the user an admin role mutation named
    request_id: str
    status: int | None
    codes: list[str]  # top-level error codes
    errors: list[str]  # payload error codes
    seconds: float
    failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.codes and not self.errors and not self.failure


class Client:
    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.random = random.Random(plan["seed"])
        self.http = httpx.Client(base_url=plan["base"], timeout=REQUEST_TIMEOUT)
        # email -> (user id, token) of every admin candidate; the ones believed admins now
        self.candidates: dict[str, tuple[str, str]] = {
            email: (user, token) for email, user, token in plan["candidates"]
        }
        self.believed = set(plan["admins"])
        self.numbers = itertools.count()

    def run(self) -> list[Sent]:
        """The plan's drawn requests, with the race rounds as their moments come."""
        sent: list[Sent] = []
        moments = list(self.plan["races"])
        for _ in range(self.plan["requests"]):
            if moments and time.time() >= moments[0] - 2 * ASSIGN_AHEAD:
                sent += self.race(moments.pop(0))
            sent.append(self.send(*self.draw()))
        for moment in moments:
            sent += self.race(moment)
        return sent

    def race(self, moment: float) -> list[Sent]:
        """Make this process's candidate an admin, then revoke it at `moment`, as itself."""
        others = sorted(self.candidates)[1:]  # the first is the organization's creator
        email = others[self.plan["seed"] % len(others)]
        _sleep_until(moment - ASSIGN_AHEAD)
        assign = self.admin_role("raceAssignOrgAdmin", email)
        sent = []
        for _ in self.candidates:  # as admins believed, until one still is (FORBIDDEN: not)
            sent.append(self.send("raceAssignOrgAdmin", self.actor(), *assign))
            if "FORBIDDEN" not in sent[-1].codes:
                break
        _sleep_until(moment)
        assigned = sent[-1].ok or "DUPLICATE" in sent[-1].errors
        revoke = self.admin_role("raceRevokeOrgAdmin", email)
        return [
            *sent,
            self.send("raceRevokeOrgAdmin", email if assigned else self.actor(), *revoke),
        ]

    def actor(self) -> str:
        return str(self.random.choice(sorted(self.believed or self.candidates)))

    def draw(self) -> tuple[str, str, str, dict[str, Any], str | None]:
        names, weights = zip(*OPERATIONS, strict=True)
        operation = self.random.choices(names, weights)[0]
        return (operation, self.actor(), *self.request(operation))

    def send(
        self,
        operation: str,
        actor: str,
        query: str,
        variables: dict[str, Any],
        target: str | None,
    ) -> Sent:
        mutation = MUTATION_OF.get(operation, operation) if operation not in READS else None
        number = next(self.numbers)
        started = time.monotonic()
        # The service makes the request id (the audit log's); until it answers, none is known.
        sent = Sent(number, operation, mutation, actor, target, "", None, [], [], 0.0)
        try:
            response = self.http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {self.candidates[actor][1]}"},
            )
            sent.request_id = response.headers.get("x-request-id", "")
            sent.status = response.status_code
            self.read_answer(sent, response.json())
        except (httpx.HTTPError, ValueError) as error:
            sent.failure = repr(error)
        sent.seconds = time.monotonic() - started
        self.learn(sent)
        return sent

    def read_answer(self, sent: Sent, body: dict[str, Any]) -> None:
        sent.codes = [
            str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []
        ]
        payload = (body.get("data") or {}).get(sent.mutation or "")
        if payload is not None:
            sent.errors = [str(e["code"]) for e in payload["errors"]]

    def learn(self, sent: Sent) -> None:
        """Who the organization admins are now, as far as this process can tell."""
        if "FORBIDDEN" in sent.codes:
            self.believed.discard(sent.actor)
        target = self.email_of(sent.target)
        if sent.operation in ASSIGN_ORG_ADMIN and (sent.ok or "DUPLICATE" in sent.errors):
            self.believed.add(target)
        if sent.operation in REVOKE_ORG_ADMIN and (sent.ok or "NO_SUCH_ACCESS" in sent.errors):
            self.believed.discard(target)

    def email_of(self, user_id: str | None) -> str:
        return next((e for e, (u, _) in self.candidates.items() if u == user_id), "")

    def request(self, operation: str) -> tuple[str, dict[str, Any], str | None]:
        """The document, its variables, and the user an admin role mutation names."""
        ids, pick = self.plan["ids"], self.random.choice
        if operation in READS:
            variables = {"id": pick(ids["users"]), "org": ids["org"]}
            if operation == "readUsers":
                del variables["id"]
            else:
                del variables["org"]
            return READS[operation], variables, None
        given, target = self.input_of(operation, ids)
        return _document(operation), {"input": given}, target

    def admin_role(self, operation: str, email: str) -> tuple[str, dict[str, Any], str]:
        """The document, the input naming the candidate as organization admin, its user id."""
        user = self.candidates[email][0]
        return _document(operation), {"input": {"userId": user, "role": "ORG_ADMIN"}}, user

    def input_of(self, operation: str, ids: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        pick, instance = self.random.choice, self.random.choice(ids["instances"])
        user = pick(ids["users"])
        if operation in ("grantProductAccess", "revokeProductAccess"):
            given = {"userId": user, "productInstanceId": instance["id"]}
            if operation == "grantProductAccess":
                given["role"] = pick(instance["roles"])
            return given, None
        if operation in ("addGroupMembers", "removeGroupMembers"):
            members = self.random.sample(ids["users"], self.random.randint(1, 2))
            return {"groupId": pick(ids["groups"]), "userIds": members}, None
        if operation in ("grantGroupProductAccess", "revokeGroupProductAccess"):
            role = pick(instance["roles"])
            return {
                "groupIds": [pick(ids["groups"])],
                "productInstanceId": instance["id"],
                "roles": [role],
            }, None
        if operation in ("assignOrgAdmin", "revokeOrgAdmin"):
            pool = self.believed if operation == "revokeOrgAdmin" and self.believed else None
            _, variables, target = self.admin_role(operation, pick(sorted(pool or self.candidates)))
            return variables["input"], target
        return {"userId": user, "role": "PRODUCT_ADMIN", "scopeId": instance["id"]}, user


def _document(operation: str) -> str:
    mutation = MUTATION_OF.get(operation, operation)
    return (
        f"mutation ($input: {mutation[0].upper()}{mutation[1:]}Input!) "
        f"{{ {mutation}(input: $input) {{ errors {{ code }} }} }}"
    )


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def main(plan_path: str, out_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text())
    sent = Client(plan).run()
    Path(out_path).write_text(json.dumps([asdict(s) for s in sent]))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
