"""Memory a long-lived process gives back (the daemon): glibc's allocator, told so.

A daemon that mostly waits should hold little at rest. Two habits of glibc's malloc work
against that: every thread that allocates gets an arena of its own (up to eight per core), each
keeping what its thread freed for that thread's next use; and freed memory at the top of the
heap is returned to the system only past a threshold. :func:`fewer_arenas` caps the arenas at
two before the scheduler's threads start; :func:`give_back` collects garbage and trims every
arena once the jobs of a burst have finished. Both do nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import lru_cache
from typing import Any

M_ARENA_MAX = -8  # mallopt parameter (glibc malloc.h)


@lru_cache(maxsize=1)
def _glibc() -> Any | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def fewer_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas (call before starting threads); True when it took effect."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas) == 1)


def give_back() -> bool:
    """Collect garbage, then return the allocator's free memory to the system; True when some
    was returned."""
    gc.collect()
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0) == 1)
