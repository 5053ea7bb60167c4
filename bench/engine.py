"""Micro-benchmark of the permission engine: `python -m bench.engine [--quick] [--out FILE]`.

Pure Python, no database: principals and targets are built directly and handed to
`permissions.engine.decide`, or to `resolvers.context.Context.decide` for the cached figure.
Each figure is the best of three timed runs of a fixed number of decisions.
"""

import argparse
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from models.enums import ROLE_SCOPE_KIND, ActorKind, AdminRole, Experience, ScopeKind, UserStatus
from permissions.engine import VIEW_ORGANIZATION, decide
from permissions.matrix import EXPERIENCE_FEATURES, Asked, TargetKind
from permissions.principal import Actor, Assignment, Principal
from permissions.targets import Target
from resolvers.context import Context

Case = tuple[Principal, Asked, Target]
CENTRAL, ORIGINAL = 1, 2  # organization ids
EXPERIENCES = {CENTRAL: Experience.CENTRALIZED, ORIGINAL: Experience.ORIGINAL}
SIZES = (1, 10, 100, 1_000, 10_000)
# Decisions per timed run: about 15 s for the whole default run, 2 s with --quick.
DEFAULT_DECISIONS, QUICK_DECISIONS = 200_000, 20_000


def _site(org: int, n: int) -> int:
    return 10 * org + n


def _inst(org: int, n: int) -> int:
    return 100 * org + n


def targets(org: int) -> list[Target]:
    """Two sites; three product instances (two on the first site, whose default group also
    gives the second); an organization-level and a site group; two users. Each scoped role
    below covers only part of them."""
    org_wide = Target(TargetKind.ORGANIZATION, org, EXPERIENCES[org])
    s1, s2 = _site(org, 1), _site(org, 2)
    i1, i2, i3 = _inst(org, 1), _inst(org, 2), _inst(org, 3)
    group_site = s1 if org_wide.experience is Experience.ORIGINAL else None

    def at(kind: TargetKind, site: int | None, *reaches: int) -> Target:
        return replace(org_wide, kind=kind, site_id=site, instance_ids=frozenset(reaches))

    def product(site: int, instance: int, *reaches: int) -> Target:
        found = at(TargetKind.PRODUCT_INSTANCE, site, instance, *reaches)
        return replace(found, product_instance_id=instance)

    def user(n: int, site: int, instance: int) -> Target:
        found = at(TargetKind.USER, None, instance)
        return replace(found, user_id=n, site_ids=frozenset({site}))

    return [
        org_wide,
        at(TargetKind.SITE, s1),
        at(TargetKind.SITE, s2),
        product(s1, i1, i2),
        product(s1, i2),
        product(s2, i3),
        replace(at(TargetKind.GROUP, None, i1), group_id=1),
        replace(at(TargetKind.GROUP, group_site, i1, i3), group_id=2),
        user(1, s1, i1),
        user(2, s2, i3),
    ]


def member(
    label: str, n: int, *roles: Assignment, status: UserStatus = UserStatus.ACTIVE
) -> Principal:
    """A member of both organizations, directory user n in each."""
    memberships = dict.fromkeys(EXPERIENCES, (n, status))
    actor = Actor(ActorKind.ACCOUNT, n, label)
    return Principal(actor, account_id=n, memberships=memberships, assignments=roles)


def grant(org: int, role: AdminRole, n: int = 1) -> Assignment:
    """The role over the organization, or over its site or product instance n."""
    scopes = {ScopeKind.ORGANIZATION: org, ScopeKind.SITE: _site(org, n)}
    return Assignment(org, role, scopes.get(ROLE_SCOPE_KIND[role], _inst(org, n)))


