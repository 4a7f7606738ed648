"""The shared deadline thread behind every request's "too slow" cut (monitor.fetch.watchdog)."""

from __future__ import annotations

import threading

from monitor.fetch.watchdog import Watchdog


def test_an_armed_deadline_fires_and_a_disarmed_one_never_does() -> None:
    dog = Watchdog(idle_s=5)
    fired, kept = threading.Event(), threading.Event()
    later = dog.arm(0.3, kept.set)
    dog.arm(0.05, fired.set)
    dog.disarm(later)
    assert fired.wait(5)
    assert not kept.wait(0.6)  # its deadline passed long ago


def test_an_earlier_deadline_armed_later_is_not_kept_waiting_behind_a_long_one() -> None:
    dog = Watchdog(idle_s=5)
    dog.arm(3600, lambda: None)  # the thread now sleeps towards this one
    soon = threading.Event()
    dog.arm(0.05, soon.set)
    assert soon.wait(5)


def test_the_thread_leaves_when_idle_and_the_next_deadline_starts_it_again() -> None:
    dog = Watchdog(idle_s=0.1)
    first = threading.Event()
    dog.disarm(dog.arm(0.01, lambda: None))
    dog.arm(0.01, first.set)
    assert first.wait(5)
    for _ in range(100):  # it goes once nothing is armed for idle_s
        if not dog.running:
            break
        threading.Event().wait(0.05)
    assert not dog.running
    again = threading.Event()
    dog.arm(0.01, again.set)
    assert dog.running
    assert again.wait(5)


def test_a_failing_callback_does_not_stop_the_others() -> None:
    dog = Watchdog(idle_s=5)
    done = threading.Event()

    def boom() -> None:
        raise RuntimeError("bad callback")

    dog.arm(0.01, boom)
    dog.arm(0.05, done.set)
    assert done.wait(5)


def test_many_requests_use_one_thread() -> None:
    dog = Watchdog(idle_s=5)
    before = threading.active_count()
    tokens = [dog.arm(60, lambda: None) for _ in range(200)]
    assert threading.active_count() <= before + 1
    for token in tokens:
        dog.disarm(token)
