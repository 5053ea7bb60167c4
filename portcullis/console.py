"""The admin console at /console: the built bundle of console/ (TypeScript), shipped inside
this package so `portcullis serve` gives a working console without Node.

The console talks only to /graphql on the same origin, so it needs no CORS. Every answer
carries a Content-Security-Policy that lets the page load and connect to this origin alone:
nothing it serves can pull code or data from another host.
"""

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from portcullis.settings import CONSOLE_MANIFEST

BUNDLE = CONSOLE_MANIFEST.parent
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class ConsoleFiles(StaticFiles):
    """The bundle's files; hashed assets cached for a year, index.html revalidated."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["referrer-policy"] = "no-referrer"
        immutable = path.startswith("assets/") and response.status_code == 200
        response.headers["cache-control"] = (
            "public, max-age=31536000, immutable" if immutable else "no-cache"
        )
        return response


async def _to_console(request: Request) -> Response:
    """/console -> /console/, keeping a sign-in link's query string."""
    query = request.url.query
    return RedirectResponse("/console/" + (f"?{query}" if query else ""))


def console_routes() -> list[BaseRoute]:
    return [
        Route("/console", _to_console, methods=["GET", "HEAD"]),
        Mount("/console", ConsoleFiles(directory=BUNDLE, html=True), name="console"),
    ]
