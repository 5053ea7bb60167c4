"""Every client-facing type, field, argument and enum value of the served schema has a
description (docs/api-conventions.md): an admin console or an integrator reads the schema, not
the resolvers. The schema is read back from the SDL it serves, as a client's tooling sees it."""

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    build_schema,
    specified_scalar_types,
)

from schema.snapshot import current_sdl

Described = GraphQLNamedType | GraphQLField | GraphQLArgument | GraphQLInputField | GraphQLEnumValue


def elements(sdl: str) -> list[tuple[str, Described]]:
    """Each type, field, argument, input field and enum value with its path, `Type.field(arg)`;
    introspection types and the built-in scalars belong to GraphQL, not to this API."""
    found: list[tuple[str, Described]] = []
    for name, named in build_schema(sdl).type_map.items():
        if name.startswith("__") or name in specified_scalar_types:
            continue
        found.append((name, named))
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                found.append((f"{name}.{field_name}", field))
                found += [(f"{name}.{field_name}({a})", arg) for a, arg in field.args.items()]
        elif isinstance(named, GraphQLInputObjectType):
            found += [(f"{name}.{f}", field) for f, field in named.fields.items()]
        elif isinstance(named, GraphQLEnumType):
            found += [(f"{name}.{v}", value) for v, value in named.values.items()]
    return found


def undescribed(sdl: str) -> list[str]:
    return [path for path, element in elements(sdl) if not (element.description or "").strip()]


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = undescribed(current_sdl())
    assert not missing, f"{len(missing)} without a description:\n" + "\n".join(missing)


def test_the_walk_finds_what_lacks_a_description() -> None:
    sdl = """
        "A thing." type Query { "Described." a(x: Int): T  b: Int }
        "" type T { "  " c: E }
        enum E { "Described." ON  OFF }
        input I { d: Int }
    """
    assert undescribed(sdl) == ["Query.a(x)", "Query.b", "T", "T.c", "E", "E.OFF", "I", "I.d"]
