"""Relay connections both ways (schema/connections.py): PageInfo's four fields, and `last`/
`before` on every connection, walked over HTTP against the forward walk."""

from typing import Any

from graphql import GraphQLObjectType, get_named_type

from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient

PAGE_ARGUMENTS = {"first", "after", "last", "before"}

USERS = """
query ($org: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  organization(id: $org) {
    users(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { email } }
    }
  }
}
"""


def test_every_connection_pages_both_ways() -> None:
    missing = []
    for owner in core_schema(schema).type_map.values():
        if not isinstance(owner, GraphQLObjectType) or owner.name.startswith("__"):
            continue
        for name, field in owner.fields.items():
            connection = get_named_type(field.type).name.endswith("Connection")
            if connection and not set(field.args) >= PAGE_ARGUMENTS:
                missing.append(f"{owner.name}.{name}: {sorted(field.args)}")
    assert not missing, "connections without first/after/last/before:\n" + "\n".join(missing)
    page_info = core_schema(schema).type_map["PageInfo"]
    assert isinstance(page_info, GraphQLObjectType)
    assert set(page_info.fields) == {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}


async def _page(api: GraphQLClient, token: str, variables: dict[str, Any]) -> dict[str, Any]:
    result = await api(USERS, variables, token)
    users: dict[str, Any] = result.ok()["organization"]["users"]
    return users


async def test_walking_backwards_meets_every_user_of_the_forward_walk(api: GraphQLClient) -> None:
    world = await factories.world()
    for n in range(6):
        await world.member(f"m{n}@example.com")
    org = gid("Organization", world.org.id)
    forward, after = [], None
    while True:
        page = await _page(api, world.admin_token, {"org": org, "first": 3, "after": after})
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        forward += [e["node"]["email"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    backward, before = list[str](), None
    while True:
        page = await _page(api, world.admin_token, {"org": org, "last": 3, "before": before})
        info = page["pageInfo"]
        assert info["hasNextPage"] is (before is not None)
        assert info["startCursor"] == page["edges"][0]["cursor"]
        assert info["endCursor"] == page["edges"][-1]["cursor"]
        assert page["totalCount"] == 7
        backward = [e["node"]["email"] for e in page["edges"]] + backward
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]
    assert len(forward) == 7
    assert backward == forward


async def test_the_last_page_and_the_page_before_a_cursor(api: GraphQLClient) -> None:
    world = await factories.world()
    for n in range(4):
        await world.member(f"m{n}@example.com")
    org = gid("Organization", world.org.id)
    everyone = await _page(api, world.admin_token, {"org": org})
    emails = [e["node"]["email"] for e in everyone["edges"]]
    last_two = await _page(api, world.admin_token, {"org": org, "last": 2})
    assert [e["node"]["email"] for e in last_two["edges"]] == emails[-2:]
    assert last_two["pageInfo"]["hasPreviousPage"] is True
    assert last_two["pageInfo"]["hasNextPage"] is False
    cursor = everyone["edges"][3]["cursor"]
    before = await _page(api, world.admin_token, {"org": org, "last": 2, "before": cursor})
    assert [e["node"]["email"] for e in before["edges"]] == emails[1:3]


async def test_the_audit_log_pages_backwards_to_its_oldest_events(api: GraphQLClient) -> None:
    world = await factories.world()
    query = """query ($org: ID!, $last: Int, $first: Int) { organization(id: $org) {
      auditLog(last: $last, first: $first) { edges { node { action } } } } }"""
    org = gid("Organization", world.org.id)
    newest_first = (await api(query, {"org": org}, world.admin_token)).ok()
    actions = [e["node"]["action"] for e in newest_first["organization"]["auditLog"]["edges"]]
    oldest = (await api(query, {"org": org, "last": 2}, world.admin_token)).ok()
    assert [e["node"]["action"] for e in oldest["organization"]["auditLog"]["edges"]] == actions[
        -2:
    ]


async def test_paging_both_ways_at_once_is_refused_and_a_bad_before_too(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    mixed = await api(USERS, {"org": org, "first": 2, "last": 2}, world.admin_token)
    assert mixed.codes == ["BAD_USER_INPUT"]
    assert mixed.data == {"organization": {"users": None}}
    bad = await api(USERS, {"org": org, "last": 2, "before": "nonsense"}, world.admin_token)
    assert bad.codes == ["BAD_USER_INPUT"]
    assert "'before'" in bad.errors[0]["message"]
    too_many = await api(USERS, {"org": org, "last": 101}, world.admin_token)
    assert too_many.codes == ["BAD_USER_INPUT"]
    assert "'last'" in too_many.errors[0]["message"]
