"""What the fuzz tests share: the seeded data, the contract every answer must keep, the tally.

The data is the demo (portcullis/demo.py) plus an access request and approved email domains.
The fuzzing credential is alice's personal token, ORG_ADMIN of Acme Corp (CENTRALIZED: sites,
products, users, groups, admin roles, an API key, an access request, approved domains); olivia,
ORG_ADMIN of Globex (ORIGINAL), fuzzes the other experience. Each one's objects are foreign to
the other.
"""

import functools
import hashlib
import os
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from tortoise.models import Model

from models.access_settings import AccessRequest
from models.admin_role import RoleAssignment
from models.audit import AuditEvent
from models.credentials import ApiKey
from models.directory import OrgUser
from models.group import Group
from models.organization import Organization, Site
from models.product import ProductInstance
from models.provisioning import ScimToken
from portcullis.demo import load_demo
from schema.ids import encode
from tests.support.graphql_client import GraphQLClient

ADMIN = "alice@acme.example"  # ORG_ADMIN of Acme Corp
FOREIGN_ADMIN = "olivia@globex.example"  # ORG_ADMIN of Globex
MEMBER = "dana@acme.example"  # no admin role: asks for access

# Every node type but Organization, with the model that stores it (each has organization_id).
NODE_MODELS: dict[str, type[Model]] = {
    "Site": Site,
    "ProductInstance": ProductInstance,
    "User": OrgUser,
    "Group": Group,
    "AdminRoleAssignment": RoleAssignment,
    "AuditEvent": AuditEvent,
    "ApiKey": ApiKey,
    "AccessRequest": AccessRequest,
    "ScimToken": ScimToken,
}

Ids = dict[str, list[str]]  # node type name -> global ids
T = TypeVar("T")


SEED_VARIABLE = "PORTCULLIS_FUZZ_SEED"
SCALE_VARIABLE = "PORTCULLIS_FUZZ_SCALE"


def fuzz_scale() -> int:
    """PORTCULLIS_FUZZ_SCALE=N runs N times as many cases (a longer fuzz); 1 in CI."""
    return max(1, int(os.environ.get(SCALE_VARIABLE, "1")))


@functools.cache
def fuzz_seed() -> int:
    """The run's seed: PORTCULLIS_FUZZ_SEED=N draws the cases of the run that printed N again;
    without it each run draws from a fresh seed, so every CI run tries new cases."""
    given = os.environ.get(SEED_VARIABLE, "").strip()
    if not given:
        return secrets.randbelow(2**32)
    try:
        return int(given)
    except ValueError:
        raise pytest.UsageError(f"{SEED_VARIABLE} must be an integer, not {given!r}") from None


def replay_command() -> str:
    """What draws this run's cases again (the scale changes the draw too)."""
    scale = fuzz_scale()
    with_scale = f"{SCALE_VARIABLE}={scale} " if scale > 1 else ""
    return f"{SEED_VARIABLE}={fuzz_seed()} {with_scale}pytest -m fuzz"


