"""The mutation runner (resolvers/runner.py): a change that rolls back leaves the request as it
was. createOrganization makes its creator the organization's admin (R-ROLE-1) for the rest of
the request; when its transaction rolls back after that, whether refused, failed or rehearsed,
the caller is again who they were for the root fields that follow."""

from collections.abc import Awaitable, Callable

import pytest

from models.enums import Experience
from permissions.matrix import FeatureId, TargetKind
from permissions.targets import Target
from resolvers import organizations
from resolvers.access_diff import Watch
from resolvers.context import Context
from resolvers.errors import ErrorCode, refuse
from resolvers.runner import run
from tests.support import factories


class Failed(Exception):
    """A bug's stand-in, raised after the work changed the caller."""


FOUNDED: list[int] = []  # the organization each work made, rolled back or not


async def _founding(ctx: Context, then: Exception | None) -> Callable[[], Awaitable[int]]:
    async def work() -> int:
        org = await organizations.create_organization(ctx, "Rolled", Experience.CENTRALIZED, False)
        FOUNDED.append(org.id)
        assert ctx.principal is not None
        assert org.id in ctx.principal.visible_organization_ids()
        if then is not None:
            raise then
        return org.id

    return work


async def _nobody() -> list[int]:
    return []


async def _caller_after(ctx: Context, outcome_of: Callable[[], Awaitable[object]]) -> None:
    before = ctx.principal
    FOUNDED.clear()
    await outcome_of()
    assert ctx.principal is before
    assert ctx.principal is not None
    assert not ctx.principal.visible_organization_ids()
    [founded] = FOUNDED
    organization = Target(TargetKind.ORGANIZATION, founded, Experience.CENTRALIZED)
    assert not ctx.decide(FeatureId.VIEW_ORG_AUDIT_LOG, organization).allowed
    assert ctx.made == {}


async def test_a_refused_change_gives_back_the_caller_it_had() -> None:
    ctx = factories.acting(await factories.account())
    work = await _founding(ctx, refuse(ErrorCode.INVALID_INPUT, "Refused after the work."))

    async def refused() -> None:
        outcome = await run(ctx, "createOrganization", None, work)
        assert outcome.result is None
        assert [p.code for p in outcome.problems] == [ErrorCode.INVALID_INPUT]

    await _caller_after(ctx, refused)


async def test_a_failed_change_gives_back_the_caller_it_had() -> None:
    ctx = factories.acting(await factories.account())
    work = await _founding(ctx, Failed("after the work"))

    async def failed() -> None:
        with pytest.raises(Failed):
            await run(ctx, "createOrganization", None, work)

    await _caller_after(ctx, failed)


async def test_a_rehearsed_change_gives_back_the_caller_it_had() -> None:
    ctx = factories.acting(await factories.account())
    work = await _founding(ctx, None)

    async def rehearsed() -> None:
        outcome = await run(
            ctx, "createOrganization", None, work, watching=Watch(_nobody, dry_run=True)
        )
        assert outcome.result is not None

    await _caller_after(ctx, rehearsed)


async def test_a_change_that_holds_keeps_the_caller_it_made() -> None:
    ctx = factories.acting(await factories.account())
    outcome = await run(ctx, "createOrganization", None, await _founding(ctx, None))
    assert outcome.result is not None
    assert ctx.principal is not None
    assert ctx.principal.visible_organization_ids() == {outcome.result}
