from __future__ import annotations

import csv
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
DEALER_ASKS = FIXTURES / "analysis" / "dealer_asks_2022_25to38.csv"


def dealer_asks_csv(path: Path, extra: list[list[str]] | None = None) -> Path:
    """The 2022 dealer asks (``DEALER_ASKS``) written at ``path`` in `asicmon import`'s format,
    followed by the ``extra`` rows (observed_at, title, price, currency, source)."""
    with DEALER_ASKS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "source"])
        for r in rows:
            w.writerow([r["date"], f"{r['model']} {float(r['th']):g}T", r["price_usd"], "USD",
                        r["source"]])  # fmt: skip
        w.writerows(extra or [])
    return path


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


class LocalSite:
    """A real HTTP server on 127.0.0.1 whose answers a test scripts per path.

    ``site.route("/p", Reply(...), Reply(...))`` answers the first request with the first reply,
    the next with the second, and repeats the last one after that. Paths are matched with their
    query string first, then without. Every request is logged in ``site.requests``.
    """

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[dict[str, Any]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                site.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "at": time.monotonic()}
                )
                reply = site._next(self.path)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def _next(self, path: str) -> Reply:
        for key in (path, path.split("?", 1)[0]):
            queue = self.routes.get(key)
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
        if path == "/robots.txt":
            return Reply(404, "not found")
        return Reply(404, "not found")

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[LocalSite]:
    s = LocalSite()
    yield s
    s.close()
