"""Every ```graphql block of README.md and docs/*.md runs against the demo data (`portcullis
demo`), so the documentation can't promise what the API doesn't do.

A block may hold several operations, or bare mutation fields (a reference list): each runs on
its own, deletions and revocations last. `<placeholders>` (`<org>`, `<site>`, `<jira>`,
`<confluence>`, `<user>`, `<group>`, `<key>`, `<request>`, …) and `$variables` name demo
objects. A block runs with the token of every demo account the text around it names (alice's,
an organization admin, when it names none). A top-level error is expected only when that text
names both its code and the field it nulls (`FORBIDDEN` … `auditLog`); payload `errors` are
answers, not failures.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    parse,
    print_ast,
)

from models.access_settings import AccessRequest
from models.credentials import ApiKey
from models.directory import OrgUser
from models.group import Group
from models.organization import Organization, Site
from models.product import ProductInstance
from portcullis.demo import load_demo
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"```graphql\n(.*?)```", re.DOTALL)
DEMO_EMAIL = re.compile(r"\b([a-z]+)@(acme|globex)\.example\b")
DEMO_NAMES = {"alice", "sam", "uma", "pat", "dana", "olivia", "stan", "tina", "paul"}
LAST = ("delete", "remove", "revoke")


@dataclass(frozen=True)
class Block:
    source: str  # file:line
    text: str
    around: str  # the paragraphs just before and just after it


def _blocks() -> list[Block]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        content = path.read_text()
        for match in FENCE.finditer(content):
            line = content.count("\n", 0, match.start()) + 1
            before = _paragraph(reversed(content[: match.start()].splitlines()))
            after = _paragraph(iter(content[match.end() :].splitlines()))
            around = "\n".join([*before, *after])
            found.append(Block(f"{path.relative_to(ROOT)}:{line}", match.group(1), around))
    return found


def _paragraph(lines: Iterator[str]) -> list[str]:
    """The lines up to the first blank line or fence, skipping blank lines next to the block."""
    taken: list[str] = []
    for line in lines:
        if not line.strip() or line.startswith("```"):
            if taken:
                break
            continue
        taken.append(line)
    return taken


def _holders(block: Block) -> list[str]:
    """Demo accounts the text names, by email or by first name; alice by default."""
    named = {m.group(1) for m in DEMO_EMAIL.finditer(block.around)}
    named |= {n for n in DEMO_NAMES if re.search(rf"\b{n}'s\b|\b{n}\b(?=[ ,])", block.around)}
    return sorted(named & DEMO_NAMES) or ["alice"]


def _operations(text: str) -> list[str]:
    """Each operation alone; bare mutation fields each in a mutation of their own."""
    try:
        document = parse(text)
    except GraphQLSyntaxError:
        document = parse(f"mutation {{\n{text}\n}}")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) == 1 and operations[0].operation is OperationType.MUTATION:
        fields = [s for s in operations[0].selection_set.selections if isinstance(s, FieldNode)]
        if len(fields) > 1 and not operations[0].variable_definitions:
            texts = [f"mutation {{ {print_ast(f)} }}" for f in fields]
            return sorted(texts, key=lambda t: t.split()[2].startswith(LAST))
    single = [print_ast(DocumentNode(definitions=(o,))) for o in operations]
    return sorted(single, key=lambda t: " delete" in t or " remove" in t or " revoke" in t)


async def _ids(organization_name: str) -> dict[str, str]:
    """Placeholder words -> ids of demo objects of one organization."""
    org = await Organization.get(name=organization_name)
    site = await Site.filter(organization_id=org.id).order_by("id").first()
    instances = await ProductInstance.filter(organization_id=org.id).order_by("id")
    by_key = {i.product_id: i for i in instances}
    groups = await Group.filter(organization_id=org.id, protected=False).order_by("id")
    users = await OrgUser.filter(organization_id=org.id).order_by("-id")
    key = await ApiKey.filter(organization_id=org.id).order_by("id").first()
    request = await AccessRequest.filter(organization_id=org.id).order_by("id").first()
    assert site is not None
    assert len(groups) >= 2
    assert len(users) >= 3
    ids = {
        "org": gid("Organization", org.id),
        "site": gid("Site", site.id),
        "jira": gid("ProductInstance", by_key["jira"].id),
        "confluence": gid("ProductInstance", by_key["confluence"].id),
        "instance": gid("ProductInstance", by_key["confluence"].id),
        "group": gid("Group", groups[0].id),
        "g1": gid("Group", groups[0].id),
        "g2": gid("Group", groups[1].id),
        "user": gid("User", users[0].id),
        "u1": gid("User", users[0].id),
        "u2": gid("User", users[1].id),
    }
    if key:
        ids["key"] = gid("ApiKey", key.id)
    if request:
        ids["request"] = gid("AccessRequest", request.id)
    return ids


def _filled(text: str, ids: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        words = match.group(1).split()
        known = [w for w in words if w in ids]
        assert known, f"unknown placeholder <{match.group(1)}>: name one of {sorted(ids)}"
        return ids[known[0]]

    return re.sub(r"<([a-z0-9 ]+)>", one, text)


def _variables(operation: str, ids: dict[str, str]) -> dict[str, Any]:
    names = re.findall(r"\$(\w+)\s*:", operation)
    missing = [n for n in names if n not in ids]
    assert not missing, f"no demo value for ${missing}: name one of {sorted(ids)}"
    return {name: ids[name] for name in names}


def _unexpected(errors: list[dict[str, Any]], around: str) -> list[dict[str, Any]]:
    def promised(error: dict[str, Any]) -> bool:
        code = error.get("extensions", {}).get("code", "")
        field = str((error.get("path") or ["?"])[-1])
        return code in around and f"`{field}`" in around

    return [e for e in errors if not promised(e)]


BLOCKS = _blocks()


def test_the_documentation_has_graphql_examples() -> None:
    assert BLOCKS, "no ```graphql block found: the test would check nothing"


async def _pending_request(api: GraphQLClient, token: str) -> None:
    """dana asks for a product she lacks: the demo's <request>."""
    acme = await Organization.get(name="Acme Corp")
    for instance in await ProductInstance.filter(organization_id=acme.id).order_by("id"):
        variables = {"id": gid("ProductInstance", instance.id)}
        answer = (await api(REQUEST, variables, token)).ok()["requestProductAccess"]
        if answer["accessRequest"]:
            return
    pytest.fail("dana holds every product: no request for <request>")


REQUEST = """mutation ($id: ID!) { requestProductAccess(input: {productInstanceId: $id}) {
  accessRequest { id } errors { code } } }"""


@pytest.mark.parametrize("block", BLOCKS, ids=[b.source for b in BLOCKS])
async def test_each_example_runs_against_the_demo_data(api: GraphQLClient, block: Block) -> None:
    tokens, _ = await load_demo(lifetime=None)
    by_name = {t.email.split("@")[0]: t for t in tokens}
    await _pending_request(api, by_name["dana"].token)
    for holder in _holders(block):
        token = by_name[holder]
        ids = await _ids("Globex" if token.email.endswith("globex.example") else "Acme Corp")
        for operation in _operations(_filled(block.text, ids)):
            result = await api(operation, _variables(operation, ids), token.token)
            assert result.status == 200, (block.source, holder, operation, result.body)
            unexpected = _unexpected(result.errors, block.around)
            assert not unexpected, (block.source, holder, operation, unexpected)
            assert result.data is not None, (block.source, holder, operation, result.body)
