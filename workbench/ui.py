"""Notebook and form helpers shared by every notebook and dashboard.

One notebook runs three ways, and these helpers hide the difference:

* **JupyterLab** (analysts): forms are shown, charts use plotly's default renderer.
* **Voila** (staff): the same forms, no code; errors are shown as one clear message, never a
  traceback (:func:`show_error`). A shared link such as ``?channel=pos&period=last_7_days``
  preselects the form (:func:`query_params`).
* **headless** (papermill, via :func:`workbench.runner.run_report`, which sets
  ``WORKBENCH_HEADLESS=1``): no widgets (a chart inside an ipywidgets ``Output`` vanishes from the
  exported HTML), plain outputs instead, and plotly embeds plotly.js so the HTML works offline
  (:func:`setup_plotly`).

Everything that shows shop data (:func:`report_header`, :func:`table`) escapes it with
:func:`html.escape`: a product called ``<script>`` is text, not code. CSV downloads are
formula-safe (:func:`workbench.safeio.csv_text`).

Examples
--------
>>> from workbench import ui
>>> ui.setup_plotly()
>>> ui.report_header("Orders", params={"period": "2025-03"}, data_as_of="2025-03-31 23:59")  # doctest: +SKIP
>>> ui.table(frame, title="Top products", filename="top_products.csv")  # doctest: +SKIP
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import html
import logging
import math
import os
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import parse_qs, quote

import numpy as np
import pandas as pd

from .errors import WorkbenchError
from .safeio import csv_text

__all__ = [
    "Field",
    "HTML",
    "coerce",
    "error_html",
    "header_html",
    "in_voila",
    "is_headless",
    "query_params",
    "report_form",
    "report_header",
    "setup_plotly",
    "share_link",
    "show",
    "show_error",
    "show_figures",
    "table",
    "table_html",
    "tables",
]

log = logging.getLogger(__name__)

#: environment variables a Voila kernel gets (voila/handler.py, voila/utils.py ENV_VARIABLE)
_VOILA_ENV = ("VOILA_KERNEL_ID", "VOILA_REQUEST_URL", "VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_PREHEAT")

#: rows shown in a table (the CSV download always has every row)
MAX_ROWS = 200

_STYLE = """<style>
.wb-header{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;border-left:4px solid #2f6fb0;
  padding:6px 12px;margin:4px 0 12px 0;background:#f6f8fb}
.wb-header h2{margin:0 0 4px 0;font-size:1.35em}
.wb-header .wb-what{margin:0 0 6px 0;color:#333}
.wb-header dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:0;font-size:.92em}
.wb-header dt{color:#555;font-weight:600;white-space:nowrap}.wb-header dd{margin:0}
.wb-table-block{margin:8px 0 16px 0;font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
.wb-table-block h3{font-size:1.05em;margin:6px 0}
table.wb-table{border-collapse:collapse;font-size:.9em}
table.wb-table th{background:#eef2f7;text-align:left;padding:4px 10px;border-bottom:2px solid #c9d3df}
table.wb-table td{padding:3px 10px;border-bottom:1px solid #e3e8ee}
table.wb-table td.num{text-align:right;font-variant-numeric:tabular-nums}
table.wb-table tr:nth-child(even) td{background:#fafbfd}
.wb-note{color:#666;font-size:.85em;margin:4px 0}
a.wb-download{display:inline-block;margin:4px 0;padding:2px 10px;border:1px solid #2f6fb0;border-radius:3px;
  color:#2f6fb0;text-decoration:none;font-size:.9em}
.wb-error{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;border-left:4px solid #c0392b;
  background:#fdf1f0;padding:8px 12px;margin:8px 0;color:#5a1a14}
</style>"""


class HTML:
    """A block of HTML that notebooks, Voila and nbconvert all display (``_repr_html_``)."""

    def __init__(self, html_text: str) -> None:
        self.data = html_text

    def _repr_html_(self) -> str:
        return self.data

    def __str__(self) -> str:
        return self.data

    def __repr__(self) -> str:  # shown as text/plain beside the HTML; keep it short
        return f"<workbench.ui.HTML {len(self.data)} chars>"

    def __add__(self, other: "HTML") -> "HTML":
        return HTML(self.data + str(other))


# ---- where are we running? ------------------------------------------------------------------
def is_headless() -> bool:
    """True in a papermill run started by :func:`workbench.runner.run_report` (``WORKBENCH_HEADLESS=1``)."""
    return os.environ.get("WORKBENCH_HEADLESS", "").strip().lower() in ("1", "true", "yes", "on")


def in_voila() -> bool:
    """True inside a kernel that Voila started for a page request (and not in a headless run).

    Voila sets ``SERVER_SOFTWARE=voila/<version>``, ``VOILA_KERNEL_ID``, ``VOILA_REQUEST_URL`` ...
    in the kernel's environment; any one of them is enough.
    """
    if is_headless():
        return False
    env = os.environ
    if env.get("SERVER_SOFTWARE", "").lower().startswith("voila"):
        return True
    if any(env.get(name) for name in _VOILA_ENV if name != "VOILA_PREHEAT"):
        return True
    return env.get("VOILA_PREHEAT", "").lower() == "true"


def setup_plotly() -> None:
    """Pick a plotly renderer that works where we run.

    Headless, the ``notebook`` renderer embeds plotly.js in the output, so the exported HTML draws
    its charts offline (the kernel default, ``plotly_mimetype``, shows nothing in nbconvert HTML).
    In JupyterLab and Voila the default is kept.
    """
    import plotly.io as pio

    if is_headless():
        pio.renderers.default = "notebook"


# ---- formatting ---------------------------------------------------------------------------
def _esc(value: Any) -> str:
    return html.escape(_text(value), quote=True)


def _text(value: Any) -> str:
    """One value as display text (no escaping)."""
    if value is None:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        if value is pd.NA or value is pd.NaT:
            return ""
    except TypeError:  # pragma: no cover
        pass
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, decimal.Decimal):
        return f"{value:,.2f}" if value.is_finite() else str(value)
    if isinstance(value, pd.Timestamp):
        if value.hour == value.minute == value.second == 0 and value.microsecond == 0 and value.tz is None:
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _is_num(value: Any) -> bool:
    if isinstance(value, np.generic):
        value = value.item()
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


# ---- header -------------------------------------------------------------------------------
def header_html(title: str, *, params: Mapping[str, Any], data_as_of: Any, run_at: Any = None,
                description: str | None = None) -> str:
    """The HTML text of :func:`report_header` (everything escaped)."""
    run_at = run_at if run_at is not None else dt.datetime.now().astimezone()
    rows = []
    for key, value in params.items():
        shown = _text(value)
        rows.append(f"<dt>{_esc(key)}</dt><dd>{html.escape(shown) if shown else '&ndash;'}</dd>")
    rows.append(f"<dt>Data as of</dt><dd>{_esc(data_as_of) or 'unknown'}</dd>")
    rows.append(f"<dt>Run at</dt><dd>{_esc(run_at)}</dd>")
    what = f'<p class="wb-what">{_esc(description)}</p>' if description else ""
    return (f'{_STYLE}<div class="wb-header"><h2>{_esc(title)}</h2>{what}'
            f'<dl>{"".join(rows)}</dl></div>')


def report_header(title: str, *, params: Mapping[str, Any], data_as_of: Any, run_at: Any = None,
                  description: str | None = None) -> HTML:
    """A block stating what the report shows, its parameters, data as of and run at.

    Parameters
    ----------
    title : str
        The report's name, e.g. ``"Orders"``.
    params : dict
        The parameters the report was run with (shown in this order).
    data_as_of : any
        The newest data in the store the report used (a timestamp or text).
    run_at : any, optional
        When the report ran; default now.
    description : str, optional
        One sentence on what the report shows.
    """
    return HTML(header_html(title, params=params, data_as_of=data_as_of, run_at=run_at,
                            description=description))


# ---- tables -------------------------------------------------------------------------------
def _download_href(frame: pd.DataFrame) -> str:
    text, _changed = csv_text(frame, bom=True)  # BOM: spreadsheets open UTF-8 as UTF-8
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def table_html(frame: pd.DataFrame, *, title: str | None = None, filename: str | None = None,
               max_rows: int = MAX_ROWS, download: pd.DataFrame | None = None) -> str:
    """The HTML text of :func:`table` (every cell and heading escaped)."""
    frame = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)
    if isinstance(frame.index, pd.MultiIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    shown = frame.head(max_rows)
    head = "".join(f"<th>{_esc(c)}</th>" for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False, name=None):
        cells = "".join(
            f'<td class="num">{_esc(v)}</td>' if _is_num(v) else f"<td>{_esc(v)}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{max(len(shown.columns), 1)}"><em>No rows.</em></td></tr>')
    parts = [_STYLE, '<div class="wb-table-block">']
    if title:
        parts.append(f"<h3>{_esc(title)}</h3>")
    parts.append(f'<table class="wb-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')
    if len(frame) > max_rows:
        parts.append(f'<p class="wb-note">Showing {max_rows:,} of {len(frame):,} rows; the CSV has all of them.</p>')
    if filename:
        name = filename if filename.lower().endswith(".csv") else f"{filename}.csv"
        data = frame if download is None else download
        parts.append(f'<a class="wb-download" download="{_esc(name)}" href="{_download_href(data)}">'
                     f"Download CSV ({len(data):,} rows)</a>")
    parts.append("</div>")
    return "".join(parts)


def table(frame: pd.DataFrame, *, title: str | None = None, filename: str | None = None,
          max_rows: int = MAX_ROWS, download: pd.DataFrame | None = None) -> HTML:
    """A styled, escaped HTML table with a "Download CSV" link (formula-safe, every row).

    Parameters
    ----------
    frame : DataFrame
        The rows; a named index becomes a column.
    title : str, optional
        Heading shown above the table.
    filename : str, optional
        Download file name (``.csv`` is added); no link without it.
    max_rows : int
        Rows shown on the page; the download always has all of them.
    download : DataFrame, optional
        What the CSV holds when it should differ from what is shown (raw numbers behind a
        formatted table); default ``frame``.
    """
    return HTML(table_html(frame, title=title, filename=filename, max_rows=max_rows, download=download))


def tables(frames: Mapping[str, pd.DataFrame], *, prefix: str = "", max_rows: int = MAX_ROWS) -> HTML:
    """Several :func:`table` blocks in one; keys are titles, file names are ``<prefix>_<title>.csv``."""
    out = []
    for title, frame in frames.items():
        if frame is None:
            continue
        slug = "".join(ch if ch.isalnum() else "_" for ch in title.lower()).strip("_")
        out.append(table_html(frame, title=title, filename=f"{prefix}_{slug}" if prefix else slug,
                              max_rows=max_rows))
    return HTML("".join(out))


# ---- errors -------------------------------------------------------------------------------
def error_html(exc: BaseException) -> str:
    """One clear, escaped message for staff; never a traceback."""
    if isinstance(exc, WorkbenchError):
        kind = {"ParameterError": "Please check the form", "StoreNotFoundError": "No data store",
                "StoreBusyError": "The data store is busy"}.get(type(exc).__name__, "The report could not be made")
        text = str(exc)
    else:
        kind = "Something went wrong"
        text = (f"The report could not be made ({type(exc).__name__}). The details were written to the "
                f"server log; please tell the workbench maintainer.")
    body = "<br>".join(html.escape(line) for line in text.splitlines()) or html.escape(type(exc).__name__)
    return f'{_STYLE}<div class="wb-error" role="alert"><strong>{html.escape(kind)}.</strong><br>{body}</div>'


def show_error(exc: BaseException) -> None:
    """Display a clear message for ``exc`` (a :class:`WorkbenchError`'s own words, no traceback).

    Any other exception is shown as a short "something went wrong" note; its traceback goes to
    the kernel's stderr (the Voila server log), not to the page.
    """
    from IPython.display import display

    if not isinstance(exc, WorkbenchError):
        print("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), file=sys.__stderr__)
    display(HTML(error_html(exc)))


# ---- displaying -----------------------------------------------------------------------------
def show(*items: Any) -> None:
    """Display each item (HTML blocks, figures, frames) in order."""
    from IPython.display import display

    for item in items:
        if item is None:
            continue
        display(item)


def show_figures(figures: Mapping[str, Any] | Iterable[Any]) -> None:
    """Display plotly figures (a dict's values, or any iterable) in order."""
    figs = figures.values() if isinstance(figures, Mapping) else figures
    show(*figs)


# ---- query string -----------------------------------------------------------------------------
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off", ""}


def coerce(value: Any, like: Any, *, name: str = "value") -> Any:
    """``value`` (often text) converted to the type of ``like`` (bool, int, float or str).

    Raises :class:`~workbench.errors.ParameterError` when the text does not fit.
    """
    from .errors import ParameterError

    if like is None or isinstance(like, str):
        return value if isinstance(value, str) or like is None else str(value)
    if isinstance(like, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ParameterError(f"'{name}' must be yes or no (true/false), not {value!r}.")
    if isinstance(like, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ParameterError(f"'{name}' must be a whole number, not {value!r}.") from None
    if isinstance(like, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        try:
            return float(str(value).strip())
        except ValueError:
            raise ParameterError(f"'{name}' must be a number, not {value!r}.") from None
    return value


def query_params(defaults: Mapping[str, Any], query_string: str | None = None) -> dict[str, Any]:
    """``defaults`` updated from the page's query string (Voila's ``QUERY_STRING``).

    Only names in ``defaults`` are taken (anything else in the URL is ignored); values are
    converted to the default's type. A value that does not convert keeps the default, so a bad
    link still opens the form. Outside Voila ``QUERY_STRING`` is normally unset and the defaults
    come back unchanged.

    >>> query_params({"channel": "all", "top_n": 10}, "channel=pos&top_n=5&x=1")
    {'channel': 'pos', 'top_n': 5}
    """
    qs = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    qs = qs.lstrip("?")
    out = dict(defaults)
    if not qs or is_headless():
        return out
    parsed = parse_qs(qs, keep_blank_values=True)
    for key, values in parsed.items():
        if key not in out or not values:
            continue
        try:
            out[key] = coerce(values[-1], defaults[key], name=key)
        except WorkbenchError:
            log.warning("ignoring query parameter %s=%r", key, values[-1])
    return out


def share_link(params: Mapping[str, Any], base: str = "") -> str:
    """A query string (``?a=1&b=2``) that preselects a form with ``params``."""
    return base + "?" + "&".join(f"{quote(str(k))}={quote(_text(v) if not isinstance(v, str) else v)}"
                                 for k, v in params.items())


# ---- forms --------------------------------------------------------------------------------
@dataclass
class Field:
    """One form field.

    ``kind`` is ``"dropdown"`` (needs ``options``; a value not among them is added),
    ``"text"``, ``"date"`` (a DatePicker; value a date or ISO text) or ``"checkbox"``.
    """

    name: str
    label: str
    value: Any = ""
    kind: str = "text"
    options: Sequence[Any] = field(default_factory=tuple)
    placeholder: str = ""

    def widget(self):
        import ipywidgets as w

        style = {"description_width": "initial"}
        layout = w.Layout(width="auto", min_width="16em")
        if self.kind == "dropdown":
            options = list(self.options)
            if self.value not in options and self.value not in (None, ""):
                options.append(self.value)
            value = self.value if self.value in options else (options[0] if options else None)
            return w.Dropdown(options=options, value=value, description=self.label, style=style, layout=layout)
        if self.kind == "date":
            value = self.value
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value) if value else None
                except ValueError:
                    value = None
            return w.DatePicker(value=value, description=self.label, style=style)
        if self.kind == "checkbox":
            return w.Checkbox(value=bool(self.value), description=self.label, style=style)
        return w.Text(value="" if self.value is None else str(self.value), description=self.label,
                      placeholder=self.placeholder, style=style, layout=layout)


def _field_values(fields: Sequence[Field]) -> dict[str, Any]:
    return {f.name: f.value for f in fields}


def _run_safely(on_submit: Callable[[dict], Any], values: dict) -> None:
    try:
        on_submit(values)
    except Exception as exc:  # staff see a message, never a traceback
        show_error(exc)


def _captured(on_submit: Callable[[dict], Any], values: dict) -> tuple[dict, ...]:
    """Run ``on_submit`` and return what it displayed, as Output-widget ``outputs``.

    The outputs are set on the widget from the kernel side instead of ``with out:`` (which relies
    on the page to route messages): under Voila the first render happens while the page is still
    being streamed, and routing through ``with out:`` then could stall the page (measured: the
    first request to a fresh Voila server never finished).
    """
    from IPython.utils.capture import capture_output

    with capture_output(stdout=True, stderr=False, display=True) as cap:
        _run_safely(on_submit, values)
    outputs: list[dict] = []
    if cap.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": cap.stdout})
    for o in cap.outputs:
        outputs.append({"output_type": "display_data", "data": dict(o.data), "metadata": dict(o.metadata or {})})
    return tuple(outputs)


def report_form(fields: Sequence[Field], on_submit: Callable[[dict[str, Any]], Any], *,
                button: str = "Run", run_now: bool = True, headless: bool | None = None):
    """A form (fields, a Run button, an output area) that calls ``on_submit(values)``.

    ``on_submit`` displays whatever it wants (header, charts, tables); under the form its output
    replaces the previous one each time Run is pressed. Errors are shown with :func:`show_error`.

    Headless (papermill) there are no widgets: ``on_submit`` is called once with the fields'
    values and its output goes straight into the notebook (charts inside an ``Output`` widget
    would vanish from the exported HTML); the function then returns ``None``. Errors are not
    caught there: a headless run that fails must fail (the runner writes the error file).

    Returns
    -------
    ipywidgets.VBox or None
        The form (display it, or make it the cell's last expression).
    """
    headless = is_headless() if headless is None else headless
    if headless:
        on_submit(_field_values(fields))
        return None

    import ipywidgets as w

    controls = {f.name: f.widget() for f in fields}
    run = w.Button(description=button, button_style="primary", icon="play",
                   tooltip="Make the report with these settings")
    status = w.HTML(value="")
    out = w.Output(layout=w.Layout(width="100%"))

    def submit(_button=None):
        values = {name: c.value for name, c in controls.items()}
        run.disabled = True
        status.value = '<span class="wb-note">Working&hellip;</span>'
        try:
            out.outputs = _captured(on_submit, values)
        finally:
            run.disabled = False
            status.value = ""

    run.on_click(submit)
    for c in [*controls.values(), run]:
        c.layout.margin = "2px 12px 2px 0"
    row = w.HBox([*controls.values(), run, status], layout=w.Layout(flex_flow="row wrap", align_items="center"))
    form = w.VBox([row, out], layout=w.Layout(width="100%"))
    form.controls = controls  # for tests and callers that want to read/set values
    form.run_button = run
    form.output = out
    form.submit = submit
    if run_now:
        submit()
    return form
