"""The ``asicmon`` command: parse arguments, call a job (:mod:`monitor.jobs`), print.

It opens nothing itself (no database, no network): every command is a job the daemon can run
too. May import: ``monitor.config``, ``monitor.jobs``, and the pure parts of ``normalise``.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn

import click

import monitor
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


def _show_version(ctx: click.Context, value: bool) -> None:
    """``--version``: click's own option's words, with the version read only when asked for
    (``monitor.__version__`` reads the package metadata, which every other command skips)."""
    if value and not ctx.resilient_parsing:
        click.echo(f"asicmon, version {monitor.__version__}", color=ctx.color)
        ctx.exit()


_VERBOSE = "asicmon.verbose"
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _log_level(verbose: int) -> int:
    return [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]


def _more_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """``-v`` after a command adds to the ``-v`` before it (``asicmon -v scrape -v`` = -vv)."""
    if value:
        total = ctx.meta.get(_VERBOSE, 0) + value  # meta is shared by the whole context tree
        ctx.meta[_VERBOSE] = total
        logging.getLogger().setLevel(_log_level(total))


def verbose_option() -> click.Option:
    return click.Option(["-v", "--verbose"], count=True, expose_value=False,
                        callback=_more_verbose,
                        help="More log output on stderr (-vv for debug).")  # fmt: skip


class Commands(click.Group):
    """Every command: a database that cannot be used is a one-line error (exit 1), not a
    traceback; and every command takes ``-v`` after its name as well as before it."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any("-v" in p.opts for p in cmd.params):
            cmd.params.append(verbose_option())
        super().add_command(cmd, name)

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
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, _param, value: _show_version(ctx, value),
              help="Show the version and exit.")  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: int) -> None:
    """asicmon: monitor used crypto-mining hardware prices in $/TH."""
    logging.basicConfig(level=_log_level(verbose), format=_LOG_FORMAT)
    if verbose:  # also when logging was set up before (basicConfig then does nothing)
        logging.getLogger().setLevel(_log_level(verbose))
    ctx.meta[_VERBOSE] = verbose
    ctx.obj = State(config_path)


_SCALARS = frozenset((str, int, float, bool, type(None)))


class _NotPlain(Exception):
    """A value :func:`json_indented` leaves to ``json.dumps`` (a key that is no str, a type the
    encoder would ask ``default`` about)."""


def json_indented(obj: Any) -> str:
    """Exactly ``json.dumps(obj, indent=2, ensure_ascii=False)``, twice as fast on large results.

    With ``indent`` the json module uses its pure-Python encoder (~0.09 s for the 10,000 index
    points of a 1M-sighting ``analyse``); the C encoder has no indent, but its item separator
    may be ``",\n" + padding``, which is the indented form of a container of plain values.
    So each list or dict of plain values (the index points, a drop's fields) is one C call and
    only the levels above them are walked here. Anything else is left to ``json.dumps``."""
    try:
        return _indented(obj, "", {})
    except (_NotPlain, RecursionError):  # json.dumps then says what it says (circular: ValueError)
        return json.dumps(obj, indent=2, ensure_ascii=False)


