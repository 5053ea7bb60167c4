"""SCIM filters (RFC 7644 §3.4.2.2), parsed by scim2-models, translated into one ORM query.

`userName eq "x"` is what identity providers send most (before each create); a userName is
either what the identity provider gave (scim_user.user_key) or, for a user it never named, the
email. Rather than an OR across two joined tables, which no index serves, the userNames of a
filter are first turned into user ids with two indexed statements, whatever the directory's size.

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

from models.directory import OrgUser
from models.enums import UserStatus
from models.provisioning import ScimUser
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
    """co, sw, ew (eq and ne are looked up first: _ToQuery.visit_comparison)."""
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


USER_NAME = USER_FIELDS["username"]


class _ToQuery(FilterVisitor[Q]):
    def __init__(
        self, fields: dict[str, Column], schema: str, user_ids: dict[str, list[int]]
    ) -> None:
        self.fields, self.schema, self.user_ids = fields, schema.lower(), user_ids

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
        column = self.column(node)
        if column is USER_NAME and _exact(node):
            ids = self.user_ids.get(str(node.value).lower()) or [0]  # 0: no row has it
            found = Q(id__in=ids)
            return found if node.op is CompareOperator.eq else ~found
        return column.compare(node.op, node.value)

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


def _exact(node: Comparison) -> bool:
    named = node.attr_path.attr.lower() == "username" and node.attr_path.sub_attr is None
    exact = node.op in (CompareOperator.eq, CompareOperator.ne)
    return named and exact and isinstance(node.value, str)


def _user_names(node: FilterNode) -> set[str]:
    """The userNames a filter compares with eq or ne."""
    if isinstance(node, Comparison):
        return {str(node.value).lower()} if _exact(node) else set()
    if isinstance(node, Not):
        return _user_names(node.expr)
    if isinstance(node, LogicalExpr):
        return set().union(*(_user_names(term) for term in node.terms))
    return set()


async def _user_ids(keys: set[str], organization_id: int) -> dict[str, list[int]]:
    """Two indexed statements: (organization_id, user_key), then account.email."""
    found: dict[str, list[int]] = {}
    if not keys:
        return found
    named = ScimUser.filter(organization_id=organization_id, user_key__in=sorted(keys))
    for key, pk in await named.values_list("user_key", "user_id"):
        found.setdefault(str(key), []).append(int(pk))
    unnamed = OrgUser.filter(
        organization_id=organization_id, account__email__in=sorted(keys), scim__id__isnull=True
    )
    for email, pk in await unnamed.values_list("account__email", "id"):
        found.setdefault(str(email), []).append(int(pk))
    return found


async def to_query(text: str, fields: dict[str, Column], schema: str, organization_id: int) -> Q:
    """The filter as a condition on the resource's rows; 400 invalidFilter when it does not
    parse or names what this endpoint cannot filter on."""
    try:
        tree: FilterNode = ScimFilter(text).ast
    except (SCIMException, ValidationError, ValueError) as error:
        raise invalid(f"The filter does not parse: {error}") from None
    keys = _user_names(tree) if fields is USER_FIELDS else set()
    user_ids = await _user_ids(keys, organization_id)
    return _ToQuery(fields, schema, user_ids).visit(tree)
