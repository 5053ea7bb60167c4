"""Isolation between organizations: a principal of A can neither read nor change anything of B.

For every operation that takes an id (tests/support/isolation_cases.py, checked against the schema
so a
new operation or id field without a case fails here), with B's object in each id slot in turn:
the answer is the one an id that names nothing gets (NOT_FOUND: existence is never leaked), and
neither organization's rows change (tests/support/isolation_snapshot.py: every table, the audit log
and
the receipts included). Principals of A: its organization admin, its read-write and read-only
API keys, and an account that is A's organization admin and a plain member of B, which sees of B
exactly what a plain member sees (README "Members") and can change nothing there.
"""

import json
from typing import Any

import pytest
from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    get_named_type,
)

from portcullis.execution.schema import schema as served
from portcullis.graphql_internals import core_schema
from tests.support.graphql_client import GraphQLClient, Result
from tests.support.isolation_cases import (
    NO_ID,
    NODE,
    TEMPLATES,
    Case,
    Of,
    Template,
    cases,
    dotted,
    fill,
    slots,
)
from tests.support.isolation_snapshot import (
    NODE_TABLES,
    OWNED,
    SHARED,
    Rows,
    changed,
    snapshots,
    tables,
)
from tests.support.isolation_world import PRINCIPALS, SECRET, Isolation, isolation, unknown

API_KEYS = {"api_key", "read_only_key"}


class Attempt:
    """One case by one principal: the request with B's objects, and with those the principal
    may not see replaced by ids that name nothing."""

    def __init__(self, world: Isolation, principal: str, case: Case) -> None:
        self.world, self.principal, self.case = world, principal, case
        self.seen = world.member_sees if principal == "member_of_both" else frozenset()

    def b_id(self, slot: Of) -> str:
        return self.world.b.ids[slot.name]

    def variables(self, veiled: bool) -> dict[str, Any]:
        def pick(path: tuple[str | int, ...], slot: Of) -> str:
            if path not in self.case.b_slots:
                return self.world.a.ids[slot.name]
            b_id = self.b_id(slot)
            return unknown(b_id) if veiled and b_id not in self.seen else b_id

        filled: dict[str, Any] = fill(self.case.template.variables, pick)
        return filled

    def unseen(self) -> list[str]:
        """The input paths (as errors name them) given a B object the principal may not see."""
        template = self.case.template
        paths = [p for p in self.case.b_slots if self.b_id(_slot_at(template, p)) not in self.seen]
        return [dotted(p[1:] if template.is_mutation else p) for p in paths]

    async def send(self, api: GraphQLClient, veiled: bool) -> Result:
        token = self.world.a.tokens[self.principal]
        return await api(self.case.template.text(), self.variables(veiled), token)


def _slot_at(template: Template, path: tuple[str | int, ...]) -> Of:
    value: Any = template.variables
    for part in path:
        value = value[part]
    assert isinstance(value, Of)
    return value


def not_found_like(attempt: Attempt, result: Result) -> bool:
    """NOT_FOUND; a bulk item or a place refused in the payload, at its own path; or R-KEY-1
    where a key is refused whatever the id: a read-only key changes nothing, and a key asks for
    no access (it is no person)."""
    if result.errors:
        extensions = [e.get("extensions", {}) for e in result.errors]
        if all(x.get("code") == "NOT_FOUND" for x in extensions):
            return True
        return attempt.principal in API_KEYS and all(
            x.get("code") == "FORBIDDEN" and x.get("rule") == "R-KEY-1" for x in extensions
        )
    errors = payload_errors(attempt.case.template, result)
    places = attempt.unseen()
    return bool(errors) and all(
        e["code"] == "INVALID_INPUT" and e["field"] in places for e in errors
    )


def payload_errors(template: Template, result: Result) -> list[dict[str, Any]]:
    if not template.is_mutation or not result.data:
        return []
    errors: list[dict[str, Any]] = result.data[template.field]["errors"]
    return errors


def refused(attempt: Attempt, result: Result) -> bool:
    return bool(result.errors or payload_errors(attempt.case.template, result))


async def problems_of(api: GraphQLClient, attempt: Attempt, before: Rows) -> list[str]:
    """What is wrong with the answer: unlike an unknown id's where the principal may not see
    B's object, not NOT_FOUND where it sees none of them, a change accepted, a secret shown.
    `before` is both organizations' rows before; they are after it too, or that is said."""
    result = await attempt.send(api, veiled=False)
    problems = []
    if attempt.unseen():
        veiled = await attempt.send(api, veiled=True)
        if veiled.body != result.body:
            problems.append(f"answers unlike an unknown id's: {result.body} / {veiled.body}")
    sees_some = len(attempt.unseen()) < len(attempt.case.b_slots)
    if not sees_some and not not_found_like(attempt, result):
        problems.append(f"not NOT_FOUND: {result.body}")
    if sees_some and attempt.case.template.is_mutation and not refused(attempt, result):
        problems.append(f"a plain member of B changed B: {result.body}")
    if SECRET in json.dumps(result.body):
        problems.append(f"shows what B's members may not see: {result.body}")
    if diff := changed(before, await snapshots(attempt.world)):
        problems.append(f"rows changed: {diff}")
    return problems


