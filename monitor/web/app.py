"""``asicmon serve``: the read-only dashboard, a Starlette app served by uvicorn.

Pages (``/``, ``/tier/<name>``, ``/model/<slug>``, ``/deals``, ``/drops``, ``/sources``,
``/unmatched``) each have a JSON twin under ``/api/`` (``/api/deals?limit=N|all``: the best
200 by default, as the page shows); charts are SVG files at
``/chart/<series>.svg`` (``.narrow.svg``: drawn for phones). Only GET and HEAD are answered
(anything else is 405). Every response carries :data:`SECURITY_HEADERS` (a strict
Content-Security-Policy: no inline script or style, nothing from another origin). With a token
(:func:`token_for`, required off localhost) every request must carry it: ``Authorization:
Bearer TOKEN``, or ``?token=TOKEN`` once, which sets an HttpOnly SameSite=Strict cookie and
redirects to the same URL without it; anything else is 401.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.config import Config
from monitor.jobs.web import DEALS_SHOWN, NotFound, Pages
from monitor.web.pages import STATIC, Site

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
COOKIE = "asicmon_token"
CSP = ("default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
       "base-uri 'none'")  # fmt: skip
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class ServeRefused(Exception):
    """The server cannot start as asked (exit 2): the message says why, in one line."""

    exit_code = 2


def token_for(host: str, token_env: str | None, environ: dict[str, str]) -> str | None:
    """The token requests must carry, from the environment variable ``token_env``; None (no
    token) only on a loopback ``host`` without ``token_env``. :class:`ServeRefused` when another
    host is asked for without ``token_env``, or the variable is unset or empty."""
    if token_env is None:
        if host not in LOCAL_HOSTS:
            raise ServeRefused(f"--host {host} serves beyond this machine: give --token-env NAME "
                               "(an environment variable holding the access token)")  # fmt: skip
        return None
    token = environ.get(token_env, "").strip()
    if not token:
        raise ServeRefused(f"--token-env {token_env}: the environment variable {token_env} is "
                           "not set or empty")  # fmt: skip
    return token


def _cookie_value(token: str) -> str:
    """What the cookie holds: derived from the token, never the token itself."""
    return hmac.new(token.encode(), b"asicmon-dashboard-cookie", hashlib.sha256).hexdigest()


class Guard:
    """ASGI middleware: security headers on every response, GET/HEAD only, and the token."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token
        self.cookie = _cookie_value(token) if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        response = self._refuse(Request(scope))
        if response is not None:
            await response(scope, receive, send_secured)
            return
        await self.app(scope, receive, send_secured)

    def _refuse(self, request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return PlainTextResponse("405 method not allowed: this dashboard is read-only\n",
                                     status_code=405, headers={"Allow": "GET, HEAD"})  # fmt: skip
        if self.token is None or self.cookie is None:
            return None
        auth = request.headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and hmac.compare_digest(auth[7:].strip(), self.token):
            return None
        if hmac.compare_digest(request.cookies.get(COOKIE, ""), self.cookie):
            return None
        given = request.query_params.get("token")
        if given is not None and hmac.compare_digest(given, self.token):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            redirect = RedirectResponse(target, status_code=303)
            redirect.set_cookie(COOKIE, self.cookie, httponly=True, samesite="strict", path="/")
            return redirect
        return PlainTextResponse("401 unauthorized: this dashboard needs its token (header "
                                 "'Authorization: Bearer TOKEN', or ?token=TOKEN once)\n",
                                 status_code=401,
                                 headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


def _json(data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    return Response(body, media_type="application/json")


def create_app(cfg: Config, *, token: str | None = None, pages: Pages | None = None) -> ASGIApp:
    """The dashboard app for ``cfg``; ``token`` (see :func:`token_for`) guards every request."""
    pages = pages or Pages(cfg)
    site = Site(pages)

    def page(render: Callable[..., Any], *keys: str) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            try:
                rendered = render(*(request.path_params[k] for k in keys))
            except NotFound as exc:
                return _not_found(request, str(exc))
            return HTMLResponse(rendered.html)

        return endpoint

    def api(read: Callable[..., dict[str, Any]], *keys: str) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            try:
                data = read(*(request.path_params[k] for k in keys))
            except NotFound as exc:
                return _json_error(404, f"no {exc}")
            return _json(data)

        return endpoint

    def deals_api(request: Request) -> Response:
        given = request.query_params.get("limit", str(DEALS_SHOWN))
        if given != "all" and not (given.isdigit() and int(given) > 0):
            return _json_error(400, "limit: a whole number over 0, or all")
        return _json(pages.deals(None if given == "all" else int(given)))

    def chart(request: Request) -> Response:
        name = str(request.path_params["name"])
        variant = ""
        if name.endswith(".narrow"):
            name, variant = name[: -len(".narrow")], "narrow"
        try:
            svg = pages.chart(name, variant)
        except NotFound as exc:
            return _not_found(request, str(exc))
        return Response(svg, media_type="image/svg+xml")

    def _not_found(request: Request, what: str) -> Response:
        path = request.url.path.strip("/")
        return HTMLResponse(site.not_found(path, what).html, status_code=404)

    def _json_error(status: int, message: str) -> Response:
        return Response(json.dumps({"error": message}), status_code=status,
                        media_type="application/json")  # fmt: skip

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            what = f"page {request.url.path!r}"
            if request.url.path.startswith("/api/"):
                return _json_error(404, f"no {what}")
            return _not_found(request, what)
        return PlainTextResponse(f"{status}\n", status_code=status)

    async def store_error(request: Request, exc: Exception) -> Response:
        return PlainTextResponse(f"503 the database cannot be read: {exc}\n", status_code=503)

    from monitor.jobs import DatabaseError, StoreError

    routes = [
        Route("/", page(site.overview)),
        Route("/tier/{name}", page(site.tier, "name")),
        Route("/model/{slug}", page(site.model, "slug")),
        Route("/deals", page(site.deals)),
        Route("/drops", page(site.drops)),
        Route("/sources", page(site.sources)),
        Route("/unmatched", page(site.unmatched)),
        Route("/api/overview", api(pages.overview)),
        Route("/api/tier/{name}", api(pages.tier, "name")),
        Route("/api/model/{slug}", api(pages.model, "slug")),
        Route("/api/deals", deals_api),
        Route("/api/drops", api(pages.drops)),
        Route("/api/sources", api(pages.sources)),
        Route("/api/unmatched", api(pages.unmatched)),
        Route("/chart/{name}.svg", chart),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers = {HTTPException: http_error, StoreError: store_error, DatabaseError: store_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    return Guard(app, token)


def serve(cfg: Config, host: str, port: int, token: str | None,
          echo: Callable[[str], None] = print) -> None:  # fmt: skip
    """Check the database can be read, then serve until SIGINT/SIGTERM."""
    import uvicorn

    pages = Pages(cfg)
    pages.check()
    app = create_app(cfg, token=token, pages=pages)
    shown = f"[{host}]" if ":" in host else host
    guarded = " (token required)" if token else ""
    echo(f"serving the dashboard of {cfg.database} on http://{shown}:{port}/{guarded}")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
