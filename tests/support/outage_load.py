"""The load of the outage test (tests/operations/test_database_outage.py): concurrent clients
sending reads
and multi-statement mutations to the real server, each answer kept with the phase of the outage
it was sent and answered in, and judged: clean, successful, or DATABASE_UNAVAILABLE."""

import asyncio
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from schema.ids import decode

WORKERS = 8
REQUEST_TIMEOUT = 15.0  # seconds: an answer that takes longer is a hang
PHASE_TIMEOUT = 120.0  # seconds for one phase's answers to arrive
UNAVAILABLE = "DATABASE_UNAVAILABLE"
STRICT_PHASES = ("up", "after")  # the database is up: every answer must be a success
LEAKS = ("Traceback", "asyncpg", "Internal server error", "postgres")

MUTATIONS = {
    "createGroup": "mutation ($input: CreateGroupInput!) { createGroup(input: $input) "
    "{ group { id } errors { code message } } }",
    "inviteUser": "mutation ($input: InviteUserInput!) { inviteUser(input: $input) "
    "{ user { id productAccess { role } } errors { code message } } }",
}
READS = {
    "users": "{ viewer { organizations { users(first: 20) { totalCount edges { node { email "
    "groups(first: 5) { edges { node { name } } } productAccess { role } } } } } } }",
    "groups": "query ($org: ID!) { node(id: $org) { ... on Organization { groups(first: 20) { "
    "edges { node { name members(first: 5) { totalCount } } } } "
    "auditLog(first: 5) { edges { node { action } } } } } }",
}


@dataclass
class Answer:
    kind: str
    sent_in: str
    answered_in: str
    started: float
    seconds: float
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    failure: str | None = None  # no HTTP answer at all

    @property
    def codes(self) -> list[str]:
        errors = self.body.get("errors") if isinstance(self.body, dict) else None
        return [str((e.get("extensions") or {}).get("code")) for e in errors or []]

    @property
    def unavailable(self) -> bool:
        return self.status in (200, 503) and UNAVAILABLE in self.codes

    @property
    def ok(self) -> bool:
        if self.status != 200 or self.codes or not isinstance(self.body, dict):
            return False
        payload = (self.body.get("data") or {}).get(self.kind)
        return self.kind not in MUTATIONS or (payload is not None and payload["errors"] == [])

    def problem(self) -> str | None:
        """Why this answer is not acceptable in its phases; None when it is."""
        if self.failure is not None:
            return f"{self.kind}: no answer ({self.failure}) after {self.seconds:.1f}s"
        text = json.dumps(self.body)
        if any(leak in text for leak in LEAKS):
            return f"{self.kind}: leaked internals: {text[:300]}"
        strict = self.sent_in == self.answered_in and self.sent_in in STRICT_PHASES
        if self.ok or (not strict and self._cleanly_unavailable()):
            return None
        return f"{self.kind} ({self.sent_in}->{self.answered_in}) {self.status}: {text[:300]}"

    def _cleanly_unavailable(self) -> bool:
        """503 with Retry-After and only that error, or a 200 whose every error is that."""
        if self.status == 503:
            return self.codes == [UNAVAILABLE] and "retry-after" in self.headers
        return self.status == 200 and bool(self.codes) and set(self.codes) == {UNAVAILABLE}


