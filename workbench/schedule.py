"""Scheduled reports: ``schedule.toml`` says what runs when; cron only wakes us up.

One crontab line runs whatever is due every quarter of an hour::

    */15 * * * * cd /path/to/workbench && .venv/bin/workbench schedule run-due >> reports/cron.log 2>&1

The schedule file (``schedule.toml`` in the project root) has one ``[[report]]`` table per entry::

    [[report]]
    name = "daily-kpis"          # unique; outputs go to reports/<name>/
    cron = "0 6 * * *"           # minute hour day-of-month month day-of-week (local time)
    report = "kpis"              # a name from workbench.runner.REGISTRY
    parameters = { period = "last_7_days" }

An entry is due when a time its ``cron`` expression names has passed since its last successful
run (an entry that never ran is due at once). :func:`run_due` runs each due entry with
:func:`workbench.runner.run_report` and appends one JSON line per run to ``reports/runs.jsonl``
(entry, report, params, started, finished, ok, html, error_file, error). A failed run is never
skipped silently: its result has ``ok=False`` and the path of its ``.error.txt``, the command
exits non-zero, and it is tried again on the next call (at most :data:`MAX_ATTEMPTS` times per
scheduled time, so a broken report does not run every 15 minutes forever).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from croniter import croniter

from .errors import InputError, ParameterError, RunError
from .store import project_root

__all__ = ["MAX_ATTEMPTS", "Entry", "ScheduleResult", "default_schedule_file", "load_schedule", "read_runs",
           "run_due"]

#: failed attempts per scheduled time before an entry waits for its next scheduled time
MAX_ATTEMPTS = 3


def default_schedule_file() -> Path:
    """``schedule.toml`` in the project root (``WORKBENCH_SCHEDULE`` overrides)."""
    env = os.environ.get("WORKBENCH_SCHEDULE")
    return Path(env).resolve() if env else project_root() / "schedule.toml"


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.astimezone()


@dataclass
class Entry:
    """One scheduled report."""

    name: str
    cron: str
    report: str
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def previous_run(self, now: dt.datetime | None = None) -> dt.datetime:
        """The latest scheduled time at or before ``now``."""
        now = _aware(now or _now())
        it = croniter(self.cron, now + dt.timedelta(seconds=1))
        return it.get_prev(dt.datetime)

    def next_run(self, now: dt.datetime | None = None) -> dt.datetime:
        """The next scheduled time after ``now`` (default: now)."""
        now = _aware(now or _now())
        return croniter(self.cron, now).get_next(dt.datetime)

    def is_due(self, runs: list[dict], now: dt.datetime | None = None) -> bool:
        """Due when a scheduled time passed since the last successful run (``runs``: this entry's log)."""
        now = _aware(now or _now())
        if not runs:
            return True
        slot = self.previous_run(now)
        since = [r for r in runs if _parse_time(r.get("started")) >= slot]
        if any(r.get("ok") for r in since):
            return False
        return len(since) < MAX_ATTEMPTS  # only failures since the slot: retry a few times


@dataclass
class ScheduleResult:
    """The outcome of one scheduled run (``entry`` is the entry's name)."""

    entry: str
    report: str
    ok: bool
    html: Path | None = None
    notebook: Path | None = None
    error_file: Path | None = None
    error: str = ""
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    params: dict = field(default_factory=dict)


def _parse_time(text: Any) -> dt.datetime:
    if not text:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    try:
        return _aware(dt.datetime.fromisoformat(str(text)))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def load_schedule(path: str | os.PathLike | None = None) -> list[Entry]:
    """Read and check a schedule file (default :func:`default_schedule_file`).

    Raises :class:`~workbench.errors.InputError` for an unreadable file and
    :class:`~workbench.errors.ParameterError` for a bad entry (unknown report, bad cron, ...).
    """
    from .runner import REGISTRY

    path = Path(path) if path else default_schedule_file()
    if not path.exists():
        raise InputError("No schedule file here. Create one (see `workbench/schedule.py`) or pass --file.",
                         file=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=path) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=path) from None
    raw = data.get("report", [])
    if not isinstance(raw, list):
        raise InputError("use [[report]] tables (one per scheduled report)", file=path)
    entries: list[Entry] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, 1):
        where = f"{path}, [[report]] #{i}"
        missing = [k for k in ("name", "cron", "report") if not item.get(k)]
        if missing:
            raise ParameterError(f"{where}: missing {', '.join(missing)}.")
        name, cron, report = str(item["name"]), str(item["cron"]), str(item["report"])
        if name in seen:
            raise ParameterError(f"{where}: the name '{name}' is used twice; names must be unique.")
        seen.add(name)
        if not croniter.is_valid(cron):
            raise ParameterError(f"{where} ('{name}'): '{cron}' is not a cron expression "
                                 f"(minute hour day-of-month month day-of-week, e.g. '0 6 * * 1').")
        if report not in REGISTRY:
            raise ParameterError(f"{where} ('{name}'): there is no report '{report}'; "
                                 f"known: {', '.join(REGISTRY)}.")
        params = item.get("parameters", item.get("params", {})) or {}
        if not isinstance(params, dict):
            raise ParameterError(f"{where} ('{name}'): parameters must be a table, e.g. {{ period = \"2025-03\" }}.")
        unknown = sorted(set(item) - {"name", "cron", "report", "parameters", "params", "description"})
        if unknown:
            raise ParameterError(f"{where} ('{name}'): unknown key(s) {', '.join(unknown)}.")
        entries.append(Entry(name, cron, report, dict(params), str(item.get("description", ""))))
    return entries