def seed_for(name: str) -> int:
    """One draw's seed, from the run's seed and the draw's name: each root field gets cases of
    its own, and the same ones again under the same run seed."""
    digest = hashlib.sha256(f"{fuzz_seed()}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


# --- The seeded data -----------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzWorld:
    tokens: dict[str, str]  # email -> personal token
    acme: Ids  # administered by ADMIN
    globex: Ids  # administered by FOREIGN_ADMIN

    def ids_for(self, admin: str) -> tuple[Ids, Ids]:
        """The ids of the admin's own organization, and those of the other one."""
        return (self.acme, self.globex) if admin == ADMIN else (self.globex, self.acme)


async def seed(api: GraphQLClient) -> FuzzWorld:
    tokens, _api_key = await load_demo(lifetime=None)
    by_email = {t.email: t.token for t in tokens}
    acme = await Organization.get(name="Acme Corp")
    await _access_data(api, by_email, acme)
    globex = await Organization.get(name="Globex")
    return FuzzWorld(by_email, await _ids_of(acme), await _ids_of(globex))


async def _access_data(api: GraphQLClient, tokens: dict[str, str], acme: Organization) -> None:
    """A pending access request, approved domains and SCIM tokens, which the demo does not
    make."""
    bitbucket = await ProductInstance.get(organization=acme, product__key="bitbucket")
    confluence = await ProductInstance.get(organization=acme, product__key="confluence")
    asked = await api(
        "mutation ($p: ID!) { requestProductAccess(input: {productInstanceId: $p}) "
        "{ errors { code } } }",
        {"p": encode("ProductInstance", bitbucket.id)},
        tokens[MEMBER],
    )
    assert asked.ok()["requestProductAccess"]["errors"] == []
    approved = await api(
        "mutation ($p: ID!) { updateUserAccessSettings(input: {productInstanceId: $p, "
        'approvedDomains: [{domain: "partner.example"}]}) { errors { code } } }',
        {"p": encode("ProductInstance", confluence.id)},
        tokens[ADMIN],
    )
    assert approved.ok()["updateUserAccessSettings"]["errors"] == []
    globex = await Organization.get(name="Globex")
    for org, admin in ((acme, ADMIN), (globex, FOREIGN_ADMIN)):
        made = await api(
            'mutation ($o: ID!) { createScimToken(input: {organizationId: $o, name: "idp"}) '
            "{ errors { code } } }",
            {"o": encode("Organization", org.id)},
            tokens[admin],
        )
        assert made.ok()["createScimToken"]["errors"] == []


async def _ids_of(organization: Organization) -> Ids:
    found = {"Organization": [encode("Organization", organization.id)]}
    for type_name, model in NODE_MODELS.items():
        rows = await model.filter(organization_id=organization.id).order_by("id")
        found[type_name] = [encode(type_name, row.pk) for row in rows]
    return found


# --- The contract ----------------------------------------------------------------------------


def broken_contract(response: httpx.Response) -> str | None:
    """What is wrong with an answer: a 5xx; a 2xx that is not a GraphQL JSON object; an error
    without `extensions.code` or with INTERNAL_SERVER_ERROR (a masked bug). None if nothing."""
    if response.status_code >= 500:
        return f"status {response.status_code}: {response.text[:500]}"
    if response.status_code >= 300:
        return None  # 4xx: refused before execution, with a message
    try:
        body: Any = response.json()
    except ValueError:
        return f"status {response.status_code} with a body that is not JSON: {response.text[:500]}"
    if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
        return f"not a GraphQL response: {response.text[:500]}"
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    if None in codes or "INTERNAL_SERVER_ERROR" in codes:
        return f"error codes {codes}: {response.text[:1000]}"
    return None


@dataclass
class Trial:
    """One fuzz run: how each request was answered, and every answer that broke the contract."""

    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def add(self, request: str, response: httpx.Response, problem: str | None = None) -> None:
        problem = broken_contract(response) or problem
        if problem:
            self.problems.append(f"{request}\n-> {problem}")
        self.outcomes[outcome(response)] += 1

    def conclude(self, config: pytest.Config, fuzz: str, tried: int, floor: int) -> None:
        record(config, fuzz, tried, self.outcomes)
        failed = f"{len(self.problems)} of {tried} failed (replay: {replay_command()}):\n\n"
        assert not self.problems, failed + "\n\n".join(self.problems[:5])
        assert tried >= floor, f"only {tried} cases drawn (at least {floor} expected)"


def draw_distinct(
    strategy: st.SearchStrategy[T], count: int, key: Callable[[T], Any], name: str
) -> list[T]:
    """`count` examples, the distinct ones (by key) in order, drawn from the seed of `name`
    under the run's seed (fuzz_seed): fresh cases on every run, the same ones on a replay.
    Drawn before any is sent, so the number tried is exact."""
    found: dict[Any, T] = {}

    @hypothesis_seed(seed_for(name))
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: T) -> None:
        found.setdefault(key(example), example)

    collect()
    return list(found.values())


def outcome(response: httpx.Response) -> str:
    """How a request was answered, for the tally: `answered` (data, maybe with payload
    errors), the first top-level error's code, or the HTTP status."""
    if response.status_code != 200 or broken_contract(response):
        return f"HTTP {response.status_code}"
    errors = response.json().get("errors") or []
    return str(errors[0]["extensions"]["code"]) if errors else "answered"


# --- The tally, printed at the end of the run (conftest.py) ----------------------------------

FUZZ_TALLY = pytest.StashKey[dict[str, Counter[str]]]()
_RUN_KEYS = ("runs", "cases")


def record(config: pytest.Config, fuzz: str, tried: int, outcomes: Counter[str]) -> None:
    tally = config.stash.setdefault(FUZZ_TALLY, {}).setdefault(fuzz, Counter())
    tally.update({"runs": 1, "cases": tried, **outcomes})


def describe_tally(tally: dict[str, Counter[str]]) -> list[str]:
    """One line per fuzz: `schemathesis: 1900 cases in 34 runs (answered 800, NOT_FOUND 400)`,
    and the line that replays the run."""
    lines = []
    for fuzz, counts in sorted(tally.items()):
        outcomes = [f"{name} {n}" for name, n in counts.most_common() if name not in _RUN_KEYS]
        lines.append(
            f"{fuzz}: {counts['cases']} cases in {counts['runs']} runs ({', '.join(outcomes)})"
        )
    lines.append(f"replay: {replay_command()}")
    return lines
