"""What a query document asks for, measured once per query text (README, Security).

A shape holds the operation's depth, its aliases and a plan for estimating how many nodes it can
return, in the manner of GitHub's node limit: a connection returns `first` (or `last`) nodes per
parent (DEFAULT_FIRST when both are left out), a plain list of objects
(`User.productAccess`, `adminRoles`) LIST_ESTIMATE per parent, and a list's nodes multiply
every list below it; the estimate is the sum over every list of the query. Only the values of
variables (`first: $first`) differ between requests, so the plan keeps their names and is
evaluated per request in time linear in its size.

Named fragments are measured once and shared by reference, so a document that spreads
fragments into fragments costs time linear in its text, however many times the spreads
multiply; the counts multiply instead, and such a document is refused as too large.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
)

from schema.connections import DEFAULT_FIRST, MAX_FIRST

LIST_ESTIMATE = 10  # items assumed per parent for a plain list of objects (not a connection)
MAX_CACHED = 512  # distinct (query, operation) shapes kept; a flood of new texts resets it


@dataclass(frozen=True)
class Size:
    """How many items a list returns per parent: `fixed`, or the first of the request's
    `$variables` (a connection's `$first`, then `$last`) that gives an integer (clamped to
    0..MAX_FIRST, the most a connection returns)."""

    fixed: int
    variables: tuple[str, ...] = ()

    def value(self, variables: Mapping[str, Any]) -> int:
        for name in self.variables:
            given = variables.get(name)
            if isinstance(given, int) and not isinstance(given, bool):
                return _clamp(given)
        return self.fixed


@dataclass(frozen=True)
class Term:
    """A list (`size`) or a single object or fragment (`size` None) with the lists under it."""

    size: Size | None
    children: tuple["Term", ...]


@dataclass(frozen=True)
class Shape:
    depth: int
    aliases: int
    plan: tuple[Term, ...]

    def nodes(self, variables: Mapping[str, Any] | None) -> int:
        return _nodes(self.plan, variables or {}, {})


_EMPTY = Shape(0, 0, ())


def _nodes(plan: tuple[Term, ...], variables: Mapping[str, Any], seen: dict[int, int]) -> int:
    """Memoized by identity: a fragment's plan is one object however often it is spread."""
    if id(plan) in seen:
        return seen[id(plan)]
    total = 0
    for term in plan:
        inner = _nodes(term.children, variables, seen)
        if term.size is None:
            total += inner
        else:
            count = term.size.value(variables)
            total += count + count * inner
    seen[id(plan)] = total
    return total


_shapes: dict[tuple[GraphQLSchema, str, str | None], Shape | None] = {}


def shape_of(
    schema: GraphQLSchema, query: str, document: DocumentNode, operation_name: str | None
) -> Shape | None:
    """The shape of the operation that runs (None when the document names no such operation).

    Cached by query text: the same text always parses to the same document."""
    key = (schema, query, operation_name)
    if key not in _shapes:
        if len(_shapes) >= MAX_CACHED:
            _shapes.clear()
        operation = get_operation_ast(document, operation_name)
        _shapes[key] = None if operation is None else _Measure(schema, document, operation).run()
    return _shapes[key]


def _is_connection(type_: GraphQLNamedType | None) -> bool:
    return isinstance(type_, GraphQLObjectType) and {"edges", "pageInfo"} <= type_.fields.keys()


class _Measure:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.defaults = {
            definition.variable.name.value: int(definition.default_value.value)
            for definition in operation.variable_definitions or ()
            if isinstance(definition.default_value, IntValueNode)
        }
        self.measured: dict[str, Shape] = {}
        self.open: set[str] = set()  # fragments being measured: a cycle counts as nothing

    def run(self) -> Shape:
        root = self.schema.get_root_type(self.operation.operation)
        return self.selections(self.operation.selection_set, root)

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None) -> Shape:
        parts = [self.selection(selection, parent) for selection in selection_set.selections]
        return Shape(
            depth=max((part.depth for part in parts), default=0),
            aliases=sum(part.aliases for part in parts),
            plan=tuple(term for part in parts for term in part.plan),
        )

    def selection(self, selection: SelectionNode, parent: GraphQLNamedType | None) -> Shape:
        if isinstance(selection, FieldNode):
            return self.field(selection, parent)
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = self.schema.get_type(condition.name.value) if condition else parent
            return _wrapped(self.selections(selection.selection_set, inner))
        if isinstance(selection, FragmentSpreadNode):
            return _wrapped(self.fragment(selection.name.value))
        return _EMPTY

    def fragment(self, name: str) -> Shape:
        definition = self.fragments.get(name)
        if definition is None or name in self.open:
            return _EMPTY
        if name not in self.measured:
            self.open.add(name)
            inner = self.schema.get_type(definition.type_condition.name.value)
            self.measured[name] = self.selections(definition.selection_set, inner)
            self.open.discard(name)
        return self.measured[name]

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Shape:
        alias = 1 if node.alias else 0
        found = (
            self.schema.get_field(parent, node.name.value) if is_composite_type(parent) else None
        )
        if found is None or node.selection_set is None:
            return Shape(1, alias, ())
        inner = self.selections(node.selection_set, get_named_type(found.type))
        size = self.size(node, found, parent)
        plan = inner.plan if size is None else (Term(size, inner.plan),)
        return Shape(1 + inner.depth, alias + inner.aliases, plan)

    def size(
        self, node: FieldNode, found: GraphQLField, parent: GraphQLNamedType | None
    ) -> Size | None:
        """A connection's `first`; LIST_ESTIMATE for a plain list; None for one object, and for
        a connection's edges (its `first` counted them already)."""
        if _is_connection(get_named_type(found.type)) and "first" in found.args:
            return self.first(node, found)
        if not is_list_type(get_nullable_type(found.type)) or _is_connection(parent):
            return None
        return Size(LIST_ESTIMATE)

    def first(self, node: FieldNode, found: GraphQLField) -> Size:
        """`first`, else `last` (a backward page), else the default page (DEFAULT_FIRST)."""
        given = {a.name.value: a.value for a in node.arguments or ()}
        fixed: int | None = None
        names: list[str] = []
        for argument in ("first", "last"):
            value = given.get(argument)
            if isinstance(value, IntValueNode) and fixed is None:
                fixed = int(value.value)
            elif isinstance(value, VariableNode):
                names.append(value.name.value)
                if fixed is None and value.name.value in self.defaults:
                    fixed = self.defaults[value.name.value]
        return Size(_clamp(DEFAULT_FIRST if fixed is None else fixed), tuple(names))


def _clamp(first: int) -> int:
    """`first` beyond 0..MAX_FIRST is refused when the field runs; it never returns more."""
    return min(max(first, 0), MAX_FIRST)


def _wrapped(shape: Shape) -> Shape:
    """A fragment's lists as one term, so its plan stays shared rather than copied."""
    plan = (Term(None, shape.plan),) if shape.plan else ()
    return Shape(shape.depth, shape.aliases, plan)
