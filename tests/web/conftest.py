"""The dashboard's test database: the offline demo (22 weeks of three shops, China 2021), plus
listings with hostile titles and links, as a scraper could store them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from monitor.config import Config, load_config
from monitor.jobs.demo import run_demo
from monitor.jobs.importer import run_import

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(2)</script>"
HOSTILE_UNMATCHED = "<b onmouseover=alert(3)>mystery box</b>"
HOSTILE_TITLES = [
    f"{HOSTILE_IMG} Antminer S19j Pro 100T used",
    f"{HOSTILE_SCRIPT} Antminer S19j Pro 104T used",
]
MODEL_SLUG = "antminer-s19j-pro"


def hostile_csv(path: Path) -> Path:
    rows = ["observed_at,title,price,currency,url,listing_id"]
    for i, title in enumerate(HOSTILE_TITLES):
        rows.append(f'2021-08-30,"{title}",{7000 + 10 * i},USD,javascript:alert({4 + i}),h{i}')
    rows.append(f'2021-08-30,"{HOSTILE_UNMATCHED}",100,USD,https://example.com/u,h9')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workdir (its ``demo-config.yaml`` and ``asicmon.db``) with the hostile rows."""
    workdir = tmp_path_factory.mktemp("web-demo")
    run_demo(workdir, echo=lambda _line: None)
    cfg = load_config(workdir / "demo-config.yaml")
    result = run_import(cfg, hostile_csv(workdir / "hostile.csv"))
    assert result.imported == 3, result.errors
    return workdir


@pytest.fixture(scope="session")
def demo_cfg(demo_dir: Path) -> Config:
    return load_config(demo_dir / "demo-config.yaml")


@pytest.fixture
def demo_copy(demo_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workdir (for tests that write to its database)."""
    target = tmp_path / "copy"
    shutil.copytree(demo_dir, target)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A real ``asicmon serve`` process on 127.0.0.1."""

    def __init__(self, config: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "serve",
             "--port", str(self.port), *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read() if self.proc.stdout else ""
                self.stop()
                raise RuntimeError(f"asicmon serve ended: {out}")
            try:
                httpx.get(self.url + "/static/style.css", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("asicmon serve did not answer within 30 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture(scope="session")
def server(demo_dir: Path) -> Iterator[Server]:
    """The dashboard of the demo database, served by a real process (no token: localhost)."""
    running = Server(demo_dir / "demo-config.yaml")
    yield running
    running.stop()


class ThreadServer:
    """An app served by uvicorn in a thread on 127.0.0.1, and an HTTP client for it (real
    requests, as a browser makes; the client keeps cookies)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60)

    def stop(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
