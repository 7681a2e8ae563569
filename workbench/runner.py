"""Run a report notebook headless and export it as a standalone HTML page.

:func:`run_report` is what ``workbench report NAME -p key value`` and the scheduler call::

    result = run_report("orders", {"period": "2025-03", "channel": "pos"})
    result.html        # reports/orders/20250401-060000.html  (opens offline, charts included)

Steps: look the name up in :data:`REGISTRY`; check the parameters against the notebook's cell
tagged ``parameters`` (unknown names are refused with :class:`~workbench.errors.ParameterError`,
text values are converted to the type of the default there); execute with papermill in a fresh
kernel with ``WORKBENCH_HEADLESS=1`` and ``WORKBENCH_DB`` set; write the executed notebook to
``reports/<name>/<YYYYmmdd-HHMMSS>.ipynb`` and the HTML (no code, plotly.js embedded, no CDN
links) beside it. When the notebook fails, ``<timestamp>.error.txt`` says which cell failed and
why, and :class:`~workbench.errors.RunError` names that file.
"""
from __future__ import annotations

import ast
import datetime as dt
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from .errors import ParameterError, RunError
from .safeio import atomic_write
from .store import project_root
from .ui import coerce

__all__ = ["REGISTRY", "Report", "RunResult", "notebook_parameters", "notebooks_dir", "run_report"]


@dataclass(frozen=True)
class Report:
    """A report the runner knows: its notebook (under ``notebooks/``) and a one-line description."""

    notebook: str
    description: str
    title: str


#: report name -> notebook; ``workbench report NAME`` accepts these names.
REGISTRY: dict[str, Report] = {
    "orders": Report("orders.ipynb", "Orders, revenue, refunds and top products for a period and channel.",
                     "Orders report"),
    "supplier_payments": Report("supplier_payments.ipynb",
                                "What we owe each supplier: balances, aging and open invoices.",
                                "Supplier payments"),
    "kpis": Report("kpis.ipynb", "Key figures (revenue, orders, AOV, refunds ...) against targets.",
                   "KPI dashboard"),
}

#: environment variables of a Voila page request; removed so a run started from a dashboard
#: kernel is not mistaken for a Voila page.
_VOILA_VARS = ("SERVER_SOFTWARE", "QUERY_STRING", "SCRIPT_NAME", "PATH_INFO", "SERVER_NAME", "SERVER_PORT",
               "SERVER_PROTOCOL", "VOILA_KERNEL_ID", "VOILA_REQUEST_URL", "VOILA_BASE_URL",
               "VOILA_SERVER_URL", "VOILA_PREHEAT", "VOILA_APP_PORT", "VOILA_APP_IP")
_ENV_LOCK = threading.Lock()
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SECRET_NAME = re.compile(r"token|secret|password|passwd|api_?key|credential", re.I)


@dataclass
class RunResult:
    """What a run produced: the executed notebook and its HTML (``error_file`` when it failed)."""

    notebook: Path | None
    html: Path | None
    ok: bool = True
    error_file: Path | None = None
    report: str = ""
    params: dict | None = None


def notebooks_dir() -> Path:
    """``notebooks/`` under the project root (``WORKBENCH_NOTEBOOKS`` overrides)."""
    env = os.environ.get("WORKBENCH_NOTEBOOKS")
    return Path(env).resolve() if env else project_root() / "notebooks"


def _lookup(name: str) -> tuple[Report, Path]:
    if name in REGISTRY:
        report = REGISTRY[name]
        path = notebooks_dir() / report.notebook
    else:
        path = Path(name)
        if path.suffix != ".ipynb" or not path.exists():
            known = ", ".join(f"{k} ({v.description})" for k, v in REGISTRY.items())
            raise ParameterError(f"There is no report called '{name}'. Known reports: {known}.")
        report = Report(path.name, f"notebook {path.name}", path.stem)
    if not path.exists():
        raise RunError(f"The notebook for report '{name}' is missing: {path}.")
    return report, path.resolve()


def notebook_parameters(path: str | os.PathLike) -> dict[str, Any]:
    """The notebook's parameters and their default values (from the cell tagged ``parameters``)."""
    import papermill

    info = papermill.inspect_notebook(str(path))
    out: dict[str, Any] = {}
    for name, spec in info.items():
        text = spec.get("default")
        try:
            out[name] = ast.literal_eval(text) if text is not None else None
        except (ValueError, SyntaxError):
            out[name] = text
    return out