def _flat_encoder(item_separator: str) -> Callable[[Any], str]:
    """``json.dumps(obj, ensure_ascii=False, separators=(item_separator, ": "))`` for a container
    of plain values, without building an encoder per call (the C one when there is one)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(ensure_ascii=False, separators=(item_separator, ": ")).encode
    key = json.encoder.encode_basestring
    # no circular-reference markers: plain values hold no containers
    encoder = make(None, None, key, None, ": ", item_separator, False, False, True)
    return lambda obj: "".join(encoder(obj, 0))


def _flat_dict(value: Any) -> bool:
    """A dict of plain values, not empty (``{}`` is written on one line)."""
    return type(value) is dict and bool(value) and all(type(v) in _SCALARS for v in value.values())


def _indented(obj: Any, pad: str, encoders: dict[str, Callable[[Any], str]]) -> str:
    if type(obj) in _SCALARS:
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, (list, tuple, dict)) and not obj:
        return "{}" if isinstance(obj, dict) else "[]"
    inner = pad + "  "
    if isinstance(obj, dict):
        values: Any = obj.values()
    elif isinstance(obj, (list, tuple)):
        values = obj
    else:
        raise _NotPlain
    if all(type(v) in _SCALARS for v in values):
        encode = encoders.get(inner) or encoders.setdefault(inner, _flat_encoder(",\n" + inner))
        text = encode(obj)  # "{k: v,\n<inner>k: v}": the brackets still need their lines
        return f"{text[0]}\n{inner}{text[1:-1]}\n{pad}{text[-1]}"
    if not isinstance(obj, dict) and all(_flat_dict(v) for v in obj):  # rows: one C call
        deeper = inner + "  "
        encode = encoders.get(deeper) or encoders.setdefault(deeper, _flat_encoder(",\n" + deeper))
        # An encoded string never holds a raw newline, so "},\n<deeper>{" is a row boundary
        rows = encode(obj)[2:-2].replace(f"}},\n{deeper}{{", f"\n{inner}}},\n{inner}{{\n{deeper}")
        return f"[\n{inner}{{\n{deeper}{rows}\n{inner}}}\n{pad}]"
    if isinstance(obj, dict):
        if not all(type(k) is str for k in obj):
            raise _NotPlain
        key = json.encoder.encode_basestring
        items = [f"{inner}{key(k)}: {_indented(v, inner, encoders)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    items = [inner + _indented(v, inner, encoders) for v in obj]
    return "[\n" + ",\n".join(items) + f"\n{pad}]"


class ISODate(click.ParamType[date, Any]):
    """A calendar day written ``YYYY-MM-DD``. Every date the CLI takes is read by this one type,
    so a day that does not exist (``2026-13-01``) or is written another way (``yesterday``) is
    a usage error (exit 2) that names the option and the value."""

    name = "YYYY-MM-DD"
    _FORM = re.compile(r"\d{4}-\d{2}-\d{2}")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value)
        if not self._FORM.fullmatch(text):
            self.fail(f"{text!r} is not a date: write it as YYYY-MM-DD", param, ctx)
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            self.fail(f"{text!r} is not a valid date (YYYY-MM-DD): {exc}", param, ctx)


ISO_DATE = ISODate()


def date_range(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--since``/``--until`` (inclusive UTC days, :class:`ISODate`) for a command; a
    ``--since`` after ``--until`` is a usage error (exit 2)."""

    @functools.wraps(command)
    def checked(*args: Any, since: date | None, until: date | None, **kwargs: Any) -> Any:
        if since is not None and until is not None and since > until:
            raise click.UsageError(f"--since {since} is after --until {until}")
        return command(*args, since=since, until=until, **kwargs)

    checked = click.option("--until", type=ISO_DATE, help="Last day, inclusive.")(checked)
    return click.option("--since", type=ISO_DATE, help="First day.")(checked)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class Progress:
    """Progress of long work, on stderr. On a terminal: one line, rewritten in place as the
    work goes on and cleared before a result is printed. Otherwise (a pipe, a log file, cron)
    one plain line per step. ``ASICMON_PROGRESS=1`` forces the terminal form, ``0`` the plain
    one; unset, it follows whether stderr is a terminal. Thread-safe: sources on different
    hosts report from their own threads."""

    CLEAR = "\r\x1b[K"

    def __init__(self) -> None:
        forced = os.environ.get("ASICMON_PROGRESS", "").strip()
        self.live = forced == "1" if forced in ("0", "1") else _stderr_is_terminal()
        self._lines: dict[str, str] = {}  # what each task in progress shows
        self._shown = False
        self._lock = threading.Lock()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            self._lines.clear()
            self._clear()

    def update(self, task: str, text: str) -> None:
        with self._lock:
            if not self.live:
                click.echo(text, err=True)
                return
            self._lines[task] = text
            self._draw()

    def result(self, task: str, line: str) -> None:
        """``task`` is done: its progress leaves the line and ``line`` is printed (stdout)."""
        with self._lock:
            self._lines.pop(task, None)
            self._clear()
            click.echo(line)
            if self._lines:
                self._draw()

    def _draw(self) -> None:
        width = max(shutil.get_terminal_size().columns - 1, 20)  # a wrapped line cannot be redrawn
        click.echo(self.CLEAR + " | ".join(self._lines.values())[:width], err=True, nl=False,
                   color=True)  # fmt: skip
        self._shown = True

    def _clear(self) -> None:
        if self._shown:
            click.echo(self.CLEAR, err=True, nl=False, color=True)
            self._shown = False


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


def _result_line(r: RunResult) -> str:
    line = (f"{r.source}: {r.status}, {r.pages} pages, {r.listings} listings "
            f"({r.new_listings} new), {r.observations} new observations")  # fmt: skip
    return line + (f" - {r.reason}" if r.reason else "")


