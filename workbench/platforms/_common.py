"""Column-wise helpers shared by the platform adapters (one copy each; mapping rules in docs/mapping.md).

Everything here works on whole columns (pandas ``str`` columns backed by Arrow, or pyarrow arrays):
no Python loop per row except where a message is built for a flagged row (at most 50 per check).

* **Arrow plumbing**: :func:`arrow_strings`, :func:`str_series`, :func:`isin`, :func:`lookup`
  (pandas' ``isin``/``map`` on Arrow strings go through Python objects; these stay in Arrow);
  :func:`row_codes` / :func:`merge_codes` (int64 codes of key tuples), :func:`map_keys` (a
  MultiIndex ``map`` on those codes), :func:`to_numeric` (plain decimals cast in Arrow),
  :func:`first_item` (the first item of each list cell).
* **Values**: money as clean decimal strings (:func:`money`) or exact ``decimal128(18, 4)``
  (:func:`to_money`, :func:`money_add`), :func:`to_int`, :func:`to_float`, :func:`to_bool`;
  :func:`money_text` / :func:`fmt_money` for writing.
* **Lists and handles**: :func:`split_list` (a Series, one row per item), :func:`split_items` (a frame
  with row/idx/item), :func:`normalise_list`, :func:`join_list`, :func:`slugify_series`,
  :func:`unique_handles` (``mapping.unique_handles`` semantics, vectorised when nothing collides).
* **Report rows**: :func:`issue`, :func:`issues_for`, :func:`loss_rows`, :func:`scan_values`
  (spreadsheet-mangled numbers, short barcodes, formula-like cells), :func:`flag_repeats`.
* **Canonical pieces**: :func:`extra_rows` / :func:`extra_columns` / :func:`concat_extra`,
  :func:`collections_from_paths`, :func:`finish`, :func:`concat_results`.
* **Mapping-file lookups** tolerant of the mapping object's shape: :func:`mapping_option`,
  :func:`mapping_headers`, :func:`rename_headers`, :func:`mapping_option_name`.
* **Writing**: :func:`write_delimited`.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..errors import InputError
from .._arrow import (arrow_strings, dictionary_codes, one_chunk, plain_decimal_mask, run_starts,
                      take_or_null as _take_or_null)
from ..mapping import Mapping, slugify, unique_handles as _unique_handles
from ..safeio import atomic_write, is_formula
from .base import Catalog, ReadResult, issues_frame, loss_frame
from .csvio import csv_lines, header_line, not_gtin, spreadsheet_mangled

MONEY = schema.MONEY
TEXT = "single_line_text_field"
ATTR_NS = "custom"
EXTRA_COLUMNS = ["entity", "entity_id", "namespace", "key", "value", "type"]
_DEC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INT = re.compile(r"^[+-]?\d+$")
_MONEY = r"^\d+(\.\d+)?$|^\.\d+$"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

__all__ = [
    "ATTR_NS", "EXTRA_COLUMNS", "MONEY", "TEXT", "TRIGGERS", "arrow_strings", "attr_key", "collections_from_paths",
    "concat_extra", "concat_results", "extra_columns", "extra_key", "extra_rows", "extra_wide", "finish",
    "first_item", "flag_repeats", "fmt_money", "isin", "issue", "issues_for", "join_list", "lines_for", "lookup",
    "loss_rows", "map_keys", "mapping_headers", "mapping_option", "mapping_option_name", "merge_codes", "money",
    "money_add", "money_text", "none_if_empty", "nonempty", "normalise_list", "rename_headers", "row_codes",
    "scan_values", "slugify", "slugify_series", "split_items", "split_list", "str_series", "to_bool", "to_float",
    "to_int", "to_money", "to_numeric", "unique_handles", "write_delimited",
]


# =================================================================================================
# Arrow plumbing
# =================================================================================================

def text_array(s) -> pa.Array:
    """:func:`arrow_strings` with nulls as ``""``: a text column as one string array without nulls."""
    arr = arrow_strings(s)
    return pc.fill_null(arr, "") if arr.null_count else arr


def row_dicts(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")`` through whole-column lists (``to_dict`` boxes Arrow-backed cells
    one at a time)."""
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*(frame[c].tolist() for c in names))]


def put_rows(frame: pd.DataFrame, rows: list[int], values: dict[str, list]) -> None:
    """In place: ``frame[column]`` (an object column) at positions ``rows`` becomes ``values[column]``;
    one assignment per column (setting cells one by one costs a pandas call each)."""
    for column, vals in values.items():
        out = frame[column].to_numpy(dtype=object, copy=True)
        out[rows] = vals
        frame[column] = pd.Series(out, index=frame.index, dtype=object)


def str_series(arr, index=None) -> pd.Series:
    """A pandas ``str`` Series over an Arrow string array (no copy through Python objects)."""
    return pd.Series(pd.array(one_chunk(arr), dtype="str"), index=index)


def _key_array(values) -> pa.Array:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return one_chunk(values)
    if isinstance(values, (set, frozenset)):
        values = list(values)
    if isinstance(values, pd.Index):
        values = values.to_series()
    if isinstance(values, pd.Series):
        if isinstance(values.array, pd.arrays.ArrowStringArray):
            return arrow_strings(values)
        values = values.to_numpy(dtype=object)
    return pa.array(values, from_pandas=True)


