"""SCIM test helpers: an organization with a SCIM token (through the GraphQL API for a real
server, through the resolver in process), and the bodies an identity provider sends."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from models.provisioning import ScimToken
from resolvers import provisioning
from tests.support import factories
from tests.support.graphql_client import app_for
from tests.support.servers import cli

CREATE_ORG = """
mutation ($name: String!, $experience: UserManagementExperience!) {
  createOrganization(input: {name: $name, experience: $experience}) {
    organization { id } errors { code } } }
"""
CREATE_SCIM_TOKEN = """
mutation ($org: ID!, $name: String!) { createScimToken(input: {organizationId: $org, name: $name}) {
  scimToken { id name prefix } secret errors { code message field } } }
"""
SCIM = "application/scim+json"


def graphql(base: str, token: str, query: str, **variables: Any) -> Any:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def admin_token(env: dict[str, str], email: str = "admin@idp.example") -> str:
    cli(env, "user", "create", "--email", email, "--name", "Admin")
    return cli(env, "token", "create", "--email", email)


def organization_with_scim_token(
    base: str, token: str, experience: str = "CENTRALIZED"
) -> tuple[str, str]:
    """A new organization of the token's account and a SCIM token of it: (org id, secret)."""
    org = graphql(base, token, CREATE_ORG, name="Provisioned", experience=experience)
    org_id = org["createOrganization"]["organization"]["id"]
    made = graphql(base, token, CREATE_SCIM_TOKEN, org=org_id, name="identity provider")
    return org_id, made["createScimToken"]["secret"]


USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def user_body(user_name: str, email: str | None = None, **more: Any) -> dict[str, Any]:
    """A user as an identity provider sends it."""
    return {
        "schemas": [USER],
        "userName": user_name,
        "emails": [{"value": email or user_name, "primary": True}],
        "active": True,
        **more,
    }


def group_body(name: str, *member_ids: str, **more: Any) -> dict[str, Any]:
    return {"schemas": [GROUP], "displayName": name, "members": [{"value": m} for m in member_ids]}


def patch_body(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(operations)}


@dataclass
class Scim:
    http: httpx.AsyncClient
    world: factories.World
    secret: str
    token: ScimToken

    async def __call__(
        self, method: str, path: str, body: Any = None, secret: str | None = None, **params: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {secret or self.secret}"}
        return await self.http.request(
            method, f"/scim/v2{path}", json=body, params=params, headers=headers
        )

    async def create_user(self, user_name: str, **more: Any) -> dict[str, Any]:
        response = await self("POST", "/Users", user_body(user_name, **more))
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created


async def scim_for(database: str, world: factories.World) -> AsyncIterator[Scim]:
    issued = await provisioning.create_scim_token(world.ctx, world.org.id, "okta")
    assert issued.secret is not None
    transport = httpx.ASGITransport(app=app_for(database))
    async with httpx.AsyncClient(transport=transport, base_url="http://portcullis.test") as http:
        yield Scim(http, world, issued.secret, issued.row)
