"""Creating an account is race-free (issue 13, item 14): invites of one new email sent at once,
over HTTP to a real `portcullis serve`, into several organizations and twice into one, make one
account and never answer INTERNAL_SERVER_ERROR (the unique key on the email)."""

import asyncio
from typing import Any

import httpx

from tests.support.servers import cli, server

CREATE_ORG = """
mutation ($name: String!) { createOrganization(input: {name: $name, experience: CENTRALIZED}) {
  organization { id } errors { code } } }
"""
INVITE = """
mutation ($org: ID!, $email: String!) { inviteUser(input: {organizationId: $org, email: $email}) {
  user { id email } errors { code field } } }
"""
USERS = """
query ($org: ID!) { node(id: $org) { ... on Organization {
  users(first: 50) { edges { node { email } } } } } }
"""
ROUNDS = 6


async def call(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def admins(env: dict[str, str], count: int) -> list[str]:
    """Tokens of `count` new accounts, through the CLI."""
    tokens = []
    for n in range(count):
        email = f"admin{n}@example.com"
        cli(env, "user", "create", "--email", email, "--name", f"Admin {n}")
        tokens.append(cli(env, "token", "create", "--email", email))
    return tokens


async def test_concurrent_invites_of_a_new_email_make_one_account(
    server_env: dict[str, str],
) -> None:
    tokens = admins(server_env, 3)
    with server(server_env) as base:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            orgs = []
            for n, token in enumerate(tokens):
                made = await call(http, token, CREATE_ORG, name=f"Org {n}")
                orgs.append(made["createOrganization"]["organization"]["id"])
            # Into the first organization three times, into each other one once.
            sends = [*zip(tokens, orgs, strict=True), (tokens[0], orgs[0]), (tokens[0], orgs[0])]
            first = [0, 3, 4]
            for round_ in range(ROUNDS):
                email = f"new{round_}@example.com"
                answers = await asyncio.gather(
                    *(call(http, t, INVITE, org=o, email=email) for t, o in sends)
                )
                codes = [[e["code"] for e in a["inviteUser"]["errors"]] for a in answers]
                assert codes[1:3] == [[], []], codes
                assert sorted(codes[i] for i in first) == [[], ["DUPLICATE"], ["DUPLICATE"]]
            for token, org in zip(tokens, orgs, strict=True):
                listed = await call(http, token, USERS, org=org)
                emails = {e["node"]["email"] for e in listed["node"]["users"]["edges"]}
                assert emails >= {f"new{n}@example.com" for n in range(ROUNDS)}
