"""Two organizations for the isolation tests: Alpha (A, CENTRALIZED), whose principals try
everything, and Bravo (B, ORIGINAL), whose data must stay out of their sight and unchanged.

Both are built through the API by their own admins, so B holds rows in every table (audit
events and a clientMutationId receipt included). Everything of B that its plain members may not
see carries SECRET in its name or email, so a response can be searched for it; what members see
(the organization, its sites and products) is named with "bravo" only.
"""

from dataclasses import dataclass, field
from typing import Any

from schema.ids import encode, parse
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

SECRET = "bravo-secret"
PRINCIPALS = ["admin", "api_key", "read_only_key", "member_of_both"]
NOWHERE = 2**31 - 1  # a primary key no row has
PAYLOADS = {
    "createOrganization": "organization { id }",
    "createSite": "site { id }",
    "addProduct": "productInstance { id }",
    "inviteUser": "user { id }",
    "createGroup": "group { id }",
    "createApiKey": "apiKey { id } secret",
    "createScimToken": "scimToken { id } secret",
    "requestProductAccess": "accessRequest { id }",
    "assignAdminRole": "user { adminRoles { id role } }",
}


@dataclass
class Side:
    """One organization: its objects' global ids by name, and credentials acting in it."""

    api: GraphQLClient
    admin_token: str
    mail: str  # the email domain of its accounts
    ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    async def call(self, mutation: str, token: str | None = None, **input: Any) -> dict[str, Any]:
        """Run a mutation that must succeed (as the admin by default); its payload."""
        name = mutation[0].upper() + mutation[1:]
        document = (
            f"mutation ($input: {name}Input!) {{ {mutation}(input: $input) "
            f"{{ {PAYLOADS.get(mutation, 'clientMutationId')} errors {{ code message field }} }} }}"
        )
        result = await self.api(document, {"input": input}, token or self.admin_token)
        payload: dict[str, Any] = result.ok()[mutation]
        assert payload["errors"] == [], (mutation, payload)
        return payload

    async def invite(self, local: str, *grants: str) -> str:
        access = [{"productInstanceId": pk, "role": "USER"} for pk in grants]
        org, email = self.ids["organization"], f"{local}@{self.mail}"
        invited = await self.call(
            "inviteUser", organizationId=org, email=email, productAccess=access
        )
        user_id: str = invited["user"]["id"]
        return user_id


@dataclass
class Isolation:
    a: Side
    b: Side
    # B's objects a plain member of B reads through node(id) (README "Members"), as the
    # account in both does, and those it sees named elsewhere too (its own groups).
    member_nodes: frozenset[str]
    member_sees: frozenset[str]


def unknown(global_id: str) -> str:
    """An id of the same type that names nothing."""
    return encode(parse(global_id)[0], NOWHERE)


async def side(api: GraphQLClient, name: str, experience: str, mail: str) -> Side:
    """An organization with two products, a user holding one, a group giving the other, a
    product admin, a suspended user, two API keys, an approved domain and a pending request."""
    admin = await factories.account(f"admin@{mail}")
    org = Side(api, await factories.token(admin), mail)
    created = await org.call("createOrganization", name=name, experience=experience)
    org.ids["organization"] = created["organization"]["id"]
    site = await org.call("createSite", organizationId=org.ids["organization"], name=f"{name}.net")
    org.ids["site"] = site["site"]["id"]
    for key, product in (("jira", "jira"), ("instance", "confluence")):
        added = await org.call("addProduct", siteId=org.ids["site"], productKey=product)
        org.ids[key] = added["productInstance"]["id"]
    org.ids["user"] = await org.invite("user", org.ids["jira"])
    await _suspended_user(org)
    await _product_admin(org)
    await _group(org, experience)
    await _api_keys(org)
    await _access_request(org)
    return org


async def _suspended_user(org: Side) -> None:
    org.ids["suspended"] = await org.invite("suspended")
    await org.call(
        "suspendUser", organizationId=org.ids["organization"], userId=org.ids["suspended"]
    )


