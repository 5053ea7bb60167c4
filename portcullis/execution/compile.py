"""Compile an operation of a validated document into a plan (portcullis/execution/plan.py).

A plan depends on the operation (with its fragments) and the values of the variables that
@include and @skip read (they decide which fields are collected), nothing else; it is built
the first time that combination runs and kept with the operation's node, which the cache of
parsed documents (document_cache.py) hands to every request with the same query text. Fields
are collected by graphql-core's own `collect_fields`/`collect_subfields`, so fragments,
aliases, merged fields and directives group exactly as graphql-core groups them; abstract
types are compiled for each possible type.

What a plan does not cover makes `compile_operation` answer None and the whole request runs
through graphql-core: subscriptions, introspection (`__schema`, `__type`), @defer/@stream,
fragment arguments, and a selection graphql-core itself would refuse while collecting.
"""

import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from graphql import (
    BooleanValueNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    GraphQLBoolean,
    GraphQLError,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    IntValueNode,
    ListValueNode,
    Node,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    ValueNode,
    VariableNode,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution import get_argument_values
from graphql.language import visit
from graphql.language.visitor import Visitor

from portcullis.execution.plan import (
    AbstractCompletion,
    Completion,
    Field,
    LeafCompletion,
    ListCompletion,
    NonNullCompletion,
    ObjectCompletion,
    PlainLeaf,
    TypeName,
)
from portcullis.graphql_internals import (
    Executor,
    FieldDetailsList,
    operation_fields,
    plain_attribute,
    selection_fields,
)

log = logging.getLogger("portcullis.execution")
MAX_DOCUMENTS = 256  # as many as the cache of parsed documents keeps (document_cache.py)
# Plans kept per operation: one per combination of @include/@skip variables met. A client
# sending ever new combinations gets each compiled for its request, not kept.
MAX_PLANS = 16
_EXACT: dict[Any, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}
_INTROSPECTION = ("__schema", "__type")


class Unsupported(Exception):
    """A shape the plan does not cover: the request goes to graphql-core whole."""


class Plan:
    def __init__(self, root_type: GraphQLObjectType, fields: list[Field], serial: bool) -> None:
        self.root_type = root_type
        self.fields = fields
        self.serial = serial


class _OperationPlans:
    """The plans of one operation, and which variables its @include/@skip read."""

    def __init__(self, operation: OperationDefinitionNode, fragments: Sequence[Node]) -> None:
        self.operation = operation  # held, so that its id is not reused while cached
        self.directive_variables = _directive_variables([operation, *fragments])
        self.plans: dict[tuple[Any, ...], Plan | None] = {}


_operations: OrderedDict[int, _OperationPlans] = OrderedDict()


def plan_for(ex: Executor) -> Plan | None:
    """The plan of the executor's operation, compiled on first use; None when it is not
    covered. Keyed by the operation's node: the cache of parsed documents hands the same
    node to every request with the same query text."""
    operation = ex.operation
    entry = _operations.get(id(operation))
    if entry is None or entry.operation is not operation:
        fragments = list(ex.fragment_definitions.values())
        entry = _operations[id(operation)] = _OperationPlans(operation, fragments)
        if len(_operations) > MAX_DOCUMENTS:
            _operations.popitem(last=False)
    else:
        _operations.move_to_end(id(operation))
    coerced = ex.variable_values.coerced
    key = (id(ex.schema), *(coerced.get(name) for name in entry.directive_variables))
    if key in entry.plans:
        return entry.plans[key]
    plan = compile_operation(ex)
    if len(entry.plans) < MAX_PLANS:
        entry.plans[key] = plan
    return plan


def compile_operation(ex: Executor) -> Plan | None:
    try:
        return _Compiler(ex).operation()
    except (Unsupported, GraphQLError, RecursionError):
        return None
    except Exception:  # a bug of the compiler: graphql-core still answers the request
        log.exception(
            "could not compile operation %s", ex.operation.name and ex.operation.name.value
        )
        return None


class _Compiler:
    def __init__(self, ex: Executor) -> None:
        self.ex = ex
        self.schema = ex.schema

    def operation(self) -> Plan:
        ex, operation = self.ex, self.ex.operation
        kind = operation.operation
        root_type = self.schema.get_root_type(kind)
        if root_type is None or kind == OperationType.SUBSCRIPTION:
            raise Unsupported(kind)
        grouped, deferred, _ = operation_fields(
            self.schema, ex.fragments, ex.variable_values, root_type, operation, ex.hide_suggestions
        )
        if deferred:
            raise Unsupported("@defer")
        return Plan(root_type, self.fields(root_type, grouped), kind == OperationType.MUTATION)

    def fields(
        self, parent: GraphQLObjectType, grouped: dict[str, FieldDetailsList]
    ) -> list[Field]:
        return [
            field
            for response_name, details in grouped.items()
            if (field := self.field(parent, response_name, details)) is not None
        ]

    def field(
        self, parent: GraphQLObjectType, response_name: str, details: FieldDetailsList
    ) -> Field | None:
        node = details[0].node
        name = node.name.value
        if name in _INTROSPECTION:
            raise Unsupported(name)
        if any(d.fragment_variable_values is not None for d in details):
            raise Unsupported("fragment arguments")
        definition = self.schema.get_field(parent, name)
        if definition is None:
            return None  # graphql-core leaves it out of the answer too
        if name == "__typename":
            return TypeName(parent, response_name, definition, details, Completion())
        completion = self.completion(definition.type, details, parent.name, name)
        attribute = None if node.arguments else plain_attribute(definition)
        field: Field
        inner = definition.type
        nullable = not isinstance(inner, GraphQLNonNull)
        leaf = completion if nullable else getattr(completion, "inner", None)
        if attribute is not None and isinstance(leaf, LeafCompletion):
            field = PlainLeaf(
                parent, response_name, definition, details, completion, leaf=leaf, nullable=nullable
            )
        else:
            field = Field(parent, response_name, definition, details, completion)
        field.attribute = attribute
        if attribute is None and not _uses_variables(node):
            field.arguments = self.constant_arguments(field, node)
        return field

    def constant_arguments(self, field: Field, node: FieldNode) -> dict[str, Any] | None:
        """The coerced arguments when they are literals of immutable values; otherwise they are
        coerced per call, as graphql-core does (a resolver may keep or change what it gets)."""
        if not field.field.args and not node.arguments:
            return {}
        if not all(_immutable(argument.value) for argument in node.arguments or ()):
            return None
        try:
            values = get_argument_values(
                field.field, node, self.ex.variable_values, None, self.ex.hide_suggestions
            )
        except GraphQLError:
            return None  # reported per field, at run time, as graphql-core does
        if not all(isinstance(v, str | int | float | bool | type(None)) for v in values.values()):
            return None  # enum values and defaults of input types: per call
        return values

    def completion(
        self, type_: GraphQLOutputType, details: FieldDetailsList, parent: str, name: str
    ) -> Completion:
        if isinstance(type_, GraphQLNonNull):
            return NonNullCompletion(
                self.completion(type_.of_type, details, parent, name), parent, name
            )
        if isinstance(type_, GraphQLList):
            item = self.completion(type_.of_type, details, parent, name)
            return ListCompletion(type_, item, details, f"{parent}.{name}")
        if is_leaf_type(type_):
            return LeafCompletion(type_, _EXACT.get(type_))
        if is_abstract_type(type_):
            objects = {
                possible.name: self.object(possible, details)
                for possible in self.schema.get_possible_types(type_)
            }
            return AbstractCompletion(type_, objects, details)
        if is_object_type(type_):
            return self.object(type_, details)
        raise Unsupported(type_)

    def object(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> ObjectCompletion:
        ex = self.ex
        grouped, deferred, _ = selection_fields(
            self.schema,
            ex.fragments,
            ex.variable_values,
            ex.operation,
            object_type,
            details,
            ex.hide_suggestions,
        )
        if deferred:
            raise Unsupported("@defer")
        completion = ObjectCompletion(object_type, details)
        completion.fields = self.fields(object_type, grouped)
        return completion


def _immutable(value: ValueNode) -> bool:
    if isinstance(value, ListValueNode | ObjectValueNode | VariableNode):
        return False
    return isinstance(
        value,
        IntValueNode
        | FloatValueNode
        | StringValueNode
        | BooleanValueNode
        | NullValueNode
        | EnumValueNode,
    )


def _uses_variables(node: FieldNode) -> bool:
    found = False

    class Finder(Visitor):
        def enter_variable(self, *_: Any) -> None:
            nonlocal found
            found = True

    for argument in node.arguments or ():
        visit(argument, Finder())
    return found


def _directive_variables(nodes: Sequence[Node]) -> tuple[str, ...]:
    """The variables any @include or @skip of these nodes reads, in a fixed order."""
    names: set[str] = set()

    class Finder(Visitor):
        def enter_directive(self, node: Any, *_: Any) -> None:
            if node.name.value in ("include", "skip"):
                for argument in node.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names.add(argument.value.name.value)

    for node in nodes:
        visit(node, Finder())
    return tuple(sorted(names))


__all__ = ["OperationDefinitionNode", "Plan", "plan_for"]
