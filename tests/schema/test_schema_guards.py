"""Deny by default: every field that reaches organization data carries a feature guard.

The walk goes over the schema that is served (portcullis.execution.schema). On Query, Mutation and
every
type holding organization data, a field returning an object, a list of objects or a connection
must carry a permission class with a `feature` (guard or list_guard), unless PUBLIC names it
with the reason. Scalar and enum leaves are covered by the guard of the field that reached
their parent.
"""

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from permissions.engine import VIEW_ORGANIZATION
from permissions.guards import Guard, PickingGuard
from permissions.matrix import MATRIX, FeatureId, TargetKind
from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema

ROOTS = ("Query", "Mutation")
ORGANIZATION_TYPES = (
    "Organization",
    "Site",
    "ProductInstance",
    "User",
    "Group",
    "AdminRoleAssignment",
    "ProductRoleGrant",
    "AuditEvent",
    "ApiKey",
    "ScimToken",
    "AccessRequest",
    "UserAccessSettings",
    "Viewer",
    "ProductAccess",
    "AccessSource",
    "ProductBilling",
    "AccessExplanation",
    "AccessChange",
    "BillableUsersChange",
)
OWN_DATA = "the caller's own data (Viewer is reached only through Query.viewer, Authenticated)"
PUBLIC: dict[str, str] = {
    "Query.productCatalog": "the catalog is public data",
    "Query.roleMatrix": "the matrix is public data, to draw its table",
    "Query.viewer": "the caller itself; Authenticated",
    "Query.node": "decides per type inside, NODE_READS (NOT_FOUND when refused)",
    "Mutation.createOrganization": "any signed-in account, R-ROLE-1; Authenticated",
    "Mutation.requestProductAccess": "no matrix feature (API.md): a member, or an account whose "
    "email domain was approved (R-ACCESS-10); its own finder answers NOT_FOUND to anyone else",
    "Mutation.signIn": "public: the one-time code is the credential; rate limited by address "
    "like every call without a valid credential",
    "Viewer.apiKey": OWN_DATA,
    "Viewer.account": OWN_DATA,
    "AuditEvent.actor": "a part of the event (kind, id and name kept on its row), read with it "
    "under view_org_audit_log",
    "Viewer.organizations": OWN_DATA,
    "Viewer.can": OWN_DATA + "; the engine's own decision about the caller",
    "Viewer.users": OWN_DATA,
    "Viewer.accessRequests": OWN_DATA + "; the caller's own requests (R-ACCESS-10)",
    "Viewer.joinableProducts": OWN_DATA + "; products approved for the caller's email domain",
}
KNOWN_FEATURES = frozenset({VIEW_ORGANIZATION, *(f.value for f in FeatureId)})
VIEWER_CAN_TYPES: dict[str, TargetKind | None] = {
    "Organization": None,  # every feature, asked organization-wide
    "Site": TargetKind.SITE,
    "ProductInstance": TargetKind.PRODUCT_INSTANCE,
    "Group": TargetKind.GROUP,
    "User": TargetKind.USER,
}


def _type(name: str) -> GraphQLNamedType:
    found = core_schema(schema).type_map.get(name)
    assert found is not None, f"{name} is not a type of the schema"
    return found


def _object(name: str) -> GraphQLObjectType:
    found = _type(name)
    assert isinstance(found, GraphQLObjectType), f"{name} is not an object type"
    return found


def _strawberry_field(field: GraphQLField) -> StrawberryField:
    definition: Any = field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
    assert isinstance(definition, StrawberryField), definition
    return definition


def _features(field: GraphQLField) -> list[str]:
    """The features of the field's guards (permissions/guards.py: field extensions); a picking
    guard names every feature it may ask. Other extensions are not guards."""
    guards = [e for e in _strawberry_field(field).extensions if isinstance(e, Guard | PickingGuard)]
    single = [g.feature for g in guards if isinstance(g, Guard)]
    return single + sorted(f for g in guards if isinstance(g, PickingGuard) for f in g.features)


def _is_leaf(field: GraphQLField) -> bool:
    return isinstance(get_named_type(field.type), GraphQLScalarType | GraphQLEnumType)


