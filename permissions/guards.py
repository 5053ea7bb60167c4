"""Guards: strawberry field extensions declared as data, one line per guarded field.

A guard is a typed feature (permissions/matrix.py: a FeatureId, or Membership's
view_organization) and where its target comes from (`on`, schema/targets.py: the parent, an
input field, an argument, or the organization of either). It refuses with FORBIDDEN and the
rule that decided; without credentials it answers UNAUTHENTICATED. A list guard guards an
organization-wide list: it lets through a principal whose SCOPED roles reach part of the
organization, and the field's resolver narrows the list to that part in SQL. A picking guard
asks a feature chosen from the arguments (assignAdminRole: by the role).

Each guard shows in the SDL as `@guard(feature: ..., target: ...)` on its field (one per
feature a picking guard may ask; `@listGuard` for a list guard), so a permission change shows
in the diff of schema/schema.graphql. A feature without a matrix row fails when the guard is
built, at import.

Guards are field extensions rather than strawberry permission classes because a permission
class is either synchronous or a coroutine for every call: a target source may answer from
what the request has already read (resolvers/known.py) and return its targets at once, and
then the guard decides at once and a synchronous resolver stays synchronous. Only a source
that has to read makes the field wait.
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from inspect import isasyncgen, isawaitable
from typing import Any, Protocol, TypeAlias, TypeVar

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.schema_directive import Location
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from permissions.errors import Forbidden, Unauthenticated
from permissions.matrix import MATRIX, Asked, FeatureId, Membership
from permissions.nullable import make_nullable
from permissions.policy_errors import MatrixError
from permissions.principal import Principal
from permissions.targets import Decision, Reach, Target

T = TypeVar("T")
Maybe: TypeAlias = T | Awaitable[T]


class GuardContext(Protocol):
    def require_principal(self) -> Principal: ...

    def decide(self, feature: Asked, target: Target) -> Decision: ...

    def read(self, feature: Asked, target: Target) -> Decision: ...

    def reach(self, feature: Asked, organization: Target) -> Reach: ...


class TargetSource(Protocol):
    """Where a guard finds the target(s) of its field: from the parent object and arguments."""

    @property
    def where(self) -> str:
        """How the SDL directive names the source ("parent", "input.productInstanceId")."""
        ...

    def __call__(
        self, source: Any, info: Info[Any, Any], kwargs: dict[str, Any], /
    ) -> Maybe[Sequence[Target]]: ...


class FeatureSource(Protocol):
    """For a picking guard: each (feature, target) to ask, the feature chosen by the input."""

    @property
    def where(self) -> str: ...

    def __call__(
        self, source: Any, info: Info[Any, Any], kwargs: dict[str, Any], /
    ) -> Maybe[Sequence[tuple[Asked, Target]]]: ...


Next = Callable[..., Any]


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="guard",
    repeatable=True,
    description="The field is decided for `feature` (a row id of the role matrix, or "
    "view_organization: membership) on the object `target` names: parent, parent.organization, "
    "input.<field>, argument.<name>, or what a named source finds. A refusal nulls the field "
    "with a FORBIDDEN error naming the rule; an id the caller may not see is NOT_FOUND.",
)
class GuardDirective:
    feature: str
    target: str


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="listGuard",
    description="An organization-wide list decided for `feature` on the organization `target` "
    "names: whoever holds it there sees the whole list, a SCOPED role sees it narrowed to its "
    "scopes, anyone else is refused (FORBIDDEN).",
)
class ListGuardDirective:
    feature: str
    target: str


def checked(feature: Asked) -> Asked:
    """A feature a guard may ask: view_organization, or a FeatureId with a row in the matrix
    of some experience. Anything else fails here, when the schema is built."""
    if isinstance(feature, Membership):
        return feature
    if not isinstance(feature, FeatureId) or feature not in MATRIX.feature_ids():
        raise MatrixError(f"guard: {feature!r} is not a feature of the role matrix")
    return feature


class _Guard(FieldExtension):
    """Finds what to ask, asks the engine, then lets the resolver run. The field it guards is
    nullable (permissions/nullable.py): a refusal nulls that field alone."""

    def apply(self, field: StrawberryField) -> None:
        make_nullable(field)
        shown = [d for d in self.directives() if d not in field.directives]
        field.directives = [*field.directives, *shown]

    def directives(self) -> list[object]:
        """The schema directives that show this guard in the SDL."""
        return []

    def find(self, source: Any, info: Info[Any, Any], kwargs: dict[str, Any]) -> Maybe[Any]:
        return ()

    def check(self, context: GuardContext, found: Any) -> None:
        raise NotImplementedError

    def resolve(self, next_: Next, source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        context: GuardContext = info.context
        context.require_principal()
        found = self.find(source, info, kwargs)
        if isawaitable(found):
            return self._after(found, next_, source, info, kwargs)
        self.check(context, found)
        return next_(source, info, **kwargs)  # a value, or an awaitable graphql-core awaits

    async def _after(
        self, found: Awaitable[Any], next_: Next, source: Any, info: Any, kwargs: dict[str, Any]
    ) -> Any:
        self.check(info.context, await found)
        result = next_(source, info, **kwargs)
        return await result if isawaitable(result) else result

    async def resolve_async(
        self, next_: Next, source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        context: GuardContext = info.context
        context.require_principal()
        found = self.find(source, info, kwargs)
        self.check(context, await found if isawaitable(found) else found)
        result = next_(source, info, **kwargs)
        return result if isasyncgen(result) else await result


class Guard(_Guard):
    """Asks the engine for `feature` on every target of the field. With `maker_reads`, the
    field describes its object, and whoever made that object in this request reads it (the
    context's `read`): a mutation's payload is readable by the actor that made it."""

    def __init__(self, feature: Asked, on: TargetSource, maker_reads: bool) -> None:
        self.asked = checked(feature)
        self.on = on
        self.maker_reads = maker_reads

    def find(self, source: Any, info: Info[Any, Any], kwargs: dict[str, Any]) -> Maybe[Any]:
        return self.on(source, info, kwargs)

    @property
    def feature(self) -> str:
        """The feature's id, as the schema walk and the SDL read it."""
        return self.asked

    def directives(self) -> list[object]:
        return [GuardDirective(feature=self.feature, target=self.on.where)]

    def check(self, context: GuardContext, found: Sequence[Target]) -> None:
        for target in found:
            if self.maker_reads:
                _allowed(context.read(self.asked, target))
            else:
                _require(context, self.asked, target)


class PickingGuard(_Guard):
    """A guard whose feature depends on the arguments or the loaded object (the make_ feature
    of the role being assigned; the feature for a user's account type). `find` names each
    (feature, target) to ask; `features` lists those it may name, for the schema walk, and a
    feature outside it is a bug: refused, never allowed."""

    def __init__(self, features: Iterable[Asked], on: FeatureSource) -> None:
        self.asked = frozenset(checked(f) for f in features)
        self.on = on

    def find(self, source: Any, info: Info[Any, Any], kwargs: dict[str, Any]) -> Maybe[Any]:
        return self.on(source, info, kwargs)

    @property
    def features(self) -> frozenset[str]:
        """Every feature it may ask, as the schema walk and the SDL read them."""
        return frozenset(self.asked)

    def directives(self) -> list[object]:
        ordered = sorted(self.asked)
        return [GuardDirective(feature=f, target=self.on.where) for f in ordered]

    def check(self, context: GuardContext, found: Sequence[tuple[Asked, Target]]) -> None:
        for feature, target in found:
            if feature not in self.asked:
                raise RuntimeError(f"{self.on.where}: named the undeclared {feature}")
            _require(context, feature, target)


class ListGuard(Guard):
    """For an organization-wide list that SCOPED roles see narrowed."""

    def directives(self) -> list[object]:
        return [ListGuardDirective(feature=self.feature, target=self.on.where)]

    def check(self, context: GuardContext, found: Sequence[Target]) -> None:
        for organization in found:
            reached = context.reach(self.asked, organization)
            if reached.nowhere:
                raise Forbidden(reached.decision.reason, rule=reached.decision.rule)


class Authenticated(_Guard):
    """For fields any signed-in principal may use (createOrganization, viewer)."""

    def check(self, context: GuardContext, found: Any) -> None:
        return None


def guard(feature: Asked, *, on: TargetSource, maker_reads: bool = False) -> Guard:
    """`feature` on the target(s) `on` finds. With `maker_reads`, whoever made the object in
    this request reads it too (a mutation's payload)."""
    return Guard(feature, on, maker_reads)


def picking_guard(features: Iterable[Asked], *, on: FeatureSource) -> PickingGuard:
    return PickingGuard(features, on)


def list_guard(feature: Asked, *, on: TargetSource) -> ListGuard:
    return ListGuard(feature, on, maker_reads=False)


def _require(context: GuardContext, feature: Asked, target: Target) -> None:
    _allowed(context.decide(feature, target))


def _allowed(decision: Decision) -> None:
    if not decision.allowed:
        raise Forbidden(decision.reason, rule=decision.rule)


def require_principal(principal: Principal | None, credentials_sent: bool) -> Principal:
    if principal is None:
        message = "Invalid or expired credentials." if credentials_sent else "Sign in first."
        raise Unauthenticated(message)
    return principal
