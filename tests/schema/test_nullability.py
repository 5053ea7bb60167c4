"""Partial data: a field that can be refused or not found is nullable, so a refusal nulls that
field alone and the rest of the page arrives (permissions/nullable.py, docs/api-conventions.md).

The walk goes over the schema that is served; the requests go over HTTP."""

from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLOutputType
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from permissions.guards import Authenticated, Guard, PickingGuard
from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema
from tests.support import factories
from tests.support.factories import gid
from tests.support.graphql_client import GraphQLClient

GUARDS = (Guard, PickingGuard, Authenticated)


def _guarded_fields() -> dict[str, GraphQLOutputType]:
    """Every field of every object type that carries a guard, with its GraphQL type."""
    found: dict[str, GraphQLOutputType] = {}
    for owner in core_schema(schema).type_map.values():
        if not isinstance(owner, GraphQLObjectType) or owner.name.startswith("__"):
            continue
        for name, field in owner.fields.items():
            definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            assert isinstance(definition, StrawberryField), f"{owner.name}.{name}"
            if any(isinstance(e, GUARDS) for e in definition.extensions):
                found[f"{owner.name}.{name}"] = field.type
    return found


def test_every_guarded_field_is_nullable() -> None:
    guarded = _guarded_fields()
    non_null = sorted(name for name, kind in guarded.items() if isinstance(kind, GraphQLNonNull))
    assert not non_null, "guarded fields that are non-null:\n" + "\n".join(non_null)


def test_the_walk_sees_the_fields_the_issue_names() -> None:
    """The walk would catch these: each carries a guard (it is not vacuous)."""
    named = {
        "Query.viewer",
        "Query.organization",
        "Query.node",
        "Organization.users",
        "Organization.auditLog",
        "Mutation.grantProductAccess",
    }
    assert named <= set(_guarded_fields())


ORGANIZATION_PAGE = """
query ($org: ID!) {
  organization(id: $org) {
    name
    users(first: 5) { totalCount }
    auditLog(first: 5) { totalCount }
  }
}
"""


async def test_a_plain_member_gets_the_name_and_two_coded_refusals(api: GraphQLClient) -> None:
    world = await factories.world()
    _, token = await world.member()
    result = await api(ORGANIZATION_PAGE, {"org": gid("Organization", world.org.id)}, token)
    assert result.status == 200
    assert result.data == {"organization": {"name": "Acme", "users": None, "auditLog": None}}
    refusals = sorted((e["path"], e["extensions"]["code"]) for e in result.errors)
    assert refusals == [
        (["organization", "auditLog"], "FORBIDDEN"),
        (["organization", "users"], "FORBIDDEN"),
    ]
    rules = sorted(e["extensions"]["rule"] for e in result.errors)
    assert rules == ["view_org_audit_log", "view_users_in_organization"]


async def test_an_unknown_organization_nulls_that_field_alone(api: GraphQLClient) -> None:
    world = await factories.world()
    query = """query ($org: ID!, $other: ID!) {
      mine: organization(id: $org) { name }
      other: organization(id: $other) { name }
      viewer { email }
    }"""
    variables = {"org": gid("Organization", world.org.id), "other": gid("Organization", 999999)}
    result = await api(query, variables, world.admin_token)
    assert result.data == {
        "mine": {"name": "Acme"},
        "other": None,
        "viewer": {"email": world.admin.email},
    }
    assert [(e["path"], e["extensions"]["code"]) for e in result.errors] == [
        (["other"], "NOT_FOUND")
    ]


async def test_without_credentials_each_root_field_is_null_with_its_code(
    api: GraphQLClient,
) -> None:
    result = await api("{ viewer { email } productCatalog { key } }")
    assert result.data["viewer"] is None
    assert result.data["productCatalog"]  # public: still answered
    assert [(e["path"], e["extensions"]["code"]) for e in result.errors] == [
        (["viewer"], "UNAUTHENTICATED")
    ]


async def test_a_refused_mutation_leaves_the_others_answers(api: GraphQLClient) -> None:
    """Mutations run in order; a refused one is null and the next still answers."""
    world = await factories.world()
    _, token = await world.member()
    mutation = """mutation ($org: ID!) {
      refused: createSite(input: {organizationId: $org, name: "x.example.net"}) { site { id } }
      allowed: createOrganization(input: {name: "Mine"}) { organization { name } }
    }"""
    result = await api(mutation, {"org": gid("Organization", world.org.id)}, token)
    assert result.data == {"refused": None, "allowed": {"organization": {"name": "Mine"}}}
    assert [(e["path"], e["extensions"]["code"]) for e in result.errors] == [
        (["refused"], "FORBIDDEN")
    ]
