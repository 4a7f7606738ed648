"""``asicmon run``: the scheduler that runs the jobs the CLI can run directly. Wiring only: it
opens no database and fetches nothing itself; every job is a :mod:`monitor.jobs` function.

Each enabled source is one APScheduler job on its own schedule (an interval, or a crontab string
in UTC): coalesced, at most one instance, with a misfire grace time. When each runs first is the
rule of :func:`monitor.jobs.status.next_runs`, the one ``asicmon sources`` shows: a restart
carries on from the runs table (a source whose last run is younger than its interval waits for
the rest of it, so a slot is never run twice), while a source that never ran, missed its slot or
has a last start in the future runs at start, the due ones spread over a few seconds. One JSON
log line per job says when it runs next (``next_run``).

One daemon per database: it holds ``<db>.daemon.lock`` for its life, and a second one exits 1
naming the first's pid. SIGTERM or SIGINT stops new work, cuts pauses short, lets the running
page commit, records the run ``interrupted`` (not a failure), and exits 0. After a ``kill -9``
nothing can be recorded: the next start (and each scrape job) marks the runs of dead processes
failed (``Store.recover_interrupted_runs``); committed pages are kept, a page cut mid-way is
rolled back by SQLite, and the next run's pages never duplicate a sighting.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config
from monitor.config.sources import AnySource
from monitor.jobs import StoreError
from monitor.jobs.collect import run_cycle
from monitor.jobs.locks import Busy, daemon_lock
from monitor.jobs.status import (
    NextRun,
    database_file,
    interval_seconds,
    last_starts,
    next_runs,
    recover,
    utc_text,
)
from monitor.memory import fewer_arenas, give_back
from monitor.redact import redact_text

log = logging.getLogger("asicmon.daemon")
SHUTDOWN_GRACE_S = 8.0
LOG_FIELDS = ("job", "next_run")  # ``extra=`` keys a log line carries as JSON fields


class CannotStart(Exception):
    """The daemon cannot start: the message is one line for the user."""


class AlreadyRunning(CannotStart):
    """Another ``asicmon run`` holds this database."""


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line on stderr: easy for journald, Loki or jq."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact_text(record.getMessage()),  # URLs with user:pass@, token=...
        }
        for key in LOG_FIELDS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def trigger_for(src: AnySource, first: NextRun) -> Any:
    """The source's trigger after its first run at ``first.at`` (by :func:`next_runs`, which
    the job is also given as its ``next_run_time``): an interval counts from that first run (so
    due sources keep the spread they started with), a crontab keeps its own times."""
    seconds = interval_seconds(src.schedule)
    if seconds is None:
        return CronTrigger.from_crontab(src.schedule, timezone="UTC")
    return IntervalTrigger(seconds=seconds, start_date=first.at, timezone="UTC")


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
        self.first_runs: dict[str, datetime] = {}  # job id: its first run (see build)
        self.scheduler = BackgroundScheduler(
            timezone="UTC",
            executors={"default": ThreadPoolExecutor(max_workers=8)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )

    def build(self) -> list[str]:
        """Add one job per enabled source, and the digest, market and export jobs; returns the
        job ids (also used by tests). ``first_runs`` holds when each runs first."""
        now = datetime.now(UTC)
        plans = next_runs(self.cfg.sources, last_starts(self.cfg), now)
        for src in self.cfg.sources:
            if not src.enabled:
                continue
            plan = plans[src.name]
            if plan.warning:
                log.warning("%s", plan.warning)
            self._add(f"scrape:{src.name}", self.scrape, trigger_for(src, plan), plan.at,
                      [src.name])  # fmt: skip
        if self.cfg.digest is not None:
            trigger = plain_trigger(self.cfg.digest.schedule)
            self._add("digest", self.send_digest, trigger, trigger.get_next_fire_time(None, now))
        if self.cfg.market.enabled:  # on by default: daily BTC/USD and hashprice
            trigger = plain_trigger(self.cfg.market.schedule)
            self._add("market", self.refresh_market, trigger, trigger.get_next_fire_time(None, now))
        for n, job in enumerate(self.cfg.exports):
            trigger = plain_trigger(job.schedule)
            self._add(f"export:{n}:{job.what}", self.export, trigger,
                      trigger.get_next_fire_time(None, now), [n])  # fmt: skip
        return list(self.first_runs)

    def _add(self, job_id: str, func: Any, trigger: Any, first: datetime, args: Any = ()) -> None:
        self.scheduler.add_job(func, trigger, args=list(args), id=job_id, name=job_id,
                               next_run_time=first)  # fmt: skip
        self.first_runs[job_id] = first

    def export(self, n: int) -> None:
        """The same job as `asicmon export` with the job's options."""
        if self.stop.is_set():
            return
        from monitor.jobs.export import run_export

        job = self.cfg.exports[n]
        try:
            rows = run_export(self.cfg, job.what, job.format, Path(job.path), job.partition_by)
            log.info("export %s: %d rows to %s", job.what, rows, job.path)
        except ValueError as exc:  # as `asicmon export` says it (ExportError: the path, why)
            log.error("export job %s failed: %s", job.what, exc)
        except Exception:
            log.exception("export job %s failed", job.what)

    def refresh_market(self) -> None:
        """The same job as `asicmon market --days N`, from the APIs the config names. Offline
        or an API changed: one warning line, and the next run tries again."""
        job = self.cfg.market
        if self.stop.is_set() or not job.enabled:
            return
        from monitor.jobs.market import refresh_market

        try:
            days = refresh_market(self.cfg, job.days)  # from the APIs `market:` names
            log.info("market: stored %d days", days)
        except Exception as exc:  # never a traceback: the daemon goes on
            log.warning("market job failed (the next run tries again): %s", exc)

    def send_digest(self) -> None:
        """The same job as `asicmon digest --send`."""
        if self.stop.is_set():
            return
        from monitor.jobs import DigestError  # the digest's imports load when it runs
        from monitor.jobs.digest import run_digest

        try:
            outcome = run_digest(self.cfg, deliver=True, stop=self.stop)  # SIGTERM cuts it short
            log.info("digest: %s", "sent" if outcome.sent else "nothing new")
        except (DigestError, StoreError) as exc:  # its message says what went wrong
            log.error("digest job failed: %s", exc)
        except Exception:
            log.exception("digest job failed")

    def recover(self) -> None:
        """Mark failed the runs whose process died (a killed daemon or ``scrape``)."""
        try:
            for line in recover(self.cfg):
                log.warning("%s", line)
        except StoreError as exc:  # its message says it all (a deleted database, ...)
            log.error("%s", exc)
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
        except StoreError as exc:
            log.error("job scrape:%s: %s", name, exc)
        except Exception:
            log.exception("job scrape:%s crashed", name)
        finally:
            with self.idle:
                self.active -= 1
                rest = self.active == 0
                self.idle.notify_all()
            if rest:  # the last job of a burst: what it freed goes back to the system
                give_back()

    def request_stop(self, signum: int, _frame: object) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.stop.set()

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; raises :class:`AlreadyRunning` when another daemon
        holds the database, :class:`CannotStart` when its lock file cannot be made."""
        try:
            lock = daemon_lock(self.cfg.database)
        except Busy as exc:
            pid = exc.pid if exc.pid is not None else "?"
            raise AlreadyRunning(
                f"another asicmon run (pid {pid}) already uses {self.cfg.database}"
            ) from None
        except OSError as exc:  # a read-only folder, a link planted as the lock file...
            where = exc.filename or self.cfg.database
            raise CannotStart(f"cannot take the daemon lock {where}: {exc.strerror}") from None
        try:
            return self._run()
        finally:
            lock.release()

    def _run(self) -> int:
        self.recover()  # before anything else: a previous daemon may have been killed mid-run
        ids = self.build()
        if not any(job.startswith("scrape:") for job in ids):
            log.warning("no enabled sources: no scraping scheduled")
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.request_stop)
        for job_id, first in self.first_runs.items():
            when = utc_text(first)
            log.info("job %s: next run %s", job_id, when, extra={"job": job_id, "next_run": when})
        fewer_arenas()  # before the scheduler's threads: a few MB at rest, not one arena each
        self.scheduler.start()
        log.info("scheduler started with %d jobs: %s", len(ids), ", ".join(ids))
        code = 0
        watched = database_file(self.cfg)  # the database file the jobs opened
        while not self.stop.wait(1.0):
            found = database_file(self.cfg)
            if watched is None:
                watched = found
            elif found != watched:  # the store refuses to write to it: restart on the new file
                how = "deleted" if found is None else "replaced by another file"
                log.error("the database %s was %s while asicmon was running; stopping writes "
                          "(exit 1)", self.cfg.database, how)  # fmt: skip
                code = 1
                self.stop.set()
        self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + SHUTDOWN_GRACE_S
        with self.idle:
            while self.active and time.monotonic() < deadline:
                self.idle.wait(deadline - time.monotonic())
        if self.active:
            log.warning("%d job(s) still running at exit; their open page is rolled back",
                        self.active)  # fmt: skip
        log.info("stopped")
        return code


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
