"""Health for orchestrators and load balancers.

- GET /livez: the process answers (200 always). A failing liveness probe restarts the process,
  so it must not depend on the database: an outage would restart every replica for nothing.
- GET /readyz: the database answers and every migration of this build is applied, in one
  statement; 503 otherwise, with the reason. A failing readiness probe takes the replica out of
  rotation without restarting it, and it comes back by itself when the database does.
"""

import logging
import pkgutil
from functools import cache

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import connections

import models.migrations

log = logging.getLogger("portcullis.health")
MIGRATIONS_TABLE = "tortoise_migrations"  # Tortoise's MigrationRecorder
APP = "models"


@cache
def expected_migrations() -> frozenset[str]:
    """The migrations this build ships (models/migrations/NNNN_*.py)."""
    path = models.migrations.__path__
    return frozenset(m.name for m in pkgutil.iter_modules(path) if m.name[:4].isdigit())


async def livez(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(_: Request) -> JSONResponse:
    try:
        _, rows = await connections.get("default").execute_query(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE app = '{APP}'"  # constants only
        )
    except Exception as error:  # any failure means "not ready", never a 500
        log.warning("not ready: the database does not answer: %s", error)
        return JSONResponse({"status": "unavailable", "reason": "database"}, status_code=503)
    missing = sorted(expected_migrations() - {row["name"] for row in rows})
    if missing:
        log.warning("not ready: migrations not applied: %s", ", ".join(missing))
        body = {"status": "unavailable", "reason": "migrations", "missing": missing}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok"})
