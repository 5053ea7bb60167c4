"""GraphiQL, served whole by this service: `GET /graphql` from a browser is the page, and its
scripts and style are files of this package (portcullis/http/graphiql_assets/, versions and
licences in
its README), served at `/graphiql/<file>`. Nothing is loaded from another host, and the page's
Content-Security-Policy tells the browser to load and connect to this origin only.
"""

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from permissions.codes import TopLevelErrorCode
from portcullis.http.base import error_response

ASSETS = Path(__file__).with_name("graphiql_assets")
# Pinned: the version is in each file name, so a file never changes under its URL.
PINNED = {
    "graphiql-3.8.3.min.js": "text/javascript",
    "graphiql-3.8.3.min.css": "text/css",
    "react-18.2.0.production.min.js": "text/javascript",
    "react-dom-18.2.0.production.min.js": "text/javascript",
}
OURS = {"start.js": "text/javascript"}  # this service's own script: may change with it
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # GraphiQL sets style attributes
        "img-src 'self' data:",
        "font-src 'self' data:",  # the style's fonts are inlined as data: URLs
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def page() -> HTMLResponse:
    html = (ASSETS / "index.html").read_text(encoding="utf-8")
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"}
    return HTMLResponse(html, headers=headers)


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name in PINNED:
        cache = "public, max-age=31536000, immutable"
        media_type = PINNED[name]
    elif name in OURS:
        cache, media_type = "no-cache", OURS[name]
    else:
        return error_response(404, f"No GraphiQL file named {name!r}.", TopLevelErrorCode.NOT_FOUND)
    return FileResponse(
        ASSETS / name,
        media_type=f"{media_type}; charset=utf-8",
        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"},
    )


def routes(enabled: bool) -> list[Route]:
    """The files' route, when GraphiQL is on (PORTCULLIS_GRAPHIQL)."""
    return [Route("/graphiql/{name}", asset, methods=["GET"])] if enabled else []
