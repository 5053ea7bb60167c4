"""Guards: strawberry field extensions generated from feature ids.

A guard knows its feature and how to find the target(s) of a field from its parent object and
arguments (`find_targets`, supplied by the schema). It refuses with FORBIDDEN and the rule that
decided; without credentials it answers UNAUTHENTICATED. A list guard guards an
organization-wide list: it lets through a principal whose SCOPED roles reach part of the
organization, and the field's resolver narrows the list to that part in SQL. A picking guard
asks a feature chosen from the arguments (assignAdminRole: by the role).

Guards are field extensions rather than strawberry permission classes because a permission
class is either synchronous or a coroutine for every call: a finder may answer from what the
request has already read (resolvers/known.py) and return its targets at once, and then the
guard decides at once and a synchronous resolver stays synchronous. Only a finder that has to
read makes the field wait.
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from inspect import isasyncgen, isawaitable
from typing import Any, Protocol, TypeAlias, TypeVar

from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from permissions.errors import Forbidden, Unauthenticated
from permissions.nullable import make_nullable
from permissions.principal import Principal
from permissions.targets import Decision, Reach, Target

T = TypeVar("T")
Maybe: TypeAlias = T | Awaitable[T]


class GuardContext(Protocol):
    def require_principal(self) -> Principal: ...

    def decide(self, feature: str, target: Target) -> Decision: ...

    def read(self, feature: str, target: Target) -> Decision: ...

    def reach(self, feature: str, organization: Target) -> Reach: ...


TargetFinder = Callable[[Any, Info[Any, Any], dict[str, Any]], Maybe[Sequence[Target]]]
# (feature, target) pairs, for a field whose feature depends on its arguments.
FeatureFinder = Callable[[Any, Info[Any, Any], dict[str, Any]], Maybe[Sequence[tuple[str, Target]]]]
Next = Callable[..., Any]


class _Guard(FieldExtension):
    """Finds what to ask, asks the engine, then lets the resolver run. The field it guards is
    nullable (permissions/nullable.py): a refusal nulls that field alone."""

    def apply(self, field: StrawberryField) -> None:
        make_nullable(field)

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

    def __init__(self, feature: str, find_targets: TargetFinder, maker_reads: bool) -> None:
        self.feature = feature
        self.find_targets = find_targets
        self.maker_reads = maker_reads

    def find(self, source: Any, info: Info[Any, Any], kwargs: dict[str, Any]) -> Maybe[Any]:
        return self.find_targets(source, info, kwargs)

    def check(self, context: GuardContext, found: Sequence[Target]) -> None:
        for target in found:
            if self.maker_reads:
                _allowed(context.read(self.feature, target))
            else:
                _require(context, self.feature, target)


class PickingGuard(_Guard):
    """A guard whose feature depends on the arguments or the loaded object (the make_ feature
    of the role being assigned; the feature for a user's account type). `find` names each
    (feature, target) to ask; `features` lists those it may name, for the schema walk, and a
    feature outside it is a bug: refused, never allowed."""

    def __init__(self, name: str, features: Iterable[str], find: FeatureFinder) -> None:
        self.name = name
        self.features = frozenset(features)
        self.find_pairs = find

    def find(self, source: Any, info: Info[Any, Any], kwargs: dict[str, Any]) -> Maybe[Any]:
        return self.find_pairs(source, info, kwargs)

    def check(self, context: GuardContext, found: Sequence[tuple[str, Target]]) -> None:
        for feature, target in found:
            if feature not in self.features:
                raise RuntimeError(f"{self.name}: the finder named the undeclared {feature}")
            _require(context, feature, target)


class ListGuard(Guard):
    """For an organization-wide list that SCOPED roles see narrowed."""

    def check(self, context: GuardContext, found: Sequence[Target]) -> None:
        for organization in found:
            reached = context.reach(self.feature, organization)
            if reached.nowhere:
                raise Forbidden(reached.decision.reason, rule=reached.decision.rule)


class Authenticated(_Guard):
    """For fields any signed-in principal may use (createOrganization, viewer)."""

    def check(self, context: GuardContext, found: Any) -> None:
        return None


def guard(feature: str, find_targets: TargetFinder, *, maker_reads: bool = False) -> Guard:
    return Guard(feature, find_targets, maker_reads)


def picking_guard(name: str, features: Iterable[str], find: FeatureFinder) -> PickingGuard:
    return PickingGuard(name, features, find)


def list_guard(feature: str, find_organization: TargetFinder) -> ListGuard:
    return ListGuard(feature, find_organization, maker_reads=False)


def _require(context: GuardContext, feature: str, target: Target) -> None:
    _allowed(context.decide(feature, target))


def _allowed(decision: Decision) -> None:
    if not decision.allowed:
        raise Forbidden(decision.reason, rule=decision.rule)


def require_principal(principal: Principal | None, credentials_sent: bool) -> Principal:
    if principal is None:
        message = "Invalid or expired credentials." if credentials_sent else "Sign in first."
        raise Unauthenticated(message)
    return principal