def _coerce_params(name: str, params: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        allowed = ", ".join(f"{k} (default {v!r})" for k, v in defaults.items()) or "none"
        raise ParameterError(f"Report '{name}' has no parameter {', '.join(repr(u) for u in unknown)}. "
                             f"Its parameters are: {allowed}.")
    return {key: coerce(value, defaults[key], name=key) for key, value in params.items()}


@contextmanager
def _kernel_env(extra: Mapping[str, str]) -> Iterator[None]:
    """Temporarily set the environment the kernel inherits (papermill passes no env of its own)."""
    with _ENV_LOCK:
        saved = dict(os.environ)
        try:
            for var in _VOILA_VARS:
                os.environ.pop(var, None)
            os.environ.update(extra)
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _stamp(out_dir: Path, now: dt.datetime) -> str:
    base = now.strftime("%Y%m%d-%H%M%S")
    stamp, n = base, 1
    while any((out_dir / f"{stamp}{ext}").exists() for ext in (".ipynb", ".html", ".error.txt")):
        n += 1
        stamp = f"{base}-{n}"
    return stamp


def _redacted(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ("***" if _SECRET_NAME.search(k) else v) for k, v in params.items()}


def _error_summary(name: str, notebook: Path, params: Mapping[str, Any], exc: BaseException,
                   executed: Path | None = None) -> str:
    from papermill.exceptions import PapermillExecutionError

    lines = [f"Report '{name}' failed.", f"Notebook: {notebook}", f"Parameters: {_redacted(params)}"]
    if executed is not None and executed.exists():
        lines.append(f"Executed notebook (up to the failure): {executed}")
    lines.append("")
    if isinstance(exc, PapermillExecutionError):
        lines.append(f"Failed in cell {exc.cell_index} of the executed notebook (0-based, counting the "
                     f"injected parameters cell; execution count {exc.exec_count}):")
        src = (exc.source or "").strip().splitlines()
        lines += ["    " + ln for ln in src[:15]] + (["    ..."] if len(src) > 15 else [])
        lines += ["", f"{exc.ename}: {exc.evalue}", "", "Traceback:"]
        lines += [_ANSI.sub("", t) for t in (exc.traceback or [])]
    else:
        lines += [f"{type(exc).__name__}: {_ANSI.sub('', str(exc))}"]
    return "\n".join(lines).rstrip() + "\n"


def _friendly_reason(exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}".strip()
    return f"{type(exc).__name__}: {exc}"


def export_html(notebook: str | os.PathLike, html_path: str | os.PathLike, *, title: str | None = None) -> Path:
    """Standalone HTML of an executed notebook: no code, no prompts, no CDN script links."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook), as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.require_js_url = ""
    exporter.mathjax_url = ""
    body, _resources = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title or Path(notebook).stem}})
    # no dead links offline: blank script tags, and the MathJax CDN tag plotly adds to every chart
    body = re.sub(r'<script[^>]*\ssrc=""[^>]*>\s*</script>', "", body)
    body = re.sub(r'<script[^>]*\ssrc="https?://[^"]*mathjax[^"]*"[^>]*>\s*</script>', "", body, flags=re.I)
    html_path = Path(html_path)
    _write_text(html_path, body)
    return html_path


def _write_text(path: Path, text: str) -> None:
    """Atomic write with ordinary permissions (the temporary file is created 0600)."""
    with atomic_write(path, "w") as fh:
        fh.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def run_report(name: str, params: Mapping[str, Any] | None = None, *, db: str | os.PathLike | None = None,
               out_dir: str | os.PathLike | None = None, timeout: int = 600,
               now: dt.datetime | None = None) -> RunResult:
    """Run report ``name`` headless; returns the executed notebook's and the HTML's paths.

    Parameters
    ----------
    name : str
        A key of :data:`REGISTRY` (``orders``, ``supplier_payments``, ``kpis``), or the path of
        any notebook with a ``parameters`` cell (outputs then go to ``reports/<its stem>/``).
    params : dict
        Notebook parameters; text values (from the command line) are converted to the type of
        the notebook's default. Unknown names raise :class:`ParameterError`.
    db : path, optional
        Store file for the run (``WORKBENCH_DB`` in the kernel, and the ``db`` parameter when the
        notebook has one); default the usual store.
    out_dir : path, optional
        Output folder; default ``reports/<name>/``.
    timeout : int
        Seconds any one cell may run.
    now : datetime, optional
        The time in the output file names (default now).

    Runs in one process are serialised (the kernel inherits this process's environment, which
    is set for the run under a lock).

    Raises
    ------
    ParameterError
        Unknown report or parameter, or a value of the wrong type.
    RunError
        The notebook failed; ``error_file`` is the ``.error.txt`` written beside the outputs.
    """
    import papermill

    report, nb_path = _lookup(name)
    defaults = notebook_parameters(nb_path)
    values = _coerce_params(name, dict(params or {}), defaults)

    env = {"WORKBENCH_HEADLESS": "1"}
    if db:
        db_path = str(Path(db).expanduser().resolve())
        env["WORKBENCH_DB"] = db_path
        if "db" in defaults and "db" not in values:
            values["db"] = db_path
    elif os.environ.get("WORKBENCH_DB"):
        env["WORKBENCH_DB"] = os.environ["WORKBENCH_DB"]

    out = Path(out_dir) if out_dir else project_root() / "reports" / (name if name in REGISTRY else nb_path.stem)
    out.mkdir(parents=True, exist_ok=True)
    stamp = _stamp(out, now or dt.datetime.now())
    nb_out, html_out, err_out = out / f"{stamp}.ipynb", out / f"{stamp}.html", out / f"{stamp}.error.txt"

    try:
        with _kernel_env(env):
            papermill.execute_notebook(
                str(nb_path), str(nb_out), parameters=values, kernel_name="python3",
                progress_bar=False, log_output=False, cwd=str(nb_path.parent),
                execution_timeout=timeout, start_timeout=120,
            )
        export_html(nb_out, html_out, title=report.title)
    except Exception as exc:  # PapermillExecutionError, kernel death, timeout, export failure
        _write_text(err_out, _error_summary(name, nb_path, values, exc, nb_out))
        raise RunError(f"Report '{name}' failed ({_friendly_reason(exc)}). Details: {err_out}",
                       error_file=err_out) from None
    return RunResult(notebook=nb_out, html=html_out, ok=True, error_file=None, report=name, params=values)
