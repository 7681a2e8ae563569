"""Migration dry run: any platform's export to any platform's import files, with what will be lost.

One route for every pair, through the canonical model (never a per-route converter)::

    source files --(source adapter .read)--> Catalog --(target adapter .write)--> import files
                                                 \\--> loss, validation, redirects, summary

:func:`run_migration` writes to ``out_dir``:

``<target import files>``
    whatever the target adapter's ``write()`` produces (Shopify: ``products.csv`` split under
    15 MB, ``customers.csv``); import files are neutralised by the target adapter's own rule;
``loss.csv``
    every source column (stage ``read``: what it became, or dropped with the number of non-empty
    values lost, and whether the target keeps it), every canonical field the target cannot hold
    (stage ``write``) and every product or category without an old URL (stage ``redirects``);
``validation.csv``
    read issues, the target's ``validate()`` and the cells its writer changed (formula guard);
``redirects.csv``
    ``Redirect from,Redirect to`` (Shopify's URL-redirect import), old product/category paths to
    the new ones, paths only, sorted;
``summary.html`` / ``summary.json``
    counts in and out, errors, warnings, tables (all shop data HTML-escaped);
``mapping.toml``
    the mapping filled from this run (headers, options, collections, URL patterns), to edit and
    pass to the next run.

Inputs are only read. The same inputs and mapping give byte-identical outputs: no run time, no
absolute path and no unordered iteration ends up in a file. Every CSV meant for people is written
with :func:`workbench.safeio.write_csv` (formula-safe).

Examples
--------
>>> from workbench.migration import run_migration
>>> result = run_migration("magento2", "shopify", ["data/imports/export.csv"], "data/migrations/m2")  # doctest: +SKIP
>>> result.counts                                                                                       # doctest: +SKIP
"""
from __future__ import annotations

import copy
import html
import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import mapping as mapping_mod
from . import platforms, safeio
from .errors import InputError, ParameterError
from ._arrow import dictionary_codes, one_chunk
from .platforms.base import ISSUE_COLUMNS, LOSS_COLUMNS, Adapter, Catalog, ReadResult, issues_frame

__all__ = ["INPUT_SUFFIXES", "LOSS_REPORT_COLUMNS", "REPORT_FILES", "TARGETS", "VALIDATION_COLUMNS",
           "MigrationResult", "TargetProfile", "expand_paths", "run_migration", "writable_targets"]

#: files a folder contributes when a folder is given as a source
INPUT_SUFFIXES = (".csv", ".tsv", ".txt", ".sql")
#: report files written beside the import files (the import files depend on the target)
REPORT_FILES = ("loss.csv", "validation.csv", "redirects.csv", "summary.html", "summary.json", "mapping.toml")
LOSS_REPORT_COLUMNS = ["stage", *LOSS_COLUMNS, "in_target"]
VALIDATION_COLUMNS = ["stage", *ISSUE_COLUMNS]
#: show a progress bar by default when the inputs are larger than this
PROGRESS_BYTES = 5 * 1024 * 1024
#: read the written files back (counts "read back") by default up to this many variants
VERIFY_MAX_VARIANTS = 20_000

# canonical columns that are identifiers or bookkeeping: never "lost" (source_url feeds redirects)
_BOOKKEEPING = {
    "products": {"product_id", "source_platform", "source_id", "source_url"},
    "product_options": {"product_id", "position"},
    "variants": {"variant_id", "product_id", "position", "source_id"},
    "variant_options": {"variant_id", "position"},
    "images": {"product_id", "position", "source_id"},
    "collections": {"collection_id", "handle", "source_id", "source_url"},
    "collection_products": {"collection_id", "product_id", "position"},
    "customers": {"customer_id", "source_id"},
}
_PLATFORM_NAMES = ("shopify", "woocommerce", "magento2", "magento1", "magento", "prestashop", "volusion", "opencart",
                   "bigcommerce")


@dataclass(frozen=True)
class TargetProfile:
    """What a target's import files can hold, and its URL scheme (for redirects).

    ``fields`` lists, per canonical table, the columns the writer puts in its files; a table absent
    from ``fields`` is not written at all. ``extra_namespaces``: namespaces of ``extra`` the writer
    keeps (``"*"``: every namespace that is not another platform's, i.e. metafields).
    An adapter may declare its own ``writes`` (same shape as ``fields``); it wins over this table.
    """

    fields: dict[str, frozenset[str]]
    product_url: str
    collection_url: str
    extra_namespaces: tuple[str, ...] = ()
    extra_entities: tuple[str, ...] = ("product", "variant")
    max_options: int | None = None


def _fs(*names: str) -> frozenset[str]:
    return frozenset(names)


_SHOPIFY_CUSTOMER = _fs("email", "first_name", "last_name", "phone", "accepts_email_marketing",
                        "accepts_sms_marketing", "company", "address1", "address2", "city", "province_code",
                        "country_code", "zip", "tags", "note", "tax_exempt")

#: writable targets (docs/migration.md, "What each target keeps"; from each writer's code)
TARGETS: dict[str, TargetProfile] = {
    "shopify": TargetProfile(
        fields={
            "products": _fs("handle", "title", "description_html", "vendor", "product_category", "product_type",
                            "tags", "status", "published", "gift_card", "seo_title", "seo_description"),
            "product_options": _fs("name", "linked_to"),
            "variants": _fs("sku", "barcode", "price", "compare_at_price", "cost", "weight", "weight_unit",
                            "inventory_quantity", "inventory_policy", "inventory_tracker", "requires_shipping",
                            "taxable", "tax_code", "fulfillment_service", "image_src"),
            "variant_options": _fs("value"),
            "images": _fs("src", "alt"),
            "customers": _SHOPIFY_CUSTOMER,
        },
        product_url="/products/{handle}", collection_url="/collections/{handle}",
        extra_namespaces=("*",), extra_entities=("product", "variant", "image"), max_options=3),
    "woocommerce": TargetProfile(
        fields={
            "products": _fs("title", "description_html", "tags", "status", "published"),
            "product_options": _fs("name"),
            "variants": _fs("sku", "barcode", "price", "compare_at_price", "weight", "weight_unit",
                            "inventory_quantity", "inventory_policy", "inventory_tracker", "taxable", "image_src"),
            "variant_options": _fs("value"),
            "images": _fs("src"),
            "collections": _fs("title", "path"),
            "collection_products": _fs(),
        },
        product_url="/product/{handle}/", collection_url="/product-category/{path}/",
        extra_namespaces=("woocommerce", "woocommerce_meta", "custom")),
    "magento2": TargetProfile(
        fields={
            "products": _fs("handle", "title", "description_html", "status", "published", "seo_title",
                            "seo_description"),
            "product_options": _fs("name"),
            "variants": _fs("sku", "price", "compare_at_price", "weight", "inventory_quantity", "inventory_policy",
                            "inventory_tracker", "requires_shipping", "taxable", "image_src"),
            "variant_options": _fs("value"),
            "images": _fs("src", "alt"),
            "collections": _fs("title", "path"),
            "collection_products": _fs(),
            "customers": _fs("email", "first_name", "last_name", "phone", "company", "address1", "address2",
                             "city", "province_code", "country_code", "zip", "created_at"),
        },
        product_url="/{handle}.html", collection_url="/{path}.html",
        extra_namespaces=("magento2", "custom"), extra_entities=("product", "variant", "customer")),
    "prestashop": TargetProfile(
        fields={
            "products": _fs("handle", "title", "description_html", "vendor", "tags", "status", "seo_title",
                            "seo_description", "created_at"),
            "product_options": _fs("name"),
            "variants": _fs("sku", "barcode", "price", "cost", "weight", "inventory_quantity", "inventory_policy",
                            "requires_shipping", "taxable", "image_src"),
            "variant_options": _fs("value"),
            "images": _fs("src", "alt"),
            "collections": _fs("title"),
            "collection_products": _fs(),
        },
        product_url="/{handle}.html", collection_url="/{handle}",
        extra_namespaces=("prestashop", "custom"), extra_entities=("product", "variant")),
}