@pytest.mark.parametrize("principal", PRINCIPALS)
async def test_no_operation_reaches_another_organizations_objects(
    api: GraphQLClient, principal: str
) -> None:
    world = await isolation(api)
    failures, rows = {}, await snapshots(world)
    for case in cases():
        found = await problems_of(api, Attempt(world, principal, case), rows)
        if found:
            failures[case.name] = found
            rows = await snapshots(world)  # the next case is compared with what it found
    listed = "\n".join(f"{name}: {p}" for name, p in failures.items())
    assert not failures, f"{len(failures)} cases of {principal} failed:\n{listed}"


async def test_every_template_is_a_valid_request_of_its_own_organization(
    api: GraphQLClient,
) -> None:
    """Filled with A's objects and sent by A's admin, no template meets NOT_FOUND or FORBIDDEN:
    a case's NOT_FOUND comes from B's object, not from a broken template."""
    world = await isolation(api)
    wrong = {}
    for template in sorted(TEMPLATES, key=lambda t: t.last):
        variables = fill(template.variables, lambda _, slot: world.a.ids[slot.name])
        result = await api(template.text(), variables, world.a.admin_token)
        if result.errors:
            wrong[template.operation] = result.errors
    assert wrong == {}


async def test_a_group_of_another_organization_is_not_named_to_who_may_not_read_it(
    api: GraphQLClient,
) -> None:
    """Regression: setDefaultGroup with A's product and B's group, by A's admin who is also a
    product admin of B (no directory there, R-ROLE-11), answered with the B group's name."""
    world = await isolation(api)
    b = world.b
    both = world.a.tokens["member_of_both"]
    await b.call(
        "assignAdminRole", userId=b.ids["both"], role="PRODUCT_ADMIN", scopeId=b.ids["jira"]
    )
    template = next(t for t in TEMPLATES if t.field == "setDefaultGroup")
    variables = fill(template.variables, lambda _, slot: world.a.ids[slot.name])
    variables["input"]["groupId"] = b.ids["group"]
    before = await snapshots(world)
    answer = await api(template.text(), variables, both)
    assert payload_errors(template, answer) == [
        {
            "code": "INVALID_INPUT",
            "message": "That group is not in the organization of that product.",
            "field": "groupId",
            "rule": None,
        }
    ]
    assert SECRET not in json.dumps(answer.body)
    assert changed(before, await snapshots(world)) == {}


# Completeness: a new operation, id argument, node type or table without a case fails here


def id_paths(owner: GraphQLInputObjectType, prefix: str = "") -> set[str]:
    """The dotted paths of the ID fields of an input, through nested inputs and lists."""
    found = set()
    for name, field in owner.fields.items():
        named = get_named_type(field.type)
        if isinstance(named, GraphQLInputObjectType):
            found |= id_paths(named, f"{prefix}{name}.")
        elif named.name == "ID":
            found.add(prefix + name)
    return found


def operations_taking_ids() -> dict[str, set[str]]:
    """Every field of the schema with an ID argument, or a mutation with ID fields in its
    input: the paths of those ids."""
    found = {}
    for owner in core_schema(served).type_map.values():
        if not isinstance(owner, GraphQLObjectType) or owner.name.startswith("__"):
            continue
        for name, field in owner.fields.items():
            paths: set[str] = set()
            for argument, arg in field.args.items():
                named = get_named_type(arg.type)
                if isinstance(named, GraphQLInputObjectType):
                    paths |= id_paths(named)
                elif named.name == "ID":
                    paths.add(argument)
            if paths:
                found[f"{owner.name}.{name}"] = paths
    return found


def covered() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for template in TEMPLATES:
        for path in slots(template.variables):
            named = [str(p) for p in path if isinstance(p, str)]
            found.setdefault(template.operation, set()).add(".".join(named[template.is_mutation :]))
    return found


def test_every_id_of_every_operation_has_an_isolation_case() -> None:
    have = covered()
    missing = {
        operation: sorted(paths - have.get(operation, set()))
        for operation, paths in operations_taking_ids().items()
        if operation not in NODE and paths - have.get(operation, set())
    }
    assert missing == {}, "ids without a case in tests/support/isolation_cases.py TEMPLATES"
    assert set(have) <= set(operations_taking_ids()), "a template of no operation taking ids"


def test_every_root_operation_is_tried_or_takes_no_id() -> None:
    roots = {
        f"{root.name}.{name}"
        for root in (core_schema(served).query_type, core_schema(served).mutation_type)
        if root is not None
        for name in root.fields
    }
    tried = {operation for operation in covered() if operation.startswith(("Query.", "Mutation."))}
    assert roots == tried | set(NO_ID) | set(NODE), "say in NO_ID why it takes no id"
    assert not set(NO_ID) & set(operations_taking_ids()), "NO_ID lists one that takes an id"


def test_every_node_type_and_every_table_is_tried() -> None:
    node = core_schema(served).type_map["Node"]
    assert isinstance(node, GraphQLInterfaceType)
    implementations = core_schema(served).get_implementations(node).objects
    assert {t.name for t in implementations} == set(NODE_TABLES)
    assert tables() == set(OWNED) | set(SHARED), "say in OWNED what rows are an organization's"
