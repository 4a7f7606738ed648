"""The ``asicmon`` command: parse arguments, call a job (:mod:`monitor.jobs`), print.

It opens nothing itself (no database, no network): every command is a job the daemon can run
too. May import: ``monitor.config``, ``monitor.jobs``, and the pure parts of ``normalise``.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor import __version__
from monitor.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from monitor.jobs.collect import RunResult

EXIT_INVALID_CONFIG = 2


class State:
    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_path)
            except ConfigError as exc:
                click.echo(exc.report(), err=True)
                sys.exit(EXIT_INVALID_CONFIG)
        return self._config


pass_state = click.make_pass_decorator(State)


class Commands(click.Group):
    """Every command: a database that cannot be used is a one-line error (exit 1), not a
    traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from monitor.jobs import DatabaseError, StoreError

        try:
            return super().invoke(ctx)
        except StoreError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except DatabaseError as exc:
            cfg = ctx.obj.config() if isinstance(ctx.obj, State) else None
            where = f" {cfg.database}" if cfg else ""
            click.echo(f"error: database{where}: {exc}", err=True)
            sys.exit(1)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="config.yaml",
    show_default=True,
    envvar="ASICMON_CONFIG",
    help="Config file (env ASICMON_CONFIG).",
)
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.version_option(__version__, prog_name="asicmon")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: int) -> None:
    """asicmon: monitor used crypto-mining hardware prices in $/TH."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = State(config_path)


@cli.command("check-config")
@pass_state
def check_config(state: State) -> None:
    """Validate the config file; exit 0 if valid, 2 with every error if not."""
    try:
        cfg = load_config(state.config_path)
    except ConfigError as exc:
        click.echo(exc.report(), err=True)
        sys.exit(EXIT_INVALID_CONFIG)
    enabled = sum(s.enabled for s in cfg.sources)
    click.echo(
        f"{state.config_path}: valid ({len(cfg.sources)} sources, {enabled} enabled; "
        f"database {cfg.database})"
    )


def _show(r: RunResult) -> None:
    line = (f"{r.source}: {r.status}, {r.pages} pages, {r.listings} listings "
            f"({r.new_listings} new), {r.observations} new observations")  # fmt: skip
    click.echo(line + (f" - {r.reason}" if r.reason else ""))


@cli.command()
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@pass_state
def scrape(state: State, names: tuple[str, ...]) -> None:
    """Run one collection cycle now over the enabled sources (exit 1 if any failed)."""
    from monitor.jobs.collect import run_cycle

    cfg = state.config()
    try:
        selected = [cfg.source(n) for n in names]
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--source") from None
    if not names and not any(s.enabled for s in cfg.sources):
        click.echo("no enabled sources in config; nothing to do", err=True)
        return
    results = run_cycle(cfg, names=[s.name for s in selected] or None, on_result=_show)
    if any(r.status == "failed" for r in results):
        sys.exit(1)


@cli.command()
@click.option("--source", "name", required=True, help="A telegram source.")
@click.option(
    "--until",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Page back through older posts until this date (YYYY-MM-DD).",
)
@click.option("--max-pages", default=500, show_default=True, help="Stop after this many pages.")
@pass_state
def backfill(state: State, name: str, until: datetime, max_pages: int) -> None:
    """Page back through a channel's history (telegram sources) and store what it offered."""
    from monitor.jobs.collect import run_cycle

    cfg = state.config()
    try:
        src = cfg.source(name)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--source") from None
    if src.kind != "telegram":
        raise click.BadParameter(
            f"{name!r} is a {src.kind} source; backfill pages back through telegram channels",
            param_hint="--source",
        )
    results = run_cycle(cfg, names=[name], on_result=_show, max_pages=max_pages,
                        options={"until": until.date().isoformat()})  # fmt: skip
    if any(r.status == "failed" for r in results):
        sys.exit(1)


def _notes(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def sources(state: State, as_json: bool) -> None:
    """The configured sources and each one's last run (health: ok, suspect, failed)."""
    from monitor.jobs import status as jobs

    report = jobs.sources(state.config())
    _notes(report.notes)
    rows = report.data
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        run = row["last_run"]
        health = (
            "never run"
            if run is None
            else (
                f"{run['status']} at {run['started_at']}: {run['listings']} listings"
                + (f" - {run['reason']}" if run["reason"] else "")
            )
        )
        state_word = "" if row["enabled"] else " (disabled)"
        click.echo(f"{row['name']} [{row['kind']}]{state_word} {row['urls'][0]}  {health}")


@cli.command("export")
@click.option("--what", type=click.Choice(["listings", "observations", "index", "drops", "runs"]),
              required=True)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="A file; with --partition-by, a folder.")  # fmt: skip