#: usual old-URL patterns per source platform, suggested in the saved mapping (never applied unasked)
SUGGESTED_OLD_URLS: dict[str, tuple[str, str]] = {
    "magento2": ("/{handle}.html", "/{path}.html"),
    "woocommerce": ("/product/{handle}/", "/product-category/{path}/"),
    "prestashop": ("/{id}-{handle}.html", "/{handle}"),
    "shopify": ("/products/{handle}", "/collections/{handle}"),
    "opencart": ("/{handle}", "/{handle}"),
    "volusion": ("/{handle}-p/{id}.htm", "/{handle}-s/{id}.htm"),
    "bigcommerce": ("/{handle}/", "/{path}/"),
    "magento1": ("/{handle}.html", "/{path}.html"),
}

_TOKEN = re.compile(r"extra:[A-Za-z0-9_.:<>@-]+|\b(?:products|product_options|variants|variant_options|images|"
                    r"collections|collection_products|customers)(?:\.[a-z_]+)?\b")


def writable_targets() -> list[str]:
    """Names of registered platforms that can write import files."""
    out = []
    for name in platforms.names():
        try:
            if platforms.get(name).can_write:
                out.append(name)
        except Exception:  # noqa: BLE001 - a broken adapter must not hide the others
            continue
    return out


# --------------------------------------------------------------------------------------------------
# result

