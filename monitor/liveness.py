"""Who owns a run or a temporary export file, and is that process still alive?

A run row and an export's temporary file carry the pid of the process that made them. After a
``kill -9`` nothing cleans up, so the next process asks: is that pid alive *on this host*? A pid
alone can be reused by an unrelated process, so on Linux a run also records the process's start
time (``/proc/<pid>/stat`` field 22) and the boot id: the same pid with another start time, or
after a reboot, is a different process. A zombie (killed, not yet reaped) counts as dead.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

_PROC = Path("/proc")


@cache
def hostname() -> str:
    return socket.gethostname()


@cache
def _boot_id() -> str:
    try:
        return (_PROC / "sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _stat(pid: int) -> list[str] | None:
    """``/proc/<pid>/stat`` split after the command name (which may hold spaces), or None."""
    try:
        text = (_PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return text.rpartition(")")[2].split()  # [0] is the state, [19] the start time


def process_token(pid: int) -> str | None:
    """``<boot id>:<start time>`` of a live process on Linux, else None (unknown)."""
    fields = _stat(pid)
    if fields is None or len(fields) < 20:
        return None
    return f"{_boot_id()}:{fields[19]}"


def is_alive(pid: int, token: str | None = None) -> bool:
    """Whether process ``pid`` on this host still runs (and is the one with ``token``)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    fields = _stat(pid)
    if fields and fields[0] in ("Z", "X"):  # a zombie: dead, only waiting to be reaped
        return False
    return not (token and (now := process_token(pid)) is not None and now != token)
