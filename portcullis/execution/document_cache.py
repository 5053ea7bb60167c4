"""Parse and validate each distinct query text once per process, not once per request.

Front ends and integrators send the same few documents over and over; parsing and validating
one against this schema cost more than executing a small query (bench/README.md). The cache
is keyed by the query text (with the parse options and validation rules, which are fixed per
schema) and holds only documents that parsed and validated without errors, so an invalid
document is parsed and reported afresh every time (its errors are per-request objects that
the masking extension may amend). It is a bounded LRU: hostile streams of distinct texts
evict entries, they cannot grow memory. Nothing in it is needed by another process.
"""

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

MAX_DOCUMENTS = 256


@dataclass
class _Entry:
    document: DocumentNode
    valid: bool = False


class _Documents:
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> _Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: tuple[Any, ...], entry: _Entry) -> None:
        self.entries[key] = entry
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


_documents = _Documents(MAX_DOCUMENTS)


class DocumentCache(SchemaExtension):
    """Reuses the parsed document of a known query text and skips validating it again."""

    _entry: _Entry | None = None

    def _key(self) -> tuple[Any, ...]:
        context = self.execution_context
        options = context.parse_options
        return (context.query, tuple(sorted(options.items())), context.validation_rules)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            key = self._key()
            entry = _documents.get(key)
            if entry is None:
                try:  # a syntax error is left to strawberry, which reports it as usual
                    entry = _Entry(parse(context.query, **context.parse_options))
                except GraphQLError:
                    entry = None
                else:
                    _documents.put(key, entry)
            if entry is not None:
                context.graphql_document = entry.document
                self._entry = entry
        yield

    def on_validate(self) -> Iterator[None]:
        context, entry = self.execution_context, self._entry
        cached = entry is not None and entry.document is context.graphql_document
        if cached and entry is not None and entry.valid:
            context.pre_execution_errors = []  # strawberry validates only when this is None
        yield
        if cached and entry is not None and context.pre_execution_errors == []:
            entry.valid = True