@dataclass
class MigrationResult:
    """What a dry run produced: the files, and the same tables as frames for notebooks."""

    source: str
    target: str
    out_dir: Path
    import_files: list[Path]
    report_files: list[Path]
    counts: pd.DataFrame
    loss: pd.DataFrame
    validation: pd.DataFrame
    redirects: pd.DataFrame
    summary: dict
    mapping: mapping_mod.Mapping
    catalog: Catalog = field(repr=False, default=None)
    #: seconds per step: read (with the schema check), validate+write (with the redirects and the loss
    #: table, beside the writer), check, reports;
    #: kept here only, never in a file (the same inputs give byte-identical outputs)
    seconds: dict = field(default_factory=dict)

    @property
    def errors(self) -> pd.DataFrame:
        return self.validation[self.validation["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.validation[self.validation["severity"] == "warning"]

    @property
    def dropped(self) -> pd.DataFrame:
        """Loss rows where something did not arrive (dropped on read, by the target, or no redirect)."""
        lost = (self.loss["dropped"] > 0) | (self.loss["in_target"].isin(["dropped", "partly kept"]))
        return self.loss[lost]

    @property
    def files(self) -> list[Path]:
        return [*self.import_files, *self.report_files]

    def html(self) -> str:
        """The body of ``summary.html`` (escaped), for display in a notebook."""
        return summary_body_html(self.summary, self.counts, self.loss, self.validation, self.redirects)

    def _repr_html_(self) -> str:
        return self.html()


# --------------------------------------------------------------------------------------------------
# inputs

def expand_paths(paths: Iterable[str | Path] | str) -> list[Path]:
    """Files to read: each path as given, a folder as its data files (sorted); clear errors.

    ``paths`` may also be one comma-separated string (notebook parameter ``files``).
    """
    if isinstance(paths, (str, Path)):
        paths = [p.strip() for p in str(paths).split(",")] if isinstance(paths, str) else [paths]
    out: list[Path] = []
    for raw in paths:
        if raw is None or str(raw).strip() == "":
            continue
        p = Path(str(raw)).expanduser()
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                           and f.suffix.lower() in INPUT_SUFFIXES)
            if not found:
                raise InputError(f"the folder has no export files ({', '.join(INPUT_SUFFIXES)})", file=str(p))
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise InputError("there is no such file or folder; check the name and the folder", file=str(p))
    if not out:
        raise ParameterError("No source files were given: pass one or more export files (or a folder).")
    seen: set[Path] = set()
    unique = []
    for p in out:
        r = p.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(p)
    return unique


def _display_names(paths: list[Path]) -> dict[str, str]:
    """Every spelling of each input path -> a short, stable name (file name; relative when names clash)."""
    resolved = [p.resolve() for p in paths]
    names = [p.name for p in resolved]
    if len(set(names)) != len(names):
        try:
            import os
            base = Path(os.path.commonpath([str(r.parent) for r in resolved]))
            names = [str(r.relative_to(base)) for r in resolved]
        except ValueError:
            names = [str(r) for r in resolved]
    out = {}
    for p, r, n in zip(paths, resolved, names):
        for spelling in {str(p), str(r), str(p.absolute()), p.name}:
            out[spelling] = n
    return out


def _clean_file_column(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    if "file" not in frame.columns or not len(frame):
        return frame
    f = frame["file"].astype(object).where(frame["file"].notna(), "").astype(str)
    mapped = f.map(names)
    base = f.map(lambda s: Path(s).name if s.startswith("/") else s)
    frame = frame.copy()
    frame["file"] = mapped.where(mapped.notna(), base)
    return frame


def _strip_dirs(frame: pd.DataFrame, dirs: list[str]) -> pd.DataFrame:
    """Remove absolute input folders from free-text columns (outputs must not depend on where files lie)."""
    if not len(frame):
        return frame
    frame = frame.copy()
    for col in ("detail", "hint", "note"):
        if col in frame.columns:
            s = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
            for d in dirs:
                s = s.str.replace(d.rstrip("/") + "/", "", regex=False)
            frame[col] = s
    return frame


# --------------------------------------------------------------------------------------------------
# the run

def imports_dir() -> Path:
    """Export files waiting for a dry run: ``$WORKBENCH_IMPORTS_DIR`` or ``data/imports`` under the
    project root (the migration form lists it)."""
    return _data_folder("WORKBENCH_IMPORTS_DIR", "imports")


def migrations_dir() -> Path:
    """Where the migration form writes its outputs: ``$WORKBENCH_MIGRATIONS_DIR`` or ``data/migrations``."""
    return _data_folder("WORKBENCH_MIGRATIONS_DIR", "migrations")


def _data_folder(env: str, name: str) -> Path:
    """The folder named by the environment variable ``env``, else ``data/<name>`` under the project root."""
    from .store import project_root
    value = os.environ.get(env, "").strip()
    return Path(value).expanduser() if value else project_root() / "data" / name


def run_migration(source: str, target: str, paths, out_dir, *, mapping=None, save_mapping=None,
                  dialect: str | None = None, progress: bool | None = None,
                  verify: bool | None = None) -> MigrationResult:
    """Dry-run a migration: read ``paths`` with the ``source`` adapter, write ``target`` import files.

    Parameters
    ----------
    source, target : str
        Platform names (``workbench.platforms.names()``); the target must be able to write.
    paths : list of paths, a folder, or a comma-separated string
        The source platform's export files.
    out_dir : path
        Folder for the outputs (created; must not hold any input file).
    mapping : Mapping, path or None
        A mapping file (``workbench.mapping``) from an earlier run, edited.
    save_mapping : path, optional
        Also save the filled mapping here (it is always written as ``out_dir/mapping.toml``).
    dialect : str, optional
        Target header dialect (Shopify: ``current`` (default) or ``legacy``).
    progress : bool, optional
        Show a tqdm progress bar (default: when the inputs exceed 5 MB).
    verify : bool, optional
        Read the written import files back with the target adapter and report those counts
        (default: up to 20,000 variants).

    Raises
    ------
    ParameterError
        unknown platform, a target that cannot write, an output folder holding the inputs.
    InputError
        a missing or unreadable file (names file, line and column).
    """
    src = platforms.get(source)
    tgt = platforms.get(target)
    if not tgt.can_write:
        raise ParameterError(
            f"{tgt.label or tgt.name} cannot be a migration target: it has no import file the workbench can write "
            f"(it is a source only). Pick one of: {', '.join(writable_targets())}.")
    profile = _profile(tgt)
    files = expand_paths(paths)
    out = Path(out_dir).expanduser()
    out_r = out.resolve()
    for p in files:
        r = p.resolve()
        if r.parent == out_r or out_r in r.parents:
            raise ParameterError(f"The output folder {out} holds the input file {p.name}; choose another output "
                                 "folder so the export files can never be overwritten.")
    if isinstance(mapping, mapping_mod.Mapping):
        mp = copy.deepcopy(mapping)
    else:
        mp = mapping_mod.load(mapping if mapping not in (None, "") else None)
    total_bytes = sum(p.stat().st_size for p in files)
    if progress is None:
        progress = total_bytes > PROGRESS_BYTES
    from tqdm.auto import tqdm
    bar = tqdm(total=4, desc=f"{src.name} -> {tgt.name}", disable=not progress, leave=False)
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def step_done(step: str) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[step], started = now - started, now
        bar.update()

    try:
        bar.set_postfix_str("reading")
        read = src.read(list(files), mapping=mp)
        step_done("read")
        names = _display_names(files)
        dirs = sorted({str(p.resolve().parent) for p in files} | {str(p.absolute().parent) for p in files},
                      key=len, reverse=True)
        catalog = read.catalog

        bar.set_postfix_str("validating and writing import files, redirects")
        tgt.settings = dict(mp.settings)
        out.mkdir(parents=True, exist_ok=True)
        _remove_previous_outputs(out)
        shallow = Catalog(**{k: v.copy(deep=False) for k, v in catalog.frames().items()})
        # validation, the redirects and the loss table run beside the writer: all of them only
        # read the catalog, and much of the writer's time is the kernel filling files
        def beside_writer():
            checked = tgt.validate(catalog)
            redirected = build_redirects(catalog, profile, mp, source=src.name)
            return checked, redirected, build_loss(read, catalog, profile, tgt.name, redirected[1], names, dirs)

        before = {p.name for p in out.iterdir()}
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="validate") as pool:
                beside = pool.submit(beside_writer)
                import_files = [Path(p) for p in tgt.write(shallow, out, dialect=dialect)]
                target_issues, (redirects, _, redirect_issues), loss = beside.result()
        except BaseException:
            _remove_new_files(out, before)   # a run that fails leaves no import files behind
            raise
        write_issues = getattr(tgt, "write_issues", None)
        write_issues = write_issues if isinstance(write_issues, pd.DataFrame) else issues_frame()
        step_done("validate+write")

        bar.set_postfix_str("checking the written files")
        verified, back_issues = None, []
        if verify is None:
            verify = len(catalog.variants) <= VERIFY_MAX_VARIANTS
        if verify:
            verified, back_issues = _read_back(tgt, import_files, out)
        own = _own_issues(import_files, tgt, redirect_issues + back_issues)
        validation = _validation(read.issues, target_issues, write_issues, own, names, dirs)
        step_done("check")

        bar.set_postfix_str("summary")
        counts = build_counts(catalog, profile, verified)
        _suggest_mapping(mp, read, catalog, src.name)
        report_files = _write_reports(out, loss, validation, redirects, counts, mp, save_mapping,
                                      import_files, src, tgt, [names[str(p)] for p in files], mapping, dialect)
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        step_done("reports")
    finally:
        bar.close()
    return MigrationResult(source=src.name, target=tgt.name, out_dir=out, import_files=import_files,
                           report_files=report_files, counts=counts, loss=loss, validation=validation,
                           redirects=redirects, summary=summary, mapping=mp, catalog=catalog, seconds=seconds)


def _profile(adapter: Adapter) -> TargetProfile:
    base = TARGETS.get(adapter.name)
    declared = getattr(adapter, "writes", None)
    if base is None and not declared:
        # an unknown (plug-in) target: assume it writes what the model holds; no loss computed
        from . import schema
        base = TargetProfile(fields={t: frozenset(schema.table(t).names) for t in _BOOKKEEPING},
                             product_url="/{handle}", collection_url="/{handle}", extra_namespaces=("*",),
                             extra_entities=("product", "variant", "image", "collection", "customer"))
    if declared:
        base = TargetProfile(fields={k: frozenset(v) for k, v in declared.items()},
                             product_url=getattr(adapter, "product_url", base.product_url if base else "/{handle}"),
                             collection_url=getattr(adapter, "collection_url",
                                                    base.collection_url if base else "/{handle}"),
                             extra_namespaces=base.extra_namespaces if base else ("*",),
                             extra_entities=base.extra_entities if base else ("product", "variant"),
                             max_options=base.max_options if base else None)
    return base


def _remove_new_files(out: Path, before: set[str]) -> None:
    """Delete the files in ``out`` whose names are not in ``before`` (what a failed step wrote)."""
    for f in out.iterdir():
        if f.name not in before and f.is_file():
            f.unlink()


def _remove_previous_outputs(out: Path) -> None:
    """Delete the files a previous run listed in ``summary.json`` (a stale ``products-3.csv`` must not stay)."""
    prev = out / "summary.json"
    if not prev.is_file():
        return
    try:
        data = json.loads(prev.read_text(encoding="utf-8"))
        listed = [*data.get("files", {}).get("import", []), *data.get("files", {}).get("reports", [])]
    except (ValueError, AttributeError):
        return
    for name in listed:
        f = (out / str(name))
        if f.parent.resolve() == out.resolve() and f.is_file():
            f.unlink()


# --------------------------------------------------------------------------------------------------
# redirects

def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str)


