"""A guarded field is nullable: the adapter that widens its GraphQL type (strawberry's
StrawberryOptional and field annotations are named here and nowhere else).

A guard can refuse, and a resolver behind it can find its object gone (NOT_FOUND). GraphQL
answers an error in a non-null field by nulling its parent, up to `data: null` at the root, so
one refusal would take a console's whole page with it. A guarded field is therefore nullable:
the refusal nulls that field alone and its error names it (the rule GitHub's schema follows).
The resolver's own Python type stays what it returns: the null comes from the guard, never
from the resolver. tests/schema/test_nullability.py walks the served schema and fails on a guarded
field that is still non-null.
"""

from strawberry.annotation import StrawberryAnnotation
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField


def make_nullable(field: StrawberryField) -> None:
    """Widen the field's type to its nullable form; idempotent (a field may be built twice)."""
    resolved = field.type
    if isinstance(resolved, StrawberryOptional):
        return
    field.type_annotation = StrawberryAnnotation(StrawberryOptional(resolved))
