"""The ``workbench`` command: every job from a terminal or cron.

Each subcommand is a thin call into the package; errors are shown as one clear line (no
traceback) and a non-zero exit code.
"""
from __future__ import annotations

import functools
import sys

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
@click.option("--end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of the demo data (default: yesterday). Same seed and end, same shop.")
@click.option("--days", type=int, default=730, show_default=True, help="Days of history.")
@click.option("--exports/--no-exports", default=True, show_default=True,
              help="Also write the demo catalog as Magento 2, WooCommerce and PrestaShop export files under "
                   "the imports folder (demo-shop/), to try the migration dry run on.")
@_friendly
def demo(db, orders, seed, end, days, exports):
    """Seed the store with the deterministic demo shop (replaces its contents)."""
    from .demo import default_start, seed_demo, write_demo_exports
    from .migration import imports_dir
    store = _store(db).init()
    start = default_start(days, end=end.date() if end else None)
    counts = seed_demo(store, orders=orders, seed=seed, start=start, days=days)
    click.echo(f"Demo shop written to {store.path}:")
    for name, n in counts.items():
        click.echo(f"  {name:<20} {n:>10,}")
    if exports:
        folder = imports_dir() / "demo-shop"
        written = write_demo_exports(store, folder)
        click.echo(f"Demo exports for the migration dry run (notebooks/migration.ipynb) in {folder}:")
        for name, files in written.items():
            click.echo(f"  {name:<12} {', '.join(p.name for p in files)}")


@main.command()
@click.argument("name")
@click.option("-p", "--parameter", "params", nargs=2, multiple=True, metavar="KEY VALUE",
              help="A notebook parameter (repeatable), e.g. -p channel pos.")
@db_option
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for the outputs (default: reports/NAME).")
@_friendly
def report(name, params, db, out):
    """Run report NAME headless; writes reports/NAME/<timestamp>.ipynb and .html.

    NAME is one of: orders, kpis, supplier_payments (or a notebook path). Parameters are the
    notebook's: e.g. -p period 2025-03 -p channel pos (orders, kpis), -p as_of 2025-03-31
    -p supplier all (supplier_payments).
    """
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


@main.command()
@click.option("--from", "source", required=True, metavar="PLATFORM",
              help="Source platform: shopify, woocommerce, magento2, magento1, prestashop, volusion, opencart, bigcommerce.")
@click.option("--to", "target", required=True, metavar="PLATFORM",
              help="Target platform (one that has import files: shopify, woocommerce, magento2, prestashop).")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the import files and the reports (must not hold the inputs).")
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False), default=None,
              help="Mapping file (TOML) from an earlier run, edited.")
@click.option("--save-mapping", type=click.Path(dir_okay=False), default=None,
              help="Also save the filled mapping file here (always saved as OUT/mapping.toml).")
@click.option("--dialect", default=None, help="Target header dialect (Shopify: current or legacy).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: for inputs over 5 MB).")
@_friendly
def migrate(source, target, sources, out_dir, mapping_file, save_mapping, dialect, progress):
    """Dry-run a migration: SOURCES (export files or folders) to the target's import files.

    Writes the import files plus loss.csv, validation.csv, redirects.csv, summary.html/.json and
    mapping.toml to --out. Exits 1 on bad input; the summary says whether the import would fail.
    """
    from .migration import run_migration
    result = run_migration(source, target, list(sources), out_dir, mapping=mapping_file,
                           save_mapping=save_mapping, dialect=dialect, progress=progress)
    s = result.summary
    click.echo(f"Migration dry run {result.source} -> {result.target}: {result.out_dir}")
    for row in result.counts.to_dict("records"):
        click.echo(f"  {row['what']:<12} in {row['in']:>9,}   out {row['out']:>9,}")
    click.echo(f"  errors {s['errors']:,}, warnings {s['warnings']:,}; {s['redirects']:,} redirects; "
               f"{s['source_columns_dropped']:,} source columns dropped, {s['fields_dropped_by_target']:,} fields "
               f"the target cannot hold (see loss.csv)")
    click.echo(f"  Import files: {', '.join(p.name for p in result.import_files) or '(none)'}")
    click.echo(f"  Summary: {result.out_dir / 'summary.html'}")


if __name__ == "__main__":  # pragma: no cover
    main()