def _first_sku(catalog: Catalog) -> pd.Series:
    v = catalog.variants
    if not len(v):
        return pd.Series(dtype=object)
    first = v.sort_values(["product_id", "position"], kind="stable").drop_duplicates("product_id")
    return pd.Series(_text(first["sku"]).to_numpy(), index=_text(first["product_id"]).to_numpy())


def _slug_path(path: pd.Series, title: pd.Series) -> pd.Series:
    p = _text(path).where(_text(path) != "", _text(title))
    return p.map(lambda x: "/".join(mapping_mod.slugify(part) for part in x.split(" > ")))


def _arrow_text(s) -> pa.Array:
    """A column as one Arrow string array with nulls as ``""`` (the values :func:`_text` gives)."""
    if isinstance(s, (pa.Array, pa.ChunkedArray)):
        arr = s
    elif hasattr(s.array, "_pa_array") and pa.types.is_string(getattr(s.dtype, "pyarrow_dtype", pa.string())) \
            or isinstance(s.array, pd.arrays.ArrowStringArray):
        arr = s.array._pa_array
    else:
        return pa.array(_text(s).to_numpy(dtype=object), type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = one_chunk(arr)
    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    return pc.fill_null(arr, "") if arr.null_count else arr


def _old_paths(old: pa.Array, pattern: str | None, fields: dict, mp: mapping_mod.Mapping,
               key: str) -> tuple[pa.Array, bool]:
    """Old URLs: ``old``, or where it is empty the mapping's ``pattern`` filled per row; and whether
    the pattern was used."""
    empty = pc.equal(old, "")
    if not pattern or not pc.any(empty).as_py():
        return old, False
    built = _format_series(pattern, fields, len(old), mp, key)
    return pc.if_else(empty, built, old), True


def build_redirects(catalog: Catalog, profile: TargetProfile, mp: mapping_mod.Mapping, *, source: str = ""):
    """Old product and category paths -> new ones; also the items without an old URL and issues.

    Old URLs come from ``source_url``; where the export has none, from the mapping's
    ``[urls] product_url_pattern`` / ``category_url_pattern`` (fields ``{handle}``, ``{id}``,
    ``{product_id}``, ``{sku}``, ``{slug}``, ``{path}``).
    """
    P = catalog.products
    handle = _arrow_text(P["handle"])
    pid = _arrow_text(P["product_id"])
    ids = _nonempty_or(_arrow_text(P["source_id"]), pid)
    fields = {"handle": lambda: handle, "id": lambda: ids, "product_id": lambda: pid,
              "sku": lambda: _arrow_text(_text(P["product_id"]).map(_first_sku(catalog)).fillna("").astype(str)),
              "slug": lambda: _arrow_text(_slugify_series(_text(P["title"])))}
    old, patterned = _old_paths(_arrow_text(P["source_url"]), mp.urls.get("product_url_pattern"), fields, mp,
                     "product_url_pattern")
    new = _fill(profile.product_url, handle=handle, path=handle)
    C = catalog.collections
    chandle = _arrow_text(C["handle"])
    cids = _nonempty_or(_arrow_text(C["source_id"]), _arrow_text(C["collection_id"]))
    cpath = _arrow_text(_slug_path(C["path"], C["title"]))
    cfields = {"handle": lambda: chandle, "slug": lambda: chandle, "id": lambda: cids, "product_id": lambda: cids,
               "path": lambda: cpath, "sku": lambda: pa.array([""] * len(C), type=pa.string())}
    cold, cpatterned = _old_paths(_arrow_text(C["source_url"]), mp.urls.get("category_url_pattern"), cfields, mp,
                      "category_url_pattern")
    cnew = _fill(profile.collection_url, handle=chandle, path=cpath)
    frm = pa.concat_arrays([_path_only(old), _path_only(cold)])
    to = pa.concat_arrays([new, cnew])
    kinds = pa.concat_arrays([pa.repeat(pa.scalar("product"), len(P)), pa.repeat(pa.scalar("collection"), len(C))])
    none = pc.equal(frm, "")
    no_url = pd.DataFrame({"kind": _str_column(kinds.filter(none)),
                           "handle": _str_column(pa.concat_arrays([handle, chandle]).filter(none)),
                           "id": _str_column(pa.concat_arrays([pid, _arrow_text(C["collection_id"])]).filter(none))})
    keep = pc.and_(pc.invert(none), pc.not_equal(frm, to))
    frm, to = _sorted_pairs(frm.filter(keep), to.filter(keep))
    clash = _same_as_previous(frm)
    issues = [{"severity": "warning", "file": "redirects.csv", "line": None, "column": "Redirect from",
               "product": "", "sku": "", "check": "redirect_conflict",
               "detail": f"{f} already redirects elsewhere; the redirect to {t} was not written",
               "hint": "an old URL can lead to one new URL only"}
              for f, t in zip(frm.filter(clash).to_pylist(), to.filter(clash).to_pylist())]
    first = pc.invert(clash)
    frm = frm.filter(first)
    # the dtypes the pandas version gave: object where a pattern filled old URLs
    frm = pd.Series(frm.to_numpy(zero_copy_only=False), dtype=object) if patterned or cpatterned else _str_column(frm)
    red = pd.DataFrame({"Redirect from": frm, "Redirect to": _str_column(to.filter(first))})
    return red, no_url, issues


def _str_column(arr: pa.Array) -> pd.Series:
    return pd.Series(pd.array(arr, dtype="str"))


def _nonempty_or(a: pa.Array, b: pa.Array) -> pa.Array:
    """``a`` where it is not empty, else ``b``."""
    return pc.if_else(pc.equal(a, ""), b, a)


def _sorted_pairs(frm: pa.Array, to: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The (from, to) pairs sorted (stable) with repeated pairs dropped."""
    order = pc.sort_indices(pa.table({"f": frm, "t": to}), sort_keys=[("f", "ascending"), ("t", "ascending")])
    frm, to = frm.take(order), to.take(order)
    repeat = pc.and_(_same_as_previous(frm), _same_as_previous(to))
    if pc.any(repeat).as_py():
        first = pc.invert(repeat)
        frm, to = frm.filter(first), to.filter(first)
    return frm, to


def _same_as_previous(arr: pa.Array) -> pa.Array:
    """Mask of the values equal to the value before them (the first is never)."""
    if len(arr) < 2:
        return pa.array(np.zeros(len(arr), dtype=bool))
    same = pc.equal(arr.slice(1), arr.slice(0, len(arr) - 1))
    return pa.concat_arrays([pa.array([False]), same])


def _path_only(s: pa.Array) -> pa.Array:
    """Trimmed, without scheme and host, starting with ``/`` (empty stays empty)."""
    s = pc.utf8_trim_whitespace(s)
    s = pc.replace_substring_regex(s, pattern=r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*", replacement="")
    ok = pc.or_(pc.starts_with(s, "/"), pc.equal(s, ""))
    return pc.if_else(ok, s, pc.binary_join_element_wise("/", s, ""))


def _slugify_series(s: pd.Series) -> pd.Series:
    """``mapping.slugify`` for a whole column (vectorised)."""
    out = (s.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii").str.lower()
           .str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-").str.slice(0, 255).str.rstrip("-"))
    return out.astype(object).where(out.notna(), "").astype(str)


def _format_series(pattern: str, fields: dict, n: int, mp: mapping_mod.Mapping, key: str) -> pa.Array:
    """``pattern.format(**row)`` for every row, column-wise; unknown fields are the mapping's InputError."""
    import string

    parts: list = []
    for literal, name, spec, conv in string.Formatter().parse(pattern):
        if literal:
            parts.append(literal)
        if name is not None:
            if name not in fields or spec or conv:
                raise InputError(f"the URL pattern {pattern!r} uses {{{name}}}, which the export does not have; "
                                 f"use one of: {', '.join('{' + k + '}' for k in fields)}", file=mp.path, column=key)
            parts.append(fields[name]())
    return _concat_text(parts, n)


def _concat_text(parts: list, n: int) -> pa.Array:
    """Row-wise concatenation of text arrays and literal strings (``n`` rows)."""
    arrays = [p for p in parts if not isinstance(p, str)]
    if not arrays:
        return pa.repeat(pa.scalar("".join(parts)), n)
    return pc.binary_join_element_wise(*[pa.scalar(p) if isinstance(p, str) else p for p in parts], "")


def _fill(pattern: str, *, handle: pa.Array, path: pa.Array) -> pa.Array:
    """``pattern`` with ``{handle}`` / ``{path}`` filled per row (vectorised)."""
    parts = [handle if part == "{handle}" else path if part == "{path}" else part
             for part in re.split(r"(\{handle\}|\{path\})", pattern) if part]
    return _concat_text(parts, len(handle))


# --------------------------------------------------------------------------------------------------
# loss report

def _nonempty(s: pd.Series) -> int:
    if not len(s):
        return 0
    if isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_string(s.dtype.pyarrow_dtype):
        a = pa.chunked_array(s.array._pa_array) if hasattr(s.array, "_pa_array") else pa.array(s)
        return int(pc.sum(pc.and_(pc.is_valid(a), pc.not_equal(pc.utf8_trim_whitespace(a), ""))).as_py() or 0)
    n = s.notna()
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        n &= s.astype(object).where(s.notna(), "").astype(str).str.strip() != ""
    return int(n.sum())


def _extra_kept(profile: TargetProfile, target: str, entity: pd.Series, ns: pd.Series) -> np.ndarray:
    ns_l = ns.str.lower()
    ent_ok = entity.isin(profile.extra_entities).to_numpy()
    if "*" in profile.extra_namespaces:
        ns_ok = ~ns_l.isin(_PLATFORM_NAMES).to_numpy() | (ns_l == target).to_numpy()
    else:
        ns_ok = ns_l.isin(profile.extra_namespaces).to_numpy()
    return ent_ok & ns_ok


def target_losses(catalog: Catalog, profile: TargetProfile, target: str) -> list[dict]:
    """Canonical fields with values that the target's import files cannot hold (stage ``write``)."""
    rows: list[dict] = []
    label = target

    def add(column: str, n: int, note: str) -> None:
        if n:
            rows.append({"column": column, "non_empty": n, "dropped": n, "note": note})

    for table, book in _BOOKKEEPING.items():
        df = getattr(catalog, table)
        if not len(df):
            continue
        if table not in profile.fields:
            what = {"customers": "customers", "collections": "collections (categories)",
                    "collection_products": "product-in-collection memberships"}.get(table, table)
            hint = {"collections": "; create them in the new shop (e.g. as automated collections by tag or type); "
                                   "their redirects are still in redirects.csv",
                    "collection_products": "; add products to the collections in the new shop"}.get(table, "")
            add(table, len(df), f"{len(df):,} {what}: {label}'s import files have no place for them{hint}")
            continue
        for col in df.columns:
            if col in book or col in profile.fields[table]:
                continue
            add(f"{table}.{col}", _nonempty(df[col]), f"{label}'s import file has no column for {table}.{col}")
    if profile.max_options and len(catalog.variant_options):
        vo = catalog.variant_options
        over = vo[vo["position"] > profile.max_options]
        if len(over):
            add("variant_options.position>3" if profile.max_options == 3 else
                f"variant_options.position>{profile.max_options}", len(over),
                f"option values beyond option {profile.max_options} ({over['variant_id'].nunique():,} variants): "
                f"{label} holds {profile.max_options} options; see validation too_many_options")
            po = catalog.product_options
            add(f"product_options.position>{profile.max_options}", int((po["position"] > profile.max_options).sum()),
                f"option names beyond option {profile.max_options}")
    ex = catalog.extra
    if len(ex):
        def arr(col):
            a = pa.array(ex[col].array)
            a = one_chunk(a)
            return pc.fill_null(pc.cast(a, pa.string()), "")
        agg = _group_sums([arr("namespace"), arr("key"), arr("entity")], _filled(arr("value")))
        agg = sorted(agg)
        ns_s = pd.Series([g[0] for g in agg], dtype=object)
        ent_s = pd.Series([g[2] for g in agg], dtype=object)
        kept = _extra_kept(profile, target, ent_s, ns_s) if agg else np.zeros(0, dtype=bool)
        for (ns_, key, entity, n), k in zip(agg, kept):
            if not k:
                add(f"extra:{ns_}.{key}", int(n), f"{entity} field kept by the reader in extra; "
                    f"{label}'s import files have no place for it")
    return rows


def _filled(text: pa.Array) -> np.ndarray:
    """1 where the text holds more than white space, else 0."""
    blank = pc.or_(pc.equal(pc.binary_length(text), 0), pc.utf8_is_space(text))
    return (~blank.to_numpy(zero_copy_only=False)).astype(np.int64)


def _group_sums(keys: list[pa.Array], weights: np.ndarray) -> list[tuple]:
    """``(key values..., sum of weights)`` for each distinct tuple of the text ``keys`` (no nulls)."""
    code, size, dicts = np.zeros(len(weights), dtype=np.int64), 1, []
    for arr in keys:
        c, d = dictionary_codes(arr)
        code, size = code * max(len(d), 1) + c, size * max(len(d), 1)
        dicts.append(d.to_pylist())
    if size <= 4 * len(code) + 1024:  # few combinations: count by code directly
        counts = np.bincount(code, minlength=size)
        uniq = np.flatnonzero(counts)
        sums = np.bincount(code, weights=weights, minlength=size)[uniq].astype(np.int64)
    else:
        labels, uniq = pd.factorize(code)
        sums = np.bincount(labels, weights=weights, minlength=len(uniq)).astype(np.int64)
    out = []
    for u, total in zip(uniq.tolist(), sums.tolist()):
        vals = []
        for d in reversed(dicts):
            u, i = divmod(u, len(d))
            vals.append(d[i])
        out.append((*reversed(vals), total))
    return out


def build_loss(read: ReadResult, catalog: Catalog, profile: TargetProfile, target: str, no_url: pd.DataFrame,
               names: dict[str, str], dirs: list[str]) -> pd.DataFrame:
    """The loss report: stage ``read`` (every source column), ``write`` and ``redirects``."""
    rl = _clean_file_column(read.loss.reset_index(drop=True), names)
    tl = target_losses(catalog, profile, target)
    dropped_fields = {r["column"] for r in tl}
    dropped_tables = {c for c in dropped_fields if "." not in c and ":" not in c}
    ns_kept: dict[str, bool] = {}

    def dropped(tok: str) -> bool:
        if tok in dropped_fields or tok.split(".")[0] in dropped_tables:
            return True
        if tok.startswith("extra:"):  # decided by the namespace rule, whether or not values were kept
            ns = tok[len("extra:"):].split(".")[0]
            if ns not in ns_kept:
                ns_kept[ns] = bool(_extra_kept(profile, target, pd.Series(["product"]), pd.Series([ns]))[0])
            return not ns_kept[ns]
        return False

    sources: dict[str, list[str]] = {}
    in_target = []
    for col, became, f in zip(_text(rl.get("column", pd.Series(dtype=object))),
                              _text(rl.get("became", pd.Series(dtype=object))),
                              _text(rl.get("file", pd.Series(dtype=object)))):
        toks = [m.group(0).rstrip(".") for m in _TOKEN.finditer(became)]
        for t in toks:
            sources.setdefault(t, []).append(col)
        if not toks:
            in_target.append("")
            continue
        d = [dropped(t) for t in toks]
        in_target.append("dropped" if all(d) else "partly kept" if any(d) else "kept")
    read_rows = rl.assign(stage="read", in_target=in_target) if len(rl) else pd.DataFrame(columns=LOSS_REPORT_COLUMNS)
    write_rows = []
    for r in tl:
        src_cols = sources.get(r["column"], [])
        if not src_cols and r["column"].startswith("extra:"):
            ns = r["column"][len("extra:"):].split(".")[0]
            src_cols = [c for t, cols in sources.items() if t.startswith(f"extra:{ns}.<") for c in cols]
        seen = list(dict.fromkeys(src_cols))
        note = r["note"] + (f" (from source column{'s' if len(seen) > 1 else ''}: {', '.join(seen[:8])}"
                            f"{', ...' if len(seen) > 8 else ''})" if seen else "")
        write_rows.append({"stage": "write", "file": "", "column": r["column"], "became": "",
                           "non_empty": r["non_empty"], "dropped": r["dropped"], "note": note,
                           "in_target": "dropped"})
    red_rows = pd.DataFrame({
        "stage": "redirects", "file": "", "column": np.where(no_url["kind"] == "product", "products.source_url",
                                                               "collections.source_url"),
        "became": "", "non_empty": 0, "dropped": 1,
        "note": np.where(no_url["kind"] == "product", "product '", "category '") + no_url["handle"]
        + "' has no old URL in the export and no [urls] pattern in the mapping: no redirect",
        "in_target": ""}) if len(no_url) else pd.DataFrame(columns=LOSS_REPORT_COLUMNS)
    parts = [p for p in (read_rows, pd.DataFrame(write_rows, columns=LOSS_REPORT_COLUMNS), red_rows) if len(p)]
    loss = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=LOSS_REPORT_COLUMNS)
    loss = loss.reindex(columns=LOSS_REPORT_COLUMNS)
    for c in ("non_empty", "dropped"):
        loss[c] = pd.to_numeric(loss[c], errors="coerce").fillna(0).astype("int64")
    for c in ("stage", "file", "column", "became", "note", "in_target"):
        loss[c] = _text(loss[c])
    return _strip_dirs(loss, dirs)


# --------------------------------------------------------------------------------------------------
# validation

def _own_issues(import_files: list[Path], tgt: Adapter, redirect_issues: list[dict]) -> pd.DataFrame:
    rows = list(redirect_issues)
    prods = [p for p in import_files if re.match(r"^products(-\d+)?\.csv$", p.name)]
    if len(prods) > 1:
        rows.append({"severity": "warning", "file": prods[0].name, "line": None, "column": "", "product": "",
                     "sku": "", "check": "file_split",
                     "detail": f"the product file is over {tgt.label}'s 15 MB limit, so it was split into "
                               f"{len(prods)} files ({', '.join(p.name for p in prods)}); no product is cut",
                     "hint": "import the files one after another"})
    return issues_frame(rows)


def _validation(read_issues, target_issues, write_issues, own, names, dirs) -> pd.DataFrame:
    parts = []
    for stage, df in (("read", read_issues), ("target", target_issues), ("write", write_issues), ("migration", own)):
        if df is None or not len(df):
            continue
        df = df.reindex(columns=ISSUE_COLUMNS)
        parts.append(_clean_file_column(df, names).assign(stage=stage))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "line" else object) for c in VALIDATION_COLUMNS})
    v = pd.concat(parts, ignore_index=True)[VALIDATION_COLUMNS]
    v["line"] = pd.to_numeric(v["line"], errors="coerce").astype("Int64")
    for c in VALIDATION_COLUMNS:
        if c != "line":
            v[c] = _text(v[c])
    return _strip_dirs(v, dirs)


