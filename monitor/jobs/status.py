"""``asicmon status``, ``sources`` and ``unmatched``, and the daemon's start-up check: what the
database says about the sources. Each call opens the store once and closes it.

Also the scheduling rule, :func:`next_runs`, that both ``asicmon run`` (its triggers) and
``asicmon sources`` (its "next check in ...") use, so the two never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.config import Config
from monitor.config.sources import AnySource
from monitor.store import Store, file_id
from monitor.store.views import RunRow, Summary, UnmatchedRow

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_SPREAD_S = 60  # due sources start spread over at most this (a tenth of a short interval)


def interval_seconds(schedule: str) -> int | None:
    """``"6h"`` -> 21600; a crontab string -> None."""
    m = re.match(r"^\s*(\d+)\s*([smhd])\s*$", schedule)
    return int(m.group(1)) * _UNITS[m.group(2)] if m else None


def _cron(schedule: str) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(schedule, timezone="UTC")


def _cron_after(schedule: str, moment: datetime) -> datetime:
    """The crontab's first time strictly after ``moment`` (UTC; run starts are whole seconds)."""
    fire: datetime = _cron(schedule).get_next_fire_time(None, moment + timedelta(seconds=1))
    return fire.astimezone(UTC)


def spread_s(schedule: str, now: datetime) -> float:
    """How widely due sources of this schedule are spread at start: a tenth of the period, at
    most :data:`MAX_SPREAD_S` seconds."""
    seconds = interval_seconds(schedule)
    if seconds is None:
        first = _cron_after(schedule, now)
        seconds = int((_cron_after(schedule, first) - first).total_seconds())
    return float(min(MAX_SPREAD_S, max(0, seconds // 10)))


@dataclass(frozen=True, slots=True)
class NextRun:
    """When a source runs next (UTC); ``due`` when it is owed a run now (never run, a slot
    missed, or its last start lies in the future); ``warning`` says why when that is odd."""

    at: datetime
    due: bool
    warning: str | None = None


def next_runs(
    sources: Iterable[AnySource], starts: Mapping[str, datetime], now: datetime
) -> dict[str, NextRun]:
    """Each enabled source's next run, from its last run's start (``starts``) and ``now``.

    The rule: an interval source runs its interval after its last start; a crontab source at
    its first time after its last start. A source that never ran, or whose next time has
    passed (the daemon was down), is due now, and so is one whose last start is in the future
    (a wrong clock, set right since: waiting for that date would stop it silently; a warning
    says so). Due sources start spread, not in one second: the k-th of n (in config order) at
    ``now + k/n`` of its spread (:func:`spread_s`).
    """
    plans: dict[str, NextRun] = {}
    due: list[tuple[AnySource, str | None]] = []
    for src in sources:
        if not src.enabled:
            continue
        last = starts.get(src.name)
        if last is not None and last > now:
            warning = (f"source {src.name}: its last run started at {utc_text(last)}, in the "
                       "future (was the clock wrong?): it counts as due now")  # fmt: skip
            due.append((src, warning))
            continue
        if last is None:
            due.append((src, None))
            continue
        seconds = interval_seconds(src.schedule)
        at = (last + timedelta(seconds=seconds) if seconds is not None
              else _cron_after(src.schedule, last))  # fmt: skip
        if at <= now:
            due.append((src, None))
        else:
            plans[src.name] = NextRun(at, False)
    for k, (src, why) in enumerate(due):
        offset = spread_s(src.schedule, now) * k / len(due)
        plans[src.name] = NextRun(now + timedelta(seconds=offset), True, why)
    return plans


def utc_text(moment: datetime) -> str:
    """``2026-11-25T17:00:00Z``: how next runs are shown and logged (as run starts are)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_check(next_run: str | None, due: bool, now: datetime | None = None) -> str:
    """``next check in 2h 14m`` (or ``due now``, ``not scheduled``) for a ``sources`` row."""
    if next_run is None:
        return "not scheduled"
    if due:
        return "next check: due now"
    at = datetime.fromisoformat(next_run.replace("Z", "+00:00"))
    left = int((at - (now or datetime.now(UTC))).total_seconds())
    if left < 60:
        return f"next check in {max(left, 0)}s"
    days, rest = divmod(left // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"next check in {days}d {hours}h"
    return f"next check in {hours}h {minutes}m" if hours else f"next check in {minutes}m"


def describe_schedule(schedule: str) -> str:
    """``every 6h`` or ``cron '17 */6 * * *' UTC``."""
    if interval_seconds(schedule) is not None:
        return f"every {schedule.strip()}"
    return f"cron '{schedule}' UTC"


@dataclass
class Report:
    """What a read command shows, and the warnings to print beside it."""

    data: Any
    notes: list[str] = field(default_factory=list)


def recover_runs(store: Store) -> list[str]:
    """Mark failed the runs whose process died (``kill -9``), before they are shown; one line
    per run marked. A database that cannot be written (a read-only copy) is still shown."""
    try:
        marked = store.recover_interrupted_runs()
    except Exception as exc:
        return [f"warning: interrupted runs not checked: {exc}"]
    return [f"run {r['id']} ({r['source']}) marked failed: {r['reason']}" for r in marked]


def sources(cfg: Config, now: datetime | None = None) -> Report:
    """Each configured source with its schedule, next run (by :func:`next_runs`, the rule the
    daemon schedules by) and last run (``sources --json`` rows)."""
    now = now or datetime.now(UTC)
    with Store(cfg.database, create=False) as store:
        notes = recover_runs(store)
        last = store.last_runs(src.name for src in cfg.sources)
    plans = next_runs(cfg.sources, _starts(last), now)
    notes += [f"warning: {p.warning}" for p in plans.values() if p.warning]
    rows = []
    for src in cfg.sources:
        plan = plans.get(src.name)
        rows.append({"name": src.name, "kind": src.kind, "urls": src.start_urls(),
                     "enabled": src.enabled, "schedule": src.schedule,
                     "next_run": utc_text(plan.at) if plan else None,
                     "due": plan.due if plan else False, "last_run": last[src.name]})  # fmt: skip
    return Report(rows, notes)


@dataclass
class Status:
    summary: Summary
    last_runs: dict[str, RunRow | None]

    def to_dict(self) -> dict[str, Any]:
        """The ``status --json`` object: the counts, then ``sources`` with each last run."""
        return {**self.summary, "sources": self.last_runs}


def status(cfg: Config) -> Report:
    """Database counts and each configured source's last run."""
    with Store(cfg.database, create=False) as store:
        notes = recover_runs(store)
        summary = store.summary()
        last = store.last_runs(src.name for src in cfg.sources)
    return Report(Status(summary, last), notes)


def unmatched(cfg: Config, limit: int) -> list[UnmatchedRow]:
    """The most frequent stored titles that matched no catalog model."""
    with Store(cfg.database, create=False) as store:
        return store.unmatched_titles(limit)


def last_starts(cfg: Config) -> dict[str, datetime]:
    """When each configured source's last run started (the daemon resumes intervals from it)."""
    with Store(cfg.database) as store:
        return _starts(store.last_runs(src.name for src in cfg.sources))


def _starts(last: Mapping[str, RunRow | None]) -> dict[str, datetime]:
    return {
        name: datetime.fromisoformat(run["started_at"].replace("Z", "+00:00"))
        for name, run in last.items()
        if run is not None
    }


def recover(cfg: Config) -> list[str]:
    """The daemon's check at start and before each scrape: runs of dead processes marked."""
    with Store(cfg.database) as store:
        return recover_runs(store)


def database_file(cfg: Config) -> tuple[int, int] | None:
    """Which file the configured database path names now (device, inode), or None when none
    can be found: the daemon watches it so it can stop when the file is deleted or replaced."""
    try:
        return file_id(cfg.database)
    except OSError:
        return None
