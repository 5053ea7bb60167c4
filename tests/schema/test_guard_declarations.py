"""Guards as data (permissions/guards.py, schema/targets.py): a guard names a typed feature,
refuses to be built for a feature the matrix lacks, and shows in the SDL as a directive so
that a permission change is a line of the schema.graphql diff."""

from typing import Any

import pytest
from graphql import GraphQLObjectType, ObjectTypeDefinitionNode, StringValueNode, parse
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from permissions.guards import Guard, GuardDirective, ListGuard, PickingGuard, guard, picking_guard
from permissions.matrix import FeatureId, MatrixError
from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema
from schema.targets import PARENT, Input, found


def test_a_feature_outside_the_vocabulary_fails_when_the_guard_is_built() -> None:
    raw: Any = "view_users_in_organization"  # a string, not a FeatureId
    with pytest.raises(MatrixError, match="not a feature of the role matrix"):
        guard(raw, on=PARENT)
    unknown: Any = "make_everyone_admin"
    with pytest.raises(MatrixError, match="make_everyone_admin"):
        picking_guard([FeatureId.MAKE_ORG_ADMIN, unknown], on=found("input.role")(_no_targets))


async def _no_targets(*_: Any) -> list[Any]:
    return []


def test_an_id_field_that_names_no_target_kind_fails_at_declaration() -> None:
    with pytest.raises(ValueError, match="names no target kind"):
        Input("colourId")


def _guarded() -> dict[str, list[Guard | PickingGuard]]:
    found: dict[str, list[Guard | PickingGuard]] = {}
    for owner in core_schema(schema).type_map.values():
        if not isinstance(owner, GraphQLObjectType) or owner.name.startswith("__"):
            continue
        for name, field in owner.fields.items():
            definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            assert isinstance(definition, StrawberryField)
            guards = [e for e in definition.extensions if isinstance(e, Guard | PickingGuard)]
            if guards:
                found[f"{owner.name}.{name}"] = guards
    return found


def _sdl_directives() -> dict[str, set[tuple[str, str, str]]]:
    """(directive, feature, target) of every field of the SDL, by Type.field."""
    shown: dict[str, set[tuple[str, str, str]]] = {}
    for definition in parse(schema.as_str()).definitions:
        if not isinstance(definition, ObjectTypeDefinitionNode):
            continue
        for field in definition.fields or ():
            for directive in field.directives or ():
                values = {a.name.value: a.value for a in directive.arguments or ()}
                feature, target = values["feature"], values["target"]
                assert isinstance(feature, StringValueNode)
                assert isinstance(target, StringValueNode)
                key = f"{definition.name.value}.{field.name.value}"
                shown.setdefault(key, set()).add(
                    (directive.name.value, feature.value, target.value)
                )
    return shown


def test_the_sdl_shows_every_guard_with_its_feature_and_target() -> None:
    expected: dict[str, set[tuple[str, str, str]]] = {}
    for path, guards in _guarded().items():
        for one in guards:
            features = [one.feature] if isinstance(one, Guard) else sorted(one.features)
            directive = "listGuard" if isinstance(one, ListGuard) else "guard"
            for feature in features:
                expected.setdefault(path, set()).add((directive, feature, one.on.where))
    assert len(expected) > 80, len(expected)  # the walk is not vacuous
    assert _sdl_directives() == expected


def test_the_directive_carries_the_matrix_id() -> None:
    one = guard(FeatureId.CONFIGURE_PRODUCT_SETTINGS, on=Input("productInstanceId"))
    assert one.directives() == [
        GuardDirective(feature="configure_product_settings", target="input.productInstanceId")
    ]
