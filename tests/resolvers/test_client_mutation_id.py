"""Idempotence for integrators: clientMutationId is echoed, and a retry is applied once."""

import asyncio

from models.audit import AuditEvent
from models.organization import Site
from models.receipt import MutationReceipt
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, Result

CREATE_SITE = """
mutation ($org: ID!, $name: String!, $key: String) {
  createSite(input: {organizationId: $org, name: $name, clientMutationId: $key}) {
    clientMutationId site { id name } errors { code field }
  }
}
"""


async def create_site(
    api: GraphQLClient, world: factories.World, name: str, key: str | None
) -> Result:
    variables = {"org": gid("Organization", world.org.id), "name": name, "key": key}
    return await api(CREATE_SITE, variables, world.admin_token)


async def test_the_client_mutation_id_is_echoed(api: GraphQLClient) -> None:
    world = await factories.world()
    payload = (await create_site(api, world, "echo.example.net", "k-1")).ok()["createSite"]
    assert payload["clientMutationId"] == "k-1"
    assert payload["errors"] == []
    plain = (await create_site(api, world, "plain.example.net", None)).ok()["createSite"]
    assert plain["clientMutationId"] is None


async def test_a_retry_returns_the_first_result_and_changes_nothing(api: GraphQLClient) -> None:
    world = await factories.world()
    first = (await create_site(api, world, "once.example.net", "retry-1")).ok()["createSite"]
    events = await AuditEvent.all().count()
    again = (await create_site(api, world, "once.example.net", "retry-1")).ok()["createSite"]
    assert again == first  # not DUPLICATE: the retry is answered with the first result
    assert await Site.filter(name="once.example.net").count() == 1
    assert await AuditEvent.all().count() == events


async def test_the_same_id_with_another_input_is_refused(api: GraphQLClient) -> None:
    world = await factories.world()
    (await create_site(api, world, "first.example.net", "reused")).ok()
    other = (await create_site(api, world, "second.example.net", "reused")).ok()["createSite"]
    assert other["site"] is None
    assert other["errors"] == [{"code": "INVALID_INPUT", "field": "clientMutationId"}]
    assert not await Site.exists(name="second.example.net")


async def test_receipts_belong_to_one_principal(api: GraphQLClient) -> None:
    world = await factories.world()
    other = await factories.world(name="Other")
    (await create_site(api, world, "mine.example.net", "shared-key")).ok()
    theirs = (await create_site(api, other, "theirs.example.net", "shared-key")).ok()
    assert theirs["createSite"]["site"]["name"] == "theirs.example.net"
    assert await MutationReceipt.all().count() == 2


async def test_a_refused_mutation_leaves_no_receipt(api: GraphQLClient) -> None:
    world = await factories.world()
    refused = (await create_site(api, world, "not a host", "bad-1")).ok()["createSite"]
    assert refused["errors"][0]["code"] == "INVALID_INPUT"
    assert await MutationReceipt.all().count() == 0
    fixed = (await create_site(api, world, "not a host", "bad-1")).ok()["createSite"]
    assert fixed["errors"] == refused["errors"]  # a refusal is simply run again


async def test_an_over_long_client_mutation_id_is_refused(api: GraphQLClient) -> None:
    world = await factories.world()
    result = (await create_site(api, world, "long.example.net", "x" * 65)).ok()["createSite"]
    assert result["errors"] == [{"code": "INVALID_INPUT", "field": "clientMutationId"}]
    assert not await Site.exists(name="long.example.net")


async def test_concurrent_retries_apply_once(api: GraphQLClient) -> None:
    world = await factories.world()
    results = await asyncio.gather(
        *(create_site(api, world, "race.example.net", "race-1") for _ in range(4))
    )
    payloads = [r.ok()["createSite"] for r in results]
    assert await Site.filter(name="race.example.net").count() == 1
    assert all(p == payloads[0] for p in payloads), payloads  # every retry gets the one result
    assert payloads[0]["errors"] == []
