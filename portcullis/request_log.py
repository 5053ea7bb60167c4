"""What one request did, gathered while it runs and written as one log line when it ends.

The HTTP layer opens a RequestRecord for each request (portcullis/observability.py) and puts it
in a context variable, so the parts that know something add it without being handed the record:
the GraphQL extension (operation name and type, error codes), the answers given outside
GraphQL (their code), the SQL counter (one per statement Tortoise runs) and the log formatter
(every line logged during the request carries its request id).

Logging is configured here for the whole process, uvicorn's loggers included:
PORTCULLIS_LOG_FORMAT (`json`, one object per line, or `text`) and PORTCULLIS_LOG_LEVEL.
uvicorn's own access line is off: the request line below replaces it.
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from permissions.codes import TopLevelErrorCode

REQUEST_LOGGER = "portcullis.request"
QUERY_LOGGER = "tortoise.db_client"  # Tortoise logs each statement here, at DEBUG
# Probes and scrapes, every few seconds: their successes would drown the requests' lines.
QUIET_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/metrics"})
_NOT_STATEMENTS = ("Created connection", "Closed connection")


@dataclass
class RequestRecord:
    request_id: str
    method: str
    path: str
    client_request_id: str | None = None  # the client's X-Request-Id, kept beside ours
    started: float = field(default_factory=time.perf_counter)
    status: int = 0
    operation_name: str | None = None
    operation_type: str | None = None
    caller_kind: str = "anonymous"  # personal_token | api_key | anonymous
    caller_id: str | None = None  # the account's or the API key's id
    credential: str | None = None  # the credential's public id, `pct_<prefix>`: never its secret
    error_codes: list[str] = field(default_factory=list)
    sql_statements: int = 0
    seconds: float = 0.0

    def fields(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "client_request_id": self.client_request_id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "operation_name": self.operation_name,
            "operation_type": self.operation_type,
            "caller_kind": self.caller_kind,
            "caller_id": self.caller_id,
            "credential": self.credential,
            "error_codes": self.error_codes,
            "latency_ms": round(self.seconds * 1000, 3),
            "sql_statements": self.sql_statements,
        }


_request_logger = logging.getLogger(REQUEST_LOGGER)
current: ContextVar[RequestRecord | None] = ContextVar("portcullis_request", default=None)


def note_error_code(code: str) -> None:
    """An answer given outside GraphQL execution (429, 413, 503...) names its code here."""
    record = current.get()
    if record is not None:
        record.error_codes.append(code)


class StatementTally(logging.Handler):
    """Counts the statements Tortoise runs into the current request's record. The format
    string is looked at, never the formatted message (which would print the query)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)

    def emit(self, record: logging.LogRecord) -> None:
        request = current.get()
        if request is not None and not str(record.msg).startswith(_NOT_STATEMENTS):
            request.sql_statements += 1


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's id when the line
    was logged during a request, the fields passed as `extra={"request": {...}}`, and the
    traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "request", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            request = current.get()
            if request is not None:
                line["request_id"] = request.request_id
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


class TextFormatter(logging.Formatter):
    """`time LEVEL logger message key=value ...`, then the traceback, for people reading a
    terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, "request", None)
        if not isinstance(fields, dict):
            request = current.get()
            fields = {"request_id": request.request_id} if request is not None else {}
        pairs = " ".join(f"{k}={_text(v)}" for k, v in fields.items() if v not in (None, []))
        head, newline, tail = text.partition("\n")
        return f"{head} {pairs}{newline}{tail}" if pairs else text


def _text(value: Any) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)


def write(record: RequestRecord, *, error: BaseException | None = None) -> None:
    """The request's line: INFO (DEBUG for a probe or a scrape that succeeded); ERROR with
    the traceback when a bug failed the request; WARNING for an outage or another 5xx."""
    level = logging.DEBUG if record.path in QUIET_PATHS and record.status < 400 else logging.INFO
    if error is not None or TopLevelErrorCode.INTERNAL_SERVER_ERROR in record.error_codes:
        level = logging.ERROR
    elif record.status >= 500 or TopLevelErrorCode.DATABASE_UNAVAILABLE in record.error_codes:
        level = logging.WARNING
    logger = _request_logger
    if logger.isEnabledFor(level):
        summary = f"{record.method} {record.path} {record.status}"
        exc_info = (type(error), error, error.__traceback__) if error is not None else None
        logger.log(level, summary, extra={"request": record.fields()}, exc_info=exc_info)


def logging_config(level: str, fmt: str) -> dict[str, Any]:
    """A dictConfig for the process: every logger (ours, uvicorn's, Tortoise's) writes through
    one handler to stderr at `level`, formatted as `fmt`."""
    factory = JsonFormatter if fmt == "json" else TextFormatter
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"portcullis": {"()": factory}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "portcullis",
                "stream": "ext://sys.stderr",
                "level": upper,
            }
        },
        "root": {"handlers": ["stderr"], "level": upper},
        "loggers": {
            "portcullis": {"level": upper},
            "uvicorn": {"handlers": [], "level": upper, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": upper, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }


def count_statements() -> None:
    """Tortoise's statements reach StatementTally (their logger at DEBUG; the handler on the
    root logger still drops them below PORTCULLIS_LOG_LEVEL). Once per process."""
    logger = logging.getLogger(QUERY_LOGGER)
    if not any(isinstance(h, StatementTally) for h in logger.handlers):
        logger.addHandler(StatementTally())
        logger.setLevel(logging.DEBUG)
