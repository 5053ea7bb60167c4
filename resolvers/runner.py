"""The one mutation runner: every mutation of the API runs through `run`, which owns what all
of them share (docs/architecture.md, "Writing a mutation"):

- one transaction around the change and its audit events (R-AUDIT-1). Resolvers open none of
  their own; they only open a savepoint where they recover from a unique-key race;
- the receipt of a clientMutationId, written in that transaction (resolvers/receipts.py);
- the access diff, read in that transaction before and after the change, and the actor's
  reach check on it (R-REACH-1, resolvers/actor_reach.py) when the mutation is watched;
- a dry run: the same transaction, rolled back, with its diff;
- domain refusals (DomainError): the transaction rolls back and the problems come back for
  the payload's `errors`. Anything else (Forbidden, NotFound, a bug) surfaces as it is;
- whatever rolls back leaves the request as it was: what it made is forgotten, and a caller
  whose memberships the work changed (createOrganization, an automatic access request) is the
  caller it was, for the root fields after it.
"""

from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tortoise.transactions import in_transaction

from resolvers.access_diff import AccessDiff, Watch
from resolvers.context import Context
from resolvers.errors import DomainError, Problem
from resolvers.receipts import Receipt, Replay, perform

R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What a mutation's payload reports: its result (None when refused), the domain problems
    that refused it, and its access diff when it was measured."""

    result: R | None
    problems: list[Problem] = field(default_factory=list)
    diff: AccessDiff | None = None

    def then(self, wrap: Callable[[R], T]) -> T | None:
        return None if self.result is None else wrap(self.result)


class _Rehearsed(Exception):
    """Raised at the end of a dry run so that its transaction rolls back."""


async def run(
    ctx: Context,
    mutation: str,
    input: Any,
    work: Callable[[], Awaitable[R]],
    replay: Replay[R] | None = None,
    watching: Watch | None = None,
) -> Outcome[R]:
    """Apply `work` once, in one transaction. `replay` reads a receipt's result back (a
    mutation without one takes no clientMutationId); `watching` measures and checks the access
    diff. A refused or rolled back change made nothing for the caller to read (Context.made)."""
    made, principal = dict(ctx.made), ctx.principal
    dry_run = watching is not None and watching.dry_run
    measured = watching if watching is not None and watching.needed else None
    rehearsed: list[R] = []

    async def transaction(receipt: Receipt[R] | None) -> R:
        async with in_transaction():
            result = await (measured.measure(work) if measured is not None else work())
            if dry_run:
                rehearsed.append(result)
                raise _Rehearsed()
            if receipt is not None:
                await receipt(result)
        return result

    def rolled_back() -> None:
        ctx.made = made
        if principal is not None and ctx.principal is not principal:
            ctx.principal_changed(principal)

    try:
        if dry_run:  # no receipt: a dry run applied nothing to replay
            with suppress(_Rehearsed):
                await transaction(None)
            result = rehearsed[0]
        else:
            result = await perform(ctx, mutation, input, transaction, replay)
    except DomainError as refused:
        rolled_back()
        return Outcome(None, refused.problems, watching.diff if watching else None)
    except BaseException:
        rolled_back()
        raise
    if dry_run:
        rolled_back()
    ctx.loaders.clear()  # the payload must show the state after the change
    return Outcome(result, [], watching.diff if watching else None)
