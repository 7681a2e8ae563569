"""The migration form (``notebooks/migration.ipynb`` under Voila): platforms, files, Run, summary.

Staff pick the source and target platforms, choose export files already on the server (the
imports folder, ``data/imports/`` or ``$WORKBENCH_IMPORTS_DIR``) and/or upload small files, press
Run and read the summary tables. Outputs go to ``data/migrations/<source>-to-<target>/``
(``$WORKBENCH_MIGRATIONS_DIR`` overrides the parent folder).

Uploads travel from the browser over Voila's websocket, which refuses messages near 10 MiB, so
uploads are capped at :data:`MAX_UPLOAD_BYTES` in total; bigger exports are copied into the
imports folder on the server instead (the form says so).

Outside Voila, when ``files`` is given (papermill, a notebook cell), :func:`migration_page` runs
the dry run at once and shows the summary; otherwise it shows the form.
"""
from __future__ import annotations

import base64
import html
import re
import tempfile
from pathlib import Path
from typing import Any

from . import platforms, ui
from .errors import ParameterError
from .safeio import csv_text
from .migration import (INPUT_SUFFIXES, MigrationResult, imports_dir, migrations_dir, run_migration,
                        writable_targets)

__all__ = ["MAX_UPLOAD_BYTES", "imports_dir", "list_import_files", "migration_form", "migration_page",
           "migrations_dir", "show_result"]

#: what an upload may weigh in total (Voila's websocket caps messages near 10 MiB)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_NOTE = ("Uploads go through the browser connection, which is limited to about 10 MiB in total. "
               "For bigger exports, copy the files into the imports folder on the server "
               "({folder}) and pick them from the list.")


def list_import_files(folder: Path | None = None) -> list[str]:
    """Export files in the imports folder and its sub-folders (relative paths, sorted)."""
    folder = imports_dir() if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not any(part.startswith(".") for part in rel.parts):
            out.append(rel.as_posix())
    return out


def _label(name: str) -> str:
    try:
        a = platforms.get(name)
        return a.label or name
    except Exception:  # noqa: BLE001
        return name


def show_result(result: MigrationResult) -> None:
    """Display the summary of a dry run: counts, errors and warnings, what is lost, redirects."""
    links = []
    for name, frame in (("loss.csv", result.loss), ("validation.csv", result.validation),
                        ("redirects.csv", result.redirects)):
        text, _ = csv_text(frame, bom=True)
        href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")
        links.append(f'<a class="wb-download" download="{html.escape(name)}" href="{href}">Download {html.escape(name)} '
                     f"({len(frame):,} rows)</a>")
    ui.show(ui.HTML(f"<p>Files written to <code>{html.escape(str(result.out_dir))}</code>: "
                    f"{html.escape(', '.join(p.name for p in result.files))}</p><p>{' &middot; '.join(links)}</p>"))
    ui.show(ui.HTML(result.html()))


def _out_dir(out: str, source: str, target: str) -> Path:
    if out:
        return Path(out).expanduser()
    return migrations_dir() / f"{source}-to-{target}"


def _save_uploads(uploads: Any) -> list[Path]:
    """Write uploaded files (ipywidgets 8 FileUpload value) to a fresh temporary folder."""
    items = list(uploads or ())
    if not items:
        return []
    total = sum(int(u.get("size") or len(u["content"])) for u in items)
    big = [u["name"] for u in items if int(u.get("size") or len(u["content"])) > MAX_UPLOAD_BYTES]
    if big or total > MAX_UPLOAD_BYTES:
        raise ParameterError(
            f"The upload is too large ({total / 1048576:.1f} MiB; the limit is {MAX_UPLOAD_BYTES // 1048576} MiB "
            f"because uploads travel over the browser connection). Copy the files into the imports folder on "
            f"the server ({imports_dir()}) and pick them from the list instead.")
    folder = Path(tempfile.mkdtemp(prefix="workbench-upload-"))
    paths = []
    for u in items:
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(str(u["name"])).name) or "upload.csv"
        p = folder / name
        p.write_bytes(bytes(u["content"]))
        paths.append(p)
    return paths


def run_from_form(source: str, target: str, picked: list[str], uploads: Any, *, out: str = "", mapping: str = "",
                  dialect: str = "") -> MigrationResult:
    """What Run does: resolve the picked and uploaded files, run the dry run, return the result."""
    folder = imports_dir()
    paths = [folder / p for p in picked]
    paths += _save_uploads(uploads)
    if not paths:
        raise ParameterError("Pick at least one export file from the list, or upload one.")
    mp = None
    if mapping and mapping != "(none)":
        mp = folder / mapping if not Path(mapping).is_absolute() else Path(mapping)
    return run_migration(source, target, paths, _out_dir(out, source, target), mapping=mp,
                         dialect=dialect or None, progress=False)


