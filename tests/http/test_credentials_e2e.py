"""End to end, two real `portcullis serve` processes on one database: a revocation holds at the
very next request in both (no process caches a credential), and on PostgreSQL both count into
one rate limit per credential."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import pytest

from tests.support.servers import cli, server

VIEWER = "{ viewer { email apiKey { name } } }"
CREATE_ORG = (
    'mutation { createOrganization(input: {name: "Two Servers", experience: CENTRALIZED}) '
    "{ organization { id } errors { code } } }"
)
CREATE_KEY = """
mutation ($org: ID!) { createApiKey(input: {organizationId: $org, name: "sync"}) {
  apiKey { id } secret errors { code } } }
"""
REVOKE_KEY = """
mutation ($key: ID!) {
  revokeApiKey(input: {apiKeyId: $key}) { apiKey { revokedAt } errors { code } } }
"""


def call(
    base: str, token: str | None, query: str = VIEWER, variables: dict[str, Any] | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


def data(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def refused(response: httpx.Response) -> bool:
    errors = response.json().get("errors") or [{}]
    return response.status_code == 401 and errors[0].get("extensions", {}).get("code") == (
        "UNAUTHENTICATED"
    )


@contextmanager
def two_servers(env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Started one after the other: each migrates and syncs the catalog on start-up."""
    with ExitStack() as stack:
        yield stack.enter_context(server(env)), stack.enter_context(server(env))


def account_token(env: dict[str, str], email: str) -> str:
    cli(env, "user", "create", "--email", email, "--name", email.split("@")[0])
    return cli(env, "token", "create", "--email", email)


def new_api_key(base: str, token: str) -> tuple[str, str]:
    """An organization of the token's account and a read-write API key of it: (key id, secret)."""
    org = data(call(base, token, CREATE_ORG))["createOrganization"]["organization"]["id"]
    created = data(call(base, token, CREATE_KEY, {"org": org}))["createApiKey"]
    return created["apiKey"]["id"], created["secret"]


def test_a_revocation_holds_at_the_next_request_in_every_process(
    server_env: dict[str, str],
) -> None:
    token = account_token(server_env, "owner@example.com")
    with two_servers(server_env) as (first, second):
        key_id, key = new_api_key(first, token)
        for base in (first, second):
            assert data(call(base, key))["viewer"]["apiKey"] == {"name": "sync"}
        revoked = data(call(first, token, REVOKE_KEY, {"key": key_id}))["revokeApiKey"]
        assert revoked["errors"] == []
        assert refused(call(second, key))  # the other process, at once
        assert refused(call(first, key))
        assert data(call(second, token))["viewer"]["email"] == "owner@example.com"
        cli(server_env, "token", "revoke", "--prefix", token.split("_")[1])
        assert refused(call(second, token))
        assert refused(call(first, token))


def test_two_processes_share_one_limit_per_credential_on_postgresql(
    server_env: dict[str, str], is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("on SQLite one process serves and counts in memory")
    # A long window, so that none ends during the test and resets the shared count.
    env = {**server_env, "PORTCULLIS_RATE_LIMIT": "5", "PORTCULLIS_RATE_LIMIT_WINDOW": "11d"}
    token = account_token(env, "busy@example.com")
    other = account_token(env, "calm@example.com")
    with two_servers(env) as (first, second):
        statuses = [call(base, token).status_code for base in (first, second) * 3]
        assert statuses == [200] * 5 + [429]
        over = call(first, token)
        assert over.status_code == 429
        error = over.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert int(over.headers["retry-after"]) == error["extensions"]["retryAfter"] >= 1
        for base in (second, first):  # another credential is counted apart, in both
            assert data(call(base, other))["viewer"]["email"] == "calm@example.com"
