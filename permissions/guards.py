"""Strawberry permission classes generated from feature ids.

A guard knows its feature and how to find the target(s) of a field from its parent object and
arguments (`find_targets`, supplied by the schema). It refuses with FORBIDDEN and the rule that
decided; without credentials it answers UNAUTHENTICATED. A list guard guards an
organization-wide list: it lets through a principal whose SCOPED roles reach part of the
organization, and the field's resolver narrows the list to that part in SQL. A picking guard
asks a feature chosen from the arguments (assignAdminRole: by the role).
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Protocol

from strawberry.permission import BasePermission
from strawberry.types import Info

from permissions.errors import Forbidden, Unauthenticated
from permissions.principal import Principal
from permissions.targets import Decision, Reach, Target


class GuardContext(Protocol):
    def require_principal(self) -> Principal: ...

    def decide(self, feature: str, target: Target) -> Decision: ...

    def reach(self, feature: str, organization: Target) -> Reach: ...


TargetFinder = Callable[[Any, Info[Any, Any], dict[str, Any]], Awaitable[Sequence[Target]]]
# (feature, target) pairs, for a field whose feature depends on its arguments.
FeatureFinder = Callable[
    [Any, Info[Any, Any], dict[str, Any]], Awaitable[Sequence[tuple[str, Target]]]
]


def guard(feature: str, find_targets: TargetFinder) -> type[BasePermission]:
    """A permission class that asks the engine for `feature` on every target of the field."""

    class Guard(BasePermission):
        message = f"Not allowed: {feature}"

        async def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
            context: GuardContext = info.context
            context.require_principal()
            for target in await find_targets(source, info, kwargs):
                _require(context, feature, target)
            return True

    Guard.__name__ = Guard.__qualname__ = f"Guard_{feature}"
    Guard.feature = feature  # type: ignore[attr-defined]
    return Guard


def picking_guard(name: str, features: Iterable[str], find: FeatureFinder) -> type[BasePermission]:
    """A permission class whose feature depends on the arguments or the loaded object (the
    make_ feature of the role being assigned; the feature for a user's account type). `find`
    names each (feature, target) to ask; `features` lists those it may name, for the schema
    walk, and a feature outside it is a bug: refused, never allowed."""
    allowed = frozenset(features)

    class PickingGuard(BasePermission):
        message = f"Not allowed: {name}"

        async def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
            context: GuardContext = info.context
            context.require_principal()
            for feature, target in await find(source, info, kwargs):
                if feature not in allowed:
                    raise RuntimeError(f"{name}: the finder named the undeclared {feature}")
                _require(context, feature, target)
            return True

    PickingGuard.__name__ = PickingGuard.__qualname__ = f"PickingGuard_{name}"
    PickingGuard.features = allowed  # type: ignore[attr-defined]
    return PickingGuard


def _require(context: GuardContext, feature: str, target: Target) -> None:
    decision = context.decide(feature, target)
    if not decision.allowed:
        raise Forbidden(decision.reason, rule=decision.rule)


def list_guard(feature: str, find_organization: TargetFinder) -> type[BasePermission]:
    """A permission class for an organization-wide list that SCOPED roles see narrowed."""

    class ListGuard(BasePermission):
        message = f"Not allowed: {feature}"

        async def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
            context: GuardContext = info.context
            context.require_principal()
            for organization in await find_organization(source, info, kwargs):
                found = context.reach(feature, organization)
                if found.nowhere:
                    raise Forbidden(found.decision.reason, rule=found.decision.rule)
            return True

    ListGuard.__name__ = ListGuard.__qualname__ = f"ListGuard_{feature}"
    ListGuard.feature = feature  # type: ignore[attr-defined]
    return ListGuard


class Authenticated(BasePermission):
    """For fields any signed-in principal may use (createOrganization, viewer)."""

    message = "Sign in with a personal token or an API key."

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        context: GuardContext = info.context
        context.require_principal()
        return True


def require_principal(principal: Principal | None, credentials_sent: bool) -> Principal:
    if principal is None:
        message = "Invalid or expired credentials." if credentials_sent else "Sign in first."
        raise Unauthenticated(message)
    return principal