@click.option("--partition-by", type=click.Choice(["month"]),
              help="Parquet only: a dataset of month=YYYY-MM/ folders.")  # fmt: skip
@pass_state
def export_cmd(state: State, what: str, fmt: str, output: Path, partition_by: str | None) -> None:
    """Export listings, observations, index, drops or runs to CSV or Parquet (streamed)."""
    from monitor.jobs.export import run_export

    try:
        rows = run_export(state.config(), what, fmt, output, partition_by)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {rows} {what} rows to {output}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def status(state: State, as_json: bool) -> None:
    """Database counts and each source's last run."""
    from monitor.jobs import status as jobs

    cfg = state.config()
    report = jobs.status(cfg)
    _notes(report.notes)
    data = report.data.to_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"database {cfg.database}")
    for key in (
        "listings",
        "miners",
        "miners_normalised",
        "parts",
        "other",
        "observations",
        "runs",
    ):
        click.echo(f"  {key}: {data[key]}")
    for name, run in data["sources"].items():
        if run is None:
            click.echo(f"  {name}: never run")
        else:
            click.echo(
                f"  {name}: {run['status']} at {run['started_at']}, {run['listings']} "
                f"listings" + (f" - {run['reason']}" if run["reason"] else "")
            )


@cli.command("normalise")
@click.argument("title", required=False)
@click.option("--jsonl", is_flag=True, help="Read one title per line on stdin; write JSON lines.")
@click.option(
    "--offers",
    is_flag=True,
    help="Read one multi-offer message on stdin; one JSON "
    "object per offer (price, currency, price_basis, moq, location).",
)
@click.option("--schema", is_flag=True, help="Print the JSON schema of the output and exit.")
def normalise_cmd(title: str | None, jsonl: bool, offers: bool, schema: bool) -> None:
    """Normalise a listing title to model, hashrate, power, quantity and condition (JSON)."""
    from monitor.normalise.titles import normalise

    if schema:
        from monitor.normalise.record import json_schema

        click.echo(json.dumps(json_schema(), indent=2))
        return
    if offers:
        from monitor.normalise.offers import parse_offers

        for offer in parse_offers(sys.stdin.read()):
            click.echo(json.dumps(offer.to_dict(), ensure_ascii=False))
        return
    if jsonl:
        for line in sys.stdin:
            click.echo(json.dumps(normalise(line.rstrip("\r\n")).to_dict(), ensure_ascii=False))
        return
    if title is None:
        raise click.UsageError("give a TITLE, or --jsonl / --offers to read stdin")
    click.echo(json.dumps(normalise(title).to_dict(), ensure_ascii=False))


