"""A faster path through graphql-core's executor for plain leaf fields.

Most fields of a page are leaves read straight off the object (`email`, `status`, `role`,
`id`): an admin page of 50 users resolves about 2,400 of them. graphql-core gives each one the
same path as a field with a resolver: resolve info, strawberry's resolver wrapper, middleware,
then value completion through the non-null, list and leaf checks (about 25 Python calls). A
plain leaf needs only the attribute and its type's output coercion. This execution context
(strawberry's, with one method overridden) takes that shortcut for fields that are "basic" in
strawberry's own sense (no resolver, no extensions, no arguments), and only when the value is
ordinary: a null, an exception or a value the type refuses goes the standard way, which then
reports the error exactly as before. tests/test_fast_leaves.py checks that both paths answer
the same JSON for rich documents.
"""

from functools import cached_property
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from portcullis.graphql_internals import FieldShortcutContext

# (python attribute, leaf type, non-null) of a plain leaf field, or None for any other field.
PlainLeaf = tuple[str, GraphQLLeafType, bool] | None
_plain_leaves: dict[tuple[str, str], PlainLeaf] = {}


def plain_leaf(field: GraphQLField) -> PlainLeaf:
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if field.args or definition.python_name is None:
        return None
    non_null = isinstance(field.type, GraphQLNonNull)
    inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not is_leaf_type(inner):
        return None
    return definition.python_name, inner, non_null


def _leaf_of(parent_type: GraphQLObjectType, name: str) -> PlainLeaf:
    key = (parent_type.name, name)
    if key not in _plain_leaves:
        field = parent_type.fields.get(name)
        _plain_leaves[key] = plain_leaf(field) if field is not None else None
    return _plain_leaves[key]


class FastLeavesExecutionContext(FieldShortcutContext):
    """Plain leaves skip the resolver machinery; everything else is graphql-core's own."""

    def shortcut_value(self, parent_type: GraphQLObjectType, name: str, source: Any) -> Any:
        leaf = _leaf_of(parent_type, name) if self.shortcut else None
        if leaf is not None:
            attribute, leaf_type, non_null = leaf
            value = getattr(source, attribute, Undefined)
            if value is None and not non_null:
                return None
            if value is not None and value is not Undefined and not isinstance(value, Exception):
                coerced = leaf_type.coerce_output_value(value)
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return self.NO_SHORTCUT

    @cached_property
    def shortcut(self) -> bool:
        """Not when a schema extension wraps every resolver: it must see every field. Decided
        once per execution, not per field."""
        manager = getattr(self, "middleware_manager", None)
        return manager is None or not getattr(manager, "middlewares", None)
