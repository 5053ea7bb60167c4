"""Authentication and isolation: personal tokens (R-TOKEN-1), API keys (R-KEY-1), what a member
of one organization can see of another, suspended members (R-ACCESS-11), request ids, and
secrets stored only as hashes."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from models.audit import AuditEvent
from models.credentials import ApiKey, PersonalToken
from models.directory import OrgUser
from models.enums import AccountType, ActorKind, AdminRole, UserStatus
from models.group import Group
from models.organization import Organization, Site
from permissions.auth import API_KEY_KIND, hash_secret, new_secret
from resolvers import directory
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient, Result

VIEWER = "{ viewer { email organizations { name } users { status } } }"
KEY_VIEWER = "{ viewer { email apiKey { name readOnly } organizations { name } } }"
ORG_USERS = """
query ($org: ID!) { organization(id: $org) { name users(first: 50) { edges { node { email } } } } }
"""
NODE = "query ($id: ID!) { node(id: $id) { __typename id } }"
CREATE_SITE = """
mutation ($org: ID!, $name: String!) {
  createSite(input: {organizationId: $org, name: $name}) {
    site { id name }
    errors { code field rule }
  }
}
"""
JSON_HEADERS = {"content-type": "application/json"}
AUDIT_REQUEST_IDS = """
query ($org: ID!) {
  organization(id: $org) {
    auditLog(first: 5) { edges { node { action actor { kind displayName } requestId } } }
  }
}
"""


async def post(api: GraphQLClient, query: str, headers: dict[str, str]) -> httpx.Response:
    """A raw request, for headers the GraphQLClient does not send."""
    return await api.http.post("/graphql", json={"query": query}, headers=headers)


def codes_of(response: httpx.Response) -> list[str]:
    return Result(response.status_code, response.json()).codes


def rule_of(result: Result) -> str | None:
    rule: str | None = result.errors[0].get("extensions", {}).get("rule")
    return rule


async def api_key(org: Organization, name: str = "integration", read_only: bool = False) -> str:
    """An organization API key, created as `portcullis demo` does; returns the credential."""
    credential, prefix, digest = new_secret(API_KEY_KIND)
    await ApiKey.create(
        organization=org, name=name, prefix=prefix, secret_hash=digest, read_only=read_only
    )
    return credential


def prefix_of(credential: str) -> str:
    return credential.split("_")[1]


def emails(result: Result) -> set[str]:
    return {e["node"]["email"] for e in result.ok()["organization"]["users"]["edges"]}


# Missing and bad credentials


async def test_viewer_without_credentials_is_unauthenticated(api: GraphQLClient) -> None:
    result = await api(VIEWER)
    assert result.status == 200
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.empty


async def test_malformed_authorization_headers_are_unauthenticated(api: GraphQLClient) -> None:
    world = await factories.world()
    for header in (
        world.admin_token,  # no scheme
        f"Basic {world.admin_token}",
        "Bearer",
        "Bearer ",
        "Bearer pct_",
        "Bearer pct__",
        f"Bearer {world.admin_token.replace('pct_', 'xyz_')}",
        "Bearer not-a-token",
    ):
        response = await post(api, VIEWER, {"Authorization": header})
        # A credential sent and not valid refuses the whole request (docs/http-api.md).
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"].startswith("Bearer "), header
        assert codes_of(response) == ["UNAUTHENTICATED"], header


async def test_an_unknown_token_is_unauthenticated(api: GraphQLClient) -> None:
    await factories.world()
    for credential in (
        "pct_000000000000_secret",
        "pck_000000000000_secret",
        f"pct_{'a' * 100}_secret",
        f"pck_{'b' * 100}_secret",
    ):
        assert (await api(VIEWER, token=credential)).codes == ["UNAUTHENTICATED"]


async def test_a_known_prefix_with_a_wrong_secret_is_unauthenticated(api: GraphQLClient) -> None:
    world = await factories.world()
    kind, prefix, secret = world.admin_token.split("_", 2)
    forged = f"{kind}_{prefix}_{secret[::-1]}x"
    assert (await api(VIEWER, token=world.admin_token)).ok()  # the real one works
    assert (await api(VIEWER, token=forged)).codes == ["UNAUTHENTICATED"]
    truncated = f"{kind}_{prefix}_"
    assert (await api(VIEWER, token=truncated)).codes == ["UNAUTHENTICATED"]


async def test_a_revoked_token_is_unauthenticated_r_token_1(api: GraphQLClient) -> None:
    world = await factories.world()
    assert (await api(VIEWER, token=world.admin_token)).ok()
    await PersonalToken.filter(prefix=prefix_of(world.admin_token)).update(
        revoked_at=datetime.now(UTC)
    )
    assert (await api(VIEWER, token=world.admin_token)).codes == ["UNAUTHENTICATED"]


async def test_an_expired_token_is_unauthenticated_and_an_unexpired_one_works(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    row = PersonalToken.filter(prefix=prefix_of(world.admin_token))
    await row.update(expires_at=datetime.now(UTC) + timedelta(days=1))
    assert (await api(VIEWER, token=world.admin_token)).ok()
    await row.update(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    assert (await api(VIEWER, token=world.admin_token)).codes == ["UNAUTHENTICATED"]


async def test_a_revoked_or_expired_api_key_is_unauthenticated_r_key_1(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    revoked = await api_key(world.org, "revoked")
    expired = await api_key(world.org, "expired")
    assert (await api(KEY_VIEWER, token=revoked)).ok()
    assert (await api(KEY_VIEWER, token=expired)).ok()
    now = datetime.now(UTC)
    await ApiKey.filter(name="revoked").update(revoked_at=now)
    await ApiKey.filter(name="expired").update(expires_at=now - timedelta(seconds=30))
    assert (await api(KEY_VIEWER, token=revoked)).codes == ["UNAUTHENTICATED"]
    assert (await api(KEY_VIEWER, token=expired)).codes == ["UNAUTHENTICATED"]


async def test_product_catalog_answers_without_a_token(api: GraphQLClient) -> None:
    result = await api("{ productCatalog { key } }")
    assert "jira" in {p["key"] for p in result.ok()["productCatalog"]}
    # A credential that is sent must be valid, even for public data: 401 (docs/http-api.md).
    with_bad_token = await api("{ productCatalog { key } }", token="pct_000000000000_nope")
    assert (with_bad_token.status, with_bad_token.codes) == (401, ["UNAUTHENTICATED"])


# Personal tokens


async def test_a_personal_token_authenticates_its_account_r_token_1(api: GraphQLClient) -> None:
    world = await factories.world()
    await factories.world(name="Globex")  # another organization the account is not in
    _, member_token = await world.member("member@example.com")
    admin = (await api(VIEWER, token=world.admin_token)).ok()["viewer"]
    assert admin == {
        "email": world.admin.email,
        "organizations": [{"name": "Acme"}],
        "users": [{"status": "ACTIVE"}],
    }
    member = (await api(VIEWER, token=member_token)).ok()["viewer"]
    assert member["email"] == "member@example.com"
    assert member["organizations"] == [{"name": "Acme"}]


async def test_a_personal_token_carries_its_account_roles_only_r_token_1(
    api: GraphQLClient,
) -> None:
    """One account, member of Acme and org admin of Globex: its token may add a site to Globex
    only; another account's token (Acme's admin) gains nothing from it."""
    acme = await factories.world()
    globex = await factories.world(name="Globex")
    in_acme = await directory.invite_user(
        acme.ctx, acme.org, globex.admin.email, None, AccountType.ATLASSIAN, []
    )
    assert in_acme.account_id == globex.admin.id
    viewer = (await api(VIEWER, token=globex.admin_token)).ok()["viewer"]
    assert sorted(o["name"] for o in viewer["organizations"]) == ["Acme", "Globex"]
    mine = await api(
        CREATE_SITE,
        {"org": gid("Organization", globex.org.id), "name": "mine.example.net"},
        globex.admin_token,
    )
    assert mine.ok()["createSite"]["errors"] == []
    theirs = await api(
        CREATE_SITE,
        {"org": gid("Organization", acme.org.id), "name": "theirs.example.net"},
        globex.admin_token,
    )
    assert theirs.codes == ["FORBIDDEN"]
    assert rule_of(theirs) == "add_new_products"
    assert not await Site.exists(name="theirs.example.net")


# API keys


async def test_an_api_key_viewer_shows_the_key_and_only_its_organization_r_key_1(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    await factories.world(name="Globex")
    key = await api_key(world.org, "sync-bot", read_only=True)
    viewer = (await api(KEY_VIEWER, token=key)).ok()["viewer"]
    assert viewer == {
        "email": None,
        "apiKey": {"name": "sync-bot", "readOnly": True},
        "organizations": [{"name": "Acme"}],
    }


async def test_an_api_key_reads_its_organization_users(api: GraphQLClient) -> None:
    world = await factories.world()
    await world.member("member@example.com")
    org = gid("Organization", world.org.id)
    for read_only in (True, False):
        key = await api_key(world.org, f"reader-{read_only}", read_only=read_only)
        result = await api(ORG_USERS, {"org": org}, key)
        assert emails(result) == {world.admin.email, "member@example.com"}


async def test_a_read_only_api_key_is_refused_a_mutation_r_key_1(api: GraphQLClient) -> None:
    world = await factories.world()
    key = await api_key(world.org, "reader", read_only=True)
    events = await AuditEvent.all().count()
    result = await api(
        CREATE_SITE, {"org": gid("Organization", world.org.id), "name": "ro.example.net"}, key
    )
    assert result.codes == ["FORBIDDEN"]
    assert rule_of(result) == "R-KEY-1"
    assert not await Site.exists(name="ro.example.net")
    assert await AuditEvent.all().count() == events


async def test_a_read_write_api_key_creates_a_site_audited_as_the_key_r_key_1(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    key = await api_key(world.org, "provisioner")
    result = await api(
        CREATE_SITE, {"org": gid("Organization", world.org.id), "name": "rw.example.net"}, key
    )
    assert result.ok()["createSite"]["errors"] == []
    site = await Site.get(name="rw.example.net")
    assert site.organization_id == world.org.id
    event = await AuditEvent.get(action="site.create", target_id=str(site.id))
    key_row = await ApiKey.get(name="provisioner")
    assert (event.actor_kind, event.actor_id, event.actor_label) == (
        ActorKind.API_KEY,
        key_row.id,
        "provisioner",
    )
    log = await api(AUDIT_REQUEST_IDS, {"org": gid("Organization", world.org.id)}, key)
    newest = log.ok()["organization"]["auditLog"]["edges"][0]["node"]
    assert (newest["action"], newest["actor"]) == (
        "site.create",
        {"kind": "API_KEY", "displayName": "provisioner"},
    )


async def test_an_api_key_of_one_organization_gets_not_found_for_another_r_key_1(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    key = await api_key(world.org)
    other_org = gid("Organization", other.org.id)
    assert (await api(ORG_USERS, {"org": other_org}, key)).codes == ["NOT_FOUND"]
    assert (await api(NODE, {"id": gid("Site", other.site.id)}, key)).codes == ["NOT_FOUND"]
    refused = await api(CREATE_SITE, {"org": other_org, "name": "hijack.example.net"}, key)
    assert refused.codes == ["NOT_FOUND"]
    assert not await Site.exists(name="hijack.example.net")


# Isolation between organizations


async def test_a_member_of_one_organization_cannot_see_another(api: GraphQLClient) -> None:
    world = await factories.world()
    other = await factories.world(name="Globex")
    other_user, _ = await other.member()
    other_group = await Group.get(organization_id=other.org.id, name="org-admins")
    _, member_token = await world.member()
    for token in (member_token, world.admin_token):
        result = await api(ORG_USERS, {"org": gid("Organization", other.org.id)}, token)
        assert result.codes == ["NOT_FOUND"]
        assert result.empty
        for node_id in (
            gid("Organization", other.org.id),
            gid("Site", other.site.id),
            gid("ProductInstance", other.jira.id),
            gid("User", other_user.id),
            gid("Group", other_group.id),
        ):
            found = await api(NODE, {"id": node_id}, token)
            assert found.codes == ["NOT_FOUND"], node_id
    own = await api(NODE, {"id": gid("Site", world.site.id)}, member_token)
    assert own.ok()["node"]["__typename"] == "Site"


# Suspended members (R-ACCESS-11)


async def test_a_suspended_member_no_longer_sees_the_directory_r_access_11(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    user, token = await world.member("member@example.com")
    await world.role(user, AdminRole.USER_ACCESS_ADMIN, world.jira.id)
    org = gid("Organization", world.org.id)
    assert "member@example.com" in emails(await api(ORG_USERS, {"org": org}, token))
    await OrgUser.filter(id=user.id).update(status=UserStatus.SUSPENDED)
    result = await api(ORG_USERS, {"org": org}, token)
    assert result.codes == ["FORBIDDEN"]  # they know the organization; they hold no rights
    assert result.errors[0]["extensions"]["rule"] == "R-ACCESS-11"
    assert result.empty
    viewer = (await api(VIEWER, token=token)).ok()["viewer"]
    assert viewer["organizations"] == [{"name": "Acme"}]
    assert viewer["users"] == [{"status": "SUSPENDED"}]


async def test_a_suspended_org_admin_is_refused_create_site_r_access_11(
    api: GraphQLClient,
) -> None:
    world = await factories.world()
    org = gid("Organization", world.org.id)
    admin_user = await OrgUser.get(organization_id=world.org.id, account_id=world.admin.id)
    await OrgUser.filter(id=admin_user.id).update(status=UserStatus.SUSPENDED)
    events = await AuditEvent.all().count()
    result = await api(CREATE_SITE, {"org": org, "name": "late.example.net"}, world.admin_token)
    assert result.codes == ["FORBIDDEN"]  # a suspended member holds no rights
    assert result.errors[0]["extensions"]["rule"] == "R-ACCESS-11"
    assert result.empty
    assert not await Site.exists(name="late.example.net")
    assert await AuditEvent.all().count() == events


# Request ids

SERVICE_ID = r"[0-9a-f]{32}"  # made by the service for every request (uuid4, hex)


async def test_every_response_carries_a_request_id(api: GraphQLClient) -> None:
    first = await post(api, "{ productCatalog { key } }", {})
    second = await post(api, "{ productCatalog { key } }", {})
    ids = [r.headers.get("x-request-id") for r in (first, second)]
    assert all(i and re.fullmatch(r"[A-Za-z0-9._-]{1,64}", i) for i in ids), ids
    assert ids[0] != ids[1]
    refused = await post(api, VIEWER, {})
    assert codes_of(refused) == ["UNAUTHENTICATED"]
    assert refused.headers.get("x-request-id")


@pytest.mark.parametrize(
    "request_kwargs",
    [
        pytest.param({"content": b"{not json", "headers": JSON_HEADERS}, id="unparsable-body"),
        pytest.param({"json": {"variables": {}}}, id="no-query"),
    ],
)
async def test_a_rejected_request_still_carries_a_request_id(
    api: GraphQLClient, request_kwargs: dict[str, Any]
) -> None:
    response = await api.http.post("/graphql", **request_kwargs)
    assert response.status_code == 400
    assert response.headers.get("x-request-id")


async def test_healthz_carries_a_request_id_of_the_service(api: GraphQLClient) -> None:
    response = await api.http.get("/healthz", headers={"X-Request-Id": "probe-1"})
    assert response.status_code == 200
    assert re.fullmatch(SERVICE_ID, response.headers["x-request-id"])


async def test_the_audited_request_id_is_the_services_own(api: GraphQLClient) -> None:
    """A client's X-Request-Id is logged beside ours (tests/operations/test_request_log.py), never
    taken
    as the audit log's id: a client could otherwise pin its events on another request."""
    world = await factories.world()
    org = gid("Organization", world.org.id)
    response = await api.http.post(
        "/graphql",
        json={"query": CREATE_SITE, "variables": {"org": org, "name": "traced.example.net"}},
        headers={"Authorization": f"Bearer {world.admin_token}", "X-Request-Id": "trace-42.a_b"},
    )
    ours = response.headers["x-request-id"]
    assert re.fullmatch(SERVICE_ID, ours)
    body: dict[str, Any] = response.json()
    assert body["data"]["createSite"]["errors"] == []
    site = await Site.get(name="traced.example.net")
    event = await AuditEvent.get(action="site.create", target_id=str(site.id))
    assert event.request_id == ours
    log = await api(AUDIT_REQUEST_IDS, {"org": org}, world.admin_token)
    newest = log.ok()["organization"]["auditLog"]["edges"][0]["node"]
    assert (newest["action"], newest["requestId"]) == ("site.create", ours)