def principals() -> list[Principal]:
    c, o, r = CENTRAL, ORIGINAL, AdminRole
    return [
        member("org-admin", 3, grant(c, r.ORG_ADMIN), grant(o, r.ORG_ADMIN)),
        member("site-admin", 1, grant(c, r.SITE_ADMIN), grant(o, r.SITE_ADMIN)),
        member("user-access-admin", 4, grant(c, r.USER_ACCESS_ADMIN)),
        member("product-admin", 5, grant(c, r.PRODUCT_ADMIN), grant(o, r.PRODUCT_ADMIN, 2)),
        member("trusted-user", 6, grant(o, r.TRUSTED_USER)),
        member("suspended", 7, grant(c, r.SITE_ADMIN), status=UserStatus.SUSPENDED),
        Principal(Actor(ActorKind.API_KEY, 1, "rw"), api_key_id=1, api_key_organization_id=c),
        Principal(
            Actor(ActorKind.API_KEY, 2, "ro"),
            api_key_id=2,
            api_key_organization_id=o,
            read_only=True,
        ),
    ]


def features(org: int) -> list[Asked]:
    return [*sorted(EXPERIENCE_FEATURES[EXPERIENCES[org]]), VIEW_ORGANIZATION]


def mix(people: Sequence[Principal], orgs: Sequence[int]) -> list[Case]:
    """Every principal asks every feature of the experience about every target."""
    return [(p, f, t) for p in people for o in orgs for t in targets(o) for f in features(o)]


def scaled(n: int) -> Principal:
    """n SITE_ADMIN / PRODUCT_ADMIN assignments in CENTRAL; the first two reach its targets."""

    def assignment(k: int) -> Assignment:
        role = (AdminRole.PRODUCT_ADMIN, AdminRole.SITE_ADMIN)[k % 2]
        scope = (_inst(CENTRAL, 1), _site(CENTRAL, 1))[k] if k < 2 else 10_000 + k
        return Assignment(CENTRAL, role, scope)

    roles = tuple(assignment(k) for k in range(n))
    return member(f"scaled-{n}", 9, *roles)


def best_of_3(run: Callable[[], object]) -> float:
    """The shortest of three runs, in seconds."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def decide_rate(cases: Sequence[Case], budget: int) -> float:
    passes = max(1, budget // len(cases))

    def run() -> None:
        for _ in range(passes):
            for principal, feature, target in cases:
                decide(principal, feature, target)

    return passes * len(cases) / best_of_3(run)


def cached_rate(cases: Sequence[Case], budget: int) -> float:
    contexts = {id(p): Context(principal=p, request_id="bench") for p, _, _ in cases}
    asks = [(contexts[id(p)], f, t) for p, f, t in cases]
    for context, feature, target in asks:  # warm the per-request caches
        context.decide(feature, target)
    passes = max(1, budget // len(asks))

    def run() -> None:
        for _ in range(passes):
            for context, feature, target in asks:
                context.decide(feature, target)

    return passes * len(asks) / best_of_3(run)


def index_build(n: int) -> float:
    """Seconds to index n assignments: the first holdings() call of a fresh principal."""
    fresh = [scaled(n) for _ in range(3)]
    return best_of_3(lambda: fresh.pop().holdings(CENTRAL))


def scaling_row(n: int, budget: int) -> list[str]:
    principal = scaled(n)
    principal.holdings(CENTRAL)  # build the index outside the timing
    rate = decide_rate(mix([principal], [CENTRAL]), budget)
    label = f"decide, {n:,} assignment{'s' if n > 1 else ''}"
    return [label, f"{rate:,.0f}", f"{index_build(n) * 1e6:,.0f} µs"]


def report(budget: int) -> str:
    cases = mix(principals(), list(EXPERIENCES))
    allowed = sum(decide(*case).allowed for case in cases)
    rows = [
        ["decide, uncached mix", f"{decide_rate(cases, budget):,.0f}", "—"],
        ["Context.decide, warm cache", f"{cached_rate(cases, budget):,.0f}", "—"],
        *(scaling_row(n, budget) for n in SIZES),
    ]
    head = [
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.platform()}, {platform.machine()}",
        "",
        f"Mix: {len(cases):,} distinct questions, {allowed / len(cases):.0%} allowed; "
        f"about {budget:,} decisions per run, best of 3.",
        "",
        "| measurement | decisions/s | index build |",
        "|---|---:|---:|",
    ]
    return "\n".join(head + [f"| {' | '.join(row)} |" for row in rows]) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="about 2 s instead of 15 s")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    text = report(QUICK_DECISIONS if args.quick else DEFAULT_DECISIONS)
    sys.stdout.write(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