# ---- run log ------------------------------------------------------------------------------
def read_runs(log_file: str | os.PathLike) -> list[dict]:
    """Every record of the run log (oldest first); unreadable lines are skipped."""
    path = Path(log_file)
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a crash; the records around it stay usable
    return runs


def _append_run(log_file: Path, record: dict) -> None:
    """Append one JSON line: one ``write`` on an ``O_APPEND`` file under an exclusive lock."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(record, default=str, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        # a previous writer killed mid-line would glue our record to its fragment: start a new line
        if os.fstat(fd).st_size:
            with open(log_file, "rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    data = b"\n" + data
        os.write(fd, data)
        os.fsync(fd)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def _single_runner(lock_file: Path) -> Iterator[bool]:
    """Hold a lock so two ``run-due`` calls (cron overlapping a long run) never run the same entry."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _write_error(out_dir: Path, entry: Entry, exc: BaseException, now: dt.datetime) -> Path:
    from .runner import _write_text

    path = out_dir / f"{now.strftime('%Y%m%d-%H%M%S')}.error.txt"
    n = 1
    while path.exists():
        n += 1
        path = out_dir / f"{now.strftime('%Y%m%d-%H%M%S')}-{n}.error.txt"
    _write_text(path, f"Scheduled entry '{entry.name}' (report '{entry.report}') could not run.\n"
                      f"Parameters: {entry.parameters}\n\n{type(exc).__name__}: {exc}\n")
    return path


def run_due(schedule_file: str | os.PathLike | None = None, *, run_all: bool = False,
            db: str | os.PathLike | None = None, now: dt.datetime | None = None,
            reports_dir: str | os.PathLike | None = None) -> list[ScheduleResult]:
    """Run every entry that is due (every entry with ``run_all``); one result per run.

    Parameters
    ----------
    schedule_file : path, optional
        Default :func:`default_schedule_file`.
    run_all : bool
        Run every entry now, due or not.
    db : path, optional
        Store file for all runs.
    now : datetime, optional
        The time to decide "due" against (tests); default now.
    reports_dir : path, optional
        Where outputs (``<entry name>/``) and ``runs.jsonl`` go; default ``reports/`` in the project root.

    Returns
    -------
    list of ScheduleResult
        ``ok=False`` results carry ``error_file``; the CLI exits non-zero when any failed.
    """
    from .runner import run_report

    entries = load_schedule(schedule_file)
    root = Path(reports_dir) if reports_dir else project_root() / "reports"
    log_file = root / "runs.jsonl"
    results: list[ScheduleResult] = []
    with _single_runner(root / ".schedule.lock") as got_lock:
        if not got_lock:
            print("schedule: another `workbench schedule run-due` is still running; nothing started.",
                  file=sys.stderr)
            return results
        decide_at = _aware(now) if now else _now()
        runs = read_runs(log_file)
        for entry in entries:
            mine = [r for r in runs if r.get("entry") == entry.name]
            if not run_all and not entry.is_due(mine, decide_at):
                continue
            started = _aware(now) if now else _now()
            out_dir = root / entry.name
            result = ScheduleResult(entry=entry.name, report=entry.report, ok=False, started=started,
                                    params=dict(entry.parameters))
            try:
                run = run_report(entry.report, entry.parameters, db=db, out_dir=out_dir,
                                 now=started.replace(tzinfo=None) if now else None)
                result.ok, result.html, result.notebook = True, run.html, run.notebook
            except RunError as exc:
                result.error = str(exc)
                result.error_file = Path(exc.error_file) if exc.error_file else _write_error(out_dir, entry, exc,
                                                                                            started)
            except Exception as exc:  # bad parameters, missing notebook, ...: recorded too
                result.error = f"{type(exc).__name__}: {exc}"
                result.error_file = _write_error(out_dir, entry, exc, started)
            result.finished = _now() if not now else started
            _append_run(log_file, {
                "entry": entry.name, "report": entry.report, "params": entry.parameters,
                "started": result.started.isoformat(timespec="seconds"),
                "finished": result.finished.isoformat(timespec="seconds"),
                "ok": result.ok,
                "html": str(result.html) if result.html else None,
                "notebook": str(result.notebook) if result.notebook else None,
                "error_file": str(result.error_file) if result.error_file else None,
                "error": result.error or None,
            })
            results.append(result)
    return results
