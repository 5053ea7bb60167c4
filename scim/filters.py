"""SCIM filters (RFC 7644 §3.4.2.2), parsed by scim2-models, translated into one ORM query:
each attribute maps to an indexed column, so `userName eq "x"` at 100,000 accounts is a lookup.

Supported: eq, ne, co, sw, ew, pr, and, or, not, on the attributes of USER_FIELDS and
GROUP_FIELDS. Anything else (another attribute, gt/ge/lt/le, a value selection) is 400
invalidFilter rather than a guess."""

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError
from scim2_models import SCIMException, ScimFilter
from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterNode,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)
from tortoise.expressions import Q

from models.enums import UserStatus
from scim.errors import ScimError

_LOOKUP = {
    CompareOperator.eq: "",
    CompareOperator.co: "__contains",
    CompareOperator.sw: "__startswith",
    CompareOperator.ew: "__endswith",
}


@dataclass(frozen=True)
class Column:
    """Where an attribute lives: a column (text kept lower-cased when `lower`), or a function
    that builds the condition itself."""

    name: str = ""
    lower: bool = False
    case_exact: bool = False
    build: Callable[[CompareOperator, object], Q] | None = None
    present: Q | None = None

    def compare(self, op: CompareOperator, value: object) -> Q:
        if self.build is not None:
            return self.build(op, value)
        if op is CompareOperator.ne:
            return ~self.compare(CompareOperator.eq, value)
        if op not in _LOOKUP or not isinstance(value, str):
            raise invalid(f"'{op.value}' is not supported on this attribute.")
        text = value.lower() if self.lower else value
        plain = self.lower or self.case_exact
        lookup = _LOOKUP[op] if plain else _LOOKUP[op].replace("__", "__i") or "__iexact"
        return Q(**{f"{self.name}{lookup}": text})


def invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidFilter")


def _active(op: CompareOperator, value: object) -> Q:
    if op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(value, bool):
        raise invalid("'active' takes eq or ne with true or false.")
    return (
        Q(status=UserStatus.ACTIVE)
        if (op is CompareOperator.eq) == value
        else ~Q(status=UserStatus.ACTIVE)
    )


def _number(name: str) -> Callable[[CompareOperator, object], Q]:
    def build(op: CompareOperator, value: object) -> Q:
        if op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(value, str):
            raise invalid(f"'{name}' takes eq or ne with an id.")
        pk = int(value) if value.isdigit() and len(value) < 10 else 0  # an id no row has
        found = Q(**{name: pk})  # type: ignore[arg-type]  # Tortoise types Q's kwargs loosely
        return found if op is CompareOperator.eq else ~found

    return build


def _user_name(op: CompareOperator, value: object) -> Q:
    """userName is what the identity provider gave (scim_user.user_key, lower-cased), or the
    email of a user it never named (invited through GraphQL)."""
    given = Column("scim__user_key", lower=True).compare(op, value)
    fallback = Q(scim__id__isnull=True) & Column("account__email", lower=True).compare(op, value)
    return given | fallback


USER_FIELDS: dict[str, Column] = {
    "id": Column(build=_number("id")),
    "username": Column(build=_user_name, present=Q(id__gt=0)),
    "externalid": Column(
        "scim__external_id", case_exact=True, present=Q(scim__external_id__isnull=False)
    ),
    "emails": Column("account__email", lower=True, present=Q(id__gt=0)),
    "emails.value": Column("account__email", lower=True, present=Q(id__gt=0)),
    "displayname": Column("account__display_name", present=Q(id__gt=0)),
    "active": Column(build=_active, present=Q(id__gt=0)),
}
GROUP_FIELDS: dict[str, Column] = {
    "id": Column(build=_number("id")),
    "displayname": Column("name", present=Q(id__gt=0)),
    "externalid": Column(
        "scim__external_id", case_exact=True, present=Q(scim__external_id__isnull=False)
    ),
    "members": Column(build=_number("memberships__user_id")),
    "members.value": Column(build=_number("memberships__user_id")),
}


class _ToQuery(FilterVisitor[Q]):
    def __init__(self, fields: dict[str, Column], schema: str) -> None:
        self.fields, self.schema = fields, schema.lower()

    def column(self, node: Comparison | Present) -> Column:
        path = node.attr_path
        if path.uri is not None and path.uri.lower() != self.schema:
            raise invalid(f"'{path}' is not an attribute of this resource.")
        name = f"{path.attr}.{path.sub_attr}" if path.sub_attr else path.attr
        column = self.fields.get(name.lower())
        if column is None:
            raise invalid(f"Filtering on '{path}' is not supported.")
        return column

    def visit_comparison(self, node: Comparison) -> Q:
        return self.column(node).compare(node.op, node.value)

    def visit_present(self, node: Present) -> Q:
        present = self.column(node).present
        if present is None:
            raise invalid(f"'{node.attr_path} pr' is not supported.")
        return present

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        terms = [self.visit(term) for term in node.terms]
        joined = terms[0]
        for term in terms[1:]:
            joined = joined & term if node.op is LogicalOperator.and_ else joined | term
        return joined

    def visit_value_path(self, node: ValuePath) -> Q:
        raise invalid(f"Value selections like '{node}' are not supported in a filter.")


def to_query(text: str, fields: dict[str, Column], schema: str) -> Q:
    """The filter as a condition on the resource's rows; 400 invalidFilter when it does not
    parse or names what this endpoint cannot filter on."""
    try:
        tree: FilterNode = ScimFilter(text).ast
    except (SCIMException, ValidationError, ValueError) as error:
        raise invalid(f"The filter does not parse: {error}") from None
    return _ToQuery(fields, schema).visit(tree)