def _guarded_types() -> list[GraphQLObjectType]:
    return [_object(name) for name in (*ROOTS, *ORGANIZATION_TYPES)]


def test_every_field_reaching_organization_data_carries_a_feature_guard() -> None:
    unguarded = [
        f"{owner.name}.{name}: {field.type}"
        for owner in _guarded_types()
        for name, field in owner.fields.items()
        if not _is_leaf(field) and not _features(field) and f"{owner.name}.{name}" not in PUBLIC
    ]
    listed = "\n".join(unguarded)
    assert not unguarded, f"fields without a feature guard, not on PUBLIC:\n{listed}"


def test_every_mutation_carries_a_feature_guard() -> None:
    unguarded = [
        f"Mutation.{name}"
        for name, field in _object("Mutation").fields.items()
        if not _features(field) and f"Mutation.{name}" not in PUBLIC
    ]
    assert not unguarded, "mutations without a feature guard, not on PUBLIC:\n" + "\n".join(
        unguarded
    )


def test_public_fields_exist_and_still_need_the_exemption() -> None:
    """PUBLIC cannot rot: each entry names a field of a walked type that has no feature guard."""
    problems = []
    for entry, reason in PUBLIC.items():
        owner, _, name = entry.partition(".")
        assert reason.strip(), entry
        if owner not in (*ROOTS, *ORGANIZATION_TYPES):
            problems.append(f"{entry}: {owner} is not a walked type")
            continue
        field = _object(owner).fields.get(name)
        if field is None:
            problems.append(f"{entry}: no such field")
        elif _features(field):
            problems.append(f"{entry}: carries a feature guard, drop it from PUBLIC")
    assert not problems, "\n".join(problems)


def test_every_guard_names_a_known_feature() -> None:
    unknown = [
        f"{owner.name}.{name}: {feature}"
        for owner in core_schema(schema).type_map.values()
        if isinstance(owner, GraphQLObjectType) and not owner.name.startswith("__")
        for name, field in owner.fields.items()
        for feature in _features(field)
        if feature not in KNOWN_FEATURES
    ]
    listed = "\n".join(unknown)
    assert not unknown, f"guards on neither view_organization nor a FeatureId:\n{listed}"


def _camel(feature_id: str) -> str:
    first, *rest = feature_id.split("_")
    return first + "".join(part.capitalize() for part in rest)


def _matrix_features(kind: TargetKind | None) -> set[str]:
    """Feature ids of both experiences whose target is `kind` (None: every feature)."""
    return {
        feature_id
        for by_id in MATRIX.features.values()
        for feature_id, feature in by_id.items()
        if kind is None or feature.target is kind
    }


def test_targets_agree_across_experiences() -> None:
    """A viewerCan boolean has one meaning: a feature in both experiences has one target."""
    targets: dict[str, set[TargetKind]] = {}
    for by_id in MATRIX.features.values():
        for feature_id, feature in by_id.items():
            targets.setdefault(feature_id, set()).add(feature.target)
    assert {f: t for f, t in targets.items() if len(t) > 1} == {}


def test_viewer_can_has_one_boolean_per_feature_of_its_kind() -> None:
    for owner, kind in VIEWER_CAN_TYPES.items():
        field = _object(owner).fields.get("viewerCan")
        assert field is not None, f"{owner} has no viewerCan"
        abilities = get_named_type(field.type)
        assert isinstance(abilities, GraphQLObjectType), f"{owner}.viewerCan: {field.type}"
        not_boolean = {
            n: str(f.type) for n, f in abilities.fields.items() if str(f.type) != "Boolean!"
        }
        assert not_boolean == {}, f"{abilities.name}: fields that are not Boolean!"
        expected = {_camel(f) for f in _matrix_features(kind)}
        assert expected, f"no feature targets {kind}"
        assert set(abilities.fields) == expected, (
            f"{abilities.name}: missing {sorted(expected - set(abilities.fields))}, "
            f"extra {sorted(set(abilities.fields) - expected)}"
        )


def test_organization_viewer_can_covers_the_whole_vocabulary() -> None:
    field = _object("Organization").fields["viewerCan"]
    abilities = get_named_type(field.type)
    assert isinstance(abilities, GraphQLObjectType)
    assert set(abilities.fields) == {_camel(f.value) for f in FeatureId}