@cli.command()
@click.option("--limit", default=30, show_default=True, help="How many titles to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def unmatched(state: State, limit: int, as_json: bool) -> None:
    """The most frequent stored titles that matched no catalog model (to extend the catalog)."""
    from monitor.jobs.status import unmatched as unmatched_titles

    rows = unmatched_titles(state.config(), limit)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no unmatched titles")
        return
    for row in rows:
        click.echo(f"{row['listings']:>5}  {row['title']}  [{row['reason']}; {row['sources']}]")


@cli.command()
@click.option("--send", "deliver", is_flag=True, help="Send it by SMTP (and apprise).")
@click.option("--dry-run", is_flag=True, help="Print the text part; send and remember nothing.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the message to this .eml file.")  # fmt: skip
@pass_state
def digest(state: State, deliver: bool, dry_run: bool, out: Path | None) -> None:
    """Email digest: new alerts, biggest movers, deals, new events, source health, chart."""
    from monitor.jobs import DigestError
    from monitor.jobs.digest import run_digest, text_part

    if deliver and dry_run:
        raise click.UsageError("--send and --dry-run exclude each other")
    try:
        outcome = run_digest(state.config(), deliver=deliver, out=out)
    except DigestError as exc:
        raise click.ClickException(str(exc)) from None
    if outcome.message is None:
        click.echo("nothing new: no digest")
        return
    if not deliver:
        click.echo(text_part(outcome.message))
    if out:
        click.echo(f"wrote {out}", err=True)
    if outcome.sent:
        click.echo(
            f"sent digest: {len(outcome.data.alerts)} alerts, "
            f"{len(outcome.data.deals)} deals, {len(outcome.data.new_events)} events"
        )


@cli.command()
@pass_state
def run(state: State) -> None:
    """Run as a daemon in the foreground: every source on its schedule (stop with SIGTERM)."""
    from monitor.daemon import Daemon, configure_logging

    cfg = state.config()
    configure_logging()
    sys.exit(Daemon(cfg).run())


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def import_cmd(state: State, file: Path) -> None:
    """Import price sightings from a CSV (observed_at, title, price, currency, ...)."""
    from monitor.jobs.importer import run_import

    try:
        result = run_import(state.config(), file,
                            progress=lambda n: click.echo(f"  {n} rows...", err=True))  # fmt: skip
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for line, reason in result.errors[:50]:
        click.echo(f"{file}:{line}: {reason}", err=True)
    if len(result.errors) > 50:
        click.echo(f"... and {len(result.errors) - 50} more bad rows", err=True)
    click.echo(
        f"imported {result.imported} of {result.rows} rows ({len(result.errors)} bad): "
        f"{result.observations} new observations, {result.new_listings} new listings"
    )
    if result.rows and not result.imported:
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--since", help="First day (YYYY-MM-DD).")
@click.option("--until", help="Last day (YYYY-MM-DD).")
@click.option(
    "--by",
    type=click.Choice(["both", "tier", "model"]),
    default="both",
    show_default=True,
    help="Index series per efficiency tier, per model, or both.",
)
@click.option("--freq", type=click.Choice(["W", "D"]), default="W", show_default=True,
              help="Weekly or daily index.")  # fmt: skip
@pass_state
def analyse(state: State, as_json: bool, since: str | None, until: str | None, by: str,
            freq: str) -> None:  # fmt: skip
    """$/TH indexes per model and tier, sustained drops, and the events that line up."""
    from monitor.jobs.analyse import analyse_db

    result = analyse_db(state.config(), since, until, by=by, freq=freq)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    series = sorted({p["series"] for p in result["index"]})
    click.echo(f"{len(series)} index series, {len(result['index'])} points")
    for drop in result["drops"]:
        line = (f"{drop['series']}: -{drop['drop_pct']:.0f} % from {drop['start']} to "
                f"{drop['end']}")  # fmt: skip
        if drop.get("abnormal_pct") is not None:
            line += (f" (market explains {drop['market_explained_pct']:.0f} pts, abnormal "
                     f"{drop['abnormal_pct']:.0f} pts)")  # fmt: skip
        click.echo(line)
        for ev in drop["events"]:
            click.echo(f"    {ev['date']} ({ev['days_from_start']:+d} d) {ev['id']}: {ev['title']}")
        if drop["events"]:
            click.echo(f"    chance of such an alignment: p = {drop['chance_alignment_p']:.2f}")


@cli.command()
@click.option("--series", required=True, help='An index series, e.g. "tier:25to38".')
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--since", help="First day (YYYY-MM-DD).")
@click.option("--until", help="Last day (YYYY-MM-DD).")
@pass_state
def plot(state: State, series: str, output: Path, since: str | None, until: str | None) -> None:
    """Draw one index series with event markers and shaded drops (PNG)."""
    from monitor.jobs.analyse import plot as plot_job

    try:
        plot_job(state.config(), series, output, since, until)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {output}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def events(state: State, as_json: bool) -> None:
    """The policy and market events catalog (bundled, plus files named in config)."""
    from monitor.jobs.analyse import events_frame

    frame = events_frame(state.config())
    if as_json:
        out = frame.assign(
            date=frame["date"].dt.strftime("%Y-%m-%d"),
            end_date=frame["end_date"].dt.strftime("%Y-%m-%d"),
        )
        click.echo(out.to_json(orient="records", force_ascii=False, indent=2))
        return
    for _, ev in frame.iterrows():
        click.echo(f"{ev['date']:%Y-%m-%d}  {ev['id']:<11} {ev['jurisdiction']:<7} "
                   f"{ev['kind']:<20} {ev['title']}")  # fmt: skip


@cli.command("market")
@click.option("--days", default=90, show_default=True, help="How many recent days to fetch.")
@pass_state
def market_cmd(state: State, days: int) -> None:
    """Fetch recent daily BTC/USD and hashprice from public APIs into the database (online)."""
    from monitor.jobs import FetchError
    from monitor.jobs.market import refresh_market

    try:
        n = refresh_market(state.config(), days)
    except FetchError as exc:
        raise click.ClickException(f"market data not fetched: {exc}") from None
    click.echo(f"stored {n} days of market data")


@cli.command()
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default="asicmon-demo",
    show_default=True,
    help="Folder for the demo database, config and exports.",
)
def demo(workdir: Path) -> None:
    """Offline demo: serve bundled shop snapshots on 127.0.0.1 and run the whole pipeline."""
    from monitor.jobs.demo import run_demo

    run_demo(workdir, echo=click.echo)
