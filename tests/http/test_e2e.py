"""End to end: the real server (uvicorn, started by the CLI) over HTTP, with CLI-made tokens."""

import json
import os
from pathlib import Path
from typing import Any

import httpx

from schema.ids import parse
from tests.support.servers import cli as _cli
from tests.support.servers import server as _server


def _post(
    base: str, token: str, query: str, variables: dict[str, object] | None = None
) -> dict[str, object]:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    assert "errors" not in body, body
    return body


def test_cli_token_works_against_the_real_server(server_env: dict[str, str]) -> None:
    account_id = _cli(server_env, "user", "create", "--email", "e2e@example.com", "--name", "E2E")
    assert parse(account_id)[0] == "Account"  # a global id the API accepts (issue 13.19)
    token = _cli(server_env, "token", "create", "--email", "e2e@example.com")
    with _server(server_env) as base:
        created = _post(
            base,
            token,
            'mutation { createOrganization(input: {name: "E2E Org", '
            "experience: ORIGINAL}) { organization { id } errors { code } } }",
        )
        assert created["data"]["createOrganization"]["errors"] == []  # type: ignore[index]
        body = _post(
            base,
            token,
            "{ viewer { email organizations { name experience "
            "users(first: 5) { totalCount edges { node { email adminRoles { role } "
            "groups(first: 5) { edges { node { name protected } } } } } } } } }",
        )
    viewer = body["data"]["viewer"]  # type: ignore[index]
    assert viewer["email"] == "e2e@example.com"
    org = viewer["organizations"][0]
    assert (org["name"], org["experience"]) == ("E2E Org", "ORIGINAL")
    me = org["users"]["edges"][0]["node"]
    assert me["adminRoles"] == [{"role": "ORG_ADMIN"}]  # R-ROLE-1
    assert me["groups"]["edges"] == [{"node": {"name": "org-admins", "protected": True}}]


def test_demo_data_answers_the_readme_query(tmp_path: Path) -> None:
    """The README's run command: `portcullis demo` on SQLite, then `serve`, then a query."""
    from portcullis.cli import EXAMPLE_QUERY

    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'demo.sqlite3'}"}
    demo = json.loads(_cli(env, "demo", "--json"))
    again = json.loads(_cli(env, "demo", "--json"))  # keeps the data, mints fresh tokens
    assert again["tokens"]["alice@acme.example"] != demo["tokens"]["alice@acme.example"]
    with _server(env) as base:
        body = _post(base, demo["tokens"]["alice@acme.example"], EXAMPLE_QUERY)
        key_body = _post(
            base,
            demo["apiKey"],
            "{ viewer { apiKey { name } organizations { name users(first: 1) { totalCount } } } }",
        )
        query, shown = _readme_effective_access()
        integrator = _post(base, demo["apiKey"], query, {"user": "VXNlcjo1"})
    orgs = body["data"]["viewer"]["organizations"]  # type: ignore[index]
    assert [o["name"] for o in orgs] == ["Acme Corp"]
    assert orgs[0]["users"]["totalCount"] == 7
    key_viewer = key_body["data"]["viewer"]  # type: ignore[index]
    assert key_viewer["apiKey"] == {"name": "demo-integration"}
    assert key_viewer["organizations"][0]["users"]["totalCount"] == 7

    # The docs' integrator query answers what the docs show (they trim one product).
    answer = integrator["data"]["node"]  # type: ignore[index]
    assert answer["email"] == shown["email"]
    for entry in shown["productAccess"]:
        assert entry in answer["productAccess"]


def _readme_effective_access() -> tuple[str, dict[str, Any]]:
    """The query and the answer of the "Effective access" section of docs/api.md."""
    api = Path(__file__).resolve().parents[2].joinpath("docs", "api.md").read_text()
    section = api.split("## Effective access", 1)[1]
    query = section.split("```graphql", 1)[1].split("```", 1)[0]
    shown = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    node: dict[str, Any] = shown["data"]["node"]
    return query, node
