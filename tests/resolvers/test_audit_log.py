"""organization.auditLog (R-AUDIT-1): newest first, filterable by action, actor and time."""

from datetime import timedelta
from typing import Any

from models.audit import AuditEvent
from models.credentials import ApiKey
from permissions.auth import API_KEY_KIND, new_secret
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, Result

LOG = """
query ($org: ID!, $first: Int, $after: String, $action: String, $actor: String,
       $actorId: ID, $since: DateTime, $until: DateTime) {
  organization(id: $org) {
    auditLog(first: $first, after: $after, action: $action, actor: $actor,
             actorId: $actorId, since: $since, until: $until) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { action actor { kind id displayName } rule createdAt } }
    }
  }
}
"""
CREATE_SITE = """
mutation ($org: ID!, $name: String!) {
  createSite(input: {organizationId: $org, name: $name}) { site { id } errors { code } }
}
"""


async def log(api: GraphQLClient, world: factories.World, **filters: Any) -> Result:
    variables = {"org": gid("Organization", world.org.id), "first": 50, **filters}
    return await api(LOG, variables, world.admin_token)


def actions(result: Result) -> list[str]:
    edges = result.ok()["organization"]["auditLog"]["edges"]
    return [e["node"]["action"] for e in edges]


async def key_of(world: factories.World) -> str:
    credential, prefix, digest = new_secret(API_KEY_KIND)
    await ApiKey.create(organization=world.org, name="sync", prefix=prefix, secret_hash=digest)
    return credential


async def a_busy_org(api: GraphQLClient) -> factories.World:
    world = await factories.world()  # createOrganization, createSite, addProduct events
    org = gid("Organization", world.org.id)
    (await api(CREATE_SITE, {"org": org, "name": "by-key.example.net"}, await key_of(world))).ok()
    await world.member("member@example.com")
    return world


async def test_the_log_is_newest_first_and_counts_everything(api: GraphQLClient) -> None:
    world = await a_busy_org(api)
    found = actions(await log(api, world))
    stored = [
        e.action for e in await AuditEvent.filter(organization_id=world.org.id).order_by("-id")
    ]
    assert found == stored
    assert len(found) == (await log(api, world)).ok()["organization"]["auditLog"]["totalCount"]


async def test_filter_by_exact_action_and_by_prefix(api: GraphQLClient) -> None:
    world = await a_busy_org(api)
    assert set(actions(await log(api, world, action="site.create"))) == {"site.create"}
    assert len(actions(await log(api, world, action="site.create"))) == 2
    by_prefix = actions(await log(api, world, action="site."))
    assert by_prefix
    assert all(a.startswith("site.") for a in by_prefix)
    assert actions(await log(api, world, action="nothing.like.this")) == []


async def test_filter_by_actor_id_of_an_account_or_an_api_key(api: GraphQLClient) -> None:
    world = await a_busy_org(api)
    key = await ApiKey.get(name="sync")
    by_key = await log(api, world, actorId=gid("ApiKey", key.id))
    edges = by_key.ok()["organization"]["auditLog"]["edges"]
    assert [(e["node"]["action"], e["node"]["actor"]) for e in edges] == [
        ("site.create", {"kind": "API_KEY", "id": gid("ApiKey", key.id), "displayName": "sync"})
    ]
    admin = gid("Account", world.admin.id)
    by_admin = await log(api, world, actorId=admin)
    assert "site.create" in actions(by_admin)
    assert all(
        e["node"]["actor"] == {"kind": "ACCOUNT", "id": admin, "displayName": world.admin.email}
        for e in by_admin.ok()["organization"]["auditLog"]["edges"]
    )


async def test_the_deprecated_actor_filter_matches_the_name_it_had(api: GraphQLClient) -> None:
    world = await a_busy_org(api)
    by_key = (await log(api, world, actor="sync")).ok()["organization"]["auditLog"]
    assert [e["node"]["action"] for e in by_key["edges"]] == ["site.create"]
    by_admin = await log(api, world, actor=world.admin.email.upper())  # emails: any case
    assert "site.create" in actions(by_admin)


async def test_filter_by_time_range(api: GraphQLClient) -> None:
    world = await a_busy_org(api)
    events = await AuditEvent.filter(organization_id=world.org.id).order_by("id")
    middle = events[len(events) // 2].created_at
    later = actions(await log(api, world, since=middle.isoformat()))
    earlier = actions(await log(api, world, until=middle.isoformat()))
    assert later
    assert len(later) + len(earlier) == len(events)  # [since, until) splits the log
    window = await log(
        api, world, since=middle.isoformat(), until=(middle + timedelta(microseconds=1)).isoformat()
    )
    assert events[len(events) // 2].action in actions(window)


async def test_filtered_pages_follow_each_other(api: GraphQLClient) -> None:
    world = await a_busy_org(api)
    everything = actions(await log(api, world))
    first = (await log(api, world, first=2)).ok()["organization"]["auditLog"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await log(api, world, first=50, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["action"] for e in first["edges"]] + actions(rest) == everything


async def test_bad_filters_are_refused(api: GraphQLClient) -> None:
    world = await factories.world()
    naive = await log(api, world, since="2026-11-23T10:00:00")
    assert naive.codes == ["BAD_USER_INPUT"]
    assert (await log(api, world, action="")).codes == ["BAD_USER_INPUT"]
    assert (await log(api, world, actor="x" * 300)).codes == ["BAD_USER_INPUT"]
    not_an_actor = gid("Organization", world.org.id)
    assert (await log(api, world, actorId=not_an_actor)).codes == ["BAD_USER_INPUT"]
    for nobody in (gid("ApiKey", 999_999), gid("Account", 999_999)):
        assert (await log(api, world, actorId=nobody)).codes == ["NOT_FOUND"]
