"""Every rule of docs/domain.md is cited by at least one test (as R-ROLE-3 or r_role_3)."""

import re
from pathlib import Path


def test_every_domain_rule_is_cited_by_a_test(repo_root: Path) -> None:
    domain = repo_root / "docs" / "domain.md"
    rules = sorted(set(re.findall(r"R-[A-Z]+-\d+", domain.read_text(encoding="utf-8"))))
    assert rules
    tests = [
        p.read_text(encoding="utf-8")
        for p in (repo_root / "tests").rglob("test_*.py")
        if p.name != Path(__file__).name
    ]
    uncited = [
        rule
        for rule in rules
        if not any(
            re.search(rf"{re.escape(rule)}\b|{rule.lower().replace('-', '_')}\b", text)
            for text in tests
        )
    ]
    assert not uncited, f"rules no test cites: {uncited}"
