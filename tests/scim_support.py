"""SCIM test helpers: an organization with a SCIM token, made through the GraphQL API."""

from typing import Any

import httpx

from tests.servers import cli

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