def migration_form(source: str = "magento2", target: str = "shopify", files: str = "", out: str = "",
                   mapping: str = "", dialect: str = ""):
    """The Voila form (an ipywidgets VBox); ``files`` preselects files of the imports folder."""
    import ipywidgets as w

    folder = imports_dir()
    style = {"description_width": "initial"}
    sources = platforms.names()
    targets = writable_targets()
    src = w.Dropdown(options=[(_label(n), n) for n in sources], value=source if source in sources else sources[0],
                     description="Source platform", style=style)
    tgt = w.Dropdown(options=[(_label(n), n) for n in targets],
                     value=target if target in targets else targets[0], description="Target platform", style=style)
    dia = w.Dropdown(options=[("current (2024+)", "current"), ("legacy", "legacy")],
                     value=dialect if dialect in ("current", "legacy") else "current",
                     description="Shopify header", style=style)
    available = list_import_files(folder)
    wanted = [f.strip() for f in str(files or "").split(",") if f.strip()]
    pre = [f for f in available if f in wanted or str(folder / f) in wanted]
    pick = w.SelectMultiple(options=available, value=tuple(pre), rows=min(max(len(available), 4), 12),
                            description="Files on the server", style=style,
                            layout=w.Layout(width="100%", max_width="60em"))
    mappings = ["(none)"] + ([f.relative_to(folder).as_posix() for f in sorted(folder.rglob("*.toml"))]
                             if folder.is_dir() else [])
    mp = w.Dropdown(options=mappings, value=mapping if mapping in mappings else "(none)",
                    description="Mapping file", style=style)
    upload = w.FileUpload(accept=",".join(INPUT_SUFFIXES), multiple=True, description="Upload (max 10 MiB)")
    refresh = w.Button(description="Refresh list", icon="refresh")
    run = w.Button(description="Run", button_style="primary", icon="play",
                   tooltip="Dry run: writes import files and reports, changes nothing in any shop")
    status = w.HTML(value="")
    note = w.HTML(value=f'<p class="wb-note">Files on the server come from <code>{html.escape(str(folder))}</code>. '
                        f'{html.escape(UPLOAD_NOTE.format(folder=folder))}</p>')
    output = w.Output(layout=w.Layout(width="100%"))

    def do_refresh(_b=None):
        keep = tuple(v for v in pick.value if v in list_import_files(folder))
        pick.options = list_import_files(folder)
        pick.value = keep

    def do_run(_b=None):
        run.disabled = True
        status.value = '<span class="wb-note">Working&hellip;</span>'
        output.clear_output(wait=True)
        with output:
            try:
                result = run_from_form(src.value, tgt.value, list(pick.value), upload.value, out=out,
                                       mapping=mp.value, dialect=dia.value if tgt.value == "shopify" else "")
                show_result(result)
            except Exception as exc:  # staff see a message, never a traceback
                ui.show_error(exc)
            finally:
                run.disabled = False
                status.value = ""

    def on_target(change=None):
        dia.layout.display = "" if tgt.value == "shopify" else "none"

    refresh.on_click(do_refresh)
    run.on_click(do_run)
    tgt.observe(on_target, names="value")
    on_target()
    row1 = w.HBox([src, tgt, dia, mp], layout=w.Layout(flex_flow="row wrap"))
    row2 = w.HBox([upload, refresh, run, status], layout=w.Layout(flex_flow="row wrap", align_items="center"))
    form = w.VBox([row1, pick, note, row2, output], layout=w.Layout(width="100%"))
    form.controls = {"source": src, "target": tgt, "dialect": dia, "files": pick, "mapping": mp, "upload": upload}
    form.run_button = run
    form.output = output
    form.submit = do_run
    return form


def migration_page(source: str = "magento2", target: str = "shopify", files: str = "", out: str = "",
                   mapping: str = "", dialect: str = ""):
    """The notebook's one call: the form under Voila (or with no files), else run at once and show the summary.

    Under Voila a shared link such as ``?source=woocommerce&target=shopify`` preselects the form.
    """
    params = ui.query_params({"source": source, "target": target, "files": files, "mapping": mapping})
    if ui.in_voila() or not str(files).strip():
        return migration_form(params["source"], params["target"], params["files"], out, params["mapping"], dialect)
    src, tgt = platforms.get(source).name, platforms.get(target).name
    result = run_migration(src, tgt, files, _out_dir(out, src, tgt), mapping=mapping or None,
                           dialect=dialect or None, progress=None)
    show_result(result)
    return None
