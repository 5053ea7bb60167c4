"""The engine against pycasbin: `python -m bench.versus_casbin [--quick] [--out FILE]`.

The same decisions as bench/engine.py's "decide, N assignments" rows (one member of the
CENTRALIZED organization holding N SITE_ADMIN / PRODUCT_ADMIN assignments asks every feature
about every target), made by a casbin RBAC-with-domains model holding the same assignments:

- a domain is a path: `o1/org` for organization-wide targets (the organization, users,
  organization-level groups), `o1/s11/` for a site, `o1/s11/i101/` for a product instance;
- an assignment is a role link in its scope's domain pattern (`g, u9, site_admin, o1/s11/*`),
  matched by keyMatch, so a site's role covers its product instances; a role whose cell is
  YES also allows organization-wide targets, so every assignment also links `<role>@org` in
  `o1/org`; membership links `member` for view_organization;
- the policy is the matrix: `p, <role>, <feature>` for YES and SCOPED cells, and
  `p, <role>@org, <feature>` for YES cells; R-ROLE-5 (only organization admins manage site
  admins) drops make_site_admin from the others.

The rules casbin's RBAC model does not express (R-ROLE-14, an app also needs the product
admin role for the product) make a few answers differ; the agreement column counts them.
"""

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import casbin
from casbin.model import FastModel
from casbin.util import key_match

from bench.engine import (
    CENTRAL,
    DEFAULT_DECISIONS,
    QUICK_DECISIONS,
    SIZES,
    decide_rate,
    mix,
    targets,
)
from bench.engine import scaled as scaled_principal
from models.enums import AdminRole, Experience
from permissions.engine import VIEW_ORGANIZATION, decide
from permissions.matrix import MATRIX, Cell, FeatureId
from permissions.principal import Principal
from permissions.targets import Target

MODEL = """
[request_definition]
r = sub, dom, act

[policy_definition]
p = sub, dom, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && g(r.sub, p.sub, r.dom)
"""
# The act, twice: pycasbin's FastPolicy indexes by at least two keys (one fails in len()).
FAST_KEYS = [2, 2]
ANY = "*"  # the policy's domain: unused, the role link's domain decides
MIN_SECONDS = 0.5  # casbin is timed for at least this long per size


def domain(target: Target) -> str:
    org = f"o{target.organization_id}"
    if target.product_instance_id is not None:
        return f"{org}/s{target.site_id}/i{target.product_instance_id}/"
    if target.site_id is not None and target.group_id is None:
        return f"{org}/s{target.site_id}/"
    return f"{org}/org"


def scope_pattern(organization_id: int, role: AdminRole, scope_id: int) -> str:
    """The domain pattern a role's scope covers. A product instance outside the targets gets
    a site of its own: bench/engine.py's extra assignments cover nothing there."""
    org = f"o{organization_id}"
    if role is AdminRole.ORG_ADMIN:
        return f"{org}/*"
    if role in (AdminRole.SITE_ADMIN, AdminRole.TRUSTED_USER):
        return f"{org}/s{scope_id}/*"
    sites = {t.product_instance_id: t.site_id for t in targets(organization_id)}
    return f"{org}/s{sites.get(scope_id, f'x{scope_id}')}/i{scope_id}/*"


def enforcer(principal: Principal, experience: Experience, fast: bool) -> casbin.Enforcer:
    """casbin's Enforcer evaluates the matcher on every policy line; its FastEnforcer first
    keeps the lines whose act (position 2 of both definitions) is the request's."""
    if fast:
        model = FastModel(FAST_KEYS)
        model.load_model_from_text(MODEL)
        found = casbin.FastEnforcer(model, cache_key_order=FAST_KEYS)
    else:
        found = casbin.Enforcer(casbin.Enforcer.new_model(text=MODEL))
    found.add_named_domain_matching_func("g", key_match)
    for feature in MATRIX.features[experience].values():
        for role, cell in feature.cells.items():
            if cell is Cell.NO:
                continue
            if feature.id == FeatureId.MAKE_SITE_ADMIN and role is not AdminRole.ORG_ADMIN:
                continue  # R-ROLE-5
            found.add_policy(role.value, ANY, feature.id)
            if cell is Cell.YES:
                found.add_policy(f"{role.value}@org", ANY, feature.id)
    found.add_policy("member", ANY, VIEW_ORGANIZATION)
    subject = subject_of(principal)
    for org in principal.memberships:
        found.add_role_for_user_in_domain(subject, "member", f"o{org}/*")
    for a in principal.assignments:
        found.add_role_for_user_in_domain(
            subject, a.role.value, scope_pattern(a.organization_id, a.role, a.scope_id)
        )
        found.add_role_for_user_in_domain(
            subject, f"{a.role.value}@org", f"o{a.organization_id}/org"
        )
    return found


def subject_of(principal: Principal) -> str:
    return f"u{principal.account_id}"


Question = tuple[str, str, str]


def first_asks(found: casbin.Enforcer, questions: Sequence[Question]) -> float:
    """Seconds per domain of the first question about it: casbin then builds that domain's
    role manager, matching every assignment's domain pattern against it (kept afterwards)."""
    seen: dict[str, float] = {}
    for question in questions:
        if question[1] in seen:
            continue
        start = time.perf_counter()
        found.enforce(*question)
        seen[question[1]] = time.perf_counter() - start
    return sum(seen.values()) / len(seen)


def casbin_rate(found: casbin.Enforcer, questions: Sequence[Question], budget: int) -> float:
    """Decisions per second once every domain was asked once: passes over the questions until
    a twentieth of `budget` decisions or MIN_SECONDS, whichever comes later."""
    done, start = 0, time.perf_counter()
    while done < budget // 20 or time.perf_counter() - start < MIN_SECONDS:
        for question in questions:
            found.enforce(*question)
        done += len(questions)
    return done / (time.perf_counter() - start)


def compare(n: int, budget: int) -> list[str]:
    principal = scaled_principal(n)
    principal.holdings(CENTRAL)
    cases = mix([principal], [CENTRAL])
    questions = [(subject_of(p), domain(t), f) for p, f, t in cases]
    ours = decide_rate(cases, budget)
    row, agree = [f"{n:,}", f"{ours:,.0f}"], len(cases)
    for fast in (False, True):
        started = time.perf_counter()
        found = enforcer(principal, Experience.CENTRALIZED, fast)
        loaded = time.perf_counter() - started
        first = first_asks(found, questions)
        answers = [found.enforce(*q) for q in questions]
        same = sum(a == decide(*c).allowed for a, c in zip(answers, cases, strict=True))
        agree = min(agree, same)
        theirs = casbin_rate(found, questions, budget)
        row += [f"{theirs:,.0f}", f"{ours / theirs:,.0f}"]
    return [*row, f"{agree / len(cases):.1%}", f"{loaded * 1e3:,.0f} ms", f"{first * 1e3:,.2f} ms"]


def report(budget: int) -> str:
    head = [
        "| assignments | engine decisions/s | casbin Enforcer decisions/s | engine / Enforcer | "
        "casbin FastEnforcer decisions/s | engine / FastEnforcer | same answer | "
        "FastEnforcer load | its first ask of a domain |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [f"| {' | '.join(compare(n, budget))} |" for n in SIZES]
    return "\n".join(head + rows) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer decisions per size")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    text = report(QUICK_DECISIONS if args.quick else DEFAULT_DECISIONS)
    sys.stdout.write(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
