"""The daemon's memory habits: glibc is told to keep fewer arenas and to give freed memory back."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from monitor.memory import _glibc


@pytest.mark.skipif(_glibc() is None, reason="not glibc: the calls do nothing there")
def test_freed_memory_goes_back_to_the_system() -> None:
    """A process that fills and frees 200 MB of objects below one it keeps holds that memory
    until ``give_back``."""
    script = textwrap.dedent(
        """
        from monitor.memory import fewer_arenas, give_back

        def rss():
            with open("/proc/self/status") as fh:
                return int(fh.read().split("VmRSS:")[1].split()[0]) // 1024

        assert fewer_arenas()
        base = rss()
        junk = [bytes(1000) for _ in range(200_000)]  # malloc'd (not Python's small-object pools)
        keeper = bytes(1000)  # above them on the heap: the heap's top cannot shrink by itself
        full = rss()
        del junk
        held = rss()
        give_back()
        print(base, full, held, rss())
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()  # fmt: skip
    base, full, held, after = map(int, out)
    assert full - base > 150  # the objects were there
    assert after < held  # and were given back when asked
    assert after - base < 40
