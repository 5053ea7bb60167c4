"""The served Schema: the API's declaration (schema/definition.py) with the runtime's
extensions; graphql-core's executor runs it. Every request, test and benchmark that executes
GraphQL uses this one object."""

from typing import Any

import strawberry
from strawberry.types import ExecutionContext

from portcullis.execution.document_cache import DocumentCache
from portcullis.execution.limits import QueryLimits
from portcullis.execution.masking import (
    MaskInternalErrors,
    RefuseUnpairedSurrogates,
    RequireOperationName,
)
from portcullis.execution.observed import ObserveOperation
from schema.definition import TYPES, Mutation, Query


class PortcullisSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[Any], execution_context: ExecutionContext | None = None
    ) -> None:
        """Internal errors are logged by MaskInternalErrors; client errors are not logged."""


schema = PortcullisSchema(
    query=Query,
    mutation=Mutation,
    types=list(TYPES),
    extensions=[
        ObserveOperation,
        DocumentCache,
        MaskInternalErrors,
        QueryLimits,
        RefuseUnpairedSurrogates,
        RequireOperationName,
    ],
)
