"""What the request log and the metrics learn from GraphQL execution: the operation's name and
type and the codes of its top-level errors (after masking), written into the request's record
(portcullis/request_log.py); and the operation's span when tracing is on.

First in the schema's extensions, so that its end runs last and sees the masked errors. It
hooks the operation only, never a resolver: the fast paths keep their speed.
"""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from portcullis import request_log, tracing

MAX_NAME = 100  # a client may name an operation that is not in the document


class ObserveOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        with tracing.operation_span() as span:
            yield
            record = request_log.current.get()
            if record is None and span is None:
                return
            context = self.execution_context
            name = (context.operation_name or "")[:MAX_NAME] or None
            kind = self._operation_type()
            result = context.result
            codes = (
                [str((error.extensions or {}).get("code", "")) for error in result.errors or []]
                if result is not None
                else []
            )
            tracing.end_operation(span, kind, name, codes)
            if record is not None:
                record.operation_name, record.operation_type = name, kind
                record.error_codes.extend(codes)

    def _operation_type(self) -> str | None:
        try:
            return self.execution_context.operation_type.value
        except Exception:  # no document (it did not parse) or no such operation
            return None
