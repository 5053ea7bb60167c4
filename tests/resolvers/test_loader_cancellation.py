"""A request's DataLoaders share one future per key among every field that loads it. GraphQL
execution cancels a failing field's siblings (graphql-core's gather_with_cancel, e.g. when a
FORBIDDEN field nulls a non-null parent), and a cancelled task cancels the future it awaits:
without a shield, another field awaiting the same key got CancelledError, which no resolver
catches, and the whole request failed (found by tests/resolvers/test_isolation_reads.py)."""

import asyncio

from resolvers.loaders import Loaders
from tests.support import factories


async def test_cancelling_one_awaiter_leaves_the_others_their_row() -> None:
    world = await factories.world()
    loaders = Loaders()

    async def field() -> object:  # a resolver awaiting the organization
        return await loaders.organization.load(world.org.id)

    cancelled, waiting = asyncio.create_task(field()), asyncio.create_task(field())
    await asyncio.sleep(0)  # both await the key's future; the batch is not sent yet
    cancelled.cancel()
    row = await waiting
    assert getattr(row, "id", None) == world.org.id
    assert cancelled.cancelled()
    assert getattr(await field(), "id", None) == world.org.id
