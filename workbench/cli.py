"""The ``workbench`` command: every job from a terminal or cron.

Each subcommand is a thin call into the package; errors are shown as one clear line (no
traceback) and a non-zero exit code.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .errors import WorkbenchError


def _friendly(func):
    """Turn package errors into a one-line message and exit code 1 (2 for bad usage)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except WorkbenchError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
    return wrapper


def _store(db):
    from .store import Store
    return Store(db) if db else Store()


db_option = click.option("--db", type=click.Path(dir_okay=False), envvar="WORKBENCH_DB",
                         help="Store file (default: $WORKBENCH_DB or data/workbench.duckdb).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workbench")
def main() -> None:
    """workbench: analytics and operations for an online shop's back office."""


@main.command()
@db_option
@_friendly
def init(db):
    """Create an empty store (or bring an older one up to date)."""
    store = _store(db).init()
    click.echo(f"Store ready: {store.path}")


@main.command()
@db_option
@_friendly
def info(db):
    """Show the store file, its schema version and the rows in each table."""
    store = _store(db)
    click.echo(f"Store: {store.path}  (schema version {store.schema_version()})")
    for name, n in store.counts().items():
        click.echo(f"  {name:<20} {n:>10,}")


@main.command()
@db_option
@click.option("--orders", type=int, default=50_000, show_default=True, help="How many orders to generate.")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed (same seed, same shop).")
@_friendly
def demo(db, orders, seed):
    """Seed the store with the deterministic demo shop (replaces its contents)."""
    from .demo import seed_demo
    store = _store(db).init()
    counts = seed_demo(store, orders=orders, seed=seed)
    click.echo(f"Demo shop written to {store.path}:")
    for name, n in counts.items():
        click.echo(f"  {name:<20} {n:>10,}")


@main.command()
@click.argument("name")
@click.option("-p", "--parameter", "params", nargs=2, multiple=True, metavar="KEY VALUE",
              help="A notebook parameter (repeatable), e.g. -p channel pos.")
@db_option
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for the outputs (default: reports/NAME).")
@_friendly
def report(name, params, db, out):
    """Run report NAME headless; writes reports/NAME/<timestamp>.ipynb and .html."""
    from .runner import run_report
    result = run_report(name, dict(params), db=db, out_dir=out)
    click.echo(f"Notebook: {result.notebook}")
    click.echo(f"HTML:     {result.html}")


@main.group()
def schedule():
    """Scheduled reports (see schedule.toml)."""


@schedule.command("run-due")
@click.option("--file", "schedule_file", type=click.Path(dir_okay=False), default=None,
              help="Schedule file (default: schedule.toml in the project root).")
@click.option("--all", "run_all", is_flag=True, help="Run every scheduled report now, due or not.")
@db_option
@_friendly
def schedule_run_due(schedule_file, run_all, db):
    """Run what is due; exits non-zero when any run failed (the error is written beside the report)."""
    from .schedule import run_due
    results = run_due(schedule_file, run_all=run_all, db=db)
    failed = [r for r in results if not r.ok]
    for r in results:
        click.echo(f"{'ok    ' if r.ok else 'FAILED'} {r.entry}: {r.html or r.error_file}")
    if not results:
        click.echo("Nothing is due.")
    if failed:
        sys.exit(1)


@schedule.command("list")
@click.option("--file", "schedule_file", type=click.Path(dir_okay=False), default=None)
@_friendly
def schedule_list(schedule_file):
    """List the schedule with each entry's next run."""
    from .schedule import load_schedule
    for entry in load_schedule(schedule_file):
        click.echo(f"{entry.name:<24} {entry.cron:<16} {entry.report:<20} next: {entry.next_run()}")


if __name__ == "__main__":  # pragma: no cover
    main()