async def _product_admin(org: Side) -> None:
    org.ids["role_holder"] = user = await org.invite("product-admin")
    held = await org.call(
        "assignAdminRole", userId=user, role="PRODUCT_ADMIN", scopeId=org.ids["instance"]
    )
    org.ids["assignment"] = held["user"]["adminRoles"][0]["id"]


async def _group(org: Side, experience: str) -> None:
    """A group giving the second product, with the user in it. Created with a
    clientMutationId, so that the organization's admin holds a receipt."""
    where = {"siteId": org.ids["site"]} if experience == "ORIGINAL" else {}
    created = await org.call(
        "createGroup",
        organizationId=org.ids["organization"],
        name=f"writers of {org.mail}",
        clientMutationId="isolation",
        **where,
    )
    org.ids["group"] = group = created["group"]["id"]
    await org.call("addGroupMembers", groupId=group, userIds=[org.ids["user"]])
    await org.call(
        "grantGroupProductAccess",
        groupIds=[group],
        productInstanceId=org.ids["instance"],
        roles=["USER"],
    )


async def _api_keys(org: Side) -> None:
    for token, read_only in (("api_key", False), ("read_only_key", True)):
        key = await org.call(
            "createApiKey",
            organizationId=org.ids["organization"],
            name=f"{token} of {org.mail}",
            readOnly=read_only,
        )
        org.ids[token], org.tokens[token] = key["apiKey"]["id"], key["secret"]
    scim = await org.call(
        "createScimToken", organizationId=org.ids["organization"], name=f"idp of {org.mail}"
    )
    org.ids["scim_token"] = scim["scimToken"]["id"]


async def _access_request(org: Side) -> None:
    """An account of an approved domain, outside the organization, asks for the product."""
    domains = [{"domain": org.mail, "requiresApproval": True}]
    await org.call(
        "updateUserAccessSettings", productInstanceId=org.ids["instance"], approvedDomains=domains
    )
    outsider = await factories.token(await factories.account(f"outsider@{org.mail}"))
    asked = await org.call("requestProductAccess", outsider, productInstanceId=org.ids["instance"])
    org.ids["request"] = asked["accessRequest"]["id"]


async def isolation(api: GraphQLClient) -> Isolation:
    """A and B, and an account that is A's organization admin and a plain member of B, holding
    B's Jira through its default group and asking for B's Confluence."""
    a = await side(api, "Alpha", "CENTRALIZED", "alpha.example")
    b = await side(api, "Bravo", "ORIGINAL", f"{SECRET}.example")
    a.tokens["admin"] = a.admin_token
    both = await factories.account(f"both@{a.mail}")
    a.tokens["member_of_both"] = both_token = await factories.token(both)
    in_a = await a.invite("both")
    await a.call("assignAdminRole", userId=in_a, role="ORG_ADMIN")
    jira = [{"productInstanceId": b.ids["jira"], "role": "USER"}]
    invited = await b.call(
        "inviteUser", organizationId=b.ids["organization"], email=both.email, productAccess=jira
    )
    b.ids["both"] = invited["user"]["id"]
    asked = await b.call("requestProductAccess", both_token, productInstanceId=b.ids["instance"])
    b.ids["own_request"] = asked["accessRequest"]["id"]
    b.ids["own_account"] = encode("Account", both.id)  # B's directory holds it too
    seen = ("organization", "site", "jira", "instance", "both", "own_request", "own_account")
    nodes = frozenset(b.ids[name] for name in seen)
    own_groups = await _groups_of(b, b.ids["both"], both_token)
    return Isolation(a, b, nodes, nodes.union(own_groups))


async def _groups_of(org: Side, user_id: str, token: str) -> list[str]:
    """The groups a member sees themselves in (README "Members")."""
    document = (
        "query ($id: ID!) { node(id: $id) { ... on User { groups { edges { node { id } } } } } }"
    )
    read = (await org.api(document, {"id": user_id}, token)).ok()
    return [edge["node"]["id"] for edge in read["node"]["groups"]["edges"]]