def isin(values, among) -> np.ndarray:
    """``values.isin(among)`` as a numpy bool array, computed in Arrow (pandas goes row by row for
    Arrow strings). Nulls are never members."""
    v = _key_array(values)
    a = _key_array(among)
    if len(v) == 0:
        return np.zeros(0, dtype=bool)
    if len(a) == 0:
        return np.zeros(len(v), dtype=bool)
    if a.type != v.type:
        try:
            a = a.cast(v.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return pd.Series(values).isin(list(among)).to_numpy()
    a_starts = run_starts(a)
    if a_starts is not None:  # neighbouring repeats add nothing to the set
        a = a.take(pa.array(a_starts, type=pa.int64()))
    starts = run_starts(v)
    if starts is None:
        return pc.fill_null(pc.is_in(v, value_set=a, skip_nulls=True), False).to_numpy(zero_copy_only=False)
    heads = v.take(pa.array(starts, type=pa.int64()))
    hit = pc.fill_null(pc.is_in(heads, value_set=a, skip_nulls=True), False).to_numpy(zero_copy_only=False)
    return np.repeat(hit, np.diff(np.append(starts, len(v))))


def _index_in(k: pa.Array, ix: pa.Array) -> np.ndarray:
    """``pc.index_in`` as int64 positions (-1: absent); a key repeated on neighbouring rows is hashed once."""
    starts = run_starts(k)
    if starts is None:
        return pc.fill_null(pc.index_in(k, value_set=ix), -1).to_numpy(zero_copy_only=False).astype(np.int64)
    heads = k.take(pa.array(starts, type=pa.int64()))
    pos = pc.fill_null(pc.index_in(heads, value_set=ix), -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.repeat(pos, np.diff(np.append(starts, len(k))))


def positions_in(parts: list[pa.Array], index: pa.Array) -> np.ndarray:
    """:func:`lookup` positions of several key arrays (concatenated) in one ``index``: the index is
    hashed once; keys repeated on neighbouring rows are probed once."""
    parts = [p.cast(index.type) if p.type != index.type else p for p in parts]
    heads, lengths = [], []
    for p in parts:
        starts = run_starts(p)
        if starts is None:
            heads.append(p)
            lengths.append(np.ones(len(p), dtype=np.int64))
        else:
            heads.append(p.take(pa.array(starts, type=pa.int64())))
            lengths.append(np.diff(np.append(starts, len(p))))
    keys = pa.concat_arrays(heads)
    if not len(keys) or not len(index):
        return np.full(int(sum(len(p) for p in parts)), -1, dtype=np.int64)
    pos = pc.fill_null(pc.index_in(keys, value_set=index), -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.repeat(pos, np.concatenate(lengths))


def lookup(keys, index, values=None) -> np.ndarray:
    """Positions of ``keys`` in ``index`` (first occurrence; -1 when absent), or, with ``values``, the
    matching values (``keys.map(pd.Series(values, index=index))`` without the Python round trip);
    missing keys give None/NaN."""
    k = _key_array(keys)
    ix = _key_array(index)
    if len(k) == 0:
        pos = np.zeros(0, dtype=np.int64)
    elif len(ix) == 0:
        pos = np.full(len(k), -1, dtype=np.int64)
    else:
        if ix.type != k.type:
            ix = ix.cast(k.type)
        pos = _index_in(k, ix)
    if values is None:
        return pos
    if isinstance(values, (pd.Series, pa.Array, pa.ChunkedArray)) and (
            isinstance(getattr(values, "array", None), pd.arrays.ArrowStringArray)
            or (isinstance(values, (pa.Array, pa.ChunkedArray)) and pa.types.is_string(values.type))):
        # text stays in Arrow: take with nulls where the key is absent
        idx = pa.array(pos, mask=pos < 0)
        return pd.array(arrow_strings(values).take(idx), dtype="str")
    vals = np.asarray(values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values, dtype=object)
    out = np.empty(len(pos), dtype=object)
    ok = pos >= 0
    out[ok] = vals[pos[ok]]
    out[~ok] = None
    return out


def _col_codes(values) -> tuple[np.ndarray, int]:
    """Integer codes of one column (equal values, nulls included, share a code) and their count."""
    if isinstance(values, pd.Index):
        values = values.to_series()
    is_text = (isinstance(values, (pa.Array, pa.ChunkedArray)) and (pa.types.is_string(values.type)
                                                                     or pa.types.is_large_string(values.type))) \
        or isinstance(getattr(values, "array", None), pd.arrays.ArrowStringArray) \
        or (isinstance(getattr(values, "dtype", None), pd.ArrowDtype)
            and pa.types.is_string(values.dtype.pyarrow_dtype))
    if is_text:
        return _text_codes(arrow_strings(values))
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = values.to_pandas()
    codes, uniq = pd.factorize(np.asarray(values) if not isinstance(values, pd.Series) else values,
                               use_na_sentinel=False)
    return codes.astype(np.int64), len(uniq)


def _text_codes(arr: pa.Array) -> tuple[np.ndarray, int]:
    """Dictionary codes of a text array (nulls get a code) and their count."""
    codes, dictionary = dictionary_codes(arr)
    return codes, len(dictionary)


def row_codes(*columns) -> np.ndarray:
    """One int64 code per row for the tuple of aligned ``columns``: equal tuples, equal codes
    (nulls equal to nulls, like pandas' ``duplicated``). Text columns are encoded in Arrow."""
    code = None
    for col in columns:
        c, n = _col_codes(col)
        if code is None:
            code = c
            continue
        if code.size and int(code.max()) >= (1 << 62) // max(n, 1):
            code = pd.factorize(code)[0].astype(np.int64)
        code = code * max(n, 1) + c
    return np.zeros(0, dtype=np.int64) if code is None else code


def merge_codes(left: list, right: list) -> tuple[np.ndarray, np.ndarray]:
    """Row codes of two tables' key columns on one shared scale (for joins on int64 keys)."""
    nl = len(left[0])
    both = []
    for a, b in zip(left, right):
        a_t = isinstance(getattr(a, "array", None), pd.arrays.ArrowStringArray)
        b_t = isinstance(getattr(b, "array", None), pd.arrays.ArrowStringArray)
        if a_t or b_t:
            both.append(pa.concat_arrays([arrow_strings(a), arrow_strings(b)]))
        else:
            both.append(pd.Series(np.concatenate([np.asarray(a), np.asarray(b)])))
    codes = row_codes(*both)
    return codes[:nl], codes[nl:]


def to_numeric(s: pd.Series) -> pd.Series:
    """``pd.to_numeric(s, errors="coerce")`` for a text column: plain decimals (``12``, ``-0.5``)
    are cast in Arrow (pandas parses them one Python object at a time); anything else goes to pandas.
    Same result and dtype (int64 when every value is a whole number, else float64 with NaN)."""
    if not isinstance(getattr(s, "array", None), pd.arrays.ArrowStringArray) or not len(s):
        return pd.to_numeric(s, errors="coerce")
    arr = arrow_strings(s)
    ints = _plain_ints(arr)
    if ints is not None:
        return pd.Series(ints, index=s.index, name=s.name)
    plain = plain_decimal_mask(arr, signed=True, most=15)
    if arr.null_count:
        plain |= ~arr.is_valid().to_numpy(zero_copy_only=False)  # nulls do not count (as pc.all skips them)
    if arr.null_count == len(arr) or not plain.all():
        return pd.to_numeric(s, errors="coerce")
    if arr.null_count == 0 and not pc.any(pc.match_substring(arr, ".")).as_py():
        vals = pc.cast(arr, pa.int64()).to_numpy()
    else:
        vals = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    return pd.Series(vals, index=s.index, name=s.name)


def _plain_ints(arr: pa.Array) -> np.ndarray | None:
    """int64 values when every cell is ``-?[0-9]{1,15}`` (no nulls), else None: one cast instead of a
    regular expression per cell."""
    if arr.null_count or not len(arr) or pc.max(pc.binary_length(arr)).as_py() > 15:
        return None
    if not pc.all(pc.ascii_is_decimal(pc.utf8_ltrim(arr, characters="-"))).as_py():
        return None  # checked first: a failing cast is slow, and "0x10" would cast
    try:
        return pc.cast(arr, pa.int64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # "--1"
        return None


def map_keys(keys: list, index: list, values) -> pd.array:
    """``MultiIndex.from_arrays(keys).map(pd.Series(values, index=MultiIndex.from_arrays(index)))``
    on int64 row codes: the value of the first matching index row, NA where none."""
    values = values.array if isinstance(values, pd.Series) else pd.array(values)
    if not len(keys[0]):
        return values[:0]
    if not len(index[0]):
        return values.take(np.full(len(keys[0]), -1), allow_fill=True)
    lc, rc = merge_codes(list(keys), list(index))
    first = ~pd.Series(rc).duplicated().to_numpy()
    pos = pd.Index(rc[first]).get_indexer(lc)
    return values[first].take(pos, allow_fill=True)


# =================================================================================================
# report rows
# =================================================================================================

def issue(severity: str, file, line, column: str, check: str, detail: str, hint: str = "",
          product: str = "", sku: str = "") -> dict:
    """One issue row (columns of ``base.ISSUE_COLUMNS``)."""
    return {"severity": severity, "file": "" if file is None else str(file),
            "line": None if line is None else int(line), "column": column or "", "product": product or "",
            "sku": sku or "", "check": check, "detail": detail, "hint": hint}


def issues_for(mask, table, frame: pd.DataFrame, *, severity, column, check, detail, hint="",
               product_col="Name", sku_col="SKU", limit: int = 50) -> list[dict]:
    """One issue per flagged row of ``frame`` (the first ``limit``; then one summary row).

    ``table`` is the :class:`~workbench.platforms.csvio.CsvTable` the frame's index points into
    (for physical line numbers); ``detail`` is text or a function of the row position."""
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    out = []
    for i in idx[:limit]:
        prod = frame[product_col].iat[i] if product_col in frame else ""
        sku = frame[sku_col].iat[i] if sku_col in frame else ""
        d = detail(i) if callable(detail) else detail
        out.append(issue(severity, table.path, table.line_of(int(frame.index[i])), column, check, d, hint,
                         product=prod, sku=sku))
    if len(idx) > limit:
        out.append(issue(severity, table.path, None, column, check, f"{len(idx) - limit} more rows like this", hint))
    return out


def nonempty(s: pd.Series) -> pd.Series:
    """Boolean mask of non-empty text cells (NaN/None count as empty)."""
    return s.fillna("").astype(str).str.len() > 0


def none_if_empty(s: pd.Series) -> pd.Series:
    """Object series with ``None`` where the text is empty (for optional canonical columns)."""
    s = s.fillna("").astype(str).reset_index(drop=True)
    return s.astype(object).where(s != "", None)


def lines_for(table, positions) -> list[int | None]:
    """Physical lines of frame rows (``table`` may be None: then 1-based row + 1)."""
    if table is None:
        return [int(p) + 2 for p in positions]
    return table.lines(positions)


def loss_rows(file, frame: pd.DataFrame, spec: dict, *, dropped_rows: pd.Series | None = None,
              default: str | None = None, default_note: str = "") -> list[dict]:
    """One loss row per column of ``frame``.

    ``spec`` maps a column to ``(became, note)``; ``became == ""`` means dropped (every non-empty
    value counts as dropped). Columns not in ``spec`` get ``default`` (``"extra:<ns>.{col}"`` style
    template or None for dropped). Rows in ``dropped_rows`` (a boolean mask) count as dropped for
    every column.
    """
    out = []
    mask_drop = None if dropped_rows is None else dropped_rows.to_numpy(dtype=bool)
    for col in frame.columns:
        ne = nonempty(frame[col]).to_numpy()
        non_empty = int(ne.sum())
        if col in spec:
            became, note = spec[col]
        elif default is not None:
            became, note = default.format(col=col, key=extra_key(col)), default_note
        else:
            became, note = "", default_note
        dropped = non_empty if not became else 0
        if became and mask_drop is not None:
            d = int((ne & mask_drop).sum())
            if d:
                dropped += d
                note = (note + "; " if note else "") + f"{d} value(s) in dropped rows"
        out.append({"file": str(file), "column": str(col), "became": became, "non_empty": non_empty,
                    "dropped": dropped, "note": note})
    return out


def scan_values(file, frame: pd.DataFrame, *, table=None, barcode_columns=(), product: pd.Series | None = None,
                sku: pd.Series | None = None, issues: list, skip_rows: pd.Series | None = None) -> None:
    """Flag spreadsheet damage: ``3.65275E+11`` numbers, short barcodes (lost leading zeros?) and
    cells a spreadsheet would run as formulas. Values are never changed here."""
    keep = None if skip_rows is None else ~skip_rows.to_numpy(dtype=bool)
    prod = None if product is None else product.fillna("").astype(str).reset_index(drop=True)
    sk = None if sku is None else sku.fillna("").astype(str).reset_index(drop=True)
    found: list[tuple[int, str, str, str, str, str]] = []
    for col in frame.columns:
        s = frame[col].fillna("").astype(str).reset_index(drop=True)
        sci = spreadsheet_mangled(s).to_numpy().copy()
        if keep is not None:
            sci &= keep
        for pos in np.flatnonzero(sci):
            found.append((pos, col, "spreadsheet_mangled",
                          f"{s.iloc[pos]!r} looks like a long number a spreadsheet turned into scientific "
                          f"notation; the original digits are lost",
                          "take the value from the shop again (or from the supplier) and keep the column as text",
                          "warning"))
        if col in barcode_columns:
            short = not_gtin(s).to_numpy().copy()
            if keep is not None:
                short &= keep
            for pos in np.flatnonzero(short):
                found.append((pos, col, "barcode_not_gtin",
                              f"barcode {s.iloc[pos]!r} has {len(s.iloc[pos])} digits (GTINs have 8, 12, 13 or 14): "
                              f"leading zeros may have been lost in a spreadsheet",
                              "check the barcode against the product; it was kept as written", "warning"))
        trig = s.str.startswith(TRIGGERS).to_numpy().copy()
        if keep is not None:
            trig &= keep
        at = np.flatnonzero(trig)
        for pos, value in zip(at, s.iloc[at].tolist()):
            if is_formula(value):
                found.append((pos, col, "formula_like",
                              f"{value[:60]!r} would run as a formula in a spreadsheet; kept as text",
                              "output files neutralise it with a leading apostrophe", "warning"))
    if not found:
        return
    found.sort(key=lambda t: (t[0], str(t[1])))
    lines = lines_for(table, [f[0] for f in found])
    for (pos, col, check, detail, hint, sev), line in zip(found, lines):
        issues.append(issue(sev, file, line, col, check, detail, hint,
                            product="" if prod is None else prod.iloc[pos], sku="" if sk is None else sk.iloc[pos]))


def flag_repeats(values: pd.Series, *, file, column: str, check: str, what: str, table=None, issues: list,
                 product: pd.Series | None = None, lines: list | None = None, files: list | None = None,
                 columns: list | None = None) -> pd.Series:
    """Warn on every non-empty value that repeats an earlier one (the first occurrence is not flagged).

    Returns the mask of repeats."""
    s = values.fillna("").astype(str).reset_index(drop=True)
    rep = s.duplicated(keep="first") & (s != "")
    pos = np.flatnonzero(rep.to_numpy())
    if len(pos):
        first = s.drop_duplicates(keep="first")
        first_pos = pd.Series(first.index, index=first.to_numpy())
        if lines is None:
            ln = lines_for(table, list(pos) + list(first_pos[s.iloc[pos]].to_numpy()))
            ln_rep, ln_first = ln[:len(pos)], ln[len(pos):]
        else:
            ln_rep = [lines[p] for p in pos]
            ln_first = [lines[p] for p in first_pos[s.iloc[pos]].to_numpy()]
        prod = None if product is None else product.fillna("").astype(str).reset_index(drop=True)
        for p, lr, lf, fp in zip(pos, ln_rep, ln_first, first_pos[s.iloc[pos]].to_numpy()):
            where = f"line {lf}" if files is None or files[fp] == files[p] else f"line {lf} of {Path(files[fp]).name}"
            issues.append(issue("warning", file if files is None else files[p], lr,
                                column if columns is None else columns[p], check,
                                f"{what} {s.iloc[p]!r} was already used on {where}; kept as written",
                                "give each variant its own value before importing", sku=s.iloc[p],
                                product="" if prod is None else prod.iloc[p]))
    return rep


# =================================================================================================
# values
# =================================================================================================

def money(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(clean decimal strings or NA, mask of non-empty cells that are not amounts).

    The strings cast exactly to ``decimal128`` in ``schema.conform`` (its Arrow fast path): a
    number too large or too precise for an amount counts as not an amount."""
    s = s.astype("str").str.strip()
    ok = s.str.match(_MONEY)
    large, inexact = amount_misfits(arrow_strings(s), ok.to_numpy(dtype=bool))
    ok &= ~(large | inexact)
    bad = (s != "") & ~ok
    return s.where(ok & (s != ""), None), bad


#: what an amount may look like, for messages about cells that are not one
AMOUNT_RULE = " (a plain number with at most 14 digits before the point and 4 after)"


def amount_misfits(text: pa.Array, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Among the cells ``ok`` marks (plain decimal text), the ones ``decimal128(18, 4)`` cannot
    hold: (more than 14 digits before the point, more than 4 significant decimals).

    Cheap on real columns: only cells with more than 14 characters before the point or more
    than 4 after it are looked at, in one cast; one by one only when that cast fails."""
    n = len(text)
    large, inexact = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if not n or not ok.any():
        return large, inexact
    length = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
    dot = pc.fill_null(pc.find_substring(text, "."), -1).to_numpy(zero_copy_only=False)
    whole = np.where(dot >= 0, dot, length)
    decimals = np.where(dot >= 0, length - dot - 1, 0)
    odd = np.flatnonzero(ok & ((whole > 14) | (decimals > 4)))
    if not len(odd):
        return large, inexact
    values = text.take(pa.array(odd))
    try:
        pc.cast(values, MONEY)
        return large, inexact
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    quantum = Decimal("0.0001")
    for i, v in zip(odd, values.to_pylist()):
        d = Decimal(v.strip().lstrip("+"))
        if d and d.adjusted() >= 14:
            large[i] = True
        elif d != d.quantize(quantum):
            inexact[i] = True
    return large, inexact


def _flag_cells(issues: list | None, cells, *, file, table, column: str, severity: str, check: str,
                detail) -> None:
    """One issue per flagged cell (``cells``: a mask or positions; the first 50), ``detail(position)``
    saying what was wrong; nothing when ``issues`` is None."""
    if issues is None:
        return
    if isinstance(cells, pd.Series) or np.asarray(cells).dtype == bool:  # a mask
        cells = np.flatnonzero(np.asarray(cells, dtype=bool))
    pos = np.asarray(cells)[:50]
    for p, line in zip(pos, lines_for(table, pos)):
        issues.append(issue(severity, file, line, column, check, detail(p)))


def _decimal_comma(values: pd.Series, *, file, column: str, table=None, issues: list | None = None) -> pd.Series:
    """Stripped text; ``12,50`` (one comma, no dot) becomes ``12.50`` with a ``decimal_comma`` warning."""
    s = values.fillna("").astype(str).str.strip().reset_index(drop=True)
    comma = s.str.fullmatch(r"[+-]?\d*,\d+").fillna(False).astype(bool)
    if comma.any():
        _flag_cells(issues, comma, file=file, table=table, column=column, severity="warning",
                    check="decimal_comma",
                    detail=lambda p: f"{s.iloc[p]!r} uses a decimal comma; read as {s.iloc[p].replace(',', '.')}")
        s = s.where(~comma, s.str.replace(",", ".", regex=False))
    return s


def to_money(values: pd.Series, *, file, column: str, table=None, issues: list | None = None,
             required: bool = False, label: str = "") -> pa.Array:
    """Text to exact ``decimal128(18, 4)``; empty to null.

    A value that is not a plain decimal number is an :class:`InputError` when ``required`` (a price),
    otherwise an error issue and null; one too large for an amount is an ``out_of_range`` error
    issue and null; more than 4 decimal places are rounded half-even with a ``money_rounded`` warning.
    """
    s = _decimal_comma(values, file=file, column=column, table=table, issues=issues)
    ok = s.str.match(_DEC) | (s == "")
    if not ok.all():
        bad = np.flatnonzero(~ok.to_numpy())
        if required:
            line = lines_for(table, [bad[0]])[0]
            raise InputError(f"{label or column} {s.iloc[bad[0]]!r} is not a number (use a plain decimal such "
                             f"as 12.50, without currency sign or thousands separator)",
                             file=file, row=line, column=column)
        _flag_cells(issues, bad, file=file, table=table, column=column, severity="error", check="bad_number",
                    detail=lambda p: f"{s.iloc[p]!r} is not a number; the value was left empty")
        s = s.where(ok, "")
    arr = arrow_strings(s)
    large, _ = amount_misfits(arr, ok.to_numpy(dtype=bool) & (s != "").to_numpy(dtype=bool))
    if large.any():
        _flag_cells(issues, large, file=file, table=table, column=column, severity="error", check="out_of_range",
                    detail=lambda p: f"{s.iloc[p]!r} is too large for an amount; the value was left empty")
        arr = pc.if_else(pa.array(large), pa.scalar("", pa.string()), arr)
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    try:
        return arr.cast(MONEY)
    except pa.ArrowInvalid:  # more than 4 decimal places: round half-even, flag
        pass
    try:
        dec = arr.cast(pa.decimal128(38, 10))
        rounded = pc.round(dec, ndigits=4, round_mode="half_to_even")
        changed = np.flatnonzero(pc.fill_null(pc.not_equal(rounded, dec), False).to_numpy(zero_copy_only=False))
        rounded = rounded.cast(MONEY)
    except pa.ArrowInvalid:  # more than 10 decimal places somewhere: exactly, value by value
        exact = [None if v is None else Decimal(v) for v in arr.to_pylist()]
        quantized = [None if d is None else d.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN) for d in exact]
        changed = np.flatnonzero([d != r for d, r in zip(exact, quantized)])
        rounded = pa.array(quantized, type=MONEY)
    _flag_cells(issues, changed, file=file, table=table, column=column, severity="warning", check="money_rounded",
                detail=lambda p: f"{s.iloc[p]!r} has more than 4 decimal places; rounded to 4")
    return rounded


def money_add(a: pa.Array, b: pa.Array) -> pa.Array:
    """``a + b`` exactly (nulls in ``b`` count as 0), as ``decimal128(18, 4)``."""
    b = pc.fill_null(b, pa.scalar(Decimal(0), MONEY))
    return pc.add(a, b).cast(MONEY)


def to_int(values: pd.Series, *, file, column: str, table=None, issues: list | None = None) -> pd.Series:
    """Text to nullable Int64; a non-integer is an error issue and null (``"10.0"`` is accepted)."""
    s = values.fillna("").astype(str).str.strip().reset_index(drop=True)
    s = s.str.replace(r"^([+-]?\d+)\.0*$", r"\1", regex=True)
    ok = s.str.match(_INT) | (s == "")
    huge = ok & (s.str.lstrip("+-").str.len() > 18)  # may not fit a 64-bit integer
    for mask, check, why in ((~ok, "bad_number", "is not a whole number"),
                             (huge, "out_of_range", "is too large a number")):
        _flag_cells(issues, mask, file=file, table=table, column=column, severity="error", check=check,
                    detail=lambda p, why=why: f"{s.iloc[p]!r} {why}; the value was left empty")
    ok &= ~huge
    s = s.where(ok & (s != ""), None)
    return pd.to_numeric(s, errors="coerce").astype("Int64")


def to_float(values: pd.Series, *, file, column: str, table=None, issues: list | None = None) -> pd.Series:
    """Text to float64 (weights, dimensions); bad values are error issues and NaN."""
    s = _decimal_comma(values, file=file, column=column, table=table, issues=issues)
    ok = s.str.match(_DEC) | (s == "")
    _flag_cells(issues, ~ok, file=file, table=table, column=column, severity="error", check="bad_number",
                detail=lambda p: f"{s.iloc[p]!r} is not a number; the value was left empty")
    return pd.to_numeric(s.where(ok & (s != ""), None), errors="coerce").astype("float64")


def to_bool(values: pd.Series, true=("1", "y", "yes", "true"), false=("0", "n", "no", "false")) -> pd.Series:
    """Y/N, 1/0, yes/no, true/false to a nullable boolean (anything else: null)."""
    s = values.fillna("").astype(str).str.strip().str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[s.isin(true)] = True
    out[s.isin(false)] = False
    return out


def money_text(arr) -> pd.Series:
    """Decimal values as plain text without trailing zeros (``140.0000`` -> ``140``)."""
    out = []
    for v in (arr.to_pylist() if isinstance(arr, (pa.Array, pa.ChunkedArray)) else list(arr)):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            out.append("")
            continue
        d = Decimal(v) if not isinstance(v, Decimal) else v
        t = format(d.normalize(), "f")
        out.append("0" if t in ("-0", "") else t)
    return pd.Series(out, dtype=object)


def fmt_money(s: pd.Series) -> pd.Series:
    """Amounts as text without trailing zeros (``12.5000`` -> ``12.5``; nulls empty), column-wise."""
    v = s.astype("str").where(s.notna(), "")
    v = v.str.replace(r"(\.\d*?)0+$", r"\1", regex=True).str.replace(r"\.$", "", regex=True)
    return v


# =================================================================================================
# lists, handles
# =================================================================================================

def slugify_series(s: pd.Series) -> pd.Series:
    """:func:`workbench.mapping.slugify` over a column with pyarrow (mapping rules 1.2): NFKD to
    ASCII, lower case, runs of other characters become one ``-``, trimmed, at most 255 characters."""
    a = arrow_strings(s.fillna(""))
    if not pc.all(pc.string_is_ascii(a)).as_py():  # on ASCII text these two steps change nothing
        a = pc.utf8_normalize(a, form="NFKD")
        a = pc.replace_substring_regex(a, pattern="[^\\x00-\\x7f]", replacement="")
    a = _dash_runs(pc.utf8_lower(a))  # (not ascii_lower: wrong on arrays whose offsets do not start at 0)
    a = pc.utf8_trim(a, characters="-")
    a = pc.utf8_rtrim(pc.utf8_slice_codeunits(a, 0, 255), characters="-")
    return str_series(a, s.index)


_SLUG_BYTES = np.zeros(256, dtype=bool)
_SLUG_BYTES[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789-", dtype=np.uint8)] = True


def _dash_runs(a: pa.Array) -> pa.Array:
    """Runs of characters other than ``a-z0-9`` become one ``-`` (lower-case ASCII text without
    nulls); the regular expression runs only on the cells that hold such a character or ``--``."""
    if not len(a):
        return a
    _, obuf, dbuf = a.buffers()
    offsets = np.frombuffer(obuf, dtype=np.int64 if pa.types.is_large_string(a.type) else np.int32)
    offsets = offsets[a.offset: a.offset + len(a) + 1]
    data = np.frombuffer(dbuf, dtype=np.uint8)[int(offsets[0]):int(offsets[-1])] if dbuf is not None \
        else np.zeros(0, dtype=np.uint8)
    odd = np.flatnonzero(~_SLUG_BYTES[data]) + int(offsets[0])
    need = np.zeros(len(a), dtype=bool)
    need[np.searchsorted(offsets, odd, side="right") - 1] = True
    need |= pc.match_substring(a, "--").to_numpy(zero_copy_only=False)
    if not need.any():
        return a
    fixed = pc.replace_substring_regex(a.filter(pa.array(need)), pattern="[^a-z0-9]+", replacement="-")
    return pc.replace_with_mask(a, pa.array(need), fixed)


def attr_key(names: pd.Series) -> pd.Series:
    """Metafield key of an attribute: slugified with ``_`` (``Disk space`` -> ``disk_space``)."""
    return slugify_series(names.astype("str")).str.replace("-", "_", regex=False)


def extra_key(col: str) -> str:
    """A metafield-safe key from a column name (``Tags (x,y,z...)`` -> ``tags_x_y_z``)."""
    return re.sub(r"[^a-z0-9]+", "_", str(col).lower()).strip("_") or "column"


def unique_handles(handles: pd.Series, fallback: pd.Series | None = None, *, issues: list | None = None,
                   file=None, platform: str | None = None, products: pd.Series | None = None) -> pd.Series:
    """Empty handles from ``fallback`` (then ``product``); a repeated one gets ``-2``, ``-3``...
    (``mapping.unique_handles``: vectorised, with the exact loop only when a suffix collides).

    With ``issues``, each change adds a ``duplicate_handle`` warning (mapping rules 1.2; at most 500).
    The result keeps the index of ``handles``."""
    h = handles.fillna("").astype("str")
    if fallback is not None:
        fb = pd.Series(np.asarray(fallback.fillna("").astype("str"), dtype=object), index=h.index)
        h = h.where(h != "", fb)
    h = h.where(h != "", "product")
    n = h.groupby(h, sort=False).cumcount()
    out = h.where(n == 0, h + "-" + (n + 1).astype("str"))
    if out.duplicated().any():  # a suffixed handle met an existing one: the exact rule, in order
        vals, _ = _unique_handles(h.tolist())
        out = pd.Series(vals, index=h.index, dtype="str")
    if issues is not None:
        changed = np.flatnonzero((out != h).to_numpy())
        for i in changed[:500]:
            issues.append(issue("warning", file, None, "handle", "duplicate_handle",
                                f"handle '{h.iat[i]}' is used by an earlier product; this one becomes '{out.iat[i]}'",
                                "old URLs still redirect through the redirects map",
                                product="" if products is None else str(products.iloc[i])))
    return out


def split_list(s: pd.Series, sep: str = ",", escaped: bool = True) -> pd.Series:
    """Explode a list cell (values joined by ``sep``; with ``escaped``, ``\\,`` is a comma inside a
    value) into one row per non-empty value, index kept; values trimmed (pyarrow, column-wise)."""
    s = s[(s.notna() & (s != "")).to_numpy(dtype=bool)]
    arr = arrow_strings(s)
    ascii_ = bool(pc.all(pc.string_is_ascii(arr)).as_py()) if len(arr) else True
    swapped = False
    if escaped:
        arr2 = pc.replace_substring(arr, "\\,", "\x00")
        swapped = _value_bytes(arr2) != _value_bytes(arr)  # a "\\," was replaced
        arr = arr2
    lst = pc.split_pattern(arr, sep)
    flat = pc.list_flatten(lst)
    flat = pc.ascii_trim_whitespace(flat) if ascii_ else pc.utf8_trim_whitespace(flat)
    parents = pc.list_parent_indices(lst).to_numpy()
    if swapped:
        flat = pc.replace_substring(flat, "\x00", ",")
    keep = pc.not_equal(flat, "")
    idx = s.index.to_numpy()[parents][keep.to_numpy(zero_copy_only=False)]
    return str_series(flat.filter(keep), idx)


def _value_bytes(arr: pa.Array) -> int:
    """Bytes of string data an array spans (its last offset minus its first)."""
    if not len(arr):
        return 0
    off = arr.buffers()[1]
    o = np.frombuffer(off, dtype=np.int32 if pa.types.is_string(arr.type) else np.int64)
    return int(o[arr.offset + len(arr)] - o[arr.offset])


def first_item(s: pd.Series, sep: str = ",", escaped: bool = True) -> pd.Series:
    """The first non-empty item of each list cell (what ``split_list`` would give first), NA where
    the cell has none; same index as ``s``."""
    arr = arrow_strings(s.fillna("").astype("str"))
    if not len(arr):
        return pd.Series([], index=s.index, dtype="str")
    src = pc.replace_substring(arr, "\\,", "\x00") if escaped else arr
    swapped = escaped and _value_bytes(src) != _value_bytes(arr)
    head = pc.list_element(pc.split_pattern(src, sep, max_splits=1), 0)
    head = pc.utf8_trim_whitespace(head)
    if swapped:
        head = pc.replace_substring(head, "\x00", ",")
    out = str_series(head, s.index)
    blank = (out == "").to_numpy(dtype=bool)
    if blank.any():
        out = out.where(~blank, None)
        # a cell whose first item is blank (", a.jpg"): the first non-empty item, the slow way
        redo = blank & pc.not_equal(pc.utf8_trim_whitespace(arr), "").to_numpy(zero_copy_only=False)
        if redo.any():
            items = split_list(s[redo], sep=sep, escaped=escaped)
            items = items[~items.index.duplicated()]
            out[redo] = items.reindex(s.index[redo]).to_numpy()
    return out


def split_items(s: pd.Series, sep: str = ",") -> pd.DataFrame:
    """Explode a list cell into a frame: ``row`` (position in ``s``), ``idx`` (0-based place in the
    cell, empty items counted) and ``item`` (trimmed); empty items are dropped."""
    arr = arrow_strings(s.fillna("").astype("str"))
    lst = pc.split_pattern(arr, sep)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(lst))
    parents = pc.list_parent_indices(lst).to_numpy().astype(np.int64)
    offsets = lst.offsets.to_numpy()
    idx = np.arange(len(parents)) - offsets[parents] if len(parents) else np.zeros(0, dtype=np.int64)
    keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    df = pd.DataFrame({"row": parents[keep], "item": pd.array(flat.filter(pa.array(keep)), dtype="str"),
                       "idx": idx[keep].astype(np.int64)})
    return df.reset_index(drop=True)


def normalise_list(s: pd.Series) -> pd.Series:
    """A ``, `` list cell with ``\\,`` escapes as plain text joined by ``, `` (NA when empty), column-wise."""
    arr = pc.replace_substring(arrow_strings(s.fillna("")), "\\,", "\x00")
    lst = pc.split_pattern(arr, ",")
    flat = pc.replace_substring(pc.utf8_trim_whitespace(pc.list_flatten(lst)), "\x00", ",")
    joined = pc.binary_join(pa.ListArray.from_arrays(lst.offsets, flat) if not pa.types.is_large_list(lst.type)
                            else pa.LargeListArray.from_arrays(lst.offsets, flat), ", ")
    out = str_series(joined, s.index)
    return out.where(out != "", None)


def join_list(s: pd.Series, by, sep: str = ", ", escape: bool = True) -> pd.Series:
    """Group values into one list cell per group (the inverse of :func:`split_list`)."""
    v = s.astype("str")
    if escape:
        v = v.str.replace(",", "\\,", regex=False)
    return v.groupby(by, sort=False).agg(sep.join)


# =================================================================================================
# extra, collections, results
# =================================================================================================

def _empty_extra() -> pd.DataFrame:
    return pd.DataFrame(columns=EXTRA_COLUMNS)


def extra_rows(ids: pd.Series, values: pd.Series, entity, namespace: str, key: str,
               type_: str = TEXT) -> pd.DataFrame:
    """Extra-table rows for the non-empty ``values`` (aligned with ``ids``; ``entity`` a name or a
    Series aligned with them)."""
    v = values.astype("str")
    m = (values.notna() & (v != "")).to_numpy() & ids.notna().to_numpy()
    if not m.any():
        return _empty_extra()
    # boolean masks on the Arrow-backed arrays: no round trip through Python objects
    n = int(m.sum())
    ent = entity.array[m] if isinstance(entity, pd.Series) else _constant(entity, n)
    return pd.DataFrame({"entity": ent, "entity_id": ids.array[m], "namespace": _constant(namespace, n),
                         "key": _constant(key, n), "value": v.array[m], "type": _constant(type_, n)})


def _constant(value, n: int):
    """``n`` copies of a text value as a ``str`` array (built in Arrow, not as Python objects); other
    values are returned as they are, for pandas to broadcast."""
    if not isinstance(value, str):
        return value
    return pd.array(pa.repeat(pa.scalar(value, pa.large_string()), n), dtype="str")


def extra_columns(frame: pd.DataFrame, columns: dict, *, entity: str, ids: pd.Series, namespace: str,
                  type_: str = TEXT) -> pd.DataFrame:
    """Extra rows for the non-empty cells of several ``columns`` (column -> key) of ``frame``."""
    ids = ids.reset_index(drop=True)
    parts = [extra_rows(ids, frame[col].fillna("").astype(str).reset_index(drop=True), entity, namespace, key, type_)
             for col, key in columns.items() if col in frame.columns]
    return concat_extra(parts, dedupe=False)


def concat_extra(parts: list[pd.DataFrame], *, dedupe: bool = True) -> pd.DataFrame:
    """One extra table from parts; a repeated (entity, entity_id, namespace, key) keeps the first."""
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return _empty_extra()
    out = pd.concat(parts, ignore_index=True)
    if not dedupe:
        return out
    first = first_occurrence(*[out[c] for c in EXTRA_COLUMNS[:4]])
    return out if first.all() else out[first]


def first_occurrence(*columns) -> np.ndarray:
    """Mask of the rows whose tuple of ``columns`` did not occur on an earlier row
    (``~DataFrame.duplicated(keep="first")``; nulls equal nulls)."""
    codes = row_codes(*columns)
    if len(codes) < 2 or bool((codes[1:] > codes[:-1]).all()):
        return np.ones(len(codes), dtype=bool)
    return ~pd.Index(codes).duplicated(keep="first")


def extra_wide(extra: pd.DataFrame, entity: str, namespace: str) -> pd.DataFrame:
    """The extra rows of one entity and namespace as a wide table (index entity_id, one column per key)."""
    e = extra[(extra["entity"] == entity) & (extra["namespace"] == namespace)]
    if not len(e):
        return pd.DataFrame()
    return e.pivot_table(index="entity_id", columns="key", values="value", aggfunc="first")


def collection_names(paths: list[str], mapping: Mapping) -> tuple[list[str], list[str]]:
    """Titles (the last level) and handles of distinct category paths, in order: the handle is
    ``mapping.collection(path)`` (recorded with ``suggest`` so a saved mapping lists every category);
    a repeated handle gets ``-2``, ``-3``, ... (mapping rules 1.6)."""
    titles = [p.rsplit(" > ", 1)[-1] for p in paths]
    seen: dict[str, int] = {}
    handles = []
    for p in paths:
        h = mapping.suggest("collections", p, mapping.collection(p)) or "collection"
        k = seen.get(h, 0)
        seen[h] = k + 1
        handles.append(h if k == 0 else f"{h}-{k + 1}")
    return titles, handles


def collections_from_paths(paths: pd.DataFrame, *, platform: str, level_sep: str | None = None,
                           mapping: Mapping | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Collections and collection_products from a frame with ``product_id`` and ``path`` (a category
    name or a path whose levels are split on ``level_sep``), plus optional ``source_id``/``source_url``.
    One collection per distinct path (levels joined with `` > ``); title = the last level;
    ``collection_id`` = ``handle`` = ``mapping.collection(path)`` (mapping rules 1.6), recorded in the
    mapping (``suggest``) so a saved mapping lists every category."""
    if not isinstance(mapping, Mapping):
        mapping = Mapping(collections=dict(getattr(mapping, "collections", None) or {}))
    df = paths[paths["path"].fillna("") != ""].copy()
    extra_cols = [c for c in ("source_id", "source_url", "description_html") if c in df.columns]
    if not len(df):
        return (pd.DataFrame(columns=["collection_id", "handle", "title", "path"] + extra_cols),
                pd.DataFrame(columns=["collection_id", "product_id", "position"]))
    raw = df["path"].astype("str")
    # the work is per distinct path (a handful), then looked up for every membership row
    uniq = pd.unique(raw.to_numpy())
    if level_sep:
        clean = [" > ".join(x.strip() for x in str(p).split(level_sep) if x.strip()) for p in uniq]
    else:
        clean = [str(p) for p in uniq]
    path = lookup(raw, uniq, np.asarray(clean, dtype=object))
    keep_rows = path != ""
    df = df[keep_rows].assign(path=path[keep_rows])
    cols = df.drop_duplicates("path")[["path"] + extra_cols].reset_index(drop=True)
    cols["title"], cols["handle"] = collection_names(list(cols["path"]), mapping)
    cols["collection_id"] = cols["handle"]
    cp = pd.DataFrame({"collection_id": lookup(df["path"], cols["path"], cols["collection_id"]),
                       "product_id": df["product_id"].to_numpy()})
    cp = cp.drop_duplicates().reset_index(drop=True)
    cp["position"] = cp.groupby("collection_id", sort=False).cumcount() + 1
    return cols[["collection_id", "handle", "title", "path"] + extra_cols], cp


def finish(platform: str, files: list[str], frames: dict[str, pd.DataFrame], loss: list[dict],
           issues: list[dict]) -> ReadResult:
    """Conform every frame into a :class:`Catalog` and wrap the result."""
    clean = {name: df.reset_index(drop=True) for name, df in frames.items() if df is not None}
    catalog = Catalog.from_frames(**clean)
    return ReadResult(catalog=catalog, loss=loss_frame(loss), issues=issues_frame(issues),
                      files=[str(f) for f in files])


def concat_results(results: list[ReadResult]) -> ReadResult:
    """Several files' results (read one by one) as one."""
    if len(results) == 1:
        return results[0]
    frames = {n: pd.concat([r.catalog.frames()[n] for r in results], ignore_index=True)
              for n in results[0].catalog.frames()}
    return ReadResult(Catalog(**frames), pd.concat([r.loss for r in results], ignore_index=True),
                      pd.concat([r.issues for r in results], ignore_index=True),
                      [f for r in results for f in r.files])


def merge_file_collections(catalog: Catalog) -> None:
    """After reading several files of one shop: a category met in several files is one collection
    (the first file's row), each member once, positions renumbered per collection."""
    catalog.collections = catalog.collections.drop_duplicates("collection_id").reset_index(drop=True)
    cp = catalog.collection_products.drop_duplicates(["collection_id", "product_id"]).reset_index(drop=True)
    cp["position"] = cp.groupby("collection_id", sort=False).cumcount() + 1
    catalog.collection_products = cp


# =================================================================================================
# the mapping file, whatever its shape
# =================================================================================================

def mapping_option(mapping, key: str, default=None):
    """A setting from the mapping file (``[urls]`` keys such as ``image_base_url``, ``[settings]`` keys
    such as ``weight_unit``), tolerant of the mapping object's shape."""
    if mapping is None:
        return default
    for table in (getattr(mapping, "urls", None), getattr(mapping, "settings", None)):
        if isinstance(table, dict) and key in table:
            return table[key]
    if hasattr(mapping, "headers") and hasattr(mapping, "urls"):
        return default
    for attr in ("option", "get_option"):
        f = getattr(mapping, attr, None)
        if callable(f):
            try:
                v = f(key, default)
            except TypeError:
                v = f(key)
            return default if v is None else v
    opts = getattr(mapping, "options", None)
    if isinstance(opts, dict):
        return opts.get(key, default)
    if isinstance(mapping, dict):
        return mapping.get(key, (mapping.get("options") or {}).get(key, default))
    return default


def mapping_headers(mapping, platform: str) -> dict[str, str]:
    """Header aliases (file header -> the platform's header) from the mapping's [headers] section."""
    if mapping is None:
        return {}
    for attr in ("header_aliases", "headers_for"):
        f = getattr(mapping, attr, None)
        if callable(f):
            try:
                return dict(f(platform) or {})
            except TypeError:
                return dict(f() or {})
    h = getattr(mapping, "headers", None)
    if h is None and isinstance(mapping, dict):
        h = mapping.get("headers")
    if isinstance(h, dict):
        if platform in h and isinstance(h[platform], dict):
            return dict(h[platform])
        return {k: v for k, v in h.items() if isinstance(v, str)}
    return {}


def rename_headers(df: pd.DataFrame, mapping) -> pd.DataFrame:
    """Apply the mapping file's [headers] (``Mapping.rename_headers``) when there is one."""
    f = getattr(mapping, "rename_headers", None)
    if callable(f):
        return f(df)
    aliases = mapping_headers(mapping, "")
    return df.rename(columns={k: v for k, v in aliases.items() if k in df.columns}) if aliases else df


def mapping_option_name(mapping, attribute: str) -> str:
    """The option name an attribute becomes (``[options]``); the attribute itself by default."""
    if mapping is None:
        return attribute
    f = getattr(mapping, "option", None) if hasattr(mapping, "headers") else None
    if callable(f):
        return f(attribute) or attribute
    f = getattr(mapping, "option_for", None)
    if callable(f):
        try:
            v = f(attribute)
        except Exception:  # noqa: BLE001 - a mapping without this attribute
            v = None
        return v or attribute
    a = getattr(mapping, "attributes", None)
    if isinstance(a, dict):
        return a.get(attribute, attribute)
    return attribute


# =================================================================================================
# shared reader steps: grouped products, final variant ids
# =================================================================================================

def grouped_collections(handles, titles, descriptions, source_ids, source_urls) -> pd.DataFrame:
    """The collections grouped products become (mapping rules 1.6): one row per grouped product,
    its handle as the collection's id and handle."""
    return pd.DataFrame({"collection_id": handles, "handle": handles, "title": titles, "path": None,
                         "description_html": descriptions, "source_id": source_ids, "source_url": source_urls})


def grouped_members(collection_ids, product_ids) -> pd.DataFrame:
    """The members of those collections in listing order: missing members (null) left out, a member
    listed twice kept once, positions 1, 2, ... per collection."""
    gm = pd.DataFrame({"collection_id": collection_ids, "product_id": product_ids})
    gm = gm[gm["product_id"].notna()].drop_duplicates()
    gm["position"] = gm.groupby("collection_id", sort=False).cumcount() + 1
    return gm


def fold_grouped(frames: dict, gset: set, gcoll: pd.DataFrame, gm: pd.DataFrame,
                 handle_of: pd.Series) -> dict:
    """Grouped products become collections (mapping rules 1.6).

    Parameters
    ----------
    frames : dict
        ``products``, ``variants``, ``images``, ``members``, ``collections`` and ``extra`` frames.
    gset : set
        The product ids of the grouped products.
    gcoll : pd.DataFrame
        One collection row per grouped product.
    gm : pd.DataFrame
        Their members (``collection_id``, ``product_id``, ``position``).
    handle_of : pd.Series
        Grouped product id -> its collection's id.

    Returns
    -------
    dict
        The same keys: the grouped products dropped from products, variants, images and
        members (members renumbered), their collections added (a collection left without
        members is dropped), their extra rows moved to the collection. ``extra`` is changed
        in place, as it was in the readers.
    """
    f = dict(frames)
    for k in ("products", "variants", "images", "members"):
        f[k] = f[k][~f[k]["product_id"].isin(gset)]
    members = f["members"]
    members["position"] = members.groupby("collection_id", sort=False).cumcount() + 1
    collections = pd.concat([f["collections"], gcoll], ignore_index=True)
    f["collections"] = collections[collections["collection_id"].isin(set(members["collection_id"]))
                                   | collections["collection_id"].isin(set(gcoll["collection_id"]))]
    f["members"] = pd.concat([members, gm], ignore_index=True)
    extra = f["extra"]
    ge = extra["entity_id"].isin(gset) & (extra["entity"] == "product")
    extra.loc[ge, "entity"] = "collection"
    extra.loc[ge, "entity_id"] = extra.loc[ge, "entity_id"].map(handle_of)
    return f


def final_variant_ids(variants: pd.DataFrame, variant_options: pd.DataFrame,
                      extra: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Variant ids become ``<product_id>#<position>`` (mapping rules 1.2).

    Parameters
    ----------
    variants, variant_options, extra : pd.DataFrame
        The reader's frames; ``variants`` and ``extra`` are changed in place.

    Returns
    -------
    tuple of pd.DataFrame
        ``variants``, ``variant_options`` and ``extra`` with the new ids; option and extra
        rows of an unknown variant are dropped.
    """
    old_ids = _key_array(variants["variant_id"])
    newid = _variant_ids(variants["product_id"], variants["position"])
    variants["variant_id"] = str_series(newid, variants.index)
    if not all(_is_text(c) for c in (variants["product_id"], variant_options["variant_id"], extra["entity_id"],
                                      extra["entity"])) or not pa.types.is_string(old_ids.type):
        variant_options["variant_id"] = lookup(variant_options["variant_id"], old_ids, newid)
        ve_ = extra["entity"] == "variant"
        extra.loc[ve_, "entity_id"] = lookup(extra.loc[ve_, "entity_id"], old_ids, newid)
    else:
        # one hash table of the old ids for both lookups
        vo_ids = arrow_strings(variant_options["variant_id"])
        eid = arrow_strings(extra["entity_id"])
        ve_ = pc.fill_null(pc.equal(arrow_strings(extra["entity"]), "variant"), False)
        ex_ids = eid.filter(ve_)
        new = _take_or_null(newid, positions_in([vo_ids, ex_ids], old_ids))
        variant_options["variant_id"] = str_series(new.slice(0, len(vo_ids)), variant_options.index)
        if len(ex_ids):
            extra["entity_id"] = str_series(pc.replace_with_mask(eid, ve_, new.slice(len(vo_ids))), extra.index)
    variant_options = _drop_na(variant_options, "variant_id")
    extra = _drop_na(extra, "entity_id")
    return variants, variant_options, extra


def _is_text(s) -> bool:
    return isinstance(getattr(s, "array", None), pd.arrays.ArrowStringArray)


def _variant_ids(product_id: pd.Series, position: pd.Series) -> pa.Array:
    """``<product_id>#<position>`` per row (null where either is missing)."""
    if str(position.dtype) in ("int64", "int32") and isinstance(product_id.array, pd.arrays.ArrowStringArray):
        pos = pa.array(position.to_numpy()).cast(pa.string())
        return pc.binary_join_element_wise(arrow_strings(product_id), pos, "#")
    newid = product_id.astype("str") + "#" + position.astype("str")
    return arrow_strings(pd.Series(pd.array(newid.to_numpy(), dtype="str")))


def _drop_na(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """``frame[frame[column].notna()]`` without copying the rows when none is missing."""
    keep = frame[column].notna().to_numpy()
    return frame.copy(deep=False) if keep.all() else frame[keep]


def suffix_repeats(sku: pd.Series, dup, taken: set, *, fold=None, strip: bool = False) -> dict:
    """New SKUs ``<sku>-2``, ``<sku>-3``, ... for repeated SKUs (the first free one, in row order).

    Parameters
    ----------
    sku : pd.Series
        The SKUs, in row order.
    dup : array-like of bool
        The rows to rename (the repeats).
    taken : set
        The keys in use (not changed); each new SKU's key is added to a copy.
    fold : callable, optional
        A candidate's key (``str.lower`` for a case-insensitive shop); default the SKU itself.
    strip : bool
        Strip white space from the old SKU first.

    Returns
    -------
    dict
        Row position -> ``(old, new)``. Loops over the repeats only (few), not every row.
    """
    taken = set(taken)
    count: dict[str, int] = {}  # last suffix tried per SKU: everything up to it is taken
    out = {}
    for i in np.flatnonzero(np.asarray(dup)):
        old = str(sku.iat[i])
        if strip:
            old = old.strip()
        n = count.get(old, 1) + 1
        while (fold(f"{old}-{n}") if fold else f"{old}-{n}") in taken:
            n += 1
        new = f"{old}-{n}"
        count[old] = n
        taken.add(fold(new) if fold else new)
        out[int(i)] = (old, new)
    return out


# =================================================================================================
# writing
# =================================================================================================

def write_delimited(path: Path, header: list[str], rows: pd.DataFrame, *, delimiter: str) -> None:
    """Write text rows (already in header order) atomically, UTF-8, LF, minimal quoting (column-wise)."""
    text = rows.fillna("").astype(str)
    text.columns = range(text.shape[1])  # by position: a header may repeat a name
    body = csv_lines(text, delimiter=delimiter) if len(rows) else None
    with atomic_write(path, "w", newline="") as fh:
        fh.write(header_line(header, delimiter=delimiter) + "\n")
        if body is not None:
            fh.write("\n".join(body.to_pylist()) + "\n")