class Load:
    def __init__(self, http: httpx.AsyncClient, token: str, name: str, ids: dict[str, str]):
        self.http, self.token, self.name, self.ids = http, token, name, ids
        self.organization_pk = decode(ids["org"], "Organization")
        self.phase = "up"
        self.answers: list[Answer] = []
        self.numbers = itertools.count()
        self.stopping = False

    @classmethod
    async def prepare(cls, http: httpx.AsyncClient, token: str, name: str) -> "Load":
        """An organization with a site and two products, made over the API."""

        async def call(query: str, path: str) -> str:
            response = await http.post(
                "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
            )
            found: Any = response.json()["data"]
            for key in path.split("."):
                found = found[key]
            return str(found)

        org = await call(
            f'mutation {{ createOrganization(input: {{name: "Outage {name}", '
            "experience: CENTRALIZED}) { organization { id } } }",
            "createOrganization.organization.id",
        )
        site = await call(
            f'mutation {{ createSite(input: {{organizationId: "{org}", '
            f'name: "outage-{name}.example.net"}}) {{ site {{ id }} }} }}',
            "createSite.site.id",
        )
        ids = {"org": org}
        for key in ("jira", "confluence"):
            ids[key] = await call(
                f'mutation {{ addProduct(input: {{siteId: "{site}", productKey: "{key}"}}) '
                "{ productInstance { id } } }",
                "addProduct.productInstance.id",
            )
        return cls(http, token, name, ids)

    def start(self) -> list["asyncio.Task[None]"]:
        return [asyncio.create_task(self._worker()) for _ in range(WORKERS)]

    async def stop(self, workers: list["asyncio.Task[None]"]) -> None:
        self.stopping = True
        await asyncio.gather(*workers)

    async def answered(self, count: int) -> None:
        deadline = time.monotonic() + PHASE_TIMEOUT
        while len(self.answers) < count:
            assert time.monotonic() < deadline, f"{len(self.answers)} of {count} answers"
            await asyncio.sleep(0.01)

    def succeeded(self, kind: str) -> int:
        return sum(1 for a in self.answers if a.kind == kind and a.ok)

    def first_success_since(self, moment: float) -> float:
        return min(a.started + a.seconds for a in self.answers if a.started >= moment and a.ok)

    async def _worker(self) -> None:
        while not self.stopping:
            self.answers.append(await self._send(next(self.numbers)))

    def _request(self, number: int) -> tuple[str, dict[str, Any]]:
        kind = ("createGroup", "inviteUser", "users", "groups")[number % 4]
        given: dict[str, Any]
        if kind == "createGroup":
            given = {"organizationId": self.ids["org"], "name": f"load-{self.name}-{number}"}
        elif kind == "inviteUser":
            given = {
                "organizationId": self.ids["org"],
                "email": f"load-{self.name}-{number}@example.com",
                "productAccess": [
                    {"productInstanceId": self.ids[key], "role": "USER"}
                    for key in ("jira", "confluence")
                ],
            }
        else:
            return kind, {"query": READS[kind], "variables": {"org": self.ids["org"]}}
        return kind, {"query": MUTATIONS[kind], "variables": {"input": given}}

    async def _send(self, number: int) -> Answer:
        kind, body = self._request(number)
        sent_in, started = self.phase, time.monotonic()
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            response = await self.http.post(
                "/graphql", json=body, headers=headers, timeout=REQUEST_TIMEOUT
            )
        except httpx.HTTPError as error:
            return Answer(
                kind, sent_in, self.phase, started, time.monotonic() - started, failure=repr(error)
            )
        answer = Answer(
            kind,
            sent_in,
            self.phase,
            started,
            time.monotonic() - started,
            response.status_code,
            headers=dict(response.headers),
        )
        try:
            answer.body = response.json()
        except ValueError:
            answer.failure = f"not JSON: {response.status_code} {response.text[:200]}"
        return answer


@dataclass
class OutageFigures:
    mode: str
    stop_seconds: float = 0.0
    healthy_after: float = 0.0  # from the start returning to readyz 200
    first_success_after: float = 0.0  # from the start returning to a successful answer
    requests: int = 0
    served_during_outage: Counter[str] = field(default_factory=Counter)
    slowest: float = 0.0
    slowest_unavailable: float = 0.0

    def count(self, answers: list[Answer]) -> None:
        self.requests = len(answers)
        for answer in answers:
            if answer.sent_in in STRICT_PHASES and answer.answered_in == answer.sent_in:
                continue
            if answer.unavailable:
                self.served_during_outage["503" if answer.status == 503 else "graphql"] += 1
                self.slowest_unavailable = max(self.slowest_unavailable, answer.seconds)
            else:
                self.served_during_outage["ok"] += 1
        self.slowest = max((a.seconds for a in answers), default=0.0)

    def summary(self) -> str:
        during = self.served_during_outage
        return (
            f"outage ({self.mode}): {self.requests} requests; while the database was stopping, "
            f"down or starting: {during['503']} answered 503, {during['graphql']} a GraphQL "
            f"DATABASE_UNAVAILABLE error, {during['ok']} succeeded; slowest answer "
            f"{self.slowest:.2f}s (unavailable: {self.slowest_unavailable:.2f}s); pg_ctl stop "
            f"{self.stop_seconds:.2f}s; healthy {self.healthy_after:.2f}s and first success "
            f"{self.first_success_after:.2f}s after the database was started again"
        )
