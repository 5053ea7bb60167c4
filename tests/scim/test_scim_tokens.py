"""createScimToken, revokeScimToken and Organization.scimTokens over GraphQL (issue 17): guarded
by user_provisioning (organization admins only), audited (R-AUDIT-1), secret shown once."""

from typing import Any

from models.audit import AuditEvent
from models.enums import AdminRole
from models.provisioning import ScimToken
from permissions.auth import hash_secret
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, Result

CREATE = """
mutation ($input: CreateScimTokenInput!) { createScimToken(input: $input) {
  clientMutationId scimToken { id name prefix revokedAt } secret errors { code field message } } }
"""
REVOKE = """
mutation ($input: RevokeScimTokenInput!) { revokeScimToken(input: $input) {
  scimToken { id revokedAt } errors { code field message } } }
"""
LIST = """
query ($id: ID!) { organization(id: $id) { scimTokens(first: 10) {
  totalCount edges { node { name prefix revokedAt } } } } }
"""


async def create(
    api: GraphQLClient, token: str, org_id: int, name: str = "okta", **more: Any
) -> Result:
    fields = {"organizationId": gid("Organization", org_id), "name": name, **more}
    return await api(CREATE, {"input": fields}, token)


def payload(result: Result, field: str) -> Any:
    return result.ok()[field]


async def test_create_shows_the_secret_once_and_stores_its_hash(api: GraphQLClient) -> None:
    world = await factories.world()
    made = payload(await create(api, world.admin_token, world.org.id), "createScimToken")
    assert made["errors"] == []
    secret, prefix = made["secret"], made["scimToken"]["prefix"]
    assert secret.startswith(f"pcs_{prefix}_")
    row = await ScimToken.get(prefix=prefix)
    assert (row.name, row.secret_hash, row.revoked_at) == ("okta", hash_secret(secret), None)
    listed = payload(
        await api(LIST, {"id": gid("Organization", world.org.id)}, world.admin_token),
        "organization",
    )
    assert listed["scimTokens"]["edges"] == [
        {"node": {"name": "okta", "prefix": prefix, "revokedAt": None}}
    ]
    event = await AuditEvent.get(action="scim_token.create")
    assert (event.target_id, event.rule, event.after) == (
        str(row.id),
        "user_provisioning",
        {"name": "okta", "prefix": prefix},
    )
    assert secret not in str(event.after)


async def test_a_taken_name_is_duplicate(api: GraphQLClient) -> None:
    world = await factories.world()
    await create(api, world.admin_token, world.org.id)
    again = payload(await create(api, world.admin_token, world.org.id), "createScimToken")
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("DUPLICATE", "name")]
    assert again["errors"][0]["message"] == "A SCIM token named 'okta' exists."
    assert again["secret"] is None
    assert await ScimToken.all().count() == 1


async def test_a_blank_name_is_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    refused = payload(await create(api, world.admin_token, world.org.id, "  "), "createScimToken")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "name")]
    assert await ScimToken.all().count() == 0


async def test_a_retried_create_returns_the_token_without_its_secret(api: GraphQLClient) -> None:
    world = await factories.world()
    first = payload(
        await create(api, world.admin_token, world.org.id, clientMutationId="t1"),
        "createScimToken",
    )
    assert first["secret"]
    logged = await AuditEvent.all().count()
    again = payload(
        await create(api, world.admin_token, world.org.id, clientMutationId="t1"),
        "createScimToken",
    )
    assert again == {**first, "secret": None}  # the secret is stored nowhere
    assert await ScimToken.all().count() == 1
    assert await AuditEvent.all().count() == logged


async def test_revoke_then_revoke_again(api: GraphQLClient) -> None:
    world = await factories.world()
    made = payload(await create(api, world.admin_token, world.org.id), "createScimToken")
    variables = {"input": {"scimTokenId": made["scimToken"]["id"]}}
    revoked = payload(await api(REVOKE, variables, world.admin_token), "revokeScimToken")
    assert revoked["errors"] == []
    assert revoked["scimToken"]["revokedAt"] is not None
    again = payload(await api(REVOKE, variables, world.admin_token), "revokeScimToken")
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("INVALID_INPUT", "scimTokenId")]
    assert await AuditEvent.filter(action="scim_token.revoke").count() == 1


async def test_only_organization_admins_may(api: GraphQLClient) -> None:
    world = await factories.world()
    site_admin, site_token = await world.member()
    await world.role(site_admin, AdminRole.SITE_ADMIN, world.site.id)
    _, member_token = await world.member()
    for token in (site_token, member_token):
        refused = await create(api, token, world.org.id)
        assert refused.codes == ["FORBIDDEN"]
        assert refused.errors[0]["extensions"]["rule"] == "user_provisioning"
        listed = await api(LIST, {"id": gid("Organization", world.org.id)}, token)
        assert listed.codes == ["FORBIDDEN"]
    assert await ScimToken.all().count() == 0


async def test_another_organizations_token_is_not_found(api: GraphQLClient) -> None:
    world, other = await factories.world(), await factories.world(name="Other")
    theirs = payload(await create(api, other.admin_token, other.org.id), "createScimToken")
    variables = {"input": {"scimTokenId": theirs["scimToken"]["id"]}}
    refused = await api(REVOKE, variables, world.admin_token)
    assert refused.codes == ["NOT_FOUND"]
    assert (await ScimToken.get(prefix=theirs["scimToken"]["prefix"])).revoked_at is None