# --------------------------------------------------------------------------------------------------
# counts

def build_counts(catalog: Catalog, profile: TargetProfile, verified: dict | None) -> pd.DataFrame:
    """Products, variants, images, customers, collections: in (read) and out (in the import files)."""
    rows = []
    for what in ("products", "variants", "images", "customers", "collections"):
        n_in = len(getattr(catalog, what))
        written = what in profile.fields
        rows.append({"what": what, "in": n_in, "out": n_in if written else 0,
                     "note": "" if written or not n_in else "the target's import files cannot hold these"})
    df = pd.DataFrame(rows)
    if verified is not None:
        df["read back"] = [verified.get(w, "") for w in df["what"]]
    return df


_COUNTED = ("products", "variants", "images", "customers", "collections")


def _read_back(tgt: Adapter, files: list[Path], out: Path) -> tuple[dict, list[dict]]:
    """Counts from reading the written import files with the target adapter, and any problem doing so."""
    if not files:
        return {}, []
    try:
        res = tgt.read([str(p) for p in files])
    except Exception as exc:  # noqa: BLE001 - a reader that cannot read its own writer's file is reported
        msg = f"{type(exc).__name__}: {exc}".replace(str(out.resolve()) + "/", "").replace(str(out) + "/", "")
        return ({k: "?" for k in _COUNTED},
                [{"severity": "warning", "file": "", "line": None, "column": "", "product": "", "sku": "",
                  "check": "read_back_failed",
                  "detail": f"the written import files could not be read back with the {tgt.name} reader "
                            f"({msg[:300]}); the 'out' counts are what was written, unverified",
                  "hint": "tell the workbench maintainer (adapter bug)"}])
    return {k: len(getattr(res.catalog, k)) for k in _COUNTED}, []