def _collect(progress: Progress) -> dict[str, Any]:
    """The callbacks a collection cycle reports through: a progress line per source while its
    pages come in, then its result."""

    def page(source: str, pages: int, listings: int) -> None:
        progress.update(source, f"{source}: page {pages}, {listings} listings")

    def result(r: RunResult) -> None:
        progress.result(r.source, _result_line(r))

    return {"on_page": page, "on_result": result}


def _stop_on_sigterm() -> None:
    """SIGTERM (``systemctl stop``, ``kill``) stops a collection like Ctrl-C does: the runs are
    recorded ``interrupted`` with the pages committed so far, not left for dead."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


@cli.command()
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@pass_state
def scrape(state: State, names: tuple[str, ...]) -> None:
    """Run one collection cycle now over the enabled sources (exit 1 if any failed)."""
    from monitor.jobs.collect import run_cycle

    _stop_on_sigterm()
    cfg = state.config()
    try:
        selected = [cfg.source(n) for n in names]
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--source") from None
    if not names and not any(s.enabled for s in cfg.sources):
        click.echo("no enabled sources in config; nothing to do", err=True)
        return
    with Progress() as progress:
        results = run_cycle(cfg, names=[s.name for s in selected] or None, **_collect(progress))
    if any(r.status == "failed" for r in results):
        sys.exit(1)


@cli.command()
@click.option("--source", "name", required=True, help="A telegram source.")
@click.option(
    "--until",
    required=True,
    type=ISO_DATE,
    help="Page back through older posts until this date.",
)
@click.option("--max-pages", default=500, show_default=True, help="Stop after this many pages.")
@pass_state
def backfill(state: State, name: str, until: date, max_pages: int) -> None:
    """Page back through a channel's history (telegram sources) and store what it offered."""
    from monitor.jobs.collect import run_cycle

    _stop_on_sigterm()
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
    with Progress() as progress:
        results = run_cycle(cfg, names=[name], max_pages=max_pages,
                            options={"until": until.isoformat()}, **_collect(progress))  # fmt: skip
    if any(r.status == "failed" for r in results):
        sys.exit(1)


