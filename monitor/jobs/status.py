"""``asicmon status``, ``sources`` and ``unmatched``, and the daemon's start-up check: what the
database says about the sources. Each call opens the store once and closes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.config import Config
from monitor.store import Store
from monitor.store.views import RunRow, Summary, UnmatchedRow


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


def sources(cfg: Config) -> Report:
    """Each configured source with its last run (``sources --json`` rows)."""
    with Store(cfg.database) as store:
        notes = recover_runs(store)
        last = store.last_runs(src.name for src in cfg.sources)
    rows = [{"name": src.name, "kind": src.kind, "urls": src.start_urls(),
             "enabled": src.enabled, "schedule": src.schedule, "last_run": last[src.name]}
            for src in cfg.sources]  # fmt: skip
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
    with Store(cfg.database) as store:
        notes = recover_runs(store)
        summary = store.summary()
        last = store.last_runs(src.name for src in cfg.sources)
    return Report(Status(summary, last), notes)


def unmatched(cfg: Config, limit: int) -> list[UnmatchedRow]:
    """The most frequent stored titles that matched no catalog model."""
    with Store(cfg.database) as store:
        return store.unmatched_titles(limit)


def last_starts(cfg: Config) -> dict[str, datetime]:
    """When each configured source's last run started (the daemon resumes intervals from it)."""
    with Store(cfg.database) as store:
        last = store.last_runs(src.name for src in cfg.sources)
    return {
        name: datetime.fromisoformat(run["started_at"].replace("Z", "+00:00"))
        for name, run in last.items()
        if run is not None
    }


def recover(cfg: Config) -> list[str]:
    """The daemon's check at start and before each scrape: runs of dead processes marked."""
    with Store(cfg.database) as store:
        return recover_runs(store)