# --------------------------------------------------------------------------------------------------
# mapping suggestions

def _suggest_mapping(mp: mapping_mod.Mapping, read: ReadResult, catalog: Catalog, source: str) -> None:
    """Fill the mapping with what this run saw, so the saved file lists everything to edit."""
    if len(read.loss):
        for col in pd.unique(_text(read.loss["column"])):
            if col and col not in mp.headers and col not in mp.headers.values():
                mp.suggest("headers", col, col)
    taken = set(mp.options.values())
    for name in pc.unique(_arrow_text(catalog.product_options["name"])).to_pylist():
        if name and name not in taken:
            mp.suggest("options", name, name)
    C = catalog.collections
    for path, handle in zip(_text(C["path"]), _text(C["handle"])):
        if path:
            mp.suggest("collections", path, handle)
    guess = SUGGESTED_OLD_URLS.get(source)
    if guess:
        if len(catalog.products) and pc.any(pc.equal(_arrow_text(catalog.products["source_url"]), "")).as_py():
            mp.suggest("urls", "product_url_pattern", guess[0])
        if (_text(C["source_url"]) == "").any() and len(C):
            mp.suggest("urls", "category_url_pattern", guess[1])


# --------------------------------------------------------------------------------------------------
# reports

def _write_reports(out: Path, loss, validation, redirects, counts, mp, save_mapping, import_files, src, tgt,
                   input_names, mapping_arg, dialect) -> list[Path]:
    safeio.write_csv(loss, out / "loss.csv")
    safeio.write_csv(validation, out / "validation.csv")
    _write_text_csv(redirects, out / "redirects.csv")
    mapping_mod.save(mp, out / "mapping.toml")
    if save_mapping:
        mapping_mod.save(mp, save_mapping)
    sev = validation["severity"] if len(validation) else pd.Series(dtype=object)
    checks = (validation.groupby(["stage", "severity", "check"], sort=True).size().reset_index(name="count")
              if len(validation) else pd.DataFrame(columns=["stage", "severity", "check", "count"]))
    mapping_name = None
    if isinstance(mapping_arg, mapping_mod.Mapping):
        mapping_name = Path(mapping_arg.path).name if mapping_arg.path else "(given in code)"
    elif mapping_arg:
        mapping_name = Path(str(mapping_arg)).name
    read_loss = loss[loss["stage"] == "read"]
    summary = {
        "source": src.name, "target": tgt.name, "dialect": dialect or "",
        "inputs": input_names, "mapping": mapping_name,
        "counts": [{k: (int(v) if isinstance(v, (int, np.integer)) else v) for k, v in r.items()}
                   for r in counts.to_dict("records")],
        "errors": int((sev == "error").sum()), "warnings": int((sev == "warning").sum()),
        "checks": [{"stage": r["stage"], "severity": r["severity"], "check": r["check"], "count": int(r["count"])}
                   for r in checks.to_dict("records")],
        "source_columns": int(len(read_loss)),
        "source_columns_dropped": int(((read_loss["became"] == "") & (read_loss["non_empty"] > 0)).sum()),
        "values_dropped_on_read": int(read_loss["dropped"].sum()),
        "fields_dropped_by_target": int((loss["stage"] == "write").sum()),
        "values_dropped_by_target": int(loss.loc[loss["stage"] == "write", "dropped"].sum()),
        "redirects": int(len(redirects)),
        "without_old_url": int((loss["stage"] == "redirects").sum()),
        "files": {"import": [p.name for p in import_files], "reports": list(REPORT_FILES)},
    }
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    with safeio.atomic_write(out / "summary.json", "w", newline="\n") as fh:
        fh.write(text)
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Migration dry run: {html.escape(src.label or src.name)} to {html.escape(tgt.label or tgt.name)}"
            "</title></head><body>\n" + summary_body_html(summary, counts, loss, validation, redirects)
            + "\n</body></html>\n")
    with safeio.atomic_write(out / "summary.html", "w", newline="\n") as fh:
        fh.write(page)
    return [out / name for name in REPORT_FILES]


