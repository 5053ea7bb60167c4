"""Credentials and who acted, over HTTP (issue 13.5, 13.11, 13.19): keys do not mint keys, the
audit log names its actors by kind and id, and the CLI prints ids the API accepts."""

from typing import Any

from models.audit import AuditEvent
from models.credentials import ApiKey
from models.enums import AdminRole
from tests.http.test_credentials_e2e import call, data
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import cli, server

CREATE_KEY = """
mutation ($org: ID!, $name: String!) { createApiKey(input: {organizationId: $org, name: $name}) {
  apiKey { id } secret errors { code } } }
"""
REVOKE_KEY = """
mutation ($key: ID!) { revokeApiKey(input: {apiKeyId: $key}) { errors { code } } }
"""
CREATE_SITE = """
mutation ($org: ID!, $name: String!) {
  createSite(input: {organizationId: $org, name: $name}) { site { id } errors { code } } }
"""
LOG = """
query ($org: ID!, $actorId: ID) { organization(id: $org) {
  auditLog(first: 50, action: "site.create", actorId: $actorId) {
    edges { node { actor { kind id displayName } } } } } }
"""
VIEWER = "{ viewer { email } }"


async def test_a_key_can_not_mint_a_key_that_outlives_it(served_api: GraphQLClient) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    made = (await served_api(CREATE_KEY, {"org": org, "name": "ci"}, world.admin_token)).ok()
    key_id, key = made["createApiKey"]["apiKey"]["id"], made["createApiKey"]["secret"]
    events = await AuditEvent.all().count()
    minted = await served_api(CREATE_KEY, {"org": org, "name": "child"}, key)
    assert minted.empty, minted.body
    assert [(e["extensions"]["code"], e["extensions"]["rule"]) for e in minted.errors] == [
        ("FORBIDDEN", "R-KEY-1")
    ]
    assert [k.name for k in await ApiKey.all()] == ["ci"]
    assert await AuditEvent.all().count() == events
    revoked = await served_api(REVOKE_KEY, {"key": key_id}, world.admin_token)
    assert revoked.ok()["revokeApiKey"]["errors"] == []
    assert (await served_api(VIEWER, token=key)).codes == ["UNAUTHENTICATED"]


async def test_an_account_named_like_a_key_is_told_apart_from_the_key(
    served_api: GraphQLClient,
) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    tricky, tricky_token = await world.member("api-key:deploy@acme.example")
    await world.role(tricky, AdminRole.ORG_ADMIN, world.org.id)
    made = (
        await served_api(CREATE_KEY, {"org": org, "name": "deploy@acme.example"}, world.admin_token)
    ).ok()["createApiKey"]
    for name, token in (
        ("by-account.example.net", tricky_token),
        ("by-key.example.net", made["secret"]),
    ):
        result = await served_api(CREATE_SITE, {"org": org, "name": name}, token)
        assert result.ok()["createSite"]["errors"] == []
    account = {
        "kind": "ACCOUNT",
        "id": gid("Account", tricky.account_id),
        "displayName": "api-key:deploy@acme.example",
    }
    key = {"kind": "API_KEY", "id": made["apiKey"]["id"], "displayName": "deploy@acme.example"}

    async def actors(actor_id: str | None) -> list[dict[str, Any]]:
        log = await served_api(LOG, {"org": org, "actorId": actor_id}, world.admin_token)
        return [e["node"]["actor"] for e in log.ok()["organization"]["auditLog"]["edges"]]

    assert await actors(account["id"]) == [account]
    assert await actors(key["id"]) == [key]
    everyone = await actors(None)
    assert key in everyone
    assert account in everyone


def test_the_id_user_create_prints_is_the_one_the_api_accepts(
    server_env: dict[str, str],
) -> None:
    printed = cli(server_env, "user", "create", "--email", "lee@initech.example", "--name", "Lee")
    token = cli(server_env, "token", "create", "--email", "lee@initech.example")
    query = (
        "query ($id: ID!) { node(id: $id) { id ... on Account { email } } "
        "viewer { account { id } } }"
    )
    with server(server_env) as base:
        answer = data(call(base, token, query, {"id": printed}))
    assert answer == {
        "node": {"id": printed, "email": "lee@initech.example"},
        "viewer": {"account": {"id": printed}},
    }


async def test_an_account_is_read_by_its_owner_alone(served_api: GraphQLClient) -> None:
    """An audit event names its actor's account id; to anyone but the owner that id is an id
    that names nothing (NOT_FOUND), as for any object the caller may not read."""
    world = await factories.world()
    query = "query ($id: ID!) { node(id: $id) { ... on Account { email } } }"
    own = gid("Account", world.admin.id)
    assert (await served_api(query, {"id": own}, world.admin_token)).ok() == {
        "node": {"email": world.admin.email}
    }
    _, member_token = await world.member()
    for token in (member_token, world.admin_token):
        other = await served_api(query, {"id": gid("Account", world.admin.id + 999)}, token)
        assert other.codes == ["NOT_FOUND"], other.body
    refused = await served_api(query, {"id": own}, member_token)
    assert refused.codes == ["NOT_FOUND"], refused.body
    assert refused.errors[0]["message"] == "No such object."
