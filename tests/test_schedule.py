"""workbench.schedule: the schedule file, due computation, the run log, failures never silent."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from workbench import schedule
from workbench.errors import InputError, ParameterError, RunError
from workbench.runner import RunResult

TZ = dt.timezone(dt.timedelta(hours=1))


def at(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s).replace(tzinfo=TZ)


SCHEDULE = """
[[report]]
name = "daily-kpis"
cron = "0 6 * * *"
report = "kpis"
parameters = { period = "last_7_days" }

[[report]]
name = "weekly-orders"
cron = "30 6 * * 1"
report = "orders"
parameters = { period = "last_30_days", channel = "pos" }
"""


@pytest.fixture
def sched_file(tmp_path) -> Path:
    path = tmp_path / "schedule.toml"
    path.write_text(SCHEDULE)
    return path


@pytest.fixture
def fake_runs(monkeypatch, tmp_path):
    """Replace run_report by a recorder; a report named in ``fail`` raises RunError like a broken notebook."""
    calls: list[dict] = []
    fail: set[str] = set()

    def fake_run_report(name, params, *, db=None, out_dir=None, timeout=600, now=None):
        calls.append({"name": name, "params": dict(params), "db": db, "out_dir": Path(out_dir)})
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        if name in fail:
            err = Path(out_dir) / "x.error.txt"
            err.write_text("boom")
            raise RunError(f"Report '{name}' failed. Details: {err}", error_file=err)
        html = Path(out_dir) / f"{len(calls)}.html"
        html.write_text("<html></html>")
        return RunResult(notebook=html.with_suffix(".ipynb"), html=html, ok=True)

    monkeypatch.setattr("workbench.runner.run_report", fake_run_report)
    return calls, fail


# ---- loading ------------------------------------------------------------------------------
def test_load_schedule(sched_file):
    entries = schedule.load_schedule(sched_file)
    assert [e.name for e in entries] == ["daily-kpis", "weekly-orders"]
    assert entries[1].parameters == {"period": "last_30_days", "channel": "pos"}
    assert entries[0].next_run(at("2025-03-03 05:00")) == at("2025-03-03 06:00")
    assert entries[1].next_run(at("2025-03-03 07:00")) == at("2025-03-10 06:30")  # next Monday
    assert entries[1].previous_run(at("2025-03-03 06:30")) == at("2025-03-03 06:30")


def test_project_schedule_file_is_valid():
    entries = schedule.load_schedule(Path(__file__).resolve().parent.parent / "schedule.toml")
    assert {e.report for e in entries} == {"orders", "supplier_payments", "kpis"}


@pytest.mark.parametrize("text, error, words", [
    ('[[report]]\nname="a"\ncron="61 * * * *"\nreport="kpis"', ParameterError, "not a cron expression"),
    ('[[report]]\nname="a"\ncron="0 6 * * *"\nreport="nope"', ParameterError, "no report 'nope'"),
    ('[[report]]\nname="a"\nreport="kpis"', ParameterError, "missing cron"),
    ('[[report]]\nname="a"\ncron="0 6 * * *"\nreport="kpis"\n[[report]]\nname="a"\ncron="0 7 * * *"\nreport="orders"',
     ParameterError, "used twice"),
    ('[[report]]\nname="a"\ncron="0 6 * * *"\nreport="kpis"\nparamters={}', ParameterError, "unknown key"),
    ("[[report]\nname=", InputError, "not valid TOML"),
])
def test_bad_schedule_files(tmp_path, text, error, words):
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(error, match=words):
        schedule.load_schedule(path)


def test_missing_schedule_file(tmp_path):
    with pytest.raises(InputError, match="No schedule file"):
        schedule.load_schedule(tmp_path / "none.toml")


# ---- due computation ----------------------------------------------------------------------------
def test_is_due():
    e = schedule.Entry("daily", "0 6 * * *", "kpis")
    ok = lambda t: {"entry": "daily", "started": at(t).isoformat(), "ok": True}  # noqa: E731
    bad = lambda t: {"entry": "daily", "started": at(t).isoformat(), "ok": False}  # noqa: E731
    assert e.is_due([], at("2025-03-03 05:00"))  # never ran: due at once
    assert not e.is_due([ok("2025-03-03 06:00")], at("2025-03-03 12:00"))
    assert not e.is_due([ok("2025-03-03 06:00")], at("2025-03-04 05:59"))
    assert e.is_due([ok("2025-03-03 06:00")], at("2025-03-04 06:00"))
    assert e.is_due([ok("2025-03-01 06:00")], at("2025-03-04 05:00"))  # missed days: one catch-up run
    # failures since the scheduled time are retried, up to MAX_ATTEMPTS
    assert e.is_due([ok("2025-03-02 06:00"), bad("2025-03-03 06:00")], at("2025-03-03 06:15"))
    three = [bad("2025-03-03 06:00"), bad("2025-03-03 06:15"), bad("2025-03-03 06:30")]
    assert not e.is_due(three, at("2025-03-03 06:45"))
    assert e.is_due(three, at("2025-03-04 06:00"))  # the next scheduled time tries again


def test_run_due_runs_due_entries_and_logs(sched_file, tmp_path, fake_runs):
    calls, _ = fake_runs
    reports = tmp_path / "reports"
    # Monday 2025-03-03 07:00: both never ran -> both due
    res = schedule.run_due(sched_file, now=at("2025-03-03 07:00"), db="x.duckdb", reports_dir=reports)
    assert [(r.entry, r.ok) for r in res] == [("daily-kpis", True), ("weekly-orders", True)]
    assert calls[0] == {"name": "kpis", "params": {"period": "last_7_days"}, "db": "x.duckdb",
                        "out_dir": reports / "daily-kpis"}
    log = [json.loads(line) for line in (reports / "runs.jsonl").read_text().splitlines()]
    assert [r["entry"] for r in log] == ["daily-kpis", "weekly-orders"]
    assert set(log[0]) >= {"entry", "report", "params", "started", "finished", "ok", "html", "error_file"}
    assert log[0]["ok"] is True and log[0]["html"].endswith(".html") and log[0]["error_file"] is None
    # later the same day: nothing due
    assert schedule.run_due(sched_file, now=at("2025-03-03 12:00"), reports_dir=reports) == []
    # Tuesday 06:15: only the daily one
    res = schedule.run_due(sched_file, now=at("2025-03-04 06:15"), reports_dir=reports)
    assert [r.entry for r in res] == ["daily-kpis"]
    # --all runs everything regardless
    res = schedule.run_due(sched_file, run_all=True, now=at("2025-03-04 06:20"), reports_dir=reports)
    assert [r.entry for r in res] == ["daily-kpis", "weekly-orders"]
    assert len((reports / "runs.jsonl").read_text().splitlines()) == 5


def test_failure_is_recorded_and_retried(sched_file, tmp_path, fake_runs):
    calls, fail = fake_runs
    fail.add("orders")
    reports = tmp_path / "reports"
    res = schedule.run_due(sched_file, now=at("2025-03-03 07:00"), reports_dir=reports)
    failed = [r for r in res if not r.ok]
    assert [r.entry for r in failed] == ["weekly-orders"]
    assert failed[0].error_file and Path(failed[0].error_file).exists() and "failed" in failed[0].error
    log = [json.loads(line) for line in (reports / "runs.jsonl").read_text().splitlines()]
    assert log[1]["ok"] is False and log[1]["error_file"] == str(failed[0].error_file)
    # the failed entry is tried again on the next call, the successful one is not
    res = schedule.run_due(sched_file, now=at("2025-03-03 07:15"), reports_dir=reports)
    assert [(r.entry, r.ok) for r in res] == [("weekly-orders", False)]


def test_bad_parameters_are_a_recorded_failure_too(tmp_path, monkeypatch):
    """Not a RunError (the notebook never started): still a failed result with an error file."""
    path = tmp_path / "s.toml"
    path.write_text('[[report]]\nname="k"\ncron="0 6 * * *"\nreport="kpis"\nparameters={colour="red"}\n')
    res = schedule.run_due(path, now=at("2025-03-03 07:00"), reports_dir=tmp_path / "r")
    assert len(res) == 1 and not res[0].ok
    assert "colour" in Path(res[0].error_file).read_text()
    assert json.loads((tmp_path / "r" / "runs.jsonl").read_text())["ok"] is False


def test_run_log_survives_a_torn_line(tmp_path):
    log = tmp_path / "runs.jsonl"
    log.write_text('{"entry": "a", "ok": true}\n{"entry": "b", "ok"')  # a writer killed mid-line
    schedule._append_run(log, {"entry": "c", "ok": False})
    assert [r["entry"] for r in schedule.read_runs(log)] == ["a", "c"]


def test_cli_run_due_exits_nonzero_on_failure(sched_file, tmp_path, fake_runs, monkeypatch):
    from click.testing import CliRunner

    from workbench.cli import main

    _, fail = fake_runs
    fail.add("kpis")
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path))  # reports/ under tmp
    res = CliRunner().invoke(main, ["schedule", "run-due", "--file", str(sched_file)])
    assert res.exit_code == 1, res.output
    assert "FAILED daily-kpis" in res.output and "x.error.txt" in res.output
    assert "ok     weekly-orders" in res.output
    assert (tmp_path / "reports" / "runs.jsonl").exists()
    res = CliRunner().invoke(main, ["schedule", "list", "--file", str(sched_file)])
    assert res.exit_code == 0 and "daily-kpis" in res.output and "next:" in res.output


def test_second_runner_starts_nothing(sched_file, tmp_path, fake_runs):
    calls, _ = fake_runs
    reports = tmp_path / "reports"
    with schedule._single_runner(reports / ".schedule.lock") as got:
        assert got
        assert schedule.run_due(sched_file, now=at("2025-03-03 07:00"), reports_dir=reports) == []
    assert calls == []