def _write_text_csv(frame: pd.DataFrame, path: Path) -> None:
    """``safeio.write_csv`` (formula-safe, pandas' quoting), column-wise in Arrow for a frame of
    two or more text columns without empty cells; other frames go to ``safeio.write_csv``."""
    cols = [_plain_text(frame[c]) for c in frame.columns] if frame.columns.is_unique else []
    if len(frame.columns) < 2 or any(c is None for c in cols):
        safeio.write_csv(frame, path)
        return
    from .platforms.csvio import _csv_lines

    cols = [_neutralised(c) for c in cols]
    head = _csv_lines(pa.table({str(i): pa.array([str(n)]) for i, n in enumerate(frame.columns)}), ",", "\n")
    lines = _csv_lines(pa.table({str(i): c for i, c in enumerate(cols)}), ",", "\n") if len(frame) else None
    with safeio.atomic_write(path, "w", newline="") as fh:
        fh.write(head[0].as_py() + "\n")
        if lines is not None:
            fh.write(_text_of(pc.binary_join_element_wise(lines, pa.scalar("\n", lines.type), "")))


def _text_of(arr: pa.Array) -> str:
    """All the values of a text array run together, as one str (no Python object per value)."""
    if not len(arr):
        return ""
    _, obuf, dbuf = arr.buffers()
    odt = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    off = np.frombuffer(obuf, dtype=odt)[arr.offset: arr.offset + len(arr) + 1]
    return dbuf.slice(int(off[0]), int(off[-1] - off[0])).to_pybytes().decode("utf-8") if dbuf is not None else ""


