"""What the differential tests share: the corpus of documents, variables for them, and one
request answered by both executors (portcullis/execution/planned.py).

The corpus is every query document the project writes down: each string in tests/**/*.py and
bench/queries.py that parses as a GraphQL query and fits the schema, the admin console's
persisted documents, and the ```graphql blocks of README.md and docs/. Mutations are left out:
the two executors answer one after the other on the same data, which a mutation would change.
"""

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    OperationDefinitionNode,
    OperationType,
    parse,
    print_ast,
    type_from_ast,
    validate,
)

from portcullis.execution.planned import GraphQLCoreExecutor, PlanExecutor
from portcullis.execution.schema import schema
from portcullis.graphql_internals import core_schema
from portcullis.settings import CONSOLE_MANIFEST
from tests.support.fuzz_support import FuzzWorld
from tests.support.fuzz_values import RealValues
from tests.support.graphql_client import GraphQLClient

ROOT = Path(__file__).resolve().parents[2]
_GRAPHQL_BLOCK = re.compile(r"```graphql\n(.*?)```", re.DOTALL)


def corpus() -> list[str]:
    """Every distinct query document written down in the project, in a fixed order."""
    texts: list[str] = []
    for path in sorted([*ROOT.glob("tests/**/*.py"), ROOT / "bench" / "queries.py"]):
        texts.extend(_strings(path))
    manifest = json.loads(CONSOLE_MANIFEST.read_text("utf-8"))
    texts.extend(sorted(manifest.values()))
    for path in sorted([ROOT / "README.md", *ROOT.glob("docs/*.md")]):
        texts.extend(_GRAPHQL_BLOCK.findall(path.read_text("utf-8")))
    found: dict[str, None] = {}
    for text in texts:
        if _is_query(text):
            found.setdefault(text, None)
    return list(found)


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value
    ]


def _is_query(text: str) -> bool:
    try:
        document = parse(text)
    except GraphQLError:
        return False
    if validate(core_schema(schema), document):
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return len(operations) == 1 and operations[0].operation == OperationType.QUERY


def variables_for(text: str, values: RealValues) -> dict[str, Any]:
    """A value for each variable of the document: a real one where its name says what it is
    (tests/support/fuzz_values.py), else one of its type."""
    document: DocumentNode = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    variables: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        type_ = type_from_ast(core_schema(schema), definition.type)
        variables[name] = _value(name, type_, values)  # type: ignore[arg-type]
    return variables


_ALIASES = {"org": "organizationId", "user": "userId", "instance": "productInstanceId"}


def _value(name: str, type_: GraphQLInputType, values: RealValues) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return _value(name, type_.of_type, values)
    if isinstance(type_, GraphQLList):
        return [_value(name, type_.of_type, values)]
    real = values.for_name(_ALIASES.get(name, name))
    if real is not None:
        return real
    if isinstance(type_, GraphQLEnumType):
        return values.random.choice(sorted(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            field_name: _value(field_name, field.type, values)
            for field_name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
    return _scalar(getattr(type_, "name", ""), values)


def _scalar(name: str, values: RealValues) -> Any:
    if name == "ID":
        return values.global_id(("User", "Group", "Site", "ProductInstance"))
    if name == "Int":
        return values.random.choice([0, 1, 5, 20])
    if name == "Boolean":
        return values.random.random() < 0.5
    if name == "String":
        return values.random.choice(["a", "ada", "engineering", ""])
    return None


@dataclass
class Answers:
    plan: Any
    graphql_core: Any

    @property
    def same(self) -> bool:
        return bool(self.plan == self.graphql_core)


async def both(
    api: GraphQLClient, text: str, variables: dict[str, Any], token: str | None
) -> Answers:
    """The same request answered by graphql-core's executor, then by the plan."""
    previous = schema.execution_context_class
    try:
        schema.execution_context_class = GraphQLCoreExecutor
        standard = await api(text, variables, token)
        schema.execution_context_class = PlanExecutor
        planned = await api(text, variables, token)
    finally:
        schema.execution_context_class = previous
    return Answers(_comparable(planned.body), _comparable(standard.body))


def _comparable(body: dict[str, Any]) -> str:
    """The body as JSON, with each masked error's request id (new per request) left out, and
    the errors in a fixed order: graphql-core reports errors as their fields finish, so errors
    of sibling fields that wait on the database come in the order the database answers, which
    differs between two runs of graphql-core itself (tests/execution/test_plan_semantics.py checks
    the
    order where it is determined)."""
    errors = body.get("errors") or []
    for error in errors:
        (error.get("extensions") or {}).pop("requestId", None)
    if errors:
        body["errors"] = sorted(errors, key=lambda error: json.dumps(error, sort_keys=True))
    return json.dumps(body)


def credentials(world: FuzzWorld, api_key: str) -> list[str | None]:
    """Every demo credential, and none."""
    return [*world.tokens.values(), api_key, None]


def random_values(world: FuzzWorld, seed: int) -> RealValues:
    own, foreign = world.ids_for("alice@acme.example")
    return RealValues(own, foreign, Random(seed))


__all__ = ["Answers", "both", "corpus", "credentials", "print_ast", "variables_for"]
