"""A local HTTP server that misbehaves on purpose, one fault per path.

The first path segment names the fault; the rest is the page asked for. HTML faults serve a small
shop page in the format of the ``css`` source kind (see :data:`CSS_SELECTORS`); a path ending in
``products.json`` gets Shopify's JSON instead. Written on raw sockets, so it can do what a polite
HTTP server cannot: reset the connection, drip bytes, stop mid-body, lie about the length.

Run it by hand to try ``asicmon scrape`` against it::

    python -m tests.fault_server 8765      # then point sources at http://127.0.0.1:8765/<fault>/
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import sys
import threading
import time
from urllib.parse import urlsplit

CSS_SELECTORS = {"item": "div.item", "title": "a.t", "price": "span.p", "next": "a.next",
                 "id": "data-id"}  # fmt: skip

FAULTS = (
    "ok", "429-retry-after", "429-bare", "500", "502", "503", "reset", "drip",
    "truncated-length", "truncated-chunked", "truncated-close", "huge", "huge-declared",
    "wrong-type", "bad-utf8", "botwall", "botwall-200", "needs-login", "loop", "loop-content",
    "offsite", "redirect-loop", "needs-signin", "bad-gzip", "drip-headers",
    "to-captcha", "not-http", "bogus-charset", "sso-elsewhere",
)  # fmt: skip


def shop_page(fault: str, n: int, *, last: int = 3, next_to: int | None = None) -> str:
    """Page ``n`` of a shop with three miners; links to the next page up to ``last``."""
    items = "\n".join(
        f'<div class="item" data-id="{fault}-{n}-{i}"><a class="t" href="/{fault}/item/{n}-{i}">'
        f"Bitmain Antminer S19j Pro 104T used #{n}-{i}</a>"
        f'<span class="p">${400 + 10 * n + i}.00</span></div>'
        for i in range(3)
    )
    target = next_to if next_to is not None else (n + 1 if n < last else None)
    nav = f'<a class="next" href="/{fault}/{target}">next</a>' if target else ""
    return (
        f"<!doctype html><html><head><title>Shop page {n}</title></head><body>"
        f"{items}{nav}</body></html>"
    )


def products_json(fault: str) -> str:
    products = [
        {"id": i, "title": f"Antminer S19 XP 140T ({fault} {i})", "handle": f"s19xp-{i}",
         "variants": [{"id": 100 + i, "price": f"{1500 + i}.00", "available": True}]}
        for i in range(2)
    ]  # fmt: skip
    return json.dumps({"products": products})


CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    '<div id="challenge-form">Checking your browser before accessing the site.</div>'
    "<script>window._cf_chl_opt={cType: 'managed'};</script></body></html>"
)


class _Handler(socketserver.StreamRequestHandler):
    server: FaultServer

    def handle(self) -> None:
        try:
            line = self.rfile.readline(65537).decode("latin-1")
            while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                pass
            if not line:
                return
            path = line.split(" ")[1]
            self.server.hits.append(path)
            self.serve(path)
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            pass

    def send(
        self, status: int, body: bytes | str, ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None, length: int | None = None,
    ) -> None:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body
        head = [f"HTTP/1.1 {status} {_PHRASES.get(status, 'Whatever')}", f"Content-Type: {ctype}",
                f"Content-Length: {len(data) if length is None else length}",
                "Connection: close"]  # fmt: skip
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)

    def serve(self, path: str) -> None:  # noqa: C901, PLR0912 - a switch over faults
        parts = urlsplit(path).path.strip("/").split("/")
        fault, rest = parts[0], parts[1:]
        page = int(rest[0]) if rest and rest[0].isdigit() else 1
        as_json = path.split("?")[0].endswith("products.json")
        good = products_json(fault) if as_json else shop_page(fault, page)
        good_type = "application/json" if as_json else "text/html; charset=utf-8"
        if fault == "robots.txt":
            self.send(404, "no robots.txt here", "text/plain")
        elif fault == "ok":
            self.send(200, good, good_type)
        elif fault == "429-retry-after":
            self.send(429, "slow down", "text/plain", {"Retry-After": "1"})
        elif fault == "429-bare":
            self.send(429, "slow down", "text/plain")
        elif fault in ("500", "502", "503"):
            self.send(int(fault), f"<html><body>error {fault}</body></html>")
        elif fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()  # RST instead of an answer
        elif fault == "drip":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                             b"Content-Length: 100000\r\n\r\n<html>")  # fmt: skip
            for _ in range(100_000):
                if self.server.closing.wait(0.2):
                    return
                self.wfile.write(b" ")
                self.wfile.flush()
        elif fault == "drip-headers":  # the status line and headers, a byte at a time
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Pad: " + b"x" * 100_000
            for byte in head:
                if self.server.closing.wait(0.2):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        elif fault == "truncated-length":
            data = good.encode()
            self.send(200, data[: len(data) // 2], good_type, length=len(data))
        elif fault == "truncated-chunked":
            data = good.encode()[:300]
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n")  # fmt: skip
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        elif fault == "truncated-close":  # no length at all: only the missing </html> tells
            data = good.encode()
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Connection: close\r\n\r\n" + data[: len(data) * 2 // 3])  # fmt: skip
        elif fault in ("huge", "huge-declared"):
            size = 50 * 1024 * 1024
            head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            if fault == "huge-declared":
                head += f"Content-Length: {size}\r\n\r\n"
            else:
                head += "Connection: close\r\n\r\n"
            self.wfile.write(head.encode())
            block = b"<p>" + b"x" * 65_529 + b"</p>"
            for _ in range(size // len(block)):
                if self.server.closing.is_set():
                    return
                self.wfile.write(block)
        elif fault == "bad-gzip":  # says gzip, is not
            self.send(200, b"this is not gzip at all" * 20, headers={"Content-Encoding": "gzip"})
        elif fault == "wrong-type":
            self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "image/png")
        elif fault == "bad-utf8":
            data = good.encode().replace(b"used #", b"used \xff\xfe\xc0\xaf #")
            self.send(200, data, "text/html; charset=utf-8")
        elif fault == "botwall":
            self.send(403, CHALLENGE, headers={"Server": "cloudflare"})
        elif fault == "botwall-200":
            self.send(200, CHALLENGE, headers={"Server": "cloudflare"})
        elif fault == "needs-login":
            self.send(302, "", headers={"Location": "/account/login?return_url=/login/"})
        elif fault == "needs-signin":  # the login form, served in place of the page
            self.send(200, '<html><body><form method="post"><input name="user">'
                      '<input type="password" name="pw"></form></body></html>')  # fmt: skip
        elif fault == "loop":  # page 2 links back to page 1
            self.send(200, shop_page(fault, page, next_to=2 if page == 1 else 1))
        elif fault == "loop-content":  # ever new URLs, always the same listings
            body = shop_page(fault, 1, next_to=page + 1)
            self.send(200, body.replace(f"/{fault}/2", f"/{fault}/{page + 1}"))
        elif fault == "not-http":  # something else listens on the port
            self.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n")
        elif fault == "bogus-charset":
            self.send(200, good, "text/html; charset=x-no-such-charset")
        elif fault == "to-captcha":  # as eBay does when it suspects a bot
            self.send(302, "", headers={"Location": "/splashui/captcha?ap=1&appName=orch"})
        elif fault == "sso-elsewhere":  # login on another host of the same company
            self.send(302, "", headers={"Location": "https://accounts.example.com/signin?next=/"})
        elif fault == "offsite":
            self.send(302, "", headers={"Location": "http://evil.example/steal?page=1"})
        elif fault == "redirect-loop":
            self.send(302, "", headers={"Location": f"/{fault}/{page + 1}"})
        else:
            self.send(404, "<html><body>no such fault</body></html>")


_PHRASES = {200: "OK", 302: "Found", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable"}  # fmt: skip


class FaultServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.hits: list[str] = []
        self.closing = threading.Event()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.shutdown()
        self.server_close()


if __name__ == "__main__":
    with FaultServer(int(sys.argv[1]) if len(sys.argv) > 1 else 8765) as srv:
        print(f"fault server on {srv.url}; faults: " + ", ".join(FAULTS))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
