"""What every mutation shares: the clientMutationId in its input and payload, the payload's
`errors`, `run`, which hands the root field's work to the mutation runner (resolvers/runner.py),
and `answer`, which turns the runner's outcome into the payload; and `issue`, the run of
createApiKey and createScimToken."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, Self, TypeVar

import strawberry
from strawberry.types import Info

from models.directory import OrgUser
from permissions.matrix import Asked, FeatureId
from resolvers import runner
from resolvers.access_diff import Users, Watch
from resolvers.actor_reach import diff_check
from resolvers.context import Context
from resolvers.credentials import CredentialKind, Issued, Row
from resolvers.errors import Problem
from resolvers.receipts import Replay
from resolvers.runner import Outcome
from schema.access_diff import AccessDiff
from schema.enums import ErrorCode
from schema.ids import decode
from schema.nodes import User
from schema.selection import asks

# Every root mutation field's one argument (Relay style), described once.
INPUT = strawberry.argument(
    description="Everything the mutation needs, in one object; its type says what each field is."
)
ERRORS = "Why the change was refused; empty when it was made. A refused change changed nothing."
CHANGED_USER = "The user as the change left them (unchanged after a dry run); null when refused."
R = TypeVar("R")
N = TypeVar("N")


@strawberry.type(description="A domain refusal; `field` is the input path, `rule` the R- rule.")
class UserError:
    code: ErrorCode = strawberry.field(description="Why, as a code a client can branch on.")
    message: str = strawberry.field(description="Why, in a sentence for a person.")
    field: str | None = strawberry.field(
        description="The input's path to the refused value, like userIds.2 or "
        "productAccess.0.role; null when the refusal concerns the whole input."
    )
    rule: str | None = strawberry.field(
        description="The domain rule that refused (like R-ROLE-3); null when no rule of "
        "docs/domain.md decides it."
    )

    @classmethod
    def of(cls, problem: Problem) -> Self:
        return cls(
            code=problem.code, message=problem.message, field=problem.field, rule=problem.rule
        )


@strawberry.input
class MutationInput:
    client_mutation_id: str | None = strawberry.field(
        default=None,
        description="Echoed in the payload. A retry with the same id and input returns the "
        "first result without applying the change again.",
    )


@strawberry.type
class Payload:
    client_mutation_id: str | None = strawberry.field(
        default=None, description="The input's clientMutationId; null when it had none."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.input
class AccessChangeInput(MutationInput):
    """The input of a mutation that changes who can use which product."""

    dry_run: bool = strawberry.field(
        default=False,
        description="Check and apply the change, report its accessDiff, then roll it back: "
        "nothing changes and no audit event is written. Refusals come back as in a real run.",
    )


@strawberry.type
class AccessChangePayload(Payload):
    dry_run: bool = strawberry.field(
        default=False, description="True when nothing was changed (the input's dryRun)."
    )
    access_diff: AccessDiff | None = strawberry.field(
        default=None,
        description="Who gains and who loses which product role, and the billable users per "
        "product instance before and after. Computed for a dry run, or when selected; null "
        "when the change was refused, or replayed for a clientMutationId.",
    )


P = TypeVar("P", bound=Payload)


async def watch(
    info: Info[Context, None],
    input: AccessChangeInput,
    affected: Users,
    organization_id: int,
    feature: Asked = FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS,
) -> Watch:
    """A Watch for this mutation: measured for a dry run, when accessDiff is selected, and
    whenever the actor's reach must be checked on it (R-REACH-1)."""
    watching = await guarded(info.context, affected, organization_id, feature)
    watching.dry_run = input.dry_run
    watching.wanted = input.dry_run or asks(info, "accessDiff")
    return watching


async def guarded(
    ctx: Context,
    affected: Users,
    organization_id: int,
    feature: Asked = FeatureId.ADD_REMOVE_USERS_FROM_PRODUCTS,
    joined: Users | None = None,
) -> Watch:
    """The Watch of a change to access in an organization made by `feature`: its diff is
    read, and checked, only where an entry could be refused (resolvers/actor_reach.py)."""
    check = await diff_check(ctx, organization_id, feature)
    return Watch(affected, wanted=False, check=check, joined=joined)


async def user_node(ctx: Context, user: OrgUser | None) -> User | None:
    """The user as the change left them: the runner emptied the loaders, so this reads afresh."""
    row = await ctx.loaders.user.load(user.id) if user else None
    return User.of(row) if row else None


async def run(
    info: Info[Context, None],
    input: Any,
    work: Callable[[], Awaitable[R]],
    replay: Replay[R] | None = None,
    watching: Watch | None = None,
) -> Outcome[R]:
    """Run the root field's `work` through the mutation runner (resolvers/runner.py), under
    the field's own name (the name its receipts are kept under)."""
    return await runner.run(info.context, info.field_name, input, work, replay, watching)


def answer(payload: type[P], input: MutationInput, done: Outcome[Any], **fields: Any) -> P:
    """The payload of a run: `fields`, the echoed clientMutationId, the problems as `errors`,
    and for a change to access, whether it was a dry run and its diff."""
    if issubclass(payload, AccessChangePayload):
        fields.update(
            dry_run=getattr(input, "dry_run", False), access_diff=AccessDiff.of(done.diff)
        )
    errors = [UserError.of(p) for p in done.problems]
    return payload(client_mutation_id=input.client_mutation_id, errors=errors, **fields)


class IssueInput(Protocol):
    organization_id: strawberry.ID
    client_mutation_id: str | None


async def issue(
    info: Info[Context, None],
    input: IssueInput,
    kind: CredentialKind[Row],
    work: Callable[[int], Awaitable[Issued[Row]]],
    node: Callable[[Row], N],
) -> tuple[Outcome[Issued[Row]], N | None, str | None]:
    """Run the issuing of a credential in the input's organization: the outcome, the new
    credential's node and its secret (null when refused, and on a replay: it is stored nowhere)."""
    organization_id = decode(input.organization_id, "Organization")
    done = await run(info, input, lambda: work(organization_id), kind.replay())
    return done, done.then(lambda issued: node(issued.row)), done.then(lambda i: i.secret)
