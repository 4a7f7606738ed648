"""Serve a mirror written by :mod:`benchmarks.crawl.make_pages` on one loopback host per chain.

    python -m benchmarks.crawl.server MIRROR [--port 8765] [--hosts-mode ip|port]

``ip`` mode (Linux: all of 127.0.0.0/8 is loopback): chain ``i`` is served at
``http://127.0.0.{i + 2}:PORT``, so a crawler that keeps one request in flight per host (asicmon,
or scrapy with ``CONCURRENT_REQUESTS_PER_DOMAIN=1``) has one connection per chain. ``port`` mode:
chain ``i`` at ``http://127.0.0.1:{PORT + i}`` (scrapy then needs a ``download_slot`` per port).

Pages are held in memory, gzip-compressed ahead of time (eBay compresses its pages; both
contestants send ``Accept-Encoding: gzip``), over HTTP/1.1 keep-alive. No ``ETag`` or
``Last-Modified``: eBay's search pages send no validators, and with them asicmon would store every
body in its conditional-request cache. Each host answers ``/robots.txt`` (allowing ``/sch/``).

``GET /__stats`` on any host answers the request counts as JSON; ``GET /__reset`` zeroes them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROBOTS = b"""User-agent: *
Disallow: /myb/
Disallow: /signin/
Disallow: /sch/*_trkparms=
Allow: /sch/
Allow: /itm/

Sitemap: https://www.ebay.com/lst/PDP-US-index.xml
"""


class Mirror:
    """The pages of every chain, raw and gzipped, and the request counters."""

    def __init__(self, root: Path) -> None:
        self.manifest: dict[str, Any] = json.loads((root / "manifest.json").read_text("utf-8"))
        self.pages: dict[tuple[int, int], tuple[bytes, bytes]] = {}
        self.paths: dict[int, str] = {}
        for chain in self.manifest["chains"]:
            i = int(chain["index"])
            self.paths[i] = str(chain["path"]).split("?", 1)[0]
            for n in range(1, int(chain["pages"]) + 1):
                raw = (root / str(i) / f"{n}.html").read_bytes()
                gz_path = root / str(i) / f"{n}.html.gz"
                gz = gz_path.read_bytes() if gz_path.exists() else gzip.compress(raw, 6)
                self.pages[(i, n)] = (raw, gz)
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] += 1


def host_of(chain: int, port: int, mode: str) -> tuple[str, int]:
    return (f"127.0.0.{chain + 2}", port) if mode == "ip" else ("127.0.0.1", port + chain)


def make_handler(mirror: Mirror, chain: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "mirror/1"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _send(self, status: int, body: bytes, ctype: str, gz: bytes | None = None) -> None:
            use_gz = gz is not None and "gzip" in (self.headers.get("Accept-Encoding") or "")
            payload = gz if use_gz and gz is not None else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "private, no-cache, no-store")
            if use_gz:
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            try:
                if parts.path == "/robots.txt":
                    mirror.count("robots")
                    self._send(200, ROBOTS, "text/plain")
                elif parts.path == "/__stats":
                    body = json.dumps(dict(mirror.counts)).encode()
                    self._send(200, body, "application/json")
                elif parts.path == "/__reset":
                    with mirror.lock:
                        mirror.counts.clear()
                    self._send(200, b"{}", "application/json")
                elif parts.path == mirror.paths.get(chain):
                    n = int(parse_qs(parts.query).get("_pgn", ["1"])[-1])
                    page = mirror.pages.get((chain, n))
                    if page is None:
                        mirror.count("404")
                        self._send(404, b"not found", "text/plain")
                    else:
                        mirror.count("pages")
                        self._send(200, page[0], "text/html; charset=utf-8", page[1])
                else:
                    mirror.count("404")
                    self._send(404, b"not found", "text/plain")
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def serve(mirror: Mirror, port: int, mode: str) -> list[Server]:
    """Start one listening server per chain, each in a daemon thread; return them."""
    servers = []
    for chain in sorted(mirror.paths):
        srv = Server(host_of(chain, port, mode), make_handler(mirror, chain))
        threading.Thread(target=srv.serve_forever, daemon=True, name=f"serve-{chain}").start()
        servers.append(srv)
    return servers


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mirror", type=Path)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--hosts-mode", choices=("ip", "port"), default="ip")
    args = ap.parse_args(argv)
    mirror = Mirror(args.mirror)
    serve(mirror, args.port, args.hosts_mode)
    print(f"ready {len(mirror.pages)} pages", flush=True)
    try:
        sys.stdin.read()  # serve until the parent closes our stdin (or Ctrl-C)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
