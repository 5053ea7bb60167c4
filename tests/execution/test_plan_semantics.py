"""The plan (portcullis/execution/) against graphql-core on a small schema built to fail: the
error paths the seeded data rarely takes (tests/execution/test_differential.py runs the real
schema).

Non-null fields that raise or return null, in lists and in objects, synchronously and after an
await, beside siblings that wait; abstract types; values a scalar or enum refuses; arguments
from variables; serial mutations. Each document's answer (data and errors, in order, with
messages, paths and locations) must be the same from both executors.
"""

import asyncio
import enum
import json
from typing import Annotated, Any

import strawberry

from portcullis.execution.planned import GraphQLCoreExecutor, PlanExecutor


@strawberry.enum
class Mood(enum.Enum):
    CALM = "calm"
    CROSS = "cross"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Cat(Named):
    lives: int


@strawberry.type
class Dog(Named):
    good: bool


Pet = Annotated[Cat | Dog, strawberry.union("Pet")]


@strawberry.type
class Item:
    index: int
    label: str | None
    mood: Mood | None

    @strawberry.field
    def strict(self) -> str:
        if self.index % 3 == 1:
            raise ValueError(f"strict {self.index} fails")
        return f"s{self.index}"

    @strawberry.field
    async def later(self) -> str | None:
        await asyncio.sleep(0)
        if self.index % 4 == 2:
            raise ValueError(f"later {self.index} fails")
        return f"l{self.index}"

    @strawberry.field
    async def later_strict(self) -> str:
        await asyncio.sleep(0)
        if self.index == 5:
            raise ValueError("later_strict 5 fails")
        return "ok"

    @strawberry.field
    def nothing(self) -> str:
        return None  # type: ignore[return-value]  # graphql-core must report the null

    @strawberry.field
    def child(self) -> "Item | None":
        return Item(index=self.index + 10, label=None, mood=None) if self.index < 20 else None

    @strawberry.field
    async def children(self, count: int = 2) -> list["Item"]:
        await asyncio.sleep(0)
        return [Item(index=self.index * 10 + i, label="c", mood=Mood.CALM) for i in range(count)]


def _items(count: int) -> list[Item]:
    moods: list[Any] = [Mood.CALM, Mood.CROSS, None, "not a mood"]
    return [Item(index=i, label=f"i{i}", mood=moods[i % 4]) for i in range(count)]


@strawberry.type
class Query:
    @strawberry.field
    def items(self, count: int = 6) -> list[Item]:
        return _items(count)

    @strawberry.field
    def strict_items(self, count: int = 6) -> list[Item | None]:
        items: list[Item | None] = [*_items(count)]
        return items

    @strawberry.field
    async def async_items(self, count: int = 6) -> list[Item] | None:
        await asyncio.sleep(0)
        return _items(count)

    @strawberry.field
    def pets(self) -> list[Pet]:
        return [Cat(name="tom", lives=9), Dog(name="rex", good=True)]

    @strawberry.field
    def named(self) -> list[Named]:
        return [Dog(name="fido", good=False), Cat(name="kit", lives=3)]

    @strawberry.field
    def number(self) -> int | None:
        return 2**40  # Int refuses it

    @strawberry.field
    def not_a_list(self) -> list[int] | None:
        return 3  # type: ignore[return-value]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def first(self) -> str:
        await asyncio.sleep(0)
        return "first"

    @strawberry.mutation
    def second(self) -> str | None:
        raise ValueError("second fails")


DOCUMENTS = [
    "{ items { index label mood strict } }",
    "{ items { index later } }",
    "{ strictItems { index strict later } }",
    "{ strictItems { index laterStrict later child { index strict } } }",
    "{ asyncItems(count: 8) { index laterStrict } }",
    "{ asyncItems { index nothing } }",
    "{ items(count: 3) { children(count: 3) { index strict later children { index later } } } }",
    "{ strictItems { child { child { strict } } } number }",
    "{ pets { __typename ... on Cat { name lives } ... on Dog { name good } } }",
    "{ named { name __typename ... on Dog { good } } }",
    "{ a: items(count: 2) { i: index } b: items(count: 1) { index label } notAList }",
    "query Q($n: Int!, $yes: Boolean!) { items(count: $n) { index @include(if: $yes) "
    "label @skip(if: $yes) ...F } } fragment F on Item { mood later }",
    "mutation { first second }",
]
VARIABLES = {"n": 5, "yes": False}

schema = strawberry.Schema(query=Query, mutation=Mutation)


async def _answer(document: str, executor: type) -> str:
    schema.execution_context_class = executor
    result = await schema.execute(document, variable_values=VARIABLES)
    errors = [error.formatted for error in result.errors or []]
    return json.dumps({"data": result.data, "errors": errors})


async def test_the_plan_answers_as_graphql_core() -> None:
    answers = []
    for document in DOCUMENTS:
        planned = await _answer(document, PlanExecutor)
        assert planned == await _answer(document, GraphQLCoreExecutor), document
        answers.append(json.loads(planned))
    assert sum(bool(a["errors"]) for a in answers) >= 9, "the documents must fail in places"
    assert sum(a["data"] is not None for a in answers) >= 8, "and answer in others"
