"""Product settings and API keys over HTTP: setAnonymousAccess (R-ACCESS-7), createApiKey and
revokeApiKey (R-KEY-1), with their audit events (R-AUDIT-1)."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from models.audit import AuditEvent
from models.credentials import ApiKey
from models.directory import OrgUser
from models.enums import AdminRole, Experience
from models.product import ProductInstance
from permissions.auth import hash_secret
from resolvers import organizations
from tests.resolvers.test_mutations import api_key
from tests.support import factories
from tests.support.factories import World, gid
from tests.support.graphql_client import GraphQLClient, Result

SET_ANONYMOUS_ACCESS = """
mutation ($input: SetAnonymousAccessInput!) {
  setAnonymousAccess(input: $input) {
    productInstance { id anonymousAccess } errors { code message field rule }
  }
}
"""
CREATE_API_KEY = """
mutation ($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    clientMutationId
    apiKey { id name prefix readOnly expiresAt revokedAt }
    secret
    errors { code message field rule }
  }
}
"""
REVOKE_API_KEY = """
mutation ($input: RevokeApiKeyInput!) {
  revokeApiKey(input: $input) {
    apiKey { id name revokedAt } errors { code message field rule }
  }
}
"""
ORGANIZATION_NAME = "query ($id: ID!) { organization(id: $id) { name } }"


def payload(result: Result, name: str) -> dict[str, Any]:
    data: dict[str, Any] = result.ok()[name]
    return data


def refusal(result: Result) -> tuple[str, str | None]:
    assert result.empty, result.body
    extensions = result.errors[0]["extensions"]
    return extensions["code"], extensions.get("rule")


async def state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """Anonymous access flags, API keys and the audit log's length."""
    flags = await ProductInstance.all().order_by("id").values_list("id", "anonymous_access")
    keys = await ApiKey.all().order_by("id").values_list("id", "name", "revoked_at")
    return flags, keys, await AuditEvent.all().count()


async def holder(world: World, role: AdminRole, scope_id: int) -> str:
    user, token = await world.member()
    await world.role(user, role, scope_id)
    return token


async def set_anonymous(
    api: GraphQLClient, token: str, instance: ProductInstance, enabled: bool
) -> Result:
    input = {"productInstanceId": gid("ProductInstance", instance.id), "enabled": enabled}
    return await api(SET_ANONYMOUS_ACCESS, {"input": input}, token)


async def switched(result: Result, instance: ProductInstance, enabled: bool) -> None:
    """The answer names the instance with its new flag, the row holds it, and the newest audit
    event records the switch (R-AUDIT-1)."""
    assert payload(result, "setAnonymousAccess") == {
        "productInstance": {"id": gid("ProductInstance", instance.id), "anonymousAccess": enabled},
        "errors": [],
    }
    assert (await ProductInstance.get(id=instance.id)).anonymous_access is enabled
    newest = await AuditEvent.all().order_by("-id").first()
    assert newest is not None
    assert (newest.action, newest.target_id, newest.before, newest.after) == (
        "product.anonymous_access",
        str(instance.id),
        {"anonymousAccess": not enabled},
        {"anonymousAccess": enabled},
    )


async def create_key(api: GraphQLClient, world: World, token: str, **input: Any) -> Result:
    fields = {"organizationId": gid("Organization", world.org.id), "name": "ci", **input}
    return await api(CREATE_API_KEY, {"input": fields}, token)


async def revoke_key(api: GraphQLClient, token: str, key_id: int) -> Result:
    return await api(REVOKE_API_KEY, {"input": {"apiKeyId": gid("ApiKey", key_id)}}, token)


async def signs_in(api: GraphQLClient, world: World, credential: str) -> bool:
    result = await api(ORGANIZATION_NAME, {"id": gid("Organization", world.org.id)}, credential)
    if result.codes == ["UNAUTHENTICATED"]:
        return False
    assert result.ok()["organization"] == {"name": world.org.name}
    return True


# setAnonymousAccess


