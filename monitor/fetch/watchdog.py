"""One timer thread for every request's deadline.

A request that must end by a deadline (:meth:`monitor.fetch.http.Fetcher._send`) used to start a
``threading.Timer`` of its own: a new OS thread per page (~170 us of CPU, and under 32 crawl
threads a wait for the GIL before the request could even go out). Here one daemon thread keeps
every armed deadline in a heap and calls the callback of each one that passes before it was
disarmed. Arming and disarming take a lock and touch the heap; the thread is woken only when a new
deadline comes before every other one. It leaves after ``idle_s`` without a deadline and is
started again by the next one, so a process at rest keeps no thread for it.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("asicmon.fetch")


class Watchdog:
    def __init__(self, *, idle_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.idle_s = idle_s
        self._clock = clock
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int]] = []  # (deadline, token); disarmed ones stay, skipped
        self._armed: dict[int, Callable[[], object]] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, callback: Callable[[], object]) -> int:
        """Call ``callback`` (on the watchdog's thread) ``seconds`` from now, unless disarmed."""
        deadline = self._clock() + seconds
        with self._cond:
            token = next(self._tokens)
            self._armed[token] = callback
            first = not self._heap or deadline < self._heap[0][0]
            heapq.heappush(self._heap, (deadline, token))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="asicmon-watchdog")
                self._thread.daemon = True
                self._thread.start()
            elif first:
                self._cond.notify()
        return token

    def disarm(self, token: int) -> None:
        with self._cond:
            self._armed.pop(token, None)

    @property
    def running(self) -> bool:
        with self._cond:
            return self._thread is not None

    def _run(self) -> None:
        idle_since: float | None = None
        while True:
            due: list[Callable[[], object]] = []
            with self._cond:
                now = self._clock()
                heap = self._heap
                while heap and (heap[0][0] <= now or heap[0][1] not in self._armed):
                    _, token = heapq.heappop(heap)
                    callback = self._armed.pop(token, None)
                    if callback is not None:
                        due.append(callback)
                if not due:
                    if self._heap:
                        idle_since = None
                        self._cond.wait(self._heap[0][0] - now)
                        continue
                    idle_since = now if idle_since is None else idle_since
                    if now - idle_since >= self.idle_s:
                        self._thread = None  # the next arm starts a new thread
                        return
                    self._cond.wait(self.idle_s - (now - idle_since))
                    continue
            idle_since = None
            for callback in due:  # outside the lock: a callback may arm or disarm
                try:
                    callback()
                except Exception:  # one bad callback must not stop every other deadline
                    log.exception("watchdog callback failed")


_shared: Watchdog | None = None
_shared_lock = threading.Lock()


def shared() -> Watchdog:
    """The process's watchdog (made on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Watchdog()
        return _shared