async def test_whatever_the_client_sends_the_request_id_is_new(api: GraphQLClient) -> None:
    seen = set()
    for sent in ("trace-42.a_b", "has spaces", "x" * 65, "semi;colon", "a/b"):
        response = await post(api, "{ productCatalog { key } }", {"X-Request-Id": sent})
        ours = response.headers["x-request-id"]
        assert re.fullmatch(SERVICE_ID, ours), sent
        seen.add(ours)
    assert len(seen) == 5


# Secrets at rest


async def test_personal_tokens_are_stored_only_as_a_hash_r_token_1(api: GraphQLClient) -> None:
    world = await factories.world()
    _, prefix, secret = world.admin_token.split("_", 2)
    rows = await PersonalToken.filter(account_id=world.admin.id).values()
    assert len(rows) == 1
    row = rows[0]
    assert row["prefix"] == prefix
    assert row["secret_hash"] != world.admin_token
    assert row["secret_hash"] == hash_secret(world.admin_token)
    for column, value in row.items():
        assert world.admin_token not in str(value), column
        assert secret not in str(value), column


async def test_api_keys_are_stored_only_as_a_hash_r_key_1(api: GraphQLClient) -> None:
    world = await factories.world()
    key = await api_key(world.org, "hashed")
    secret = key.split("_", 2)[2]
    row = (await ApiKey.filter(name="hashed").values())[0]
    assert row["secret_hash"] == hash_secret(key)
    for column, value in row.items():
        assert secret not in str(value), column
    result = await api("{ viewer { apiKey { prefix } } }", token=key)
    assert result.ok()["viewer"]["apiKey"]["prefix"] == prefix_of(key)
    assert secret not in str(result.body)
