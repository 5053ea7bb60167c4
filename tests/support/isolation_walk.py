"""Reading deeply: queries that select every field of the schema, nested to DEPTH object
levels, made from the served schema itself, so that a field added later is read too.

A type already on the path is not entered again (its id is read instead), connections and
their edges do not count as levels, and a union is read through each of its members. Each
root is read one field at a time, so that a field the principal may not read (FORBIDDEN)
nulls only its own part of the answer.
"""

from collections.abc import Iterator

from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_required_argument,
)

from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema

DEPTH = 4
# Arguments of nested fields: required ones, and viewer.can's scope (A), which an account in
# two organizations must name.
ARGUMENTS = {("Viewer", "can"): '(feature: "view_users_in_organization", scopeId: $org)'}
VARIABLES = {"$id": "$id: ID!", "$org": "$org: ID"}
WRAPPERS = ("Connection", "Edge")


def _type(name: str) -> GraphQLObjectType:
    found = core_schema(schema).type_map[name]
    assert isinstance(found, GraphQLObjectType)
    return found


def selection(owner: GraphQLObjectType, path: tuple[str, ...] = ()) -> str:
    """Every field of `owner` this deep into `path`."""
    parts = []
    for name, field in owner.fields.items():
        arguments = ARGUMENTS.get((owner.name, name), "")
        required = [a for a, arg in field.args.items() if is_required_argument(arg)]
        assert arguments or not required, f"{owner.name}.{name} needs ARGUMENTS"
        inner = _inner(get_named_type(field.type), path)
        if inner is None:
            parts.append(f"{name}{arguments}")
        elif inner:
            parts.append(f"{name}{arguments} {{ {inner} }}")
    return " ".join(parts)


def _inner(named: GraphQLNamedType, path: tuple[str, ...]) -> str | None:
    """The selection under a field of this type; None for a leaf."""
    if isinstance(named, GraphQLUnionType):
        members = " ".join(f"... on {m.name} {{ {_inner(m, path)} }}" for m in named.types)
        return f"__typename {members}"
    if isinstance(named, GraphQLInterfaceType):
        return "id __typename"
    if not isinstance(named, GraphQLObjectType):
        return None
    if named.name.endswith(WRAPPERS) or named.name == "PageInfo":
        return selection(named, path)
    if named.name in path or len(path) >= DEPTH:
        return "id" if "id" in named.fields else ""
    return selection(named, (*path, named.name))


def one_field_at_a_time(root: str, type_name: str) -> Iterator[str]:
    """A query per field of `type_name`, read under `root` (like `organization(id: $id)`)."""
    owner = _type(type_name)
    for name in owner.fields:
        single = GraphQLObjectType(type_name, {name: owner.fields[name]})
        fields = selection(single, (type_name,))
        spread = f"... on {type_name} {{ {fields} }}" if root.startswith("node") else fields
        body = f"{{ {root} {{ __typename {spread} }} }}"
        declared = ", ".join(v for name, v in VARIABLES.items() if name in body)
        yield f"query ({declared}) {body}" if declared else f"query {body}"
