"""Receipts of mutations that carried a clientMutationId, so that a retry is not applied twice."""

from typing import Any

from tortoise import fields
from tortoise.models import Model


class MutationReceipt(Model):
    """One successful mutation with a clientMutationId, per principal.

    Written in the transaction of the change itself: a change without its receipt, or the
    reverse, cannot be committed. The result holds the ids of the returned rows.
    """

    id = fields.BigIntField(primary_key=True)
    principal = fields.CharField(max_length=64)
    client_mutation_id = fields.CharField(max_length=64)
    mutation = fields.CharField(max_length=64)
    input_digest = fields.CharField(max_length=64)
    result = fields.JSONField[dict[str, Any]]()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mutation_receipt"
        unique_together = (("principal", "client_mutation_id"),)
        indexes = (("created_at",),)
