"""Retries that do not double-apply: a mutation sent with a clientMutationId runs once per
principal. Its receipt is written in the same transaction as the change; a retry with the same
id and the same input gets the first result back without running again, and the same id with
another input is refused. Only successful mutations leave a receipt: a refusal changed nothing,
so a retry simply runs again. Receipts older than RETENTION are pruned as new ones are written.
"""

import dataclasses
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from models.receipt import MutationReceipt
from permissions.matrix import TargetKind
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode, refuse

R = TypeVar("R")
M = TypeVar("M", bound=Model)
RETENTION = timedelta(hours=24)
MAX_ID_LENGTH = 64
REPLAYED_MADE = frozenset({TargetKind.SITE, TargetKind.PRODUCT_INSTANCE})


@dataclass(frozen=True)
class Replay(Generic[R]):
    """How a mutation's result is kept in its receipt (the ids of its rows) and read back."""

    ids_of: Callable[[R], list[int]]
    reload: Callable[[list[int]], Awaitable[R]]


def row(model: type[M]) -> Replay[M]:
    """The replay of a result that is one row."""

    async def reload(ids: list[int]) -> M:
        return await model.get(pk=ids[0])

    return Replay(lambda found: [found.pk], reload)


def rows(model: type[M]) -> Replay[list[M]]:
    """The replay of a result that is several rows, read back in the same order."""

    async def reload(ids: list[int]) -> list[M]:
        found = {r.pk: r for r in await model.filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]

    return Replay(lambda found: [r.pk for r in found], reload)


async def _removed(ids: list[int]) -> int:
    return ids[0]  # the row is gone: its id is the whole result


# The replay of a result that is the id of the row the mutation removed.
REMOVED: Replay[int] = Replay(lambda pk: [pk], _removed)


# Writes the receipt of a result, inside the mutation's transaction (resolvers/runner.py).
Receipt = Callable[[R], Awaitable[None]]


def _principal_key(ctx: Context) -> str:
    principal = ctx.require_principal()
    if principal.api_key_id is not None:
        return f"api-key:{principal.api_key_id}"
    return f"account:{principal.account_id}"


def digest(mutation: str, input: Any) -> str:
    """A fingerprint of the input, without its clientMutationId."""
    is_instance = dataclasses.is_dataclass(input) and not isinstance(input, type)
    fields = dataclasses.asdict(input) if is_instance else dict(input)
    fields.pop("client_mutation_id", None)
    canonical = json.dumps({"mutation": mutation, "input": fields}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def perform(
    ctx: Context,
    mutation: str,
    input: Any,
    transaction: Callable[[Receipt[R] | None], Awaitable[R]],
    replay: Replay[R] | None,
) -> R:
    """Run the mutation's `transaction` once for (principal, clientMutationId), handing it the
    receipt to write; replay its result on a retry."""
    key: str | None = getattr(input, "client_mutation_id", None)
    if key is None:
        return await transaction(None)
    if replay is None:
        raise AssertionError(f"{mutation} takes a clientMutationId but has no replay")
    # Printable: PostgreSQL text holds no NUL (a NUL here was a masked internal error).
    if not 0 < len(key) <= MAX_ID_LENGTH or not key.isprintable():
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"clientMutationId must be 1 to {MAX_ID_LENGTH} printable characters.",
            field="clientMutationId",
        )
    principal, fingerprint = _principal_key(ctx), digest(mutation, input)
    found = await MutationReceipt.get_or_none(principal=principal, client_mutation_id=key)
    if found is not None:
        return await _replay(ctx, found, mutation, fingerprint, replay.reload)
    before = set(ctx.made)

    async def receipt(result: R) -> None:
        made = [[k, pk, rule] for (k, pk), rule in ctx.made.items() if (k, pk) not in before]
        await MutationReceipt.create(
            principal=principal,
            client_mutation_id=key,
            mutation=mutation,
            input_digest=fingerprint,
            result={"ids": replay.ids_of(result), "made": made},
        )
        await MutationReceipt.filter(created_at__lt=datetime.now(UTC) - RETENTION).delete()

    try:
        return await transaction(receipt)
    except (IntegrityError, DomainError):
        # A retry racing the first attempt fails on what the first one wrote (the receipt, or
        # a unique name); answer it with the first result. Anything else surfaces as it is.
        found = await MutationReceipt.get_or_none(principal=principal, client_mutation_id=key)
        if found is None:
            raise
        return await _replay(ctx, found, mutation, fingerprint, replay.reload)


async def _replay(
    ctx: Context,
    found: MutationReceipt,
    mutation: str,
    fingerprint: str,
    reload: Callable[[list[int]], Awaitable[R]],
) -> R:
    if found.mutation != mutation or found.input_digest != fingerprint:
        raise refuse(
            ErrorCode.INVALID_INPUT,
            "This clientMutationId was already used for another mutation or input.",
            field="clientMutationId",
        )
    # The retry is the same principal's (receipts are per principal): it reads the places it
    # made as the first run did. Not users and groups: their people may have changed since.
    for kind, pk, rule in found.result.get("made", []):
        if TargetKind(kind) in REPLAYED_MADE:
            ctx.made[(TargetKind(kind), int(pk))] = str(rule)
    return await reload([int(i) for i in found.result["ids"]])
