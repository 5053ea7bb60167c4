"""What the query asks for under the field being resolved, read from the document itself.

Resolvers use it to read ahead only what will be used (a user's product instances and groups
for `productAccess { productInstance sources { group } }`) and to skip work that is not asked
for (totalCount, accessDiff). It walks the field's AST nodes, through fragments, without
building strawberry's selected_fields objects for the whole subtree.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionNode

from portcullis.graphql_internals import resolve_info


def _fields(info: Any, selections: Iterable[SelectionNode]) -> Iterator[FieldNode]:
    for selection in selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(info, selection.selection_set.selections)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info.fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(info, fragment.selection_set.selections)


def asks(info: Any, *path: str) -> bool:
    """Whether the query selects `path` (field names, outermost first) under this field."""
    raw = resolve_info(info)
    level: list[FieldNode] = list(raw.field_nodes)
    for name in path:
        level = [
            child
            for node in level
            if node.selection_set is not None
            for child in _fields(raw, node.selection_set.selections)
            if child.name.value == name
        ]
        if not level:
            return False
    return True
