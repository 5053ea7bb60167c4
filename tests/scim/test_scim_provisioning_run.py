"""A provisioning run as an identity provider makes it (issue 17): users and groups created
over SCIM, memberships patched in batches, a fifth of the users deactivated, then every user's
effective access (GraphQL `productAccess`) must be what their groups give (R-ACCESS-1), and
nothing for the deactivated (R-ACCESS-11).

200 users and 10 groups here; `PORTCULLIS_SCIM_RUN_USERS=1000` runs the issue's 1,000 and 50."""

import os
from typing import Any

from models.group import Group
from resolvers import group_access, organizations
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient
from tests.support.scim_support import group_body, patch_body, scim_for

USERS = int(os.environ.get("PORTCULLIS_SCIM_RUN_USERS", "200"))
GROUPS = max(2, USERS // 20)
ACCESS = """
query ($id: ID!, $after: String) { organization(id: $id) { users(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id status productAccess { role productInstance { id } } } } } } }
"""


def groups_of(k: int) -> set[int]:
    """Each user joins two groups (one when they coincide)."""
    return {k % GROUPS, (k * 7 + 3) % GROUPS}


async def test_an_identity_provider_run(database: str, roomy_api: GraphQLClient) -> None:
    world = await factories.world()
    confluence = await organizations.add_product(world.ctx, world.site.id, "confluence")
    instances = [world.jira, confluence]
    async for scim in scim_for(database, world):
        group_ids = []
        for g in range(GROUPS):
            made = await scim("POST", "/Groups", group_body(f"idp-group-{g}"))
            assert made.status_code == 201, made.text
            group_ids.append(made.json()["id"])
            row = await Group.get(id=int(group_ids[-1]))
            # What the admin gives each group, through the admin API's own function.
            await group_access.grant_group_product_access(
                world.ctx, [row], instances[g % 2], ["USER"]
            )
        user_ids = [
            (await scim.create_user(f"person{k}@idp.example", externalId=f"ext-{k}"))["id"]
            for k in range(USERS)
        ]
        for g, group_id in enumerate(group_ids):
            members = [{"value": u} for k, u in enumerate(user_ids) if g in groups_of(k)]
            add = {"op": "add", "path": "members", "value": members}
            patched = await scim("PATCH", f"/Groups/{group_id}", patch_body(add))
            assert patched.status_code == 200, patched.text
        deactivated = set(user_ids[::5])
        off = patch_body({"op": "replace", "path": "active", "value": False})
        for user_id in deactivated:
            assert (await scim("PATCH", f"/Users/{user_id}", off)).status_code == 200
        listed = (await scim("GET", "/Users", filter="active eq false", count="1000")).json()
        assert {r["id"] for r in listed["Resources"]} == deactivated

    expected = {
        gid("User", int(u)): set()
        if u in deactivated
        else {(gid("ProductInstance", instances[g % 2].id), "USER") for g in groups_of(k)}
        for k, u in enumerate(user_ids)
    }
    assert await effective_access(roomy_api, world) == expected


async def effective_access(api: GraphQLClient, world: factories.World) -> dict[str, Any]:
    found: dict[str, Any] = {}
    after = None
    while True:
        variables = {"id": gid("Organization", world.org.id), "after": after}
        users = (await api(ACCESS, variables, world.admin_token)).ok()["organization"]["users"]
        for edge in users["edges"]:
            node = edge["node"]
            access = {(a["productInstance"]["id"], a["role"]) for a in node["productAccess"]}
            found[node["id"]] = access
        if not users["pageInfo"]["hasNextPage"]:
            break
        after = users["pageInfo"]["endCursor"]
    admin_entry = next(k for k, v in found.items() if ("PRODUCT_ADMIN" in {r for _, r in v}))
    del found[admin_entry]  # the organization admin holds every product (R-ROLE-4)
    return found
