"""The isolation cases as a table: every operation that takes an id, with its ids as slots.

A template names, for each id it takes, which object of "the organization being tried" goes
there (`Of("user")`: tests/support/isolation_world.py's Side.ids). Filled with A's objects it is a
valid request of A (test_isolation checks that A's admin gets no NOT_FOUND or FORBIDDEN for
it); `cases` makes from it one case per id slot with B's object in that slot and A's in the
others (the mixed cases: A's user with B's product instance, B's group with A's instance...),
plus one with B's objects in every slot.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ERRORS = "errors { code message field rule }"


@dataclass(frozen=True)
class Of:
    """An id slot: the object of this name in the organization being tried."""

    name: str


@dataclass(frozen=True)
class Template:
    operation: str  # "Mutation.grantProductAccess", "Query.explainAccess", "Viewer.can"
    variables: dict[str, Any]
    document: str = ""  # a query's; a mutation's is made from its name
    last: bool = False  # it removes what other templates use: A's control runs it last

    @property
    def field(self) -> str:
        return self.operation.partition(".")[2]

    @property
    def is_mutation(self) -> bool:
        return self.operation.startswith("Mutation.")

    def text(self) -> str:
        if not self.is_mutation:
            return self.document
        name = self.field[0].upper() + self.field[1:]
        return (
            f"mutation ($input: {name}Input!) {{ {self.field}(input: $input) "
            f"{{ clientMutationId {ERRORS} }} }}"
        )


@dataclass(frozen=True)
class Case:
    template: Template
    b_slots: tuple[tuple[str | int, ...], ...]  # the paths given B's object
    name: str = field(default="")


def mutation(field: str, last: bool = False, **input: Any) -> Template:
    return Template(f"Mutation.{field}", {"input": input}, last=last)


def query(operation: str, document: str, **variables: Any) -> Template:
    return Template(operation, variables, document)


ORG, SITE, USER, GROUP = Of("organization"), Of("site"), Of("user"), Of("group")
JIRA, INSTANCE = Of("jira"), Of("instance")  # Jira; Confluence, which the group gives
CAN = (
    "query ($scopeId: ID) { viewer { can(feature: %s, scopeId: $scopeId) "
    "{ allowed rule reason } } }"
)
TEMPLATES: list[Template] = [
    mutation("createSite", organizationId=ORG, name="new-site.example.net"),
    mutation("addProduct", siteId=SITE, productKey="bitbucket"),
    mutation(
        "inviteUser",
        organizationId=ORG,
        email="newcomer@elsewhere.example",
        productAccess=[{"productInstanceId": INSTANCE, "role": "USER"}],
    ),
    mutation("grantProductAccess", userId=Of("role_holder"), productInstanceId=JIRA),
    mutation("changeProductRole", userId=USER, productInstanceId=JIRA, role="PRODUCT_ADMIN"),
    mutation("revokeProductAccess", userId=USER, productInstanceId=JIRA),
    mutation("setProductAccess", userId=USER, productInstanceId=INSTANCE, enabled=False),
    mutation("setAnonymousAccess", productInstanceId=INSTANCE, enabled=True),
    mutation("createApiKey", organizationId=ORG, name="another key"),
    mutation("revokeApiKey", last=True, apiKeyId=Of("api_key")),
    mutation("createScimToken", organizationId=ORG, name="another identity provider"),
    mutation("revokeScimToken", last=True, scimTokenId=Of("scim_token")),
    mutation("createGroup", organizationId=ORG, name="new group"),
    mutation("createGroup", organizationId=ORG, siteId=SITE, name="new site group"),
    mutation("updateGroup", groupId=GROUP, name="renamed"),
    mutation("deleteGroup", last=True, groupId=GROUP),
    mutation("addGroupMembers", groupId=GROUP, userIds=[Of("role_holder"), Of("suspended")]),
    mutation("removeGroupMembers", groupId=GROUP, userIds=[USER]),
    mutation("grantGroupProductAccess", groupIds=[GROUP], productInstanceId=JIRA, roles=["USER"]),
    mutation("revokeGroupProductAccess", groupIds=[GROUP], productInstanceId=INSTANCE),
    mutation("setDefaultGroup", productInstanceId=INSTANCE, groupId=GROUP, enabled=True),
    mutation("assignAdminRole", userId=USER, role="PRODUCT_ADMIN", scopeId=JIRA),
    mutation("assignAdminRole", userId=USER, role="SITE_ADMIN", scopeId=SITE),
    mutation("assignAdminRole", userId=USER, role="ORG_ADMIN", scopeId=ORG),
    mutation("revokeAdminRole", userId=Of("role_holder"), role="PRODUCT_ADMIN", scopeId=INSTANCE),
    mutation("revokeAdminRole", userId=USER, role="ORG_ADMIN"),
    mutation("suspendUser", organizationId=ORG, userId=USER),
    mutation("restoreUser", organizationId=ORG, userId=Of("suspended")),
    mutation("removeUserFromOrganization", last=True, organizationId=ORG, userId=USER),
    mutation(
        "updateUserAccessSettings",
        productInstanceId=INSTANCE,
        approvedDomains=[{"domain": "elsewhere.example", "requiresApproval": True}],
    ),
    mutation("requestProductAccess", productInstanceId=INSTANCE),
    mutation("approveAccessRequest", requestId=Of("request")),
    mutation("denyAccessRequest", last=True, requestId=Of("request")),
    query("Query.organization", "query ($id: ID!) { organization(id: $id) { id name } }", id=ORG),
    query(
        "Query.explainAccess",
        "query ($userId: ID!, $productInstanceId: ID!) { explainAccess(userId: $userId, "
        "productInstanceId: $productInstanceId) { hasAccess reason rule } }",
        userId=USER,
        productInstanceId=JIRA,
    ),
    query(
        "Organization.auditLog",
        "query ($id: ID!, $actorId: ID) { organization(id: $id) { "
        "auditLog(actorId: $actorId) { totalCount } } }",
        id=ORG,
        actorId=Of("api_key"),
    ),
    *(
        query("Viewer.can", CAN % '"view_users_in_organization"', scopeId=scope)
        for scope in (ORG, SITE, INSTANCE, GROUP, USER)
    ),
    query("Viewer.can", CAN % '"add_remove_users_from_products"', scopeId=INSTANCE),
    query(
        "Organization.users",
        "query ($id: ID!, $productInstanceId: ID) { organization(id: $id) { "
        "users(productInstanceId: $productInstanceId) { totalCount edges { node { email } } } } }",
        id=ORG,
        productInstanceId=JIRA,
    ),
]
# A template's variables are named after the arguments (a mutation's: `input`), so its slots
# are the id arguments and input fields of the operation (test_isolation checks them all).
# Operations that take no id: nothing of another organization can be named through them.
NO_ID = {
    "Mutation.createOrganization": "makes a new organization, the caller its admin (R-ROLE-1)",
    "Query.viewer": "the caller itself; read deeply by test_isolation's walk",
    "Query.productCatalog": "public data, no organization's",
    "Query.roleMatrix": "public data, no organization's",
    "Mutation.signIn": "takes a one-time code, not an id; gives a token of the code's own account",
}
NODE = {"Query.node": "every object of B, of every node type: test_isolation_reads"}


def slots(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The paths of every Of in a template's variables."""
    if isinstance(value, Of):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from slots(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from slots(item, (*path, index))


def fill(value: Any, pick: Any, path: tuple[str | int, ...] = ()) -> Any:
    """The variables with each slot replaced by pick(path, slot)."""
    if isinstance(value, Of):
        return pick(path, value)
    if isinstance(value, dict):
        return {key: fill(item, pick, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, pick, (*path, index)) for index, item in enumerate(value)]
    return value


def dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path)


def cases() -> list[Case]:
    found = []
    for template in TEMPLATES:
        paths = list(slots(template.variables))
        for path in paths:
            found.append(Case(template, (path,), f"{template.operation} B's {dotted(path)}"))
        if len(paths) > 1:
            found.append(Case(template, tuple(paths), f"{template.operation} all B's"))
    return found
