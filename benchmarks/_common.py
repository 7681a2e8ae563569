"""Shared helpers for the ``benchmarks/*.py`` scripts.

Every benchmark measures its baselines in the same run (the raw engine as the limit, a plain-pandas
version as what an analyst would write), prints the ratios, ends with one headline line and, with
``--check``, exits 1 when a target is missed. Machines are shared and noisy, so every figure is the
median of several runs after a warm-up.

Typical use::

    from _common import Bench, median_time

    bench = Bench.from_argv("What this measures.", defaults={"runs": 5})
    t = median_time(lambda: work(), runs=bench.args.runs)
    bench.target("orders vs sql", t.median / t_sql.median, le=1.5)
    ...
    bench.finish(f"worst ratio vs raw SQL: {worst:.2f}x")   # prints, then exits 0/1

Run a script directly (``python benchmarks/x.py``): the folder is on ``sys.path`` then, so
``from _common import ...`` works without making ``benchmarks`` a package.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

__all__ = ["Bench", "Case", "Timing", "fmt_ms", "fmt_ratio", "median_time", "median_times", "print_table",
           "project_root"]


def project_root() -> Path:
    """The repository root (the folder holding ``benchmarks/``)."""
    return Path(__file__).resolve().parent.parent


@dataclass
class Timing:
    """Wall-clock seconds of each timed run (warm-up excluded) and the last run's result."""

    times: list[float]
    result: Any = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def ms(self) -> float:
        """Median in milliseconds."""
        return self.median * 1000.0


def median_time(fn: Callable[[], Any], *, runs: int = 5, warmup: int = 1) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``runs`` times timed; the median is the figure.

    Garbage collection runs before each call (outside the timed part) so one run's garbage
    does not land on the next run's clock.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(runs):
        result = None
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return Timing(times, result)


@dataclass
class Case:
    """One contender of :func:`median_times`: ``fn`` is timed; ``setup`` (untimed) runs before every
    timed call and its result is passed to ``fn``; ``teardown`` (untimed) gets it afterwards."""

    fn: Callable[..., Any]
    setup: Callable[[], Any] | None = None
    teardown: Callable[[Any], None] | None = None

    def once(self) -> tuple[float, Any]:
        ctx = self.setup() if self.setup else None
        try:
            gc.collect()
            t0 = time.perf_counter()
            result = self.fn(ctx) if self.setup else self.fn()
            return time.perf_counter() - t0, result
        finally:
            if self.teardown:
                self.teardown(ctx)


def median_times(cases: dict[str, Case | Callable[[], Any]], *, runs: int = 5, warmup: int = 1,
                 progress: Callable[[str], None] | None = None) -> dict[str, Timing]:
    """Time several contenders **interleaved**: after ``warmup`` untimed calls of each, ``runs`` rounds
    in which every contender runs once, in order. On a shared machine the load changes by the minute;
    interleaving lets every contender see the same load, so the ratios of the medians stay fair."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    cs = {k: c if isinstance(c, Case) else Case(c) for k, c in cases.items()}
    out = {k: Timing([]) for k in cs}
    for _ in range(warmup):
        for k, c in cs.items():
            if progress:
                progress(f"warm-up {k}")
            out[k].result = c.once()[1]
    for i in range(runs):
        for k, c in cs.items():
            if progress:
                progress(f"run {i + 1}/{runs} {k}")
            out[k].result = None
            t, out[k].result = c.once()
            out[k].times.append(t)
    return out


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000.0
    return f"{ms:,.1f}" if ms < 100 else f"{ms:,.0f}"


def fmt_ratio(x: float) -> str:
    return f"{x:.2f}x"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, file=None) -> None:
    """A plain, aligned text table (first column left-aligned, the others right-aligned)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))

    out = file or sys.stdout
    print(line(cells[0]), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in cells[1:]:
        print(line(r), file=out)
    out.flush()


@dataclass
class Bench:
    """Command-line options, target bookkeeping and the exit code of one benchmark script."""

    args: argparse.Namespace
    failures: list[str] = field(default_factory=list)

    @classmethod
    def from_argv(cls, description: str, *, runs: int = 5,
                  add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
                  argv: Sequence[str] | None = None) -> "Bench":
        """Parse ``--runs N`` and ``--check`` plus whatever ``add_arguments`` adds."""
        p = argparse.ArgumentParser(description=description)
        p.add_argument("--runs", type=int, default=runs,
                       help=f"timed runs per measurement after one warm-up; the median is quoted (default {runs})")
        p.add_argument("--check", action="store_true",
                       help="exit 1 when a target is missed or the results disagree")
        if add_arguments:
            add_arguments(p)
        args = p.parse_args(argv)
        if args.runs < 1:
            p.error("--runs must be at least 1")
        return cls(args)

    def log(self, *parts: Any) -> None:
        """Progress to stderr (stdout stays the table and the headline)."""
        print(*parts, file=sys.stderr, flush=True)

    def fail(self, message: str) -> None:
        """Record a missed target or a wrong result; printed loudly now, decides the exit code later."""
        self.failures.append(message)
        print(f"!! {message}", flush=True)

    def target(self, what: str, value: float, *, le: float | None = None, ge: float | None = None) -> bool:
        """Check ``value <= le`` and/or ``value >= ge``; record a failure when missed."""
        ok = (le is None or value <= le) and (ge is None or value >= ge)
        if not ok:
            bound = f"<= {le:g}" if le is not None and value > le else f">= {ge:g}"
            self.fail(f"target missed: {what} = {value:.2f}x (target {bound}x)")
        return ok

    def finish(self, headline: str) -> None:
        """Print the headline as the very last line and exit (1 under --check with failures)."""
        if self.failures:
            print(f"{len(self.failures)} target(s) missed or result(s) wrong"
                  + ("" if self.args.check else " (not checked: run with --check to fail)"), flush=True)
        print(headline, flush=True)
        sys.exit(1 if (self.args.check and self.failures) else 0)


if __name__ == "__main__":  # `make bench` globs benchmarks/*.py: this file is helpers only
    print("benchmarks/_common.py: shared helpers, nothing to measure")