def _plain_text(s: pd.Series) -> pa.Array | None:
    """The column as an Arrow string array when every cell is a non-null str, else None."""
    if isinstance(s.array, pd.arrays.ArrowStringArray) or (
            isinstance(s.dtype, pd.ArrowDtype) and pa.types.is_string(s.dtype.pyarrow_dtype)):
        arr = _arrow_text(pd.Series(s.array))
        return None if s.isna().any() else arr
    if s.dtype == object and len(s):
        try:
            arr = pa.array(s.to_numpy(), type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
        return None if arr.null_count else arr
    return None


def _neutralised(arr: pa.Array) -> pa.Array:
    """``safeio.neutralise_formulas`` for one text column: formula-like cells get a leading '."""
    starts = None
    for t in ("=", "+", "-", "@", "\t", "\r"):
        m = pc.starts_with(arr, t)
        starts = m if starts is None else pc.or_(starts, m)
    if starts is None or not pc.any(starts).as_py():
        return arr
    rows = np.flatnonzero(starts.to_numpy(zero_copy_only=False))
    vals = arr.take(pa.array(rows)).to_pylist()
    hit = [(r, "'" + v) for r, v in zip(rows, vals) if safeio.is_formula(v)]
    if not hit:
        return arr
    mask = np.zeros(len(arr), dtype=bool)
    mask[[r for r, _ in hit]] = True
    return pc.replace_with_mask(arr, pa.array(mask), pa.array([v for _, v in hit], type=arr.type))


def summary_body_html(summary: dict, counts, loss, validation, redirects, *, max_rows: int = 200) -> str:
    """Escaped HTML: headline, counts, errors and warnings by check, losses, validation, redirects."""
    from .ui import table_html

    esc = html.escape
    src, tgt = summary.get("source", ""), summary.get("target", "")
    errors, warnings = summary.get("errors", 0), summary.get("warnings", 0)
    verdict = ("Errors would stop or damage the import: fix them (or the mapping) and run again."
               if errors else "No errors: the import files can be imported; check the warnings and the loss report.")
    head = [f"<h2>Migration dry run: {esc(src)} &rarr; {esc(tgt)}</h2>",
            f"<p class=\"wb-summary\">Inputs: {esc(', '.join(summary.get('inputs', [])))}"
            + (f"; mapping: {esc(str(summary['mapping']))}" if summary.get("mapping") else "") + "</p>",
            f"<p class=\"wb-verdict\"><strong>{errors:,} errors, {warnings:,} warnings.</strong> {esc(verdict)}</p>",
            f"<p>{summary.get('source_columns_dropped', 0):,} source columns dropped on reading "
            f"({summary.get('values_dropped_on_read', 0):,} values); {summary.get('fields_dropped_by_target', 0):,} "
            f"fields the target cannot hold ({summary.get('values_dropped_by_target', 0):,} values); "
            f"{summary.get('redirects', 0):,} redirects; {summary.get('without_old_url', 0):,} products or "
            f"categories without an old URL.</p>",
            f"<p>Files: {esc(', '.join([*summary.get('files', {}).get('import', []), *summary.get('files', {}).get('reports', [])]))}</p>"]
    checks = pd.DataFrame(summary.get("checks", []), columns=["stage", "severity", "check", "count"])
    # what does not arrive, leaving out columns that were empty anyway (loss.csv lists them all)
    not_kept = loss["in_target"].isin(["dropped", "partly kept"]) & (loss["non_empty"] > 0)
    dropped = loss[(loss["dropped"] > 0) | not_kept]
    val = validation.sort_values("severity", kind="stable") if len(validation) else validation
    parts = head + [
        table_html(counts, title="Counts in and out", max_rows=max_rows),
        table_html(checks, title="Errors and warnings by check", max_rows=max_rows),
        table_html(dropped, title="What will not arrive (loss.csv, dropped rows)", max_rows=max_rows),
        table_html(val, title="Validation (validation.csv)", max_rows=max_rows),
        table_html(redirects, title="Redirects (redirects.csv)", max_rows=max_rows),
    ]
    return "\n".join(parts)