async def test_set_anonymous_access_switches_it_and_audits_before_and_after_r_access_7(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    for enabled in (True, False):
        result = await set_anonymous(api, world.admin_token, confluence, enabled)
        changed = payload(result, "setAnonymousAccess")
        assert changed["errors"] == []
        assert changed["productInstance"] == {
            "id": gid("ProductInstance", confluence.id),
            "anonymousAccess": enabled,
        }
        assert (await ProductInstance.get(id=confluence.id)).anonymous_access is enabled
    events = await AuditEvent.filter(action="product.anonymous_access").order_by("id")
    assert [(e.before, e.after) for e in events] == [
        ({"anonymousAccess": False}, {"anonymousAccess": True}),
        ({"anonymousAccess": True}, {"anonymousAccess": False}),
    ]
    assert {(e.rule, e.actor_label, e.target_id) for e in events} == {
        ("configure_product_settings", world.admin.email, str(confluence.id))
    }


async def test_set_anonymous_access_to_its_current_value_changes_nothing(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    bitbucket = await organizations.add_product(world.ctx, world.site.id, "bitbucket")
    before = await state()
    for instance in (world.jira, bitbucket):  # off already; off is fine where it can't be on
        result = await set_anonymous(api, world.admin_token, instance, False)
        assert payload(result, "setAnonymousAccess")["errors"] == []
    assert await state() == before


async def test_anonymous_access_is_unsupported_outside_confluence_jira_and_jsm_r_access_7(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    for key in ("jira-service-management", "confluence"):
        supported = await organizations.add_product(world.ctx, world.site.id, key)
        await switched(
            await set_anonymous(api, world.admin_token, supported, True), supported, True
        )
    for key in ("bitbucket", "jira-product-discovery", "trello"):
        instance = await organizations.add_product(world.ctx, world.site.id, key)
        before = await state()
        result = await set_anonymous(api, world.admin_token, instance, True)
        refused = payload(result, "setAnonymousAccess")
        assert refused["productInstance"] is None
        assert [(e["code"], e["field"], e["rule"]) for e in refused["errors"]] == [
            ("ANONYMOUS_ACCESS_UNSUPPORTED", "enabled", "R-ACCESS-7")
        ], key
        assert "Confluence" in refused["errors"][0]["message"]
        assert await state() == before


async def test_set_anonymous_access_belongs_to_product_admins_not_user_access_admins(
    api: GraphQLClient,
) -> None:  # configure_product_settings: CENTRALIZED product admin YES, the others NO
    world = await factories.world()
    for role, scope in (
        (AdminRole.USER_ACCESS_ADMIN, world.jira.id),
        (AdminRole.SITE_ADMIN, world.site.id),
    ):
        token = await holder(world, role, scope)
        before = await state()
        result = await set_anonymous(api, token, world.jira, True)
        assert refusal(result) == ("FORBIDDEN", "configure_product_settings"), role
        assert await state() == before
    token = await holder(world, AdminRole.PRODUCT_ADMIN, world.jira.id)
    await switched(await set_anonymous(api, token, world.jira, True), world.jira, True)


async def test_an_original_site_admin_sets_anonymous_access_on_their_site(
    api: GraphQLClient,
) -> None:
    world = await factories.world(Experience.ORIGINAL)
    token = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    await switched(await set_anonymous(api, token, world.jira, True), world.jira, True)


# createApiKey


async def test_create_api_key_shows_the_secret_once_and_stores_its_hash_r_key_1(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    result = await create_key(api, world, world.admin_token, name="  deploy bot ")
    created = payload(result, "createApiKey")
    assert created["errors"] == []
    secret = created["secret"]
    row = await ApiKey.get(name="deploy bot")
    assert created["apiKey"] == {
        "id": gid("ApiKey", row.id),
        "name": "deploy bot",
        "prefix": row.prefix,
        "readOnly": False,
        "expiresAt": None,
        "revokedAt": None,
    }
    assert secret.startswith(f"pck_{row.prefix}_")
    assert row.secret_hash == hash_secret(secret) != secret
    admin = await OrgUser.get(organization_id=world.org.id, account_id=world.admin.id)
    assert row.created_by_id == admin.id
    event = await AuditEvent.get(action="api_key.create")
    assert (event.rule, event.actor_label, event.target_id) == (
        "update_api_keys",
        world.admin.email,
        str(row.id),
    )
    assert event.after == {
        "name": "deploy bot",
        "prefix": row.prefix,
        "readOnly": False,
        "expiresAt": None,
    }
    assert await signs_in(api, world, secret)  # acts in its organization


async def test_a_read_only_key_is_created_and_can_not_create_keys_r_key_1(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    result = await create_key(api, world, world.admin_token, name="reader", readOnly=True)
    created = payload(result, "createApiKey")
    assert created["apiKey"]["readOnly"] is True
    reader = created["secret"]
    assert await signs_in(api, world, reader)
    before = await state()
    assert refusal(await create_key(api, world, reader, name="mine")) == ("FORBIDDEN", "R-KEY-1")
    assert await state() == before


async def test_an_api_key_can_not_create_keys_r_key_1(api: GraphQLClient) -> None:
    """Keys do not mint keys (issue 13.5): a key made by a key outlived the revocation of the
    key that made it. It may still list and revoke keys, as the organization admin's rights."""
    world = await factories.world()
    key = await api_key(world.org, name="provisioner")
    before = await state()
    result = await create_key(api, world, key, name="child")
    assert refusal(result) == ("FORBIDDEN", "R-KEY-1")
    assert result.errors[0]["message"] == (
        "An API key cannot create API keys; an organization admin creates them."
    )
    assert await state() == before


async def test_create_api_key_with_an_expiry(api: GraphQLClient) -> None:
    world = await factories.world()
    when = datetime.now(UTC) + timedelta(days=30)
    result = await create_key(api, world, world.admin_token, expiresAt=when.isoformat())
    created = payload(result, "createApiKey")
    assert datetime.fromisoformat(created["apiKey"]["expiresAt"]) == when
    assert (await ApiKey.get(name="ci")).expires_at == when


async def test_create_api_key_with_a_bad_name_or_a_past_expiry_is_invalid_input(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    before = await state()
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    naive_past = "2001-01-01T00:00:00"
    for extra, field in (
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"expiresAt": past}, "expiresAt"),
        ({"expiresAt": naive_past}, "expiresAt"),
    ):
        refused = payload(await create_key(api, world, world.admin_token, **extra), "createApiKey")
        assert (refused["apiKey"], refused["secret"]) == (None, None)
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", field)]
    assert await state() == before


async def test_create_api_key_checks_the_name_before_the_expiry(api: GraphQLClient) -> None:
    """The shared issuing (resolvers/credentials.py) checks a key's own columns after the name."""
    world = await factories.world()
    refused = payload(
        await create_key(api, world, world.admin_token, name=" ", expiresAt="2001-01-01T00:00:00"),
        "createApiKey",
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "name")]


async def test_create_api_key_with_the_name_of_an_unrevoked_key_is_duplicate(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    first = payload(await create_key(api, world, world.admin_token), "createApiKey")
    before = await state()
    refused = payload(await create_key(api, world, world.admin_token), "createApiKey")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("DUPLICATE", "name")]
    assert refused["errors"][0]["message"] == "An API key named 'ci' exists."
    assert refused["secret"] is None
    assert await state() == before
    row = await ApiKey.get(name="ci")
    assert first["apiKey"]["id"] == gid("ApiKey", row.id)
    payload(await revoke_key(api, world.admin_token, row.id), "revokeApiKey")
    again = payload(await create_key(api, world, world.admin_token), "createApiKey")
    assert again["errors"] == []  # the name is free once its key is revoked


async def test_a_retried_create_api_key_returns_the_key_without_its_secret(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    first = payload(
        await create_key(api, world, world.admin_token, clientMutationId="k1"), "createApiKey"
    )
    assert first["secret"]
    logged = await AuditEvent.all().count()
    again = payload(
        await create_key(api, world, world.admin_token, clientMutationId="k1"), "createApiKey"
    )
    # The secret is stored nowhere: a retry can't show it again, so it is null.
    assert again == {**first, "secret": None}
    assert await ApiKey.all().count() == 1
    assert await AuditEvent.all().count() == logged


async def test_create_api_key_is_forbidden_to_other_admin_roles(api: GraphQLClient) -> None:
    world = await factories.world()
    for role, scope in (
        (AdminRole.SITE_ADMIN, world.site.id),
        (AdminRole.USER_ACCESS_ADMIN, world.jira.id),
        (AdminRole.PRODUCT_ADMIN, world.jira.id),
    ):
        token = await holder(world, role, scope)
        before = await state()
        result = await create_key(api, world, token)
        assert refusal(result) == ("FORBIDDEN", "update_api_keys"), role
        assert await state() == before


# revokeApiKey


async def test_a_revoked_key_is_refused_at_its_next_request_r_key_1(api: GraphQLClient) -> None:
    world = await factories.world()
    created = payload(await create_key(api, world, world.admin_token), "createApiKey")
    secret = created["secret"]
    assert await signs_in(api, world, secret)
    row = await ApiKey.get(name="ci")
    revoked = payload(await revoke_key(api, world.admin_token, row.id), "revokeApiKey")
    assert revoked["errors"] == []
    assert revoked["apiKey"]["id"] == created["apiKey"]["id"]
    assert revoked["apiKey"]["revokedAt"] is not None
    assert not await signs_in(api, world, secret)
    event = await AuditEvent.get(action="api_key.revoke")
    assert (event.rule, event.actor_label, event.target_id) == (
        "update_api_keys",
        world.admin.email,
        str(row.id),
    )
    assert event.before == {"name": "ci", "revokedAt": None}
    assert event.after is not None
    assert event.after["revokedAt"] == revoked["apiKey"]["revokedAt"]


async def test_a_key_may_revoke_itself(api: GraphQLClient) -> None:
    world = await factories.world()
    key = await api_key(world.org, name="self")
    row = await ApiKey.get(name="self")
    revoked = payload(await revoke_key(api, key, row.id), "revokeApiKey")
    assert revoked["errors"] == []
    assert (await AuditEvent.get(action="api_key.revoke")).actor_label == "self"
    assert not await signs_in(api, world, key)


async def test_revoking_a_revoked_key_is_invalid_input(api: GraphQLClient) -> None:
    world = await factories.world()
    await api_key(world.org, name="old")
    row = await ApiKey.get(name="old")
    payload(await revoke_key(api, world.admin_token, row.id), "revokeApiKey")
    before = await state()
    refused = payload(await revoke_key(api, world.admin_token, row.id), "revokeApiKey")
    assert refused["apiKey"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "apiKeyId")]
    assert await state() == before


async def test_revoke_api_key_is_forbidden_to_a_read_only_key_and_a_site_admin(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    reader = await api_key(world.org, name="reader", read_only=True)
    site_admin = await holder(world, AdminRole.SITE_ADMIN, world.site.id)
    row = await ApiKey.get(name="reader")
    before = await state()
    assert refusal(await revoke_key(api, reader, row.id)) == ("FORBIDDEN", "R-KEY-1")
    assert refusal(await revoke_key(api, site_admin, row.id)) == ("FORBIDDEN", "update_api_keys")
    assert await state() == before
    assert await signs_in(api, world, reader)


async def test_revoking_a_key_of_another_organization_is_not_found(api: GraphQLClient) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    theirs = await api_key(other.org, name="theirs")
    row = await ApiKey.get(name="theirs")
    for token in (world.admin_token, await api_key(world.org, name="ours")):
        before = await state()
        assert (await revoke_key(api, token, row.id)).codes == ["NOT_FOUND"]
        assert await state() == before
    assert await signs_in(api, other, theirs)


async def test_concurrent_keys_with_one_name_make_one_key(api: GraphQLClient) -> None:
    world = await factories.world()
    results = await asyncio.gather(*(create_key(api, world, world.admin_token) for _ in range(4)))
    codes = sorted(
        next((e["code"] for e in payload(r, "createApiKey")["errors"]), "OK") for r in results
    )
    assert codes == ["DUPLICATE", "DUPLICATE", "DUPLICATE", "OK"]
    assert await ApiKey.filter(name="ci").count() == 1