def _notes(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def sources(state: State, as_json: bool) -> None:
    """The configured sources: schedule, next run, and last run (ok, suspect, failed...)."""
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
        when = (f"{jobs.describe_schedule(row['schedule'])}, "
                f"{jobs.next_check(row['next_run'], row['due'])}")  # fmt: skip
        click.echo(f"{row['name']} [{row['kind']}]{state_word} {row['urls'][0]}  {when}  {health}")


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
    from monitor.jobs.export import ExportError, run_export

    try:
        rows = run_export(state.config(), what, fmt, output, partition_by)
    except ExportError as exc:
        _not_written(exc)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {rows} {what} rows to {output}")


def _not_written(exc: Exception) -> NoReturn:
    """An output refused (exit 2: not something an export replaces) or not written (exit 1: an
    OS error), as one line naming the path."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(getattr(exc, "exit_code", 1))


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
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show the first N only.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def deals(state: State, limit: int | None, as_json: bool) -> None:
    """Working listings ranked by break-even months at the latest hashprice (economics:)."""
    from monitor.jobs.deals import NoHashprice, deals_db

    try:
        rows = deals_db(state.config(), limit=limit)
    except NoHashprice as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no priced working listings")
        return
    first, newest = rows[0], max(r["last_seen"] or "" for r in rows)
    click.echo(f"hashprice {first['hashprice_usd_ph_day']:.2f} USD/PH/day on "
               f"{first['hashprice_date']}; newest listing seen {newest}")  # fmt: skip
    if newest and (lag := (date.fromisoformat(newest[:10])
                           - date.fromisoformat(first["hashprice_date"])).days) > 7:  # fmt: skip
        click.echo(f"note: the hashprice is {lag} days older than the newest listing: run "
                   "`asicmon market` (or `asicmon market import FILE.csv`)")  # fmt: skip
    click.echo(f"{'model':<24} {'$/TH':>7} {'payback':>9} {'vs FMV':>8}  title")
    for r in rows:
        months = r["breakeven_months"]
        payback = "never" if months is None else f"{months:.1f} mo"
        vs = "n/a" if r["vs_fmv_pct"] is None else f"{r['vs_fmv_pct']:+.0f} %"
        title = r["title"] if len(r["title"]) <= 50 else r["title"][:49] + "…"
        click.echo(f"{(r['model'] or '?')[:24]:<24} {r['usd_per_th'] or 0:>7.2f} {payback:>9} "
                   f"{vs:>8}  {title}")  # fmt: skip


def _market_split(fall: dict[str, Any]) -> str:
    """How much of a drop or drawdown the market explains, in words; a market that went the
    other way (it would have raised the price) is said so, not as negative points."""
    explained, abnormal = fall["market_explained_pct"], fall["abnormal_pct"]
    if explained < 0:
        return (f" (the market went the other way: {-explained:.0f} pts up; abnormal "
                f"{abnormal:.0f} pts)")  # fmt: skip
    return f" (market explains {explained:.0f} pts, abnormal {abnormal:.0f} pts)"


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
    from monitor.jobs.export import ExportError

    if deliver and dry_run:
        raise click.UsageError("--send and --dry-run exclude each other")
    try:
        outcome = run_digest(state.config(), deliver=deliver, out=out)
    except ExportError as exc:  # --out
        _not_written(exc)
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
    from monitor.daemon import CannotStart, Daemon, configure_logging

    cfg = state.config()
    configure_logging()
    try:
        code = Daemon(cfg).run()
    except CannotStart as exc:  # e.g. another daemon on this database: it would run slots twice
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    sys.exit(code)


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def import_cmd(state: State, file: Path) -> None:
    """Import price sightings from a CSV (observed_at, title, price, currency, ...).

    Comma, semicolon (European Excel) or tab separated; UTF-8, or UTF-16 with its byte-order
    mark. Exit 2 when the file is not such a CSV, 1 when no row could be imported."""
    from monitor.jobs.importer import ImportFileError, run_import

    cfg = state.config()
    try:
        with Progress() as progress:
            result = run_import(cfg, file, progress=lambda n: progress.update(
                "import", f"{file.name}: {n:,} rows read"))  # fmt: skip
    except ImportFileError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID_CONFIG)
    for line, reason in result.errors:  # the first MAX_ERRORS; the others are counted
        click.echo(f"{file}:{line}: {reason}", err=True)
    if result.bad > len(result.errors):
        click.echo(f"... and {result.bad - len(result.errors)} more bad rows", err=True)
    click.echo(
        f"imported {result.imported} of {result.rows} rows ({result.bad} bad): "
        f"{result.observations} new observations, {result.new_listings} new listings"
    )
    if result.rows and not result.imported:
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option(
    "--series",
    "series_names",
    is_flag=True,
    help="Print only the index series names, one per line (for plot --series).",
)
@date_range
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
def analyse(state: State, as_json: bool, series_names: bool, since: date | None,
            until: date | None, by: str, freq: str) -> None:  # fmt: skip
    """$/TH indexes per model and tier, sustained drops, and the events that line up."""
    from monitor.jobs.analyse import analyse_db, drop_span

    result = analyse_db(state.config(), _iso(since), _iso(until), by=by, freq=freq)
    if series_names:  # tiers first, then models
        for name in sorted({p["series"] for p in result["index"]},
                           key=lambda s: (not s.startswith("tier:"), s)):  # fmt: skip
            click.echo(name)
        return
    if as_json:
        click.echo(json_indented(result))
        return
    from monitor.jobs.market import market_notes_line

    note = market_notes_line(result["drops"])
    if note:  # once, at the top; each drop's own is in --json (market_note)
        click.echo(f"note: {note}")
    series = sorted({p["series"] for p in result["index"]})
    click.echo(f"{len(series)} index series, {len(result['index'])} points")
    for drop in result["drops"]:
        line = (f"{drop['series']}: -{drop['drop_pct']:.0f} % "
                f"{drop_span(drop['start'], drop['end'], freq)}")  # fmt: skip
        if drop.get("abnormal_pct") is not None:
            line += _market_split(drop)
        click.echo(line)
        for ev in drop["events"]:
            click.echo(f"    {ev['date']} ({ev['days_from_start']:+d} d) {ev['id']}: {ev['title']}")
        if drop["events"] and drop["chance_alignment_p"] is not None:
            click.echo(f"    chance of such an alignment: p = {drop['chance_alignment_p']:.2f}")
    for down in result["drawdowns"]:  # long slides, peak to trough (monitor.analysis.drawdowns)
        back = f"half recovered by {down['recovered']}" if down["recovered"] else "not recovered"
        line = (f"{down['series']}: drawdown -{down['depth_pct']:.0f} % "
                f"{drop_span(down['start'], down['end'], freq)} (${down['peak']:.2f} -> "
                f"${down['trough']:.2f}/TH, {back})")  # fmt: skip
        if down["abnormal_pct"] is not None:
            line += _market_split(down)
        click.echo(line)
        if down["events"]:
            p = down["chance_alignment_p"]
            chance = "" if p is None else f" (chance of such an alignment: p = {p:.2f})"
            click.echo(f"    events: {', '.join(e['id'] for e in down['events'])}{chance}")


@cli.command()
@click.option(
    "--series",
    required=True,
    help='An index series, e.g. "tier:25to38" (list them: asicmon analyse --series).',
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@date_range
@pass_state
def plot(state: State, series: str, output: Path, since: date | None, until: date | None) -> None:
    """Draw one index series with event markers and shaded drops (PNG)."""
    from monitor.jobs.analyse import plot as plot_job
    from monitor.jobs.export import ExportError

    try:
        plot_job(state.config(), series, output, _iso(since), _iso(until))
    except ExportError as exc:
        _not_written(exc)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {output}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any other than 127.0.0.1 needs --token-env.")  # fmt: skip
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token-env", metavar="NAME",
              help="Environment variable holding the token every request must carry.")  # fmt: skip
@pass_state
def serve(state: State, host: str, port: int, token_env: str | None) -> None:
    """A read-only dashboard in the browser: indexes, models, deals, drops, sources."""
    from monitor.web.app import ServeRefused, token_for
    from monitor.web.app import serve as serve_app

    try:
        token = token_for(host, token_env, dict(os.environ))
    except ServeRefused as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    serve_app(state.config(), host, port, token, echo=click.echo)


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The report folder (replaced only if it holds an earlier report).")  # fmt: skip
@pass_state
def report(state: State, output: Path) -> None:
    """The dashboard's pages as static HTML files in a folder (index.html is the Overview)."""
    from monitor.web.report import ReportRefused, write_report

    try:
        count = write_report(state.config(), output)
    except ReportRefused as exc:
        _not_written(exc)
    except OSError as exc:
        click.echo(f"error: {output}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(f"wrote {count} files to {output} (open {output / 'index.html'})")


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


@cli.group("market", invoke_without_command=True)
@click.option("--days", default=90, show_default=True, help="How many recent days to fetch.")
@pass_state
def market_cmd(state: State, days: int) -> None:
    """Fetch recent daily BTC/USD and hashprice from public APIs into the database (online);
    `market import FILE.csv` loads your own daily series instead."""
    if click.get_current_context().invoked_subcommand is not None:
        return
    from monitor.jobs import FetchError
    from monitor.jobs.market import refresh_market

    try:
        n = refresh_market(state.config(), days)
    except FetchError as exc:
        raise click.ClickException(f"market data not fetched: {exc}") from None
    click.echo(f"stored {n} days of market data")


MAX_MARKET_ERRORS = 20  # bad rows shown; the rest are counted


@market_cmd.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def market_import(state: State, file: Path) -> None:
    """Load your own daily BTC/USD and/or hashprice from a CSV.

    Header row required, naming `date` and `btc_usd` and/or `hashprice_usd_ph_day` (USD per
    PH/s per day); other columns are ignored and either value may be blank, not both. A date is
    YYYY-MM-DD or an ISO date-time at 00:00 UTC (a Hashrate Index or pool export). Every row is
    checked first: when any is bad, each is listed with its line number, nothing is stored and
    the exit code is 2. A value replaces the stored one of its day; a blank keeps it."""
    from monitor.jobs.market import MarketCsvError, import_market

    try:
        done = import_market(state.config(), file)
    except MarketCsvError as exc:
        lines = exc.lines()
        for line in lines[:MAX_MARKET_ERRORS]:
            click.echo(f"error: {line}", err=True)
        if len(lines) > MAX_MARKET_ERRORS:
            click.echo(f"... and {len(lines) - MAX_MARKET_ERRORS} more bad rows", err=True)
        click.echo(f"nothing stored from {file}", err=True)
        sys.exit(EXIT_INVALID_CONFIG)
    click.echo(f"stored {done.days} days of market data from {file.name} ({done.first} to "
               f"{done.last}; {done.with_btc_usd} with BTC/USD, {done.with_hashprice} with "
               f"hashprice), source {done.source}")  # fmt: skip


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
