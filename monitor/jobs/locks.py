"""One database, one writer of each kind: lock files beside the database, held with
``fcntl.flock``.

- ``<db>.daemon.lock``: held by ``asicmon run`` for its whole life, so a second daemon on the
  same database refuses to start (it would scrape every slot twice) and names the first's pid.
- ``<db>.locks/source-<name>.lock``: held by a run of one source (``run``, ``scrape``,
  ``backfill``, the demo), so two runs of one source never overlap, whatever process they are
  in; the second is skipped, not failed (:func:`monitor.jobs.collect.run_source`).
- ``<db>.locks/host-*.lock``: the per-host pacing files of :class:`monitor.fetch.http.Fetcher`,
  which keep the per-host delay between processes (see :func:`locks_dir`).

A lock belongs to an open file: the kernel releases it when its process dies, even after
``kill -9``, so a stale lock file is harmless and is never deleted (deleting it would let two
processes hold "the" lock on two different files). The holder writes its pid inside, for the
message of the process that finds it taken.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path


class Busy(Exception):
    """The lock is held by another process (``pid``, when it could be read)."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        super().__init__(f"{path} is held by pid {pid if pid is not None else '?'}")


def _real(database: Path) -> Path:
    """The database's real path: two configs naming one file through a symlink or a relative
    path share its locks."""
    return Path(os.path.realpath(database))


def daemon_lock_path(database: Path) -> Path:
    db = _real(database)
    return db.with_name(db.name + ".daemon.lock")


def locks_dir(database: Path) -> Path:
    """``<db>.locks/``: the per-source and per-host lock files (created on first use)."""
    db = _real(database)
    return db.with_name(db.name + ".locks")


class FileLock:
    """An exclusive, non-blocking ``flock`` on ``path``; the holder's pid is written inside."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> FileLock:
        """Take the lock or raise :class:`Busy` at once (never waits)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Busy(self.path, holder(self.path)) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        """Give the lock up (the file stays: see the module docstring)."""
        if self.fd is not None:
            fd, self.fd = self.fd, None
            os.close(fd)  # closing the last descriptor of the open file releases the flock

    def __enter__(self) -> FileLock:
        return self if self.fd is not None else self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder(path: Path, wait_s: float = 0.5) -> int | None:
    """The pid written in a lock file held by another process. The holder writes it just
    after taking the lock, so an empty file is read again for up to ``wait_s``."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            text = path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            text = ""
        if text.isdigit():
            return int(text)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)


def daemon_lock(database: Path) -> FileLock:
    """The daemon's lock on ``database``, taken (raises :class:`Busy`)."""
    return FileLock(daemon_lock_path(database)).acquire()


def source_lock(database: Path, source: str) -> FileLock:
    """The lock of one source's runs on ``database``, taken (raises :class:`Busy`). Source
    names are config names (``[a-z0-9][a-z0-9_.-]*``): safe as file names."""
    return FileLock(locks_dir(database) / f"source-{source}.lock").acquire()
