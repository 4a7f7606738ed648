"""``asicmon run``: the scheduler that runs the jobs the CLI can run directly. Wiring only: it
opens no database and fetches nothing itself; every job is a :mod:`monitor.jobs` function.

Each enabled source is one APScheduler job on its own schedule (an interval with jitter, or a
crontab string in UTC): coalesced, at most one instance, with a misfire grace time. A restart
carries on from the runs table: an interval source whose last run is younger than its interval
waits for the rest of it, so a slot is never run twice. SIGTERM or SIGINT stops new work, cuts
pauses short, lets the running page commit, records the interrupted run, and exits 0. After a
``kill -9`` nothing can be recorded: the next start (and each scrape job) marks the runs of dead
processes failed (``Store.recover_interrupted_runs``); committed pages are kept, a page cut mid-way
is rolled back by SQLite, and the next run's pages never duplicate a sighting.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config
from monitor.config.sources import AnySource
from monitor.jobs.collect import run_cycle
from monitor.jobs.status import last_starts, recover
from monitor.redact import redact_text

log = logging.getLogger("asicmon.daemon")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SHUTDOWN_GRACE_S = 8.0


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line on stderr: easy for journald, Loki or jq."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact_text(record.getMessage()),  # URLs with user:pass@, token=...
        }
        if record.exc_info:
            entry["error"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def interval_seconds(schedule: str) -> int | None:
    m = re.match(r"^\s*(\d+)\s*([smhd])\s*$", schedule)
    return int(m.group(1)) * _UNITS[m.group(2)] if m else None


def trigger_for(src: AnySource, last_start: datetime | None, now: datetime) -> Any:
    """The source's trigger; an interval restarts from the last run, not from now."""
    seconds = interval_seconds(src.schedule)
    if seconds is None:
        return CronTrigger.from_crontab(src.schedule, timezone="UTC")
    jitter = min(60, max(0, seconds // 10))
    start = now
    if last_start is not None and last_start + timedelta(seconds=seconds) > now:
        start = last_start + timedelta(seconds=seconds)
    return IntervalTrigger(seconds=seconds, start_date=start, timezone="UTC", jitter=jitter or None)


def plain_trigger(schedule: str) -> Any:
    seconds = interval_seconds(schedule)
    if seconds is None:
        return CronTrigger.from_crontab(schedule, timezone="UTC")
    return IntervalTrigger(seconds=seconds, timezone="UTC")


class Daemon:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.stop = threading.Event()
        self.active = 0
        self.idle = threading.Condition()
        self.scheduler = BackgroundScheduler(
            timezone="UTC",
            executors={"default": ThreadPoolExecutor(max_workers=8)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )

    def build(self) -> list[str]:
        """Add one job per enabled source; returns the job ids (also used by tests)."""
        now = datetime.now(UTC)
        starts = last_starts(self.cfg)
        ids = []
        for src in self.cfg.sources:
            if not src.enabled:
                continue
            job_id = f"scrape:{src.name}"
            trigger = trigger_for(src, starts.get(src.name), now)
            self.scheduler.add_job(self.scrape, trigger, args=[src.name], id=job_id, name=job_id)
            ids.append(job_id)
        if self.cfg.digest is not None:
            trigger = plain_trigger(self.cfg.digest.schedule)
            self.scheduler.add_job(self.send_digest, trigger, id="digest", name="digest")
            ids.append("digest")
        if self.cfg.market is not None:
            trigger = plain_trigger(self.cfg.market.schedule)
            self.scheduler.add_job(self.refresh_market, trigger, id="market", name="market")
            ids.append("market")
        for n, job in enumerate(self.cfg.exports):
            job_id = f"export:{n}:{job.what}"
            self.scheduler.add_job(self.export, plain_trigger(job.schedule), args=[n], id=job_id,
                                   name=job_id)  # fmt: skip
            ids.append(job_id)
        return ids

    def export(self, n: int) -> None:
        """The same job as `asicmon export` with the job's options."""
        if self.stop.is_set():
            return
        from monitor.jobs.export import run_export

        job = self.cfg.exports[n]
        try:
            rows = run_export(self.cfg, job.what, job.format, Path(job.path), job.partition_by)
            log.info("export %s: %d rows to %s", job.what, rows, job.path)
        except Exception:
            log.exception("export job %s failed", job.what)

    def refresh_market(self) -> None:
        """The same job as `asicmon market --days N`."""
        if self.stop.is_set() or self.cfg.market is None:
            return
        from monitor.jobs.market import refresh_market

        try:
            days = refresh_market(self.cfg, self.cfg.market.days)
            log.info("market: stored %d days", days)
        except Exception as exc:  # offline, or the APIs changed: the next run tries again
            log.warning("market job failed: %s", exc)

    def send_digest(self) -> None:
        """The same job as `asicmon digest --send`."""
        if self.stop.is_set():
            return
        from monitor.jobs.digest import run_digest

        try:
            outcome = run_digest(self.cfg, deliver=True)
            log.info("digest: %s", "sent" if outcome.sent else "nothing new")
        except Exception:
            log.exception("digest job failed")

    def recover(self) -> None:
        """Mark failed the runs whose process died (a killed daemon or ``scrape``)."""
        try:
            for line in recover(self.cfg):
                log.warning("%s", line)
        except Exception:
            log.exception("could not check for interrupted runs")

    def scrape(self, name: str) -> None:
        if self.stop.is_set():
            return
        with self.idle:
            self.active += 1
        try:
            self.recover()
            for result in run_cycle(self.cfg, names=[name], stop=self.stop):
                log.info("run %s %s: %d pages, %d listings, %d new observations%s", result.source,
                         result.status, result.pages, result.listings, result.observations,
                         f" - {result.reason}" if result.reason else "")  # fmt: skip
        except Exception:
            log.exception("job scrape:%s crashed", name)
        finally:
            with self.idle:
                self.active -= 1
                self.idle.notify_all()

    def request_stop(self, signum: int, _frame: object) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.stop.set()

    def run(self) -> int:
        self.recover()  # before anything else: a previous daemon may have been killed mid-run
        ids = self.build()
        if not ids:
            log.warning("no enabled sources: nothing to schedule")
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.request_stop)
        self.scheduler.start()
        log.info("scheduler started with %d jobs: %s", len(ids), ", ".join(ids))
        while not self.stop.wait(1.0):
            pass
        self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + SHUTDOWN_GRACE_S
        with self.idle:
            while self.active and time.monotonic() < deadline:
                self.idle.wait(deadline - time.monotonic())
        if self.active:
            log.warning("%d job(s) still running at exit; their open page is rolled back",
                        self.active)  # fmt: skip
        log.info("stopped")
        return 0


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
