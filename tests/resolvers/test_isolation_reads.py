"""Isolation between organizations, reading: node(id) on every object of B, of every node type,
and every field of the schema read deeply from A and from viewer, by each principal of A
(tests/support/isolation_world.py). Nothing of B shows, and node(id) answers for B's objects exactly
as for ids that name nothing; the account in both organizations reads of B exactly what a
plain member of B reads (README "Members")."""

from collections.abc import Iterator
from typing import Any

import pytest

from schema.ids import parse
from tests.support.graphql_client import GraphQLClient
from tests.support.isolation_snapshot import NODE_TABLES, b_objects, changed, snapshots
from tests.support.isolation_walk import one_field_at_a_time
from tests.support.isolation_world import PRINCIPALS, SECRET, Isolation, isolation, unknown

NODE = "query ($id: ID!) { node(id: $id) { id __typename } }"


@pytest.fixture
def api(roomy_api: GraphQLClient) -> GraphQLClient:
    """Every field four levels deep, with every connection at its default page: far beyond the
    query limits set for clients, which would refuse before anything of B could be read."""
    return roomy_api


@pytest.mark.parametrize("principal", PRINCIPALS)
async def test_node_finds_nothing_of_another_organization(
    api: GraphQLClient, principal: str
) -> None:
    """Each object of B by node(id) gets the very answer an id that names nothing gets."""
    world = await isolation(api)
    token, everything = world.a.tokens[principal], await b_objects(world)
    assert {parse(pk)[0] for pk in everything} == set(NODE_TABLES), "B lacks a node type"
    seen = world.member_nodes if principal == "member_of_both" else frozenset()
    nothing = {}
    for pk in everything:
        if parse(pk)[0] not in nothing:
            nothing[parse(pk)[0]] = (await api(NODE, {"id": unknown(pk)}, token)).body
    before = await snapshots(world)
    wrong = {}
    for pk in everything:
        answer = await api(NODE, {"id": pk}, token)
        if pk in seen:
            ok = answer.data == {"node": {"id": pk, "__typename": parse(pk)[0]}}
        else:
            ok = answer.body == nothing[parse(pk)[0]] and answer.codes == ["NOT_FOUND"]
        if not ok:
            wrong[pk] = answer.body
    assert wrong == {}
    assert changed(before, await snapshots(world)) == {}


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def roots(world: Isolation, principal: str) -> list[tuple[str, str | None]]:
    """Where to read from: viewer and A, and for the account in both, what it reads of B."""
    found: list[tuple[str, str | None]] = [("viewer", None)]
    found += [("organization(id: $id)", world.a.ids["organization"])]
    if principal == "member_of_both":
        found += [("node(id: $id)", pk) for pk in sorted(world.member_nodes)]
    return found


@pytest.mark.parametrize("principal", PRINCIPALS)
async def test_reading_everything_deeply_shows_nothing_of_another_organization(
    api: GraphQLClient, principal: str
) -> None:
    """Every answer is searched for B's ids and names: a principal of A alone meets nothing of
    B at all ("bravo"), the account in both nothing a plain member of B may not see (SECRET).
    Errors may only be refusals (FORBIDDEN) of what the principal may not read."""
    world = await isolation(api)
    token = world.a.tokens[principal]
    seen = world.member_sees if principal == "member_of_both" else frozenset()
    hidden = set(await b_objects(world)) - seen
    marker = SECRET if principal == "member_of_both" else "bravo"
    problems = []
    for root, pk in roots(world, principal):
        for document in one_field_at_a_time(root, parse(pk)[0] if pk else "Viewer"):
            variables = {"id": pk, "org": world.a.ids["organization"]}
            answer = await api(
                document, {k: v for k, v in variables.items() if f"${k}" in document}, token
            )
            shown = [s for s in strings(answer.body) if s in hidden or marker in s.lower()]
            wrong = [code for code in answer.codes if code != "FORBIDDEN"]
            if shown or wrong or not (answer.data or answer.errors):
                problems.append(f"{document[:100]}…: shows {shown}, {answer.errors}")
    assert not problems, "\n".join(problems)
