"""The second pass of the schemathesis fuzz: real values in generated GraphQL documents.

schemathesis fills an `ID` with any string, so nearly every request stops at id decoding
(BAD_USER_INPUT) and no resolver behind it runs. This pass rewrites most id arguments to ids of
the seeded objects, of the type the argument names; some to an id of the other organization
(foreign), of another type, or of nothing. It also rewrites most product roles, product keys,
features, emails, domains, audit actions, page sizes and cursors to values the service knows.
What it leaves alone keeps schemathesis's values, so refusals are fuzzed too.
"""

import dataclasses
from pathlib import Path
from random import Random
from typing import Any, TypeVar

import yaml
from graphql import (
    ArgumentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    ObjectFieldNode,
    StringValueNode,
    ValueNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from hypothesis import strategies as st

import models
from permissions.matrix import MATRIX
from schema.connections import encode_cursor
from schema.ids import NODE_TYPES, encode
from tests.support.fuzz_support import FuzzWorld, Ids

# The node types an id argument names (API.md's input fields and arguments), by argument name
# or by `field.argument`.
ID_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "organization.id": ("Organization",),
    "organizationId": ("Organization",),
    "siteId": ("Site",),
    "productInstanceId": ("ProductInstance",),
    "userId": ("User",),
    "userIds": ("User",),
    "groupId": ("Group",),
    "groupIds": ("Group",),
    "scopeId": ("Organization", "Site", "ProductInstance"),
    "apiKeyId": ("ApiKey",),
    "scimTokenId": ("ScimToken",),
    "requestId": ("AccessRequest",),
    "id": tuple(sorted(NODE_TYPES)),
}
NOWHERE = [encode("User", 999_999), encode("Group", 2**40), encode("Site", 0), "bm90LWFuLWlk"]
REWRITE = 0.85  # the share of known arguments given a real value; the rest stay random

_CATALOG = yaml.safe_load((Path(models.__file__).parent / "catalog.yaml").read_text("utf-8"))
WORDS: dict[str, list[str]] = {
    "role": [*sorted(_CATALOG["roles"]), "NOT_A_ROLE"],
    "productKey": [*(p["key"] for p in _CATALOG["products"]), "no-such-product"],
    "feature": [*sorted(MATRIX.feature_ids()), "no_such_feature"],
    "email": [
        "newcomer@acme.example",
        "dana@acme.example",
        "carl@customer.example",
        "someone@partner.example",
        "olivia@globex.example",
    ],
    "domain": ["partner.example", "acme.example", "Example.COM", "localhost", "10.0.0.1"],
    "action": ["user.invite", "group.create", "admin_role.assign", "product.add"],
    "after": [encode_cursor(pk) for pk in (0, 1, 3, 40, 2**31 - 1)],
}


# What a real value may replace: an ID literal is a string or an integer.
FITS: dict[type[ValueNode], tuple[type[ValueNode], ...]] = {
    StringValueNode: (StringValueNode, IntValueNode),
    IntValueNode: (IntValueNode,),
    ListValueNode: (ListValueNode,),
}
Field = TypeVar("Field", ArgumentNode, ObjectFieldNode)
LISTS = {"userIds": "userId", "groupIds": "groupId", "roles": "role"}  # plural -> one item


@dataclasses.dataclass(frozen=True)
class RealValues:
    """Real values by argument name, for one request of one admin (whose objects are `own`)."""

    own: Ids
    foreign: Ids
    random: Random

    @staticmethod
    def knows(name: str) -> bool:
        return name in LISTS or name in ID_ARGUMENTS or name in WORDS or name == "first"

    def for_name(self, name: str) -> Any:
        """A real value for an argument or input field of that name; None if none is known."""
        if name in LISTS:
            return [self.for_name(LISTS[name]) for _ in range(self.random.randint(1, 3))]
        if name in ID_ARGUMENTS:
            return self.global_id(ID_ARGUMENTS[name])
        if name == "first":
            return self.random.choice([0, 1, 2, 5, 50, 100])
        if name in WORDS:
            return self.random.choice(WORDS[name])
        return None

    def global_id(self, types: tuple[str, ...]) -> str:
        """Mostly the admin's own objects of the named type; sometimes foreign, another type's,
        or nobody's."""
        draw = self.random.random()
        others = tuple(sorted(NODE_TYPES - set(types)))
        pools = [(0.75, self.own, types), (0.87, self.foreign, types), (0.95, self.own, others)]
        for threshold, ids, kinds in pools:
            found = [i for kind in kinds for i in ids.get(kind, [])]
            if draw < threshold and found:
                return self.random.choice(found)
        return self.random.choice(NOWHERE)


@dataclasses.dataclass
class Rewriter(Visitor):
    """Rewrites most known argument and input-field values of a document to real ones."""

    values: RealValues

    def __post_init__(self) -> None:
        super().__init__()

    def enter_argument(
        self, node: ArgumentNode, _key: Any, _parent: Any, _path: Any, ancestors: list[Any]
    ) -> ArgumentNode | None:
        qualified = f"{ancestors[-1].name.value}.{node.name.value}"  # organization.id
        name = qualified if qualified in ID_ARGUMENTS else node.name.value
        return self.rewritten(node, name)

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> ObjectFieldNode | None:
        return self.rewritten(node, node.name.value)

    def rewritten(self, node: Field, name: str) -> Field | None:
        if isinstance(node.value, NullValueNode) or self.values.random.random() > REWRITE:
            return None
        real = self.values.for_name(name)
        new = None if real is None else value_node(real)
        if new is None or not isinstance(node.value, FITS[type(new)]):
            return None  # unknown, or of another kind (AssignAdminRoleInput.role is an enum)
        return dataclasses.replace(node, value=new)


def value_node(value: str | int | list[Any]) -> ValueNode:
    if isinstance(value, list):
        return ListValueNode(values=tuple(value_node(item) for item in value))
    if isinstance(value, int):
        return IntValueNode(value=str(value))
    return StringValueNode(value=value)


def weighted(*choices: tuple[st.SearchStrategy[Any], int]) -> st.SearchStrategy[Any]:
    """One of the strategies, each as often as its weight (st.one_of ignores repeats)."""
    pool = [strategy for strategy, weight in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def realistic(document: str, world: FuzzWorld, admin: str, random: Random) -> str:
    """The document with real values for `admin` (whose organization's objects are own)."""
    own, foreign = world.ids_for(admin)
    return print_ast(visit(parse(document), Rewriter(RealValues(own, foreign, random))))
