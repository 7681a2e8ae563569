"""WooCommerce: the built-in product CSV exporter/importer (formats.md section 2).

Reading turns the exporter's CSV into the canonical catalog, column-wise on Arrow arrays with numpy
index arrays (no Python loop per row, no pandas index alignment):

* BOM, ``, `` lists with ``\\,`` escapes, literal ``\\n`` in descriptions (``\\\\n`` is a literal
  backslash-n), the exporter's ``'`` formula guard (stripped on read);
* ``Type`` with flags (``simple, downloadable, virtual``); variations linked to their parent by
  ``Parent`` (SKU or ``id:<ID>``; the parent may come after the variation);
* ``Attribute N name/value(s)/visible/global/default``: attributes used by a product's variations
  become options; the others are kept in ``extra`` (namespace ``custom``, written as metafields);
* a variation attribute left blank ("any Size"), as docs/mapping.md decides it: blank on **every**
  variation of a product -> not a variant option: dropped from the options, the parent's value list
  kept as a non-option attribute (``extra custom.<name>``), warning ``any_value_attribute``; blank on
  only **some** variations -> each such variation is expanded into one variant per parent value not
  already taken by another variation with the same other values; the copies keep the price and stock
  and get SKU ``<sku>-<slugified value>``, warning ``any_value_expanded``;
* grouped products become collections of their children; external and downloadable products are
  kept as products, their WooCommerce-only fields in ``extra`` (namespace ``woocommerce``), flagged.

The decisions are written down in ``docs/mapping.md`` (section WooCommerce).

Writing produces the exporter's own column names and order, a BOM, ``, `` lists with ``\\,``
escapes, ``\\n`` escaping and the exporter's formula guard (``escape_data``: a leading ``'`` on
text cells that start with ``= + - @`` TAB or CR; numbers left alone). Every cell changed by the
guard is listed in :attr:`WooCommerceAdapter.write_issues`. WooCommerce keeps one product or
variation per SKU: ``validate`` reports a repeated SKU (``duplicate_sku``, error) and the writer
writes the repeat as ``<sku>-2``, ... (``sku_renamed`` in ``write_issues``), so none is lost. The
catalog given to the writer is never modified.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._arrow import (filled as _nonempty, first_occurrence as _first_seen, has_byte as _has_byte,
                      offsets as _offsets, take_or_null as _take)
from ..errors import InputError
from ..mapping import Mapping
from ..safeio import atomic_write
from . import register
from .base import Adapter, Catalog, ReadResult, issues_frame, loss_frame
from ._common import (AMOUNT_RULE, ATTR_NS, EXTRA_COLUMNS, amount_misfits, arrow_strings, attr_key, collection_names,
                      concat_results,
                      text_array as _text, first_item, str_series, to_numeric,
                      extra_wide, fmt_money, issue, issues_for, join_list,
                      mapping_option_name, rename_headers, normalise_list, slugify_series,
                      split_list, unique_handles, fold_grouped, grouped_collections, grouped_members, suffix_repeats)
from .csvio import read_table

__all__ = ["WooCommerceAdapter", "EXPORT_COLUMNS"]

NS = "woocommerce"
META_NS = "woocommerce_meta"
PLATFORM = "woocommerce"

#: The exporter's default columns in order (formats.md 2.1); the unit columns are filled in.
EXPORT_COLUMNS = [
    "ID", "Type", "SKU", "GTIN, UPC, EAN, or ISBN", "Name", "Published", "Is featured?",
    "Visibility in catalog", "Short description", "Description", "Date sale price starts",
    "Date sale price ends", "Tax status", "Tax class", "In stock?", "Stock", "Low stock amount",
    "Backorders allowed?", "Sold individually?", "Weight ({w})", "Length ({d})", "Width ({d})",
    "Height ({d})", "Allow customer reviews?", "Purchase note", "Sale price", "Regular price",
    "Categories", "Tags", "Shipping class", "Images", "Download limit", "Download expiry days",
    "Parent", "Grouped products", "Upsells", "Cross-sells", "External URL", "Button text", "Position",
]

_UNIT_HEADER = re.compile(r"^(Weight|Length|Width|Height) \((.+)\)$")
_ATTR_HEADER = re.compile(r"^Attribute (\d+) (name|value\(s\)|visible|global|default)$")
_DL_HEADER = re.compile(r"^Download (\d+) (ID|name|URL)$")
_WEIGHT_UNITS = {"kg": "kg", "g": "g", "lbs": "lb", "lb": "lb", "oz": "oz"}
_WEIGHT_LABEL = {"kg": "kg", "g": "g", "lb": "lbs", "oz": "oz"}
_TO_KG = {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "oz": 0.028349523125}
_MONEY = r"^\d+(\.\d+)?$|^\.\d+$"
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_SCI = r"^\d(\.\d+)?[eE]\+\d+$"
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: Plain columns -> (entity, namespace, key, default value not worth keeping). Entity "row" means
#: product for product rows and variant for variation rows.
_EXTRA_COLUMNS = {
    "Is featured?": (NS, "featured", "0"),
    "Visibility in catalog": (NS, "catalog_visibility", "visible"),
    "Short description": (NS, "short_description", None),
    "Date sale price starts": (NS, "date_on_sale_from", None),
    "Date sale price ends": (NS, "date_on_sale_to", None),
    "Tax status": (NS, "tax_status", "taxable"),
    "Tax class": (NS, "tax_class", None),
    "Low stock amount": (NS, "low_stock_amount", None),
    "Sold individually?": (NS, "sold_individually", "0"),
    "Allow customer reviews?": (NS, "reviews_allowed", "1"),
    "Purchase note": (NS, "purchase_note", None),
    "Shipping class": (NS, "shipping_class", None),
    "Download limit": (NS, "download_limit", None),
    "Download expiry days": (NS, "download_expiry", None),
    "Grouped products": (NS, "grouped_products", None),
    "Upsells": (NS, "upsell_ids", None),
    "Cross-sells": (NS, "cross_sell_ids", None),
    "External URL": (NS, "external_url", None),
    "Button text": (NS, "button_text", None),
    "Position": (NS, "menu_order", "0"),
}

#: The exporter's fixed value on variation rows for product-only settings (not kept; other values on
#: variation rows are counted as dropped in the loss table).
_VARIATION_FIXED = {"featured": "0", "catalog_visibility": "visible", "sold_individually": "0",
                    "reviews_allowed": "0"}

#: Fields a variation row really carries (the others are fixed values on variation rows).
_VARIATION_FIELDS = {"date_on_sale_from", "date_on_sale_to", "tax_status", "tax_class", "low_stock_amount",
                     "shipping_class", "download_limit", "download_expiry", "purchase_note"}


def decode_description(s: pd.Series) -> pd.Series:
    """WooCommerce's ``filter_description_field`` undone: ``\\n`` -> newline, ``\\\\n`` -> ``\\n``."""
    if not s.str.contains("\\n", regex=False).any():
        return s
    return (s.str.replace("\\\\n", "\x01", regex=False).str.replace("\\n", "\n", regex=False)
            .str.replace("\x01", "\\n", regex=False))


def encode_description(s: pd.Series) -> pd.Series:
    s = s.str.replace("\r\n", "\n", regex=False)
    return s.str.replace("\\n", "\\\\n", regex=False).str.replace("\n", "\\n", regex=False)


# ---------------------------------------------------------------------------------------------

def _looks_translated(cols: list[str]) -> bool:
    known = {"ID", "Type", "SKU", "Name", "Published", "Regular price", "Sale price", "Categories",
             "Images", "Parent", "Stock", "Tags", "Description"}
    hits = len(known & set(cols))
    return hits <= 2 and len(cols) >= 12


# ---------------------------------------------------------------------------------------------
# reading helpers: Arrow arrays and numpy index arrays (no pandas index alignment)

def _blank(n: int) -> pa.Array:
    """``n`` empty strings (built from buffers: no per-row work)."""
    return pa.StringArray.from_buffers(n, pa.py_buffer(np.zeros(n + 1, dtype=np.int32)), pa.py_buffer(b""))


def _repeat(text: str, n: int) -> pa.Array:
    """``n`` times the same string (built from buffers)."""
    b = text.encode()
    return pa.StringArray.from_buffers(n, pa.py_buffer(np.arange(n + 1, dtype=np.int32) * len(b)),
                                       pa.py_buffer(b * n))


def _frame(cols: dict) -> pd.DataFrame:
    """Columns (Arrow string arrays, numpy or pandas arrays) as a DataFrame with ``str`` text columns."""
    return pd.DataFrame({c: pd.array(v, dtype="str") if isinstance(v, pa.Array) else v for c, v in cols.items()})


def _table(cols: dict) -> pa.Table:
    """The same columns as one-chunk Arrow arrays of the schema's own types: the schema check has
    nothing to convert or copy (NaN in a float column is a null, as pandas has it)."""
    return pa.table({c: _arrow_column(v) for c, v in cols.items()})


def _arrow_column(v) -> pa.Array:
    if isinstance(v, pa.Array):
        return v
    if isinstance(v, np.ndarray):
        return pa.array(v, from_pandas=v.dtype.kind == "f")
    return pa.array(v)   # pandas masked arrays (Int64, boolean)


def _trim(arr: pa.Array) -> pa.Array:
    """``utf8_trim_whitespace``, skipped when no cell starts or ends with a byte that could be
    white space (a control character, a space or a non-ASCII byte)."""
    return pc.utf8_trim_whitespace(arr) if _may_need_trim(arr) else arr


def _may_need_trim(arr: pa.Array) -> bool:
    """Whether some cell starts or ends with a control character, a space or a non-ASCII byte."""
    if not len(arr) or arr.null_count or not isinstance(arr, pa.StringArray):
        return bool(len(arr))
    off = _offsets(arr)
    if off[-1] == off[0]:
        return False
    d = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    # first and last byte of every cell (an empty cell reads a neighbour's: at worst a needless trim)
    top = len(d) - 1
    for at in (np.minimum(off[:-1], top), np.maximum(off[1:] - 1, 0)):
        if ((d[at] - np.uint8(33)) >= np.uint8(95)).any():   # outside '!'..DEL
            return True
    return False


def _none_if_empty(arr: pa.Array) -> pa.Array:
    """Empty cells as nulls."""
    filled = _nonempty(arr)
    return arr if filled.all() else _where(filled, arr, None)


def _mask(b) -> np.ndarray:
    """An Arrow boolean result as a numpy mask (null counts as False)."""
    return pc.fill_null(b, False).to_numpy(zero_copy_only=False)


def _eq(arr: pa.Array, value: str) -> np.ndarray:
    return _mask(pc.equal(arr, value))


def _where(mask: np.ndarray, a, b) -> pa.Array:
    """``a`` where ``mask`` else ``b`` (arrays or scalars; None is a null string)."""
    if b is None:
        b = pa.scalar(None, pa.string())
    if a is None:
        a = pa.scalar(None, pa.string())
    return pc.if_else(pa.array(mask, type=pa.bool_()), a, b)


def _per_value(arr: pa.Array):
    """(distinct values as a str Series, code of each row): work on a low-cardinality column's
    distinct values once, with the same pandas string methods, then index by the codes."""
    values, codes = _small_codes(arr)
    return str_series(values), codes


def _str_match(arr: pa.Array, pattern: str, among: np.ndarray) -> np.ndarray:
    """``Series.str.match(pattern)`` (pandas' own choice of regex engine) on the rows ``among``;
    False elsewhere. The match of a cell does not depend on the other cells."""
    out = np.zeros(len(arr), dtype=bool)
    idx = np.flatnonzero(among)
    if len(idx):
        sub = arr if len(idx) == len(arr) else arr.take(pa.array(idx))
        out[idx] = str_series(sub).str.match(pattern).to_numpy(dtype=bool, na_value=False)
    return out


def _numbers(arr: pa.Array, among: np.ndarray) -> np.ndarray:
    """``pd.to_numeric(errors="coerce")`` of the rows ``among`` as float64; NaN elsewhere."""
    out = np.full(len(arr), np.nan)
    idx = np.flatnonzero(among)
    if len(idx):
        sub = arr if len(idx) == len(arr) else arr.take(pa.array(idx))
        if _short_digits(sub):   # what to_numeric casts in Arrow, without its regex pass
            out[idx] = pc.cast(sub, pa.int64()).to_numpy().astype(np.float64)
        else:   # to_numeric of the distinct values
            values, codes = _small_codes(sub)
            out[idx] = to_numeric(str_series(values)).to_numpy(dtype=np.float64, na_value=np.nan)[codes]
    return out


def _canonical_integers(arr: pa.Array) -> bool:
    """Every cell is 1 to 15 ASCII digits without a leading zero (equal numbers, equal text)."""
    if not _short_digits(arr):
        return False
    off = _offsets(arr)
    d = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    return bool(((d[off[:-1]] != 48) | (np.diff(off) == 1)).all())


def _short_digits(arr: pa.Array) -> bool:
    """Every cell is 1 to 15 ASCII digits (no nulls)."""
    if arr.null_count or not len(arr):
        return False
    off = _offsets(arr)
    length = np.diff(off)
    if length.min() < 1 or length.max() > 15:
        return False
    d = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[off[0]:off[-1]]
    return bool(((d >= 48) & (d <= 57)).all())


def _variation_order(arr: pa.Array, vr: np.ndarray) -> np.ndarray:
    """A sort key of the variations from a number column (not a number: 0)."""
    sub = arr.take(pa.array(vr))
    x = _numbers(sub, _nonempty(sub))
    return np.where(np.isnan(x), 0, x)


def _first_items(arr: pa.Array) -> pa.Array:
    """``first_item`` of each list cell (null where none): a cell without a comma is its own item,
    trimmed; the others are split (through ``first_item`` itself when an item is escaped or blank)."""
    out = _trim(arr)
    comma = np.flatnonzero(_has_byte(arr, ord(",")))
    if len(comma):
        sub = arr.take(pa.array(comma))
        head = _trim(pc.list_element(pc.split_pattern(sub, ",", max_splits=1), 0))
        slow = ~_nonempty(head)
        if _any_byte(sub, b"\\"):
            slow |= _has_byte(sub, ord("\\"))
        slow = np.flatnonzero(slow)
        if len(slow):
            head = _put(head, slow, arrow_strings(first_item(str_series(sub.take(pa.array(slow))))))
        out = _put(out, comma, head)
    return _none_if_empty(out)


def _split_items(arr: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """``split_list`` of a list column: (row of each item, the items), trimmed, empty ones dropped."""
    rows = np.flatnonzero(_nonempty(arr))
    sub = arr if len(rows) == len(arr) else arr.take(pa.array(rows))
    if not len(sub):
        return rows, pa.array([], pa.string())
    ascii_ = bool(pc.all(pc.string_is_ascii(sub)).as_py())
    swapped = False
    if _any_byte(sub, b"\\"):
        sub2 = pc.replace_substring(sub, "\\,", "\x00")
        swapped = _offsets(sub2)[-1] - _offsets(sub2)[0] != _offsets(sub)[-1] - _offsets(sub)[0]
        sub = sub2
    lst = pc.split_pattern(sub, ",")
    flat = pc.list_flatten(lst)
    if _may_need_trim(flat):   # the kernel split_list uses
        flat = pc.ascii_trim_whitespace(flat) if ascii_ else pc.utf8_trim_whitespace(flat)
    parents = pc.list_parent_indices(lst).to_numpy()
    if swapped:
        flat = pc.replace_substring(flat, "\x00", ",")
    keep = _nonempty(flat)
    return rows[parents][keep], flat.filter(pa.array(keep))


def _put(base: pa.Array, idx: np.ndarray, values: pa.Array) -> pa.Array:
    """``base`` with ``values`` at the positions ``idx``."""
    pos = np.arange(len(base))
    pos[idx] = len(base) + np.arange(len(idx))
    return pa.concat_arrays([base, values]).take(pa.array(pos))


def _any_byte(arr: pa.Array, byte: bytes) -> bool:
    """Whether some cell contains ``byte`` (a fast scan of the data)."""
    data = arr.buffers()[2] if len(arr) else None
    if data is None:
        return False
    off = _offsets(arr)
    view = memoryview(data)
    step = 1 << 20   # in blocks: no copy of the whole data
    return any(view[a:min(a + step, off[-1])].tobytes().find(byte) >= 0
               for a in range(int(off[0]), int(off[-1]), step))


def _money_of(arr: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """``_common.money`` column-wise, worked out on the distinct values: (clean amounts or null,
    mask of amounts, mask of bad cells)."""
    values, codes = _small_codes(arr)
    s = _trim(values)
    ne = _nonempty(s)
    ok = _str_match(s, _MONEY, ne)
    large, inexact = amount_misfits(s, ok)
    ok &= ~(large | inexact)
    ok_rows, ne_rows = ok[codes], ne[codes]
    clean = s.take(pa.array(codes)) if len(codes) else s
    return _where(ok_rows, clean, None), ok_rows, ne_rows & ~ok_rows


def _fingerprint(arr: pa.Array) -> np.ndarray:
    """A uint64 per string from its byte length and last 8 bytes: equal strings, equal prints."""
    off = _offsets(arr)
    length = np.diff(off)
    h = length.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    data = arr.buffers()[2]
    if data is None or not len(arr) or off[-1] == off[0]:
        return h
    data = np.frombuffer(data, dtype=np.uint8)
    if len(data) >= 8:
        # the 8 bytes ending where each string ends, read as one little-endian uint64 ...
        windows = np.lib.stride_tricks.as_strided(data, shape=(len(data) - 7, 8), strides=(1, 1))
        tail = np.ascontiguousarray(windows[np.maximum(off[1:] - 8, 0)]).view(np.uint64).ravel()
        # ... keeping only the string's own bytes (the high ones)
        keep = np.minimum(length, 8)
        shift = np.minimum(8 * (8 - keep), 56).astype(np.uint64)
        tail = np.where(keep > 0, (tail >> shift) << shift, np.uint64(0)).astype(np.uint64)
    else:
        tail = np.zeros(len(arr), dtype=np.uint64)
    short = np.flatnonzero(off[1:] < 8)   # strings ending in the first 8 bytes: read one by one
    for i in short:
        tail[i] = int.from_bytes(bytes(data[off[i]:off[i + 1]]).rjust(8, b"\0")[-8:], "little")
    return h ^ tail


def _first_seen_text(arr: pa.Array, groups: np.ndarray | None = None) -> np.ndarray:
    """Mask of the first occurrence of each string (of each (group, string) pair with ``groups``):
    a cheap print finds the rows that may repeat; only those strings are hashed."""
    if not len(arr):
        return np.zeros(0, dtype=bool)
    if groups is None and _canonical_integers(arr):   # numeric ids: compare the numbers
        return _first_seen(pc.cast(arr, pa.int64()).to_numpy())
    h = _fingerprint(arr)
    if groups is not None:
        h = h * np.uint64(0xBF58476D1CE4E5B9) + groups.astype(np.uint64)
    bucket = (h % np.uint64(8 * len(h) + 1)).astype(np.int64)
    cand = np.bincount(bucket)[bucket] > 1   # rows whose print may repeat (or share a bucket)
    first = ~cand
    if cand.any():
        ci = np.flatnonzero(cand)
        enc = pc.dictionary_encode(arr.take(pa.array(ci)))
        code = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        if groups is not None:
            code = groups[ci].astype(np.int64) * len(enc.dictionary) + code
        first[ci] = _first_seen(code)
    return first


def _small_codes(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(distinct values in first-seen order, code of each row); a column holding one value (a
    frequent case: a default setting, an attribute name) is recognised in one comparison pass."""
    if len(arr) and not arr.null_count and pc.all(pc.equal(arr, arr[0])).as_py():
        return arr.slice(0, 1), np.zeros(len(arr), dtype=np.int64)
    enc = pc.dictionary_encode(arr)
    return enc.dictionary, enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _positions_of(index_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Position of each key in ``index_keys`` (unique int64 keys; -1 when absent)."""
    if not len(index_keys) or not len(keys):
        return np.full(len(keys), -1, dtype=np.int64)
    lo = int(index_keys.min())
    span = int(index_keys.max()) - lo + 1
    if span > max(4 * (len(index_keys) + len(keys)), 1 << 20):
        return pd.Index(index_keys).get_indexer(keys).astype(np.int64)
    table = np.full(span, -1, dtype=np.int64)
    table[index_keys - lo] = np.arange(len(index_keys))
    k = keys - lo
    ok = (k >= 0) & (k < span)
    out = np.full(len(keys), -1, dtype=np.int64)
    out[ok] = table[k[ok]]
    return out


def _group_position(sorted_groups: np.ndarray) -> np.ndarray:
    """1-based place of each row in its group, the groups being contiguous (a cumcount + 1)."""
    n = len(sorted_groups)
    if not n:
        return np.zeros(0, dtype=np.int64)
    start = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    return np.arange(n) - first + 1


def _first_rows(groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(start, count) of each group's rows in an array sorted into contiguous groups."""
    count = np.bincount(groups, minlength=n_groups) if len(groups) else np.zeros(n_groups, dtype=np.int64)
    start = np.zeros(n_groups, dtype=np.int64)
    if len(groups):
        st = np.r_[True, groups[1:] != groups[:-1]]
        start[groups[st]] = np.flatnonzero(st)
    return start, count


def _expand_rows(start: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For items with ``count`` rows from ``start`` each: (item of each row, row position)."""
    item = np.repeat(np.arange(len(count)), count)
    within = np.arange(len(item)) - np.repeat(np.cumsum(count) - count, count)
    return item, start[item] + within


class _Rows:
    """Some rows of the wide table (``sel``: positions in its arrays), for the issue helpers:
    ``frame[column]`` (taken once, cached) and ``index`` (positions in the file's table)."""

    def __init__(self, cols: dict, sel: np.ndarray | None, orig: np.ndarray):
        self._cols = cols
        self._sel = sel
        self.index = pd.Index(orig if sel is None else orig[sel])
        self._cache: dict = {}

    def __contains__(self, c) -> bool:
        return c in self._cols

    def __getitem__(self, c) -> pd.Series:
        if c not in self._cache:
            a = self._cols[c]
            self._cache[c] = str_series(a if self._sel is None else a.take(pa.array(self._sel)))
        return self._cache[c]


class _Extra:
    """Extra rows collected per source row (``row``: position in the kept wide table, which
    fixes the entity and its id), materialised once at the end."""

    def __init__(self) -> None:
        self.parts: list[tuple] = []  # (rows, values, namespace, key or key array, type)

    def add(self, rows: np.ndarray, values: pa.Array, ns: str, key, type_: str = "single_line_text_field",
            keep_empty: bool = False) -> None:
        """Rows with a non-empty value (every row with ``keep_empty``); ``values`` aligned with ``rows``."""
        ne = np.ones(len(rows), dtype=bool) if keep_empty else _nonempty(values)
        if not ne.all():
            rows, values = rows[ne], values.filter(pa.array(ne))
            if not isinstance(key, str):
                key = key.filter(pa.array(ne))
        if len(rows):
            self.parts.append((np.asarray(rows, dtype=np.int64), values, ns, key, type_))

    def add_column(self, values: pa.Array, mask: np.ndarray | None, ns: str, key: str,
                   type_: str = "single_line_text_field") -> None:
        """One extra row per kept row where ``mask`` holds and the value is not empty."""
        m = _nonempty(values) if mask is None else (mask & _nonempty(values))
        rows = np.flatnonzero(m)
        if len(rows):
            self.parts.append((rows, values.take(pa.array(rows)), ns, key, "single_line_text_field"
                               if type_ is None else type_))

    def frame(self, is_var: np.ndarray, entity_of) -> dict:
        """The extra table: a repeated (entity, entity_id, namespace, key) keeps the first row;
        rows whose entity id is null (a variant that is gone) are dropped."""
        if not self.parts:
            return {c: pa.array([], pa.string()) for c in EXTRA_COLUMNS}
        rows = np.concatenate([p[0] for p in self.parts])
        values = pa.concat_arrays([p[1] for p in self.parts])
        sizes = np.array([len(p[0]) for p in self.parts])
        scalar_keys = [(p[2], p[3]) for p in self.parts if isinstance(p[3], str)]
        simple = len(scalar_keys) == len(self.parts) and len(set(scalar_keys)) == len(scalar_keys)
        ns_codes, ns_names = pd.factorize(pd.Index([p[2] for p in self.parts]))
        ty_codes, ty_names = pd.factorize(pd.Index([p[4] for p in self.parts]))
        if simple:
            key_names = pa.array([p[3] for p in self.parts], pa.string())
            key = key_names.take(pa.array(np.repeat(np.arange(len(self.parts)), sizes)))
            keep = None
        else:
            key = pa.concat_arrays([pa.array(np.full(len(p[0]), p[3], dtype=object), pa.string())
                                    if isinstance(p[3], str) else p[3] for p in self.parts])
            nsk = pc.binary_join_element_wise(
                pa.array(ns_names.to_numpy(dtype=object), pa.string()).take(
                    pa.array(np.repeat(ns_codes, sizes))), key, "\x1f")
            enc = pc.dictionary_encode(nsk)
            code = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            keep = _first_seen(rows * len(enc.dictionary) + code)
        eid = entity_of(rows)
        ok = eid.is_valid().to_numpy(zero_copy_only=False)
        keep = ok if keep is None else (keep & ok)
        ent = pa.array(["product", "variant"]).take(pa.array(is_var[rows].astype(np.int8)))
        ns = pa.array(ns_names.to_numpy(dtype=object), pa.string()).take(pa.array(np.repeat(ns_codes, sizes)))
        ty = pa.array(ty_names.to_numpy(dtype=object), pa.string()).take(pa.array(np.repeat(ty_codes, sizes)))
        cols = {"entity": ent, "entity_id": eid, "namespace": ns, "key": key, "value": values, "type": ty}
        if not keep.all():
            km = pa.array(keep)
            cols = {c: a.filter(km) for c, a in cols.items()}
        return cols


def _scatter(n: int, idx: np.ndarray, values: pa.Array) -> pa.Array:
    """A string array of length ``n``: ``values`` at ``idx``, null elsewhere."""
    pos = np.full(n, -1, dtype=np.int64)
    pos[idx] = np.arange(len(idx))
    return _take(values, pos)


def _unguard(A: dict) -> None:
    """The exporter's formula guard undone in place: ``'= '+ '- '@`` (and our own TAB/CR) lose the
    leading quote."""
    trig = pa.array(list(_TRIGGERS))
    for c, a in A.items():
        if not _any_byte(a, b"'"):
            continue
        m = pc.starts_with(a, "'")
        if not pc.any(m).as_py():
            continue
        m = pc.and_(m, pc.is_in(pc.utf8_slice_codeunits(a, 1, 2), value_set=trig))
        if pc.any(m).as_py():
            A[c] = pc.if_else(m, pc.utf8_slice_codeunits(a, 1), a)


def _decode(arr: pa.Array) -> pa.Array:
    """:func:`decode_description` on an Arrow array."""
    if not len(arr) or not _any_byte(arr, b"\\") or not pc.any(pc.match_substring(arr, "\\n")).as_py():
        return arr
    a = pc.replace_substring(arr, "\\\\n", "\x01")
    a = pc.replace_substring(a, "\\n", "\n")
    return pc.replace_substring(a, "\x01", "\\n")


def _normalised_lists(arr: pa.Array) -> pa.Array:
    """``normalise_list`` of the non-empty cells (the others are null)."""
    idx = np.flatnonzero(_nonempty(arr))
    if not len(idx):
        return pa.nulls(len(arr), pa.string())
    vals = arrow_strings(normalise_list(str_series(arr.take(pa.array(idx)))))
    return _scatter(len(arr), idx, vals)


def _parent_positions(keys: pa.Array, among: pa.Array) -> np.ndarray:
    """Position of each key's first match in ``among`` (-1 when absent; an empty key never matches).
    A join on the strings' prints, each hit confirmed by comparing the strings; a key repeating
    the one before (the variations of one parent) is looked up once."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    if len(keys) > 1:
        head = np.r_[True, ~_mask(pc.equal(keys.slice(1), keys.slice(0, len(keys) - 1)))]
        if head.sum() < 0.8 * len(keys):
            hi = np.flatnonzero(head)
            return _parent_positions(keys.take(pa.array(hi)), among)[np.cumsum(head) - 1]
    filled = np.flatnonzero(_nonempty(among))
    if not len(filled):
        return np.full(len(keys), -1, dtype=np.int64)
    sub = among.take(pa.array(filled))
    fa = _fingerprint(sub)
    if not _first_seen(fa.view(np.int64)).all():   # repeated prints (or strings): Arrow's hash join
        pos = pc.fill_null(pc.index_in(keys, value_set=among), -1).to_numpy(zero_copy_only=False).astype(np.int64)
        pos[~_nonempty(keys)] = -1
        return pos
    pos = pd.Index(fa).get_indexer(_fingerprint(keys)).astype(np.int64)
    hit = np.flatnonzero(pos >= 0)
    same = _mask(pc.equal(keys.take(pa.array(hit)), sub.take(pa.array(pos[hit]))))
    pos[hit[~same]] = -1
    pos[hit[same]] = filled[pos[hit[same]]]
    pos[~_nonempty(keys)] = -1
    return pos


def _flag_values(arr: pa.Array):
    """A test ``is_one_of(*values)`` (row masks) of a setting column trimmed and lower-cased, done
    on its distinct values."""
    values, codes = _small_codes(arr)
    low = pc.utf8_lower(_trim(values)).to_numpy(zero_copy_only=False)
    return lambda *wanted: np.isin(low, list(wanted))[codes] if len(codes) else np.zeros(0, dtype=bool)


def _row_values(A: dict, sku: pa.Array, wcol: str | None) -> dict:
    """Variant values of every row (product rows and variations alike), column-wise."""
    N = len(sku)
    sale, sale_ok, bad_s = _money_of(A["Sale price"])
    reg, reg_ok, bad_r = _money_of(A["Regular price"])
    dates = np.zeros(N, dtype=bool)
    for c in ("Date sale price starts", "Date sale price ends"):
        if c in A:
            dates |= _nonempty(A[c])
    use_sale = sale_ok & ~dates
    R = {"bad_sale": bad_s, "bad_reg": bad_r, "sched": dates & sale_ok,
         "price": pc.if_else(pa.array(use_sale), sale, reg), "compare": _where(use_sale & reg_ok, reg, None),
         "sku": _none_if_empty(sku)}
    bc = "GTIN, UPC, EAN, or ISBN"
    R["barcode"] = _none_if_empty(A[bc]) if bc in A else pa.nulls(N, pa.string())
    R["cost"] = _money_of(A["Cost of goods"])[0] if "Cost of goods" in A else pa.nulls(N, pa.string())
    if wcol:
        w = _trim(A[wcol])
        R["weight"] = _numbers(w, _nonempty(w))
    else:
        R["weight"] = None
    stock = _trim(A["Stock"])
    sv, scode = _small_codes(stock)
    q = _numbers(stock, _str_match(sv, r"^-?\d+(\.0+)?$", _nonempty(sv))[scode])
    instock = _flag_values(A["In stock?"])
    back = _flag_values(A["Backorders allowed?"])
    sp = _eq(pc.utf8_lower(sv), "parent")[scode]
    out0 = instock("0")
    R["tracked"] = ~np.isnan(q) | out0 | sp
    q[np.isnan(q) & out0 & ~sp] = 0
    R["qty"], R["stock_parent"] = q, sp
    R["continue"] = back("1", "notify") | instock("backorder")
    if "Tax status" in A:
        ts = _flag_values(A["Tax status"])
        yes = ts("taxable")
        no = ts("none", "shipping")
        R["taxable"] = pd.arrays.BooleanArray(yes, ~(yes | no))
    else:
        R["taxable"] = pd.arrays.BooleanArray(np.zeros(N, dtype=bool), np.ones(N, dtype=bool))
    R["image_src"] = _first_items(A["Images"])
    R["source_id"] = _none_if_empty(A["ID"])
    return R


def _concat_parts(parts: list[dict], names: dict) -> dict:
    """Column-wise concatenation of part dicts (``names``: column -> "int" or "str")."""
    out = {}
    for c, kind in names.items():
        if kind == "int":
            out[c] = np.concatenate([p[c] for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64)
        else:
            out[c] = pa.concat_arrays([p[c] for p in parts]) if parts else pa.array([], pa.string())
    return out


def _filter_parts(d: dict, keep: np.ndarray) -> dict:
    km = pa.array(keep)
    return {c: (v[keep] if isinstance(v, np.ndarray) else v.filter(km)) for c, v in d.items()}


def _text_rank(arr: pa.Array) -> np.ndarray:
    """Each string's place in sorted (code point) order; numeric ids are ranked as numbers padded
    to the same width, which is their text order."""
    if len(arr) and _canonical_integers(arr):
        length = np.diff(_offsets(arr))
        width = int(length.max())
        padded = pc.cast(arr, pa.int64()).to_numpy() * 10 ** (width - length)
        order = np.lexsort((length, padded))
    else:
        order = pc.sort_indices(arr).to_numpy()
    rank = np.empty(len(arr), dtype=np.int64)
    rank[order] = np.arange(len(arr))
    return rank


def _options(attrs: dict, prid: pa.Array, mapping) -> dict:
    """Options: attributes used by at least one variation, in the parent's attribute order,
    sorted by product id (as the product_options table lists them)."""
    p, v, K = attrs["p"], attrs["v"], attrs["K"]
    ui = np.flatnonzero(_first_seen(v["pprow"] * K + v["code"])) if len(v["pprow"]) else np.zeros(0, np.int64)
    pprow, code = v["pprow"][ui], v["code"][ui]
    m = _positions_of(p["pprow"] * K + p["code"], pprow * K + code)
    hit = m >= 0
    name = _where(hit, _take(p["name"], m), v["name"].take(pa.array(ui)))
    order = np.where(hit, p["n"][np.maximum(m, 0)] if len(p["n"]) else 0, v["n"][ui] + 1000).astype(float)
    values = pc.fill_null(_take(p["values"], m), "") if len(ui) else pa.array([], pa.string())
    rank = _text_rank(prid)
    perm = np.lexsort((order, rank[pprow]))
    pprow, code, order = pprow[perm], code[perm], order[perm]
    name, values = name.take(pa.array(perm)), values.take(pa.array(perm))
    if len(name):
        nv, ncode = _per_value(name)
        onames = [mapping_option_name(mapping, x) for x in nv.tolist()]
        oname = pa.array(onames, pa.string()).take(pa.array(ncode))
    else:
        oname = pa.array([], pa.string())
    return {"pprow": pprow, "code": code, "name": name, "values": values, "oname": oname,
            "position": _group_position(pprow)}


def _variation_options(attrs: dict, opts: dict, vppos: np.ndarray) -> dict:
    """One row per variation and option of its product (variation order, then option order):
    ``j`` (the variation), ``orow`` (the option) and the variation's ``value`` ("" = any)."""
    v, K = attrs["v"], attrs["K"]
    start, count = _first_rows(opts["pprow"], attrs["nP"])
    j, orow = _expand_rows(start[vppos], count[vppos])
    if len(v["vrow"]) and len(j):
        look = _positions_of(v["vrow"] * K + v["code"], j * K + opts["code"][orow])
        value = pc.fill_null(_take(v["value"], look), "")
    else:
        value = _blank(len(j))
    return {"j": j, "orow": orow, "position": opts["position"][orow], "value": value, "variant_id": None}


def _images(pimg: pa.Array, image_src: pa.Array, porder: np.ndarray, prid: pa.Array) -> dict:
    """Product images (the Images lists) then the variants' own images not among them, per product."""
    ppos, items = _split_items(pimg)
    vm = image_src.is_valid().to_numpy(zero_copy_only=False)
    src = pa.concat_arrays([items, image_src.filter(pa.array(vm)) if not vm.all() else image_src])
    o = np.concatenate([ppos, porder[vm]]).astype(np.int64)
    if not len(src):
        return {"product_id": pa.array([], pa.string()), "position": np.zeros(0, np.int64),
                "src": pa.array([], pa.string())}
    keep = np.flatnonzero(_first_seen_text(src, o))
    keep = keep[np.argsort(o[keep], kind="stable")]
    ok = o[keep]
    return {"product_id": prid.take(pa.array(ok)), "position": _group_position(ok),
            "src": src.take(pa.array(keep))}


def _words_and_single_spaces(arr: pa.Array) -> bool:
    """Every byte is a-z, 0-9 or a space, and no two spaces follow each other (one scan of the data)."""
    if not len(arr) or arr.null_count:
        return False
    off = _offsets(arr)
    d = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[off[0]:off[-1]] if arr.buffers()[2] else np.zeros(0, np.uint8)
    space = d == 32
    ok = space | ((d >= 97) & (d <= 122)) | ((d >= 48) & (d <= 57))
    return bool(ok.all()) and not bool((space[1:] & space[:-1]).any())


def _handles(title: pa.Array, index) -> pa.Array:
    """``unique_handles(slugify_series(title), "product")``: when the slugs are all different and
    none is empty, they are the handles as they are (checked on the strings' prints)."""
    if len(title) and pc.all(pc.string_is_ascii(title)).as_py():
        # slugify_series on ASCII text: NFKD and the non-ASCII removal change nothing
        low = pc.ascii_lower(title)
        if _words_and_single_spaces(low):   # each run of other characters is one space
            a = pc.replace_substring(low, " ", "-")
        else:
            a = pc.replace_substring_regex(low, pattern="[^a-z0-9]+", replacement="-")
        a = pc.utf8_trim(a, characters="-")
        slug = pc.utf8_rtrim(pc.utf8_slice_codeunits(a, 0, 255), characters="-")
    else:
        slug = arrow_strings(slugify_series(str_series(title, index)))
    if _nonempty(slug).all() and _first_seen_text(slug).all():
        return slug
    return arrow_strings(unique_handles(str_series(slug, index), pd.Series("product", index=index)))


def _collections(ppos: np.ndarray, raw: pa.Array, prid: pa.Array, mapping) -> tuple[pd.DataFrame, dict]:
    """``collections_from_paths`` for category paths split on ``>`` (``raw``: one per product and
    category, ``ppos`` the product's position), per distinct path then with index arrays."""
    if not isinstance(mapping, Mapping):
        mapping = Mapping(collections=dict(getattr(mapping, "collections", None) or {}))
    if not len(raw):
        return (pd.DataFrame(columns=["collection_id", "handle", "title", "path"]),
                {"collection_id": pa.array([], pa.string()), "product_id": pa.array([], pa.string()),
                 "position": np.zeros(0, np.int64)})
    enc = pc.dictionary_encode(raw)   # distinct paths in first-seen order
    clean_of: dict[str, int] = {}
    code_map = np.empty(len(enc.dictionary), dtype=np.int64)
    for i, p in enumerate(enc.dictionary.to_pylist()):
        c = " > ".join(x.strip() for x in str(p).split(">") if x.strip())
        code_map[i] = -1 if c == "" else clean_of.setdefault(c, len(clean_of))
    code = code_map[enc.indices.to_numpy(zero_copy_only=False)]
    keep = code >= 0
    code, ppos = code[keep], ppos[keep]
    paths = list(clean_of)
    titles, cid = collection_names(paths, mapping)
    cols = pd.DataFrame({"collection_id": cid, "handle": cid, "title": titles, "path": paths})
    ids: dict[str, int] = {}
    code = np.array([ids.setdefault(c, len(ids)) for c in cid], dtype=np.int64)[code]   # per collection id
    cid = list(ids)
    first = np.flatnonzero(_first_seen(code * max(len(prid), 1) + ppos))
    code, ppos = code[first], ppos[first]
    order = np.argsort(code, kind="stable")
    position = np.empty(len(code), dtype=np.int64)
    position[order] = _group_position(code[order])
    members = {"collection_id": pa.array(cid, pa.string()).take(pa.array(code)),
               "product_id": prid.take(pa.array(ppos)), "position": position}
    return cols, members


def _attribute_extra(attrs: dict, opts: dict, pidx: np.ndarray, extra: "_Extra") -> None:
    """Attributes that are not variant options -> metafields; their flags -> woocommerce namespace."""
    p, K = attrs["p"], attrs["K"]
    if not len(p["pprow"]):
        return
    pkey = p["pprow"] * K + p["code"]
    na = ~np.isin(pkey, opts["pprow"] * K + opts["code"]) if len(opts["pprow"]) else np.ones(len(pkey), bool)
    if na.any():
        f = _filter_parts(p, na)
        vals = pc.replace_substring(f["values"], "\\,", ",")
        extra.add(pidx[f["pprow"]], vals, ATTR_NS, arrow_strings(attr_key(str_series(f["name"]))), keep_empty=True)
    for fl, dflt in (("visible", "1"), ("global", "1"), ("default", "")):
        a = p[fl]
        m = (~_eq(a, dflt) & _nonempty(a)) if fl != "global" else _eq(a, "0")
        if m.any():
            f = _filter_parts(p, m)
            key = pc.binary_join_element_wise(pa.scalar("attribute:"), f["name"], pa.scalar(":" + fl), "")
            extra.add(pidx[f["pprow"]], f[fl], NS, key, keep_empty=True)


def _variant_options_frame(vopt: dict, inv: np.ndarray, nown: int, live_id: pa.Array,
                           tmp_all) -> dict:
    """variant_options with the final variant ids (rows of a variant that is gone are dropped)."""
    if vopt["variant_id"] is None:   # one row per (variation, option): the variant is known by position
        vid = live_id.take(pa.array(inv[nown + vopt["j"]])) if len(vopt["j"]) else pa.array([], pa.string())
    else:                            # re-made by "any" values: known by its id
        vid = _take(live_id, pc.fill_null(pc.index_in(vopt["variant_id"], value_set=tmp_all()), -1)
                    .to_numpy(zero_copy_only=False))
    ok = vid.is_valid()
    value = vopt["value"]
    pos = np.asarray(vopt["position"], dtype=np.int64)
    if vid.null_count:
        vid, value, pos = vid.filter(ok), value.filter(ok), pos[ok.to_numpy(zero_copy_only=False)]
    return {"variant_id": vid, "position": pos, "value": value}


def _variants_frame(R: dict, vsrc: np.ndarray, vv: dict, perm: np.ndarray, nown: int, final_id: pa.Array,
                    vprod: pa.Array, position: np.ndarray, price: pa.Array, image_src: pa.Array,
                    wunit: str | None) -> dict:
    """The variants table in its final order (columns as the schema lists them)."""
    take = pa.array(vsrc)
    if vv["sku"] is not None:   # SKUs of variants made from "any" values
        sku = pa.concat_arrays([R["sku"].take(pa.array(vsrc[np.argsort(perm)][:nown])) if nown else
                                pa.array([], pa.string()), vv["sku"]]).take(pa.array(perm))
    else:
        sku = R["sku"].take(take)
    if R["weight"] is not None:
        weight = R["weight"][vsrc]
        unit = _where(~np.isnan(weight), pa.scalar(wunit), None)
    else:
        weight = np.full(len(vsrc), np.nan)
        unit = pa.nulls(len(vsrc), pa.string())
    q = np.round(R["qty"][vsrc])
    miss = np.isnan(q)
    if np.abs(np.where(miss, 0, q)).max(initial=0) < 2.0 ** 62:
        q = pd.Series(pd.arrays.IntegerArray(np.where(miss, 0, q).astype(np.int64), miss))
    else:   # out of range: pandas raises as it did
        q = pd.Series(R["qty"][vsrc]).astype("Float64").round().astype("Int64")
    tracked = R["tracked"][vsrc]
    return {
        "variant_id": final_id, "product_id": vprod, "position": position, "sku": sku,
        "barcode": R["barcode"].take(take), "price": pc.fill_null(price, "0"),
        "compare_at_price": R["compare"].take(take), "cost": R["cost"].take(take),
        "weight": weight, "weight_unit": unit, "inventory_quantity": q.array,
        "inventory_policy": _where(R["continue"][vsrc], pa.scalar("continue"), pa.scalar("deny")),
        "requires_shipping": pd.arrays.BooleanArray(~R["virtual"][vsrc], np.zeros(len(vsrc), dtype=bool)),
        "taxable": R["taxable"][vsrc], "image_src": image_src, "source_id": R["source_id"].take(take),
        "inventory_tracker": _where(tracked, pa.scalar("shopify"), None),
    }


class WooCommerceAdapter(Adapter):
    name = "woocommerce"
    label = "WooCommerce"
    can_write = True
    reads = {"products": "WooCommerce product CSV (Products > Export)"}

    def __init__(self) -> None:
        self.write_issues = issues_frame()

    # -----------------------------------------------------------------------------------------
    def read(self, paths, *, mapping=None) -> ReadResult:
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        return concat_results([self._read_one(p, mapping) for p in paths])

    def _read_one(self, path, mapping) -> ReadResult:
        t = read_table(path, label="WooCommerce product CSV")
        file = t.path
        df = rename_headers(t.frame, mapping)
        cols = list(df.columns)
        issues: list[dict] = list(t.warnings)
        if not {"Type", "Name"} <= set(cols) or not ({"SKU", "ID"} & set(cols)):
            if _looks_translated(cols):
                raise InputError(
                    "the column headers look translated (a WooCommerce admin in another language exports "
                    f"translated headers, e.g. {', '.join(repr(c) for c in cols[:4])}); map them to the English "
                    "names (ID, Type, SKU, Name, Regular price, ...) in the [headers] section of the mapping "
                    "file and run again", file=file, row=1, column=cols[0] if cols else None)
            missing = [c for c in ("Type", "Name", "SKU") if c not in cols]
            raise InputError(f"the required column '{missing[0]}' is missing from the WooCommerce product CSV; "
                             f"found: {', '.join(repr(c) for c in cols[:30])}", file=file, row=1, column=missing[0])
        n = len(df)
        A = {c: _text(df[c]) for c in df.columns}   # the wide table as Arrow string arrays
        del df
        t.frame = None  # only the file's path and line numbers are needed from here on (memory)
        for c in ("ID", "SKU", "Parent", "Images", "Categories", "Tags", "Published", "Stock",
                  "In stock?", "Backorders allowed?", "Sale price", "Regular price", "Description"):
            if c not in A:
                A[c] = _blank(n)
        _unguard(A)
        orig = np.arange(n)     # each row's position in the file's table (for line numbers)
        loss: list[dict] = []
        used: dict[str, str] = {}
        loss_notes: dict[str, list[str]] = {}   # column -> "<n> ..." segments of its loss note
        loss_dropped: dict[str, int] = {}       # column -> values dropped although the column is used

        # ---- row ids; a repeated one is skipped -------------------------------------------------
        ids = _trim(A["ID"])
        sku = _trim(A["SKU"])
        id_ne = _nonempty(ids)
        rid = ids if id_ne.all() else _where(id_ne, ids, pc.binary_join_element_wise(pa.scalar("sku:"), sku, ""))
        anon = ~id_ne & ~_nonempty(sku)
        if anon.any():
            rowno = pc.cast(pa.array(orig), pa.string())
            rid = _where(anon, pc.binary_join_element_wise(pa.scalar("row:"), rowno, ""), rid)
        dup = ~_first_seen_text(rid)
        if dup.any():
            issues += issues_for(dup, t, _Rows(A, None, orig), severity="error",
                                 column="ID" if id_ne.all() else "SKU", check="duplicate_product",
                                 detail="this ID/SKU appeared on an earlier row; the row was skipped")
            keep = pa.array(~dup)
            A = {c: a.filter(keep) for c, a in A.items()}
            ids, sku, rid = ids.filter(keep), sku.filter(keep), rid.filter(keep)
            orig = orig[~dup]
        N = len(orig)
        used["Type"] = "extra:woocommerce.type; variants.requires_shipping"

        # ---- Type: worked out per distinct value ---------------------------------------------------
        tv, tcode = _per_value(A["Type"])
        typ_d = tv.str.lower()
        base_d = typ_d.str.replace(r"(?s),.*$", "", regex=True).str.strip()
        flags_d = typ_d.str.replace(" ", "", regex=False)
        downloadable = flags_d.str.contains("downloadable", regex=False).to_numpy(dtype=bool)[tcode]
        virtual = flags_d.str.contains("virtual", regex=False).to_numpy(dtype=bool)[tcode]
        bd = base_d.to_numpy(dtype=object)
        is_var = (bd == "variation")[tcode]
        is_variable = (bd == "variable")[tcode]
        base = arrow_strings(base_d).take(pa.array(tcode))

        # ---- parents of variations (positions in the product rows) ----------------------------------
        pidx = np.flatnonzero(~is_var)          # the product rows, in file order ("P")
        nP = len(pidx)
        prid = rid.take(pa.array(pidx))
        vall = np.flatnonzero(is_var)
        par = _trim(A["Parent"].take(pa.array(vall)))
        is_idref = _mask(pc.starts_with(par, "id:"))
        vppos_all = np.full(len(vall), -1, dtype=np.int64)
        for refs, keys, among in ((is_idref, lambda x: _trim(pc.utf8_slice_codeunits(x, 3)), ids),
                                  (~is_idref, lambda x: x, sku)):
            ri = np.flatnonzero(refs)
            if len(ri):
                sel = par if len(ri) == len(par) else par.take(pa.array(ri))
                vppos_all[ri] = _parent_positions(keys(sel), among.take(pa.array(pidx)))
        orphan_v = vppos_all < 0
        if orphan_v.any():
            for i in np.flatnonzero(orphan_v)[:50]:
                r = vall[i]
                issues.append(issue("error", file, t.line_of(int(orig[r])), "Parent", "orphan_variation",
                                    f"the parent '{par[i].as_py()}' of this variation is not in the file; the "
                                    "variation was not imported", "export the parent product together with its "
                                    "variations", product=A["Name"][r].as_py(), sku=sku[r].as_py()))
        used["Parent"] = "variants.product_id"
        used["ID"] = "products.source_id; variants.source_id"
        used["SKU"] = "variants.sku"
        vr = vall[~orphan_v]                    # the imported variation rows ("V")
        vppos = vppos_all[~orphan_v]            # their product's position in P
        nV = len(vr)
        P = _Rows(A, pidx, orig)
        V = _Rows(A, vr, orig)
        is_grouped_p = (bd == "grouped")[tcode][pidx]
        variable_p = is_variable[pidx]

        # ---- attributes and options -----------------------------------------------------------
        attrs = self._attributes(A, pidx, vr, vppos, used)
        opts = _options(attrs, prid, mapping)

        # ---- variant values, per row ------------------------------------------------------------
        wcol = next((c for c in A if _UNIT_HEADER.match(c) and c.startswith("Weight")), None)
        wunit = None
        if wcol:
            u = _UNIT_HEADER.match(wcol).group(2).strip().lower()
            wunit = _WEIGHT_UNITS.get(u)
            used[wcol] = "variants.weight, variants.weight_unit"
            if wunit is None:
                issues.append(issue("warning", file, 1, wcol, "wc_weight_unit", f"the weight unit '{u}' is not one of kg, g, lbs, oz; weights were not imported", product="", sku=""))
        dims = [c for c in A if _UNIT_HEADER.match(c) and not c.startswith("Weight")]
        R = _row_values(A, sku, wcol if wunit else None)
        R["virtual"] = virtual
        for rows, view in ((pidx, P), (vr, V)):
            for bad, col in ((R["bad_sale"], "Sale price"), (R["bad_reg"], "Regular price")):
                b = bad[rows]
                if b.any():
                    issues.extend(issues_for(b, t, view, severity="error", column=col, check="bad_number",
                                             detail=lambda i, c=col, RR=view: f"'{RR[c].iat[i]}' is not an amount"
                                                                               f"{AMOUNT_RULE}; the price was left "
                                                                               "empty"))
        weight = R["weight"]
        if weight is not None and nV:
            # a variation with an empty weight inherits its parent's (WooCommerce behaviour)
            vw = weight[vr]
            inh = np.isnan(vw)
            if inh.any():
                vw[inh] = weight[pidx[vppos[inh]]]
                weight[vr] = vw
        qty = R["qty"]
        sp = R["stock_parent"][vr]
        if sp.any():
            # stock managed at the parent ("parent"): the parent's quantity goes on the first variant
            first = np.zeros(nV, dtype=bool)
            spi = np.flatnonzero(sp)
            first[spi[_first_seen(vppos[spi])]] = True
            vq = qty[vr]
            vq[sp] = 0
            pq = qty[pidx[vppos[first]]]
            vq[first] = np.where(np.isnan(pq), 0, pq)
            qty[vr] = vq
            issues += issues_for(sp, t, V, severity="warning", column="Stock", check="wc_stock_at_parent",
                                 detail="stock is managed on the parent and shared by its variations; Shopify keeps "
                                        "stock per variant, so the parent's quantity was put on the first variant "
                                        "and 0 on the others", limit=20)

        # variable parents with variations do not sell themselves; others are their own variant
        has_vars = np.bincount(vppos, minlength=nP)[:nP] > 0 if nV else np.zeros(nP, dtype=bool)
        lonely = variable_p & ~has_vars
        if lonely.any():
            issues += issues_for(lonely, t, P, severity="warning", column="Type",
                                 check="wc_variable_without_variations",
                                 detail="this variable product has no variations in the file; it was imported "
                                        "as a product with one variant")
        own_p = np.flatnonzero(~(variable_p & has_vars))
        order_a = _variation_order(A["Position"], vr) if "Position" in A else np.zeros(nV)
        order_b = _variation_order(A["ID"], vr)

        # option values of the variations; blank = "any"
        vopt = _variation_options(attrs, opts, vppos)
        extra = _Extra()
        vv = None   # the variations' variants when "any" values changed them (else one per V row)
        if len(vopt["value"]) and not _nonempty(vopt["value"]).all():
            vv, vopt, opts = self._any_values(attrs, opts, vopt, A, vr, vppos, pidx, prid, rid, sku, R, order_a,
                                              order_b, t, file, issues, extra, orig)
        if vv is None:
            vv = {"src": vr, "pp": vppos, "id": None, "sku": None, "order_a": order_a, "order_b": order_b}

        # ---- variants in their final order ---------------------------------------------------------
        nown, nvv = len(own_p), len(vv["src"])
        src = np.concatenate([pidx[own_p], vv["src"]]).astype(np.int64)
        porder_u = np.concatenate([own_p, vv["pp"]]).astype(np.int64)
        isvar_u = np.r_[np.zeros(nown, dtype=bool), np.ones(nvv, dtype=bool)]
        fo = np.r_[np.arange(nown), np.arange(nvv)]
        perm = np.lexsort((fo, np.r_[np.zeros(nown), vv["order_b"]], np.r_[np.zeros(nown), vv["order_a"]],
                           isvar_u, porder_u))
        inv = np.empty_like(perm)
        inv[perm] = np.arange(len(perm))
        vsrc = src[perm]
        porder = porder_u[perm]
        isvar = isvar_u[perm]
        position = _group_position(porder)
        tmp_id = None
        if vv["id"] is not None:   # variations re-made by "any" values keep or get their own ids
            tmp_id = pa.concat_arrays([prid.take(pa.array(own_p)), vv["id"]]).take(pa.array(perm))
            is_orig = _mask(pc.equal(tmp_id, rid.take(pa.array(vsrc))))
        else:
            is_orig = np.ones(len(vsrc), dtype=bool)
        price = R["price"].take(pa.array(vsrc))
        no_price = ~price.is_valid().to_numpy(zero_copy_only=False)

        # ---- products ---------------------------------------------------------------------------
        pub = _trim(A["Published"].take(pa.array(pidx)))
        pub1 = _eq(pub, "1")
        noprice_p = np.zeros(nP, dtype=bool)
        noprice_p[porder[no_price]] = True
        status = _where(pub1 & ~noprice_p, pa.scalar("active"), pa.scalar("draft"))
        title = _trim(A["Name"].take(pa.array(pidx)))
        handle = _handles(title, P.index)
        desc = _decode(A["Description"].take(pa.array(pidx)))
        tags_raw = A["Tags"].take(pa.array(pidx))
        tags = _normalised_lists(tags_raw)
        pids_raw = A["ID"].take(pa.array(pidx))
        products = {
            "product_id": prid, "handle": handle, "title": title, "description_html": _none_if_empty(desc),
            "tags": tags, "status": status, "published": pub1,
            "source_platform": _repeat(PLATFORM, nP), "source_id": _none_if_empty(pids_raw),
        }
        for c, tgt in (("Meta: _yoast_wpseo_title", "seo_title"), ("Meta: _yoast_wpseo_metadesc", "seo_description")):
            if c in A:
                s = A[c].take(pa.array(pidx))
                products[tgt] = _none_if_empty(s)
                used[c] = f"products.{tgt}"
        used.update({"Name": "products.title (variation names: extra)", "Description": "products.description_html",
                     "Published": "products.status, products.published", "Tags": "products.tags",
                     "Categories": "collections, collection_products", "Images": "images, variants.image_src",
                     "Sale price": "variants.price (compare_at when on sale)",
                     "Regular price": "variants.price / variants.compare_at_price",
                     "Stock": "variants.inventory_quantity", "In stock?": "variants.inventory_quantity / tracker",
                     "Backorders allowed?": "variants.inventory_policy",
                     "GTIN, UPC, EAN, or ISBN": "variants.barcode", "Cost of goods": "variants.cost"})

        # flags: grouped, external, downloadable, no price, scheduled sale
        def flag(mask, view, col, check, detail, sev="warning", t=t):
            if mask.any():
                issues.extend(issues_for(mask, t, view, severity=sev, column=col, check=check, detail=detail))
        flag(is_grouped_p, P, "Grouped products", "grouped_to_collection",
             "grouped product: Shopify has no grouped type; it became a collection of its child products (its own "
             "images and categories are not migrated: see the loss report)")
        flag((bd == "external")[tcode][pidx], P, "External URL", "external_product",
             "external/affiliate product: Shopify has no external type; the URL and button text are in extra "
             "(woocommerce.external_url, woocommerce.button_text) and the product sells as a normal product")
        flag(downloadable[pidx], P, "Type", "downloads_not_migrated",
             "downloadable product: the files (Download N name/URL) are kept in extra "
             "woocommerce.download_<n>_name/url; Shopify needs a digital-downloads app to deliver them")
        np_rows = np.zeros(nP, dtype=bool)
        np_rows[porder[no_price & ~isvar]] = True
        flag(np_rows & ~is_grouped_p, P, "Regular price", "no_price",
             "this product has no price; it was imported as a draft with price 0")
        row_mark = np.zeros(N, dtype=bool)
        row_mark[vsrc[no_price & isvar & is_orig]] = True
        flag(row_mark[vr], V, "Regular price", "no_price",
             "this variation has no price; its product was imported as a draft with price 0")
        sched = R["sched"][vsrc]
        sched_rows = None
        if sched.any():
            sched_rows = np.zeros(N, dtype=bool)
            sched_rows[vsrc[sched & is_orig]] = True
            flag(sched_rows, _Rows(A, None, orig), "Date sale price starts", "scheduled_sale",
                 "a sale with start/end dates: Shopify's CSV has no scheduled prices, so the regular price was "
                 "imported and the sale price and dates kept in extra")

        # ---- images -----------------------------------------------------------------------------
        image_src = R["image_src"].take(pa.array(vsrc))
        images = _images(A["Images"].take(pa.array(pidx)), image_src, porder, prid)

        # ---- collections --------------------------------------------------------------------------
        collections, members = _collections(*_split_items(A["Categories"].take(pa.array(pidx))), prid, mapping)
        collections["source_id"] = collections["path"]

        # ---- extra -------------------------------------------------------------------------------
        kept = ~is_var
        kept[vr] = True
        all_kept = bool(kept.all())
        structural = np.isin(bd, ["simple", "variation"])[tcode]
        extra.add_column(base, kept & ~structural, NS, "type")
        n_ = int((structural & kept & _nonempty(A["Type"])).sum())
        if n_:
            loss_notes.setdefault("Type", []).append(
                f"{n_} 'simple'/'variation' (the product or variant itself, not kept)")
        extra.add_column(A["Type"], kept & (downloadable | virtual), NS, "type_flags")
        # a variable parent's own SKU has no variant to live on
        extra.add_column(A["SKU"], kept & is_variable, NS, "parent_sku")
        pub_all = _trim(A["Published"])
        extra.add_column(pub_all, kept & ~_eq(pub_all, "1"), NS, "published")
        extra.add_column(A["Stock"], kept & _eq(pc.utf8_lower(A["Stock"]), "parent"), NS, "stock")
        extra.add_column(A["In stock?"], kept & _eq(A["In stock?"], "backorder"), NS, "stock_status")
        if sched_rows is not None:
            extra.add_column(A["Sale price"], kept & sched_rows, NS, "sale_price")
        extra.add(vr, _trim(A["Name"].take(pa.array(vr))), NS, "name")
        extra.add(vr, _decode(A["Description"].take(pa.array(vr))), NS, "description", "multi_line_text_field")
        # every non-empty cell of a column said to become extra is either an extra row or counted in
        # the loss row's note ("<n> ..." segments) -- the loss table never claims what it did not do
        isprod = ~is_var
        for c, (ns, k, default) in _EXTRA_COLUMNS.items():
            if c not in A:
                continue
            s = A[c]
            keep_m = _nonempty(s) & kept
            segs: list[str] = []
            if keep_m.any():
                if k not in _VARIATION_FIELDS:  # product-only settings
                    onvar = keep_m & ~isprod
                    if k == "menu_order":
                        n_ = int(onvar.sum())
                        if n_:
                            segs.append(f"{n_} on variation rows: the variation order (variants.position)")
                    else:
                        fixed = _VARIATION_FIXED.get(k)
                        fx = onvar & _eq(s, fixed) if fixed is not None else np.zeros(N, dtype=bool)
                        n_ = int(fx.sum())
                        if n_:
                            segs.append(f"{n_} on variation rows equal to the exporter's fixed value '{fixed}' (not kept)")
                        n_ = int((onvar & ~fx).sum())
                        if n_:
                            segs.append(f"{n_} on variation rows dropped (a product-only setting)")
                            loss_dropped[c] = loss_dropped.get(c, 0) + n_
                    keep_m &= isprod
                if default is not None:
                    dm = keep_m & _eq(s, default)
                    n_ = int(dm.sum())
                    if n_:
                        segs.append(f"{n_} equal to WooCommerce's default '{default}' (not kept, the writer restores it)")
                    keep_m &= ~dm
                rows = np.flatnonzero(keep_m)
                if len(rows):
                    vals = s.take(pa.array(rows))
                    if c == "Short description":
                        vals = _decode(vals)
                    extra.add(rows, vals, ns, k)
            used[c] = f"extra:{ns}.{k}"
            if k == "tax_status":
                used[c] += "; variants.taxable"
            elif k == "menu_order":
                used[c] += "; variants.position (variation order)"
            loss_notes.setdefault(c, []).extend(segs)
        for c in dims:
            u = _UNIT_HEADER.match(c).group(2)
            k = _UNIT_HEADER.match(c).group(1).lower()
            extra.add_column(A[c], kept, NS, k)
            used[c] = f"extra:{NS}.{k} (unit '{u}' in extra:{NS}.dimension_unit)"
        if dims:
            anyd = np.zeros(N, dtype=bool)
            for c in dims:
                anyd |= _nonempty(A[c])
            rows = np.flatnonzero(anyd & kept)
            extra.add(rows, pa.array(np.full(len(rows), _UNIT_HEADER.match(dims[0]).group(2), dtype=object),
                                     pa.string()), NS, "dimension_unit")
        # downloads: one extra row per Download N name/URL/ID cell
        for c in A:
            m = _DL_HEADER.match(c)
            if m:
                k = f"download_{m.group(1)}_{m.group(2).lower()}"
                extra.add_column(A[c], kept, NS, k)
                used[c] = f"extra:{NS}.{k}"
        metas = [c for c in A if c.startswith("Meta: ") and used.get(c) is None]
        for c in metas:
            k = c[6:].strip()
            extra.add_column(A[c], kept, META_NS, k)
            used[c] = f"extra:{META_NS}.{k}"
        # attributes that are not variant options -> metafields; their flags -> woocommerce namespace
        _attribute_extra(attrs, opts, pidx, extra)
        # variation attributes that are not options of the parent (should not happen) stay as extra
        known = set(used) | {"Type"}
        for c in A:
            if c in known:
                continue
            k = re.sub(r"[^a-z0-9]+", "_", c.lower()).strip("_")
            extra.add_column(A[c], kept, NS, k)
            used[c] = f"extra:{NS}.{k}"

        # ---- options frames ------------------------------------------------------------------------
        product_options = {"product_id": prid.take(pa.array(opts["pprow"])), "position": opts["position"],
                           "name": opts["oname"]}
        # mangled identifiers (spreadsheets): flag, never fix
        for c in ("SKU", "GTIN, UPC, EAN, or ISBN"):
            if c in A:
                cand = _mask(pc.match_substring(A[c], "+"))
                m = _str_match(A[c], _SCI, cand) if cand.any() else cand
                if m.any():
                    view = _Rows(A, None, orig)
                    issues += issues_for(
                        m, t, view, severity="warning", column=c, check="spreadsheet_mangled",
                        detail=lambda i, c=c, view=view: f"'{view[c].iat[i]}' looks like a number a spreadsheet "
                                                         "turned into scientific notation; it was kept as is")

        # ---- final variant ids: <product_id>#<position> (mapping rules 1.2) ---------------------
        vprod = prid.take(pa.array(porder))
        final_id = pc.binary_join_element_wise(vprod, pc.cast(pa.array(position), pa.string()), "#")
        gone = is_grouped_p[porder]   # variants of grouped products go (the product becomes a collection)
        live_id = _where(~gone, final_id, None) if gone.any() else final_id
        # each row's extra entity id: the product's id, or the variant made from the row
        row_var = np.full(N, -1, dtype=np.int64)
        row_var[vsrc[isvar & is_orig]] = np.flatnonzero(isvar & is_orig)
        vrow_ix = np.where(row_var >= 0, N + row_var, -1)
        eidx = np.where(is_var, vrow_ix, np.arange(N))
        pool = pa.concat_arrays([rid, live_id])
        extra_df = extra.frame(is_var, lambda rows: _take(pool, eidx[rows]))
        variant_options = _variant_options_frame(
            vopt, inv, nown, live_id, lambda: tmp_id if tmp_id is not None else rid.take(pa.array(vsrc)))
        variants = _variants_frame(R, vsrc, vv, perm, nown, live_id, vprod, position, price, image_src, wunit)
        # grouped products become collections of their children (mapping rules 1.6), on pandas
        # frames; otherwise the tables go to the schema check as Arrow tables of its types
        as_table = _frame if is_grouped_p.any() else _table
        products, product_options, variants, variant_options, images, members, extra_df = (
            as_table(f) for f in (products, product_options, variants, variant_options, images, members, extra_df))
        if gone.any():
            variants = variants[~gone]
        if is_grouped_p.any():
            products, images, members, collections, extra_df = self._fold_grouped(
                A, pidx, prid, ids, sku, products, variants, images, members, collections, extra_df,
                is_grouped_p, t, file, issues, loss, orig)
        not_imported = ~kept
        for c in A:
            nz = _nonempty(A[c])
            ne = int(nz.sum())
            became = used.get(c, "")
            segs = list(loss_notes.get(c, []))
            dropped = loss_dropped.get(c, 0)
            if became.startswith("extra:") and not all_kept:
                n_ = int((nz & not_imported).sum())
                if n_:
                    segs.append(f"{n_} on variation rows not imported (orphan_variation)")
                    dropped += n_
            loss.append({"file": file, "column": c, "became": became, "non_empty": ne,
                         "dropped": dropped if became else ne, "note": "; ".join(segs)})
        frames = dict(products=products, product_options=product_options, variants=variants,
                      variant_options=variant_options, images=images, collections=collections,
                      collection_products=members, extra=extra_df)
        # the wide table and the working frames are not needed any more: free them before the
        # schema check copies the canonical tables (peak memory)
        del t, A, P, V, R, variants, products, product_options, variant_options, images, extra_df, extra, \
            attrs, opts, vopt, vv
        catalog = Catalog.from_frames(**frames)
        del frames
        return ReadResult(catalog, loss_frame(loss), issues_frame(issues), [file])

    @staticmethod
    def _attributes(A: dict, pidx: np.ndarray, vr: np.ndarray, vppos: np.ndarray, used: dict) -> dict:
        """Attributes in long form: ``p`` (product rows: pprow, n, name, values, flags) and ``v``
        (variation rows: vrow, pprow, n, name, value), each with ``code`` (the lower-cased name's
        code, shared) and without a repeated (row, name)."""
        attr_n = sorted({int(m.group(1)) for c in A if (m := _ATTR_HEADER.match(c))})
        pp, vp = [], []
        psel, vsel = pa.array(pidx), pa.array(vr)
        for k in attr_n:
            nm, vl = f"Attribute {k} name", f"Attribute {k} value(s)"
            vis, glo, dft = f"Attribute {k} visible", f"Attribute {k} global", f"Attribute {k} default"
            for c in (nm, vl, vis, glo, dft):
                if c in A:
                    used[c] = "product_options / variant_options / extra:custom.<attribute>"
            if nm not in A:
                continue
            pn = _trim(A[nm].take(psel))
            filled = _nonempty(pn)
            rows = np.flatnonzero(filled)
            sel = psel if filled.all() else pa.array(pidx[rows])
            part = {"pprow": rows, "n": np.full(len(rows), k), "name": pn if filled.all() else pn.take(pa.array(rows))}
            for key, c in (("values", vl), ("visible", vis), ("global", glo), ("default", dft)):
                part[key] = A[c].take(sel) if c in A else _blank(len(rows))
            pp.append(part)
            vn = _trim(A[nm].take(vsel))
            filled = _nonempty(vn)
            rows = np.flatnonzero(filled)
            if vl in A:
                value = A[vl].take(vsel if filled.all() else pa.array(vr[rows]))
                if _any_byte(value, b"\\"):
                    value = pc.replace_substring(value, "\\,", ",")
                value = _trim(value)
            else:
                value = _blank(len(rows))
            vp.append({"vrow": rows, "pprow": vppos[rows], "n": np.full(len(rows), k),
                       "name": vn if filled.all() else vn.take(pa.array(rows)), "value": value})
        p = _concat_parts(pp, {"pprow": "int", "n": "int", "name": "str", "values": "str", "visible": "str",
                               "global": "str", "default": "str"})
        v = _concat_parts(vp, {"vrow": "int", "pprow": "int", "n": "int", "name": "str", "value": "str"})
        # the lower-cased name's code, worked out per part on its distinct names
        gcode: dict[str, int] = {}
        seen_in = []   # per part: the codes it holds
        for part in pp + vp:
            vals, codes = _small_codes(part["name"])
            low = pc.utf8_lower(vals).to_pylist()
            cmap = np.array([gcode.setdefault(x, len(gcode)) for x in low], dtype=np.int64)
            part["code"] = cmap[codes] if len(codes) else np.zeros(0, dtype=np.int64)
            seen_in.append(set(cmap.tolist()))   # every distinct name occurs
        K = max(len(gcode), 1)
        p["code"] = np.concatenate([x["code"] for x in pp]) if pp else np.zeros(0, dtype=np.int64)
        v["code"] = np.concatenate([x["code"] for x in vp]) if vp else np.zeros(0, dtype=np.int64)
        np_ = len(pp)
        if any(a & b for i, a in enumerate(seen_in[:np_]) for b in seen_in[i + 1:np_]) or \
                any(a & b for i, a in enumerate(seen_in[np_:]) for b in seen_in[np_ + i + 1:]):
            # a name under two attribute numbers: the first counts
            keep = _first_seen(p["pprow"] * K + p["code"])
            if not keep.all():
                p = _filter_parts(p, keep)
            keep = _first_seen(v["vrow"] * K + v["code"])
            if not keep.all():
                v = _filter_parts(v, keep)
        return {"p": p, "v": v, "K": K, "nP": len(pidx)}

    def _any_values(self, attrs, opts, vopt, A, vr, vppos, pidx, prid, rid, sku, R, order_a, order_b, t, file,
                    issues, extra, orig):
        """Variation attributes left blank ("any"), as docs/mapping.md decides (pandas; rare): blank on
        every variation -> not an option (kept as extra custom.<name>); blank on some -> expanded."""
        vid = rid.take(pa.array(vr))
        j, orow = vopt["j"], vopt["orow"]
        vopt = pd.DataFrame({"variant_id": pd.array(vid.take(pa.array(j)), dtype="str"),
                             "product_id": pd.array(prid.take(pa.array(vppos[j])), dtype="str"),
                             "nkey": opts["code"][orow], "position": opts["position"][orow],
                             "oname": pd.array(opts["oname"].take(pa.array(orow)), dtype="str"),
                             "values": pd.array(opts["values"].take(pa.array(orow)), dtype="str"),
                             "value": pd.array(vopt["value"], dtype="str")})
        odf = pd.DataFrame({"product_id": pd.array(prid.take(pa.array(opts["pprow"])), dtype="str"),
                            "pprow": opts["pprow"], "nkey": opts["code"], "position": opts["position"],
                            "oname": pd.array(opts["oname"], dtype="str"),
                            "values": pd.array(opts["values"], dtype="str")})
        V = _Rows(A, vr, orig)
        P = _Rows(A, pidx, orig)
        anyv = vopt["value"] == ""
        vv = None
        # an attribute blank on EVERY variation of a product is not an option (mapping rules 3)
        allb = anyv.groupby([vopt["product_id"], vopt["position"]]).transform("all")
        dropo = vopt[allb].drop_duplicates(["product_id", "position"])
        if len(dropo):
            prow = pd.Series(np.arange(len(pidx)), index=prid.to_numpy(zero_copy_only=False))
            pr = prow[dropo["product_id"].to_numpy()].to_numpy()
            extra.add(pidx[pr], arrow_strings(dropo["values"].astype("str").str.replace("\\,", ",", regex=False)),
                      ATTR_NS, arrow_strings(attr_key(dropo["oname"])), keep_empty=True)
            pnames = P["Name"]
            for r, i in zip(dropo.head(50).itertuples(), pr[:50]):
                issues.append(issue("warning", file, t.line_of(int(P.index[i])), "Attribute value(s)", "any_value_attribute", f"'{r.oname}' is blank ('any {r.oname}') on every variation, so it is not a "
                                    f"variant option; its values are kept as extra custom.{attr_key(pd.Series([r.oname])).iat[0]}", product=pnames.iat[i], sku=""))
            dk = set(zip(dropo["product_id"], dropo["position"]))
            keep = ~pd.Series(list(zip(odf["product_id"], odf["position"])), index=odf.index).isin(dk)
            odf = odf[keep].copy()
            odf["position"] = odf.groupby("product_id", sort=False).cumcount() + 1
            vopt = vopt[~allb].drop(columns=["position"]).merge(odf[["product_id", "nkey", "position"]],
                                                                on=["product_id", "nkey"])
            anyv = vopt["value"] == ""
        if anyv.any():
            # blank on only some variations: one variant per parent value not already taken
            a = vopt[anyv]
            vrow = pd.Series(np.arange(len(vr)), index=vid.to_numpy(zero_copy_only=False))
            for r in a.drop_duplicates("variant_id").head(50).itertuples():
                i = int(vrow[r.variant_id])
                issues.append(issue("warning", file, t.line_of(int(V.index[i])), "Attribute value(s)", "any_value_expanded", f"this variation accepts any {r.oname}; it was expanded to one variant per value "
                                    f"of the parent (SKU <sku>-<value>, same price and stock)", product=V["Name"].iat[i], sku=V["SKU"].iat[i]))
            lst = split_list(a["values"].astype("str"))
            ex = a.drop(columns=["value"]).join(lst.rename("value"), how="inner")
            ex["expanded"] = True
            keepers = vopt[~anyv].assign(expanded=False)
            combos = self._expand(pd.concat([keepers, ex], ignore_index=True))
            key = combos.sort_values(["new_variant_id", "position"]).groupby("new_variant_id", sort=False).agg(
                variant_id=("variant_id", "first"), key=("value", lambda x: "\x1f".join(x)),
                suffix=("suffix", lambda x: "-".join(v for v in x if v)))
            pid_of = pd.Series(prid.take(pa.array(vppos)).to_numpy(zero_copy_only=False),
                               index=vid.to_numpy(zero_copy_only=False))
            key["product_id"] = key["variant_id"].map(pid_of)
            key["explicit"] = ~key["variant_id"].isin(set(a["variant_id"]))
            key = key.sort_values("explicit", ascending=False, kind="stable")
            key = key[~key.duplicated(["product_id", "key"])]
            combos = combos[combos["new_variant_id"].isin(key.index)]
            base_v = pd.DataFrame({"variant_id": vid.to_numpy(zero_copy_only=False), "_src": vr, "_pp": vppos,
                                   "sku": pd.array(R["sku"].take(pa.array(vr)), dtype="str"),
                                   "order_a": order_a, "order_b": order_b}).set_index("variant_id")
            newv = key.reset_index()
            newv = newv.set_index("new_variant_id").loc[pd.unique(combos["new_variant_id"])].reset_index()
            vvf = base_v.loc[newv["variant_id"].to_numpy()].reset_index()
            vvf["sku"] = np.where(newv["suffix"].to_numpy() != "",
                                  vvf["sku"].fillna("").astype("str") + "-" + newv["suffix"].to_numpy(), vvf["sku"])
            vv = {"src": vvf["_src"].to_numpy(), "pp": vvf["_pp"].to_numpy(),
                  "id": arrow_strings(newv["new_variant_id"].astype("str")),
                  "sku": pa.array(vvf["sku"].astype(object).where(vvf["sku"].notna(), None).to_numpy(), pa.string()),
                  "order_a": vvf["order_a"].to_numpy(), "order_b": vvf["order_b"].to_numpy()}
            vopt = combos[["new_variant_id", "product_id", "position", "value"]].rename(
                columns={"new_variant_id": "variant_id"})
        vo = {"j": None, "orow": None, "position": vopt["position"].to_numpy().astype(np.int64),
              "value": arrow_strings(vopt["value"].astype("str")),
              "variant_id": arrow_strings(vopt["variant_id"].astype("str"))}
        pprow = odf["pprow"].to_numpy().astype(np.int64)
        opts = {"pprow": pprow, "code": odf["nkey"].to_numpy().astype(np.int64),
                "position": odf["position"].to_numpy().astype(np.int64),
                "oname": arrow_strings(odf["oname"]), "values": arrow_strings(odf["values"])}
        return vv, vo, opts

    def _fold_grouped(self, A, pidx, prid, ids, sku, products, variants, images, members, collections, extra_df,
                      gmask, t, file, issues, loss, orig):
        """Grouped products become collections of their children (mapping rules 1.6)."""
        pids = ids.take(pa.array(pidx)).to_numpy(zero_copy_only=False)
        psku = sku.take(pa.array(pidx)).to_numpy(zero_copy_only=False)
        prid_np = prid.to_numpy(zero_copy_only=False)
        by_id = pd.Series(prid_np[pids != ""], index=pids[pids != ""])
        by_sku = pd.Series(prid_np[psku != ""], index=psku[psku != ""])
        by_id = by_id[~by_id.index.duplicated()]
        by_sku = by_sku[~by_sku.index.duplicated()]
        gpos = np.flatnonzero(gmask)
        grows = pidx[gpos]
        G = pd.DataFrame({c: pd.array(A[c].take(pa.array(grows)), dtype="str")
                          for c in ("Name", "SKU", "ID", "Description", "Grouped products", "Images", "Categories")
                          if c in A}, index=orig[grows])
        if "Grouped products" not in G:
            G["Grouped products"] = ""
        gid = prid_np[gpos]
        gh = pd.Series(products.loc[gmask, "handle"].to_numpy(), index=G.index)
        kids = split_list(G["Grouped products"])
        kid_pid = pd.Series(np.where(kids.str.startswith("id:"), kids.str[3:].str.strip().map(by_id),
                                     kids.map(by_sku)), index=kids.index)
        miss = kid_pid.isna()
        for i in np.flatnonzero(miss.to_numpy())[:50]:
            r = kids.index[i]
            issues.append(issue("warning", file, t.line_of(int(r)), "Grouped products", "grouped_member_missing", f"the grouped product's member '{kids.iat[i]}' is not in the file", product=G.at[r, "Name"], sku=G.at[r, "SKU"]))
        gcoll = grouped_collections(gh.to_numpy(), G["Name"].str.strip().to_numpy(),
                                    decode_description(G["Description"]).replace("", None).to_numpy(),
                                    G["ID"].replace("", None).to_numpy(), None)
        gm = grouped_members(gh.reindex(kids.index).to_numpy(), kid_pid.to_numpy())
        gset = set(gid)
        for col, what in (("Images", "images"), ("Categories", "categories")):
            ne = int((G[col] != "").sum())
            if ne:
                loss.append({"file": file, "column": col, "became": "", "non_empty": ne, "dropped": ne,
                             "note": f"{what} of grouped products (they became collections)"})
        f = fold_grouped({"products": products, "variants": variants, "images": images, "members": members,
                          "collections": collections, "extra": extra_df}, gset, gcoll, gm,
                         pd.Series(gh.to_numpy(), index=gid))
        return f["products"], f["images"], f["members"], f["collections"], f["extra"]

    @staticmethod
    def _expand(vopt: pd.DataFrame) -> pd.DataFrame:
        """Cross product of option values per source variant (for ``any_value=expand``)."""
        vopt = vopt.sort_values(["variant_id", "position"], kind="stable")
        pid = vopt.drop_duplicates("variant_id").set_index("variant_id")["product_id"]
        combos = None
        out = []
        vopt = vopt.assign(suffix=np.where(vopt["expanded"].fillna(False).astype(bool),
                                           slugify_series(vopt["value"].astype("str")), ""))
        for pos in sorted(vopt["position"].unique()):
            part = vopt[vopt["position"] == pos][["variant_id", "position", "value", "suffix"]]
            part = part.rename(columns={"value": f"v{pos}", "suffix": f"s{pos}"})[["variant_id", f"v{pos}", f"s{pos}"]]
            combos = part if combos is None else combos.merge(part, on="variant_id", how="left")
        combos["k"] = combos.groupby("variant_id", sort=False).cumcount()
        combos["new_variant_id"] = combos["variant_id"].where(combos["k"] == 0,
                                                               combos["variant_id"] + "#" + combos["k"].astype("str"))
        for pos in sorted(vopt["position"].unique()):
            out.append(pd.DataFrame({"variant_id": combos["variant_id"], "new_variant_id": combos["new_variant_id"],
                                     "product_id": combos["variant_id"].map(pid), "position": pos,
                                     "value": combos[f"v{pos}"], "suffix": combos[f"s{pos}"].fillna("")}))
        res = pd.concat(out, ignore_index=True)
        return res[res["value"].notna()]

    # -----------------------------------------------------------------------------------------
    def validate(self, catalog: Catalog) -> pd.DataFrame:
        """What WooCommerce's importer would skip: a repeated SKU (WooCommerce keeps one product or
        variation per SKU, compared case-insensitively), check ``duplicate_sku``, severity error,
        naming both products. The SKUs are those the writer writes, in its row order: a variable
        product's own SKU (``extra woocommerce.parent_sku``, else its handle when it has no
        WooCommerce ID), then its variations'; a one-variant product's variant SKU. The writer then
        writes each repeat as ``<sku>-2``, ... (``sku_renamed``), so no variant is lost.
        Column-wise; one issue per repeat (the first 50, then a summary row)."""
        p = catalog.products
        v = catalog.variants
        if not len(p) or not len(v):
            return issues_frame()
        pidx = pd.Series(np.arange(len(p)), index=p["product_id"].astype("str").to_numpy())
        pidx = pidx[~pidx.index.duplicated()]
        nopt = catalog.product_options.groupby("product_id").size()
        nvar = v.groupby("product_id").size()
        pid = p["product_id"].astype("str")
        variable = ((pid.map(nopt).fillna(0) > 0) | (pid.map(nvar).fillna(0) > 1)).to_numpy()
        ex = catalog.extra
        ps = ex[(ex["entity"] == "product") & (ex["namespace"] == NS) & (ex["key"] == "parent_sku")]
        ps = pd.Series(ps["value"].astype("str").to_numpy(), index=ps["entity_id"].astype("str").to_numpy())
        ps = ps[~ps.index.duplicated()]
        psku = pid.map(ps).astype(object).fillna("").astype("str")
        has_id = ((p["source_platform"].astype("str") == PLATFORM) & p["source_id"].notna()).to_numpy()
        need = variable & (psku == "").to_numpy() & ~has_id
        psku = psku.where(~need, p["handle"].astype("str"))
        title = p["title"].astype(object).fillna("").astype("str")
        rows_p = pd.DataFrame({"pos": np.arange(len(p)), "sub": 0, "sku": psku.to_numpy(),
                               "product": title.to_numpy()})[variable]
        vp = v["product_id"].astype("str").map(pidx)
        ok = vp.notna().to_numpy()
        vpos = vp.to_numpy()[ok].astype("int64")
        vsku = v["sku"].astype(object).where(v["sku"].notna(), "").astype("str").to_numpy()[ok]
        rows_v = pd.DataFrame({"pos": vpos, "sub": np.where(variable[vpos], v["position"].to_numpy()[ok], 0),
                               "sku": vsku, "product": title.to_numpy()[vpos]})
        allr = pd.concat([rows_p, rows_v], ignore_index=True).sort_values(["pos", "sub"], kind="stable")
        allr = allr.reset_index(drop=True)
        key = _sku_key(allr["sku"])
        dup = (key != "") & key.duplicated(keep="first")
        if not dup.any():
            return issues_frame()
        first = allr[(key != "") & ~key.duplicated(keep="first")]
        first_of = pd.Series(first["product"].to_numpy(), index=key[first.index].to_numpy())
        renames = _suffixed(allr["sku"], key, dup)
        rows = []
        for i, (old, new) in list(renames.items())[:50]:
            rows.append(issue("error", "", None, "sku", "duplicate_sku",
                              f"SKU {old!r} is also used by {first_of[key.iat[i]]!r} (earlier in the file); "
                              f"WooCommerce keeps one product or variation per SKU, so its importer would skip "
                              f"or merge this one: the writer writes it as {new!r} (sku_renamed)",
                              "give each variant its own SKU in the source shop, or keep the renamed one",
                              product=allr["product"].iat[i], sku=old))
        if len(renames) > 50:
            rows.append(issue("error", "", None, "sku", "duplicate_sku",
                              f"{len(renames) - 50} more repeated SKUs (each written with a suffix)",
                              "give each variant its own SKU in the source shop"))
        return issues_frame(rows)

    def write(self, catalog: Catalog, out_dir, *, dialect: str | None = None) -> list[Path]:
        """``woocommerce_products.csv``. The catalog is not modified. A repeated SKU (WooCommerce
        keeps one product or variation per SKU) is written as ``<sku>-2``, ``<sku>-3``, ... and each
        change is an issue ``sku_renamed`` in :attr:`write_issues` (``validate`` reports the repeats
        as ``duplicate_sku`` errors beforehand)."""
        renamed: list = []
        frame = catalog_to_frame(catalog, renamed)
        out, changed = escape_frame(frame)
        rows = []
        for r, col, old, new, name in renamed:
            rows.append(issue("warning", "woocommerce_products.csv", r + 2, col, "sku_renamed",
                              f"SKU {old!r} is already used by an earlier product or variation in this file; "
                              f"WooCommerce keeps one product or variation per SKU, so this one was written as "
                              f"{new!r}", "give it its own SKU in the source shop, or keep the new one",
                              product=name, sku=old))
        for r, col, old in changed:
            rows.append(issue("warning", "woocommerce_products.csv", r + 2, col, "formula_guarded", f"{old[:40]!r} starts like a spreadsheet formula; written with a leading ' "
                              "(WooCommerce's own exporter rule; its importer removes it)", product=out["Name"].iat[r] if "Name" in out
                              else "", sku=out["SKU"].iat[r] if "SKU" in out else ""))
        self.write_issues = issues_frame(rows)
        path = Path(out_dir) / "woocommerce_products.csv"
        text = "\ufeff" + out.to_csv(index=False, lineterminator="\n")
        with atomic_write(path, "w", newline="") as fh:
            fh.write(text)
        return [path]


# ---------------------------------------------------------------------------------------------
# writing

def escape_frame(frame: pd.DataFrame, numeric: tuple[str, ...] = ()) -> tuple[pd.DataFrame, list]:
    """WooCommerce's ``escape_data``: a ``'`` before text cells starting with = + - @ TAB CR.
    Cells that are plain numbers (``-12.5``) are left alone. Returns the frame and the changes."""
    out = frame.copy()
    changed = []
    for c in out.columns:
        s = out[c].astype("str")
        m = s.str.startswith(_TRIGGERS)
        if not m.any():
            continue
        m &= ~s.str.strip().str.match(_NUMBER)
        if not m.any():
            continue
        for i in np.flatnonzero(m.to_numpy()):
            changed.append((int(i), c, s.iat[i]))
        out[c] = s.where(~m, "'" + s)
    return out, changed


def catalog_to_frame(cat: Catalog, renamed: list | None = None) -> pd.DataFrame:
    """The catalog as the WooCommerce exporter's table: product rows, then variations after each
    variable parent. The catalog is not modified (its frames are shallow-copied before columns are
    added). A repeated SKU is written with a suffix (:func:`_unique_skus`); each change is appended
    to ``renamed`` as ``(row, column, old, new, name)`` when a list is given."""
    p = cat.products.copy(deep=False)
    v = cat.variants.copy(deep=False)
    po = cat.product_options
    vo = cat.variant_options
    extra = cat.extra
    nopt = po.groupby("product_id").size()
    p["nopt"] = p["product_id"].map(nopt).fillna(0).astype(int).to_numpy()
    nvar = v.groupby("product_id").size()
    p["nvar"] = p["product_id"].map(nvar).fillna(0).astype(int).to_numpy()
    variable = (p["nopt"] > 0) | (p["nvar"] > 1)
    pe = extra_wide(extra, "product", NS)
    ve = extra_wide(extra, "variant", NS)

    def px(key: str, default="") -> pd.Series:
        if key in pe.columns:
            return p["product_id"].map(pe[key]).fillna(default).astype("str")
        return pd.Series(default, index=p.index, dtype="str")

    def vx(vids: pd.Series, key: str, default="") -> pd.Series:
        if key in ve.columns:
            return vids.map(ve[key]).fillna(default).astype("str")
        return pd.Series(default, index=vids.index, dtype="str")

    # weight unit: the most common one; others converted
    units = v["weight_unit"].dropna().astype("str")
    wu = units.mode().iat[0] if len(units) else "kg"
    w = v["weight"].astype("float64")
    fac = v["weight_unit"].astype("str").map(lambda u: _TO_KG.get(u, 1.0) / _TO_KG[wu]) if len(v) else 1.0
    v["w_out"] = (w * fac).round(4)
    dunit = px("dimension_unit").replace("", np.nan).dropna()
    du = dunit.mode().iat[0] if len(dunit) else "cm"
    wcol, cols = f"Weight ({_WEIGHT_LABEL.get(wu, wu)})", []
    for c in EXPORT_COLUMNS:
        cols.append(c.format(w=_WEIGHT_LABEL.get(wu, wu), d=du))
    lcol, widcol, hcol = cols[20], cols[21], cols[22]

    first = v.sort_values(["product_id", "position"]).drop_duplicates("product_id").set_index("product_id")
    # images and categories
    imgs = cat.images.sort_values(["product_id", "position"])
    img_list = join_list(imgs["src"].astype("str"), imgs["product_id"].astype("str").to_numpy())
    coll = cat.collections.set_index("collection_id")
    cp = cat.collection_products.copy()
    cp["path"] = cp["collection_id"].map(coll["path"].where(coll["path"].notna(), coll["title"]))
    # drop ancestor memberships implied by a deeper path of the same product
    cp = cp.dropna(subset=["path"])
    if len(cp):
        cp["path"] = cp["path"].astype("str")
        paths_by_p = cp.groupby("product_id")["path"].agg(list)
        implied = set()
        for pid, lst in paths_by_p.items():  # one loop per product with categories: small lists
            for a in lst:
                if any(b != a and b.startswith(a + " > ") for b in lst):
                    implied.add((pid, a))
        if implied:
            key = list(zip(cp["product_id"], cp["path"]))
            cp = cp[[k not in implied for k in key]]
    cat_list = join_list(cp["path"], cp["product_id"].astype("str").to_numpy()) if len(cp) else pd.Series(dtype="str")

    P = pd.DataFrame(index=p.index)
    src_woo = p["source_platform"].astype("str") == PLATFORM
    P["ID"] = p["source_id"].astype("str").where(src_woo & p["source_id"].notna(), "")
    ptype = px("type").where(px("type") != "", np.where(variable, "variable", "simple"))
    flags = px("type_flags")
    P["Type"] = ptype.where(flags == "", flags)
    fv = first.reindex(p["product_id"])
    P["SKU"] = np.where(variable, px("parent_sku"), fv["sku"].astype("str").astype(object).fillna("").to_numpy())
    P["SKU"] = P["SKU"].replace("nan", "")
    P["GTIN, UPC, EAN, or ISBN"] = np.where(variable, "", fv["barcode"].astype("str").astype(object).fillna("").to_numpy())
    P["Name"] = p["title"].astype("str")
    pub = px("published")
    P["Published"] = np.where(p["status"].astype("str") == "active",
                              np.where(p["published"].fillna(True).astype(bool), "1", "0"),
                              pub.where(pub != "", "-1"))
    P["Is featured?"] = px("featured", "0")
    P["Visibility in catalog"] = px("catalog_visibility", "visible")
    P["Short description"] = encode_description(px("short_description"))
    P["Description"] = encode_description(p["description_html"].astype("str").astype(object).fillna(""))
    P["Date sale price starts"] = px("date_on_sale_from")
    P["Date sale price ends"] = px("date_on_sale_to")
    P["Tax status"] = px("tax_status", "taxable")
    P["Tax class"] = px("tax_class")

    def stock_cols(src: pd.DataFrame) -> tuple:
        tracked = src["inventory_tracker"].notna() & (src["inventory_tracker"].astype("str") != "")
        q = src["inventory_quantity"]
        stock = np.where(tracked & q.notna(), q.astype("Int64").astype("str"), "")
        instock = np.where(tracked & (q.fillna(0) <= 0),
                           np.where(src["inventory_policy"].astype("str") == "continue", "backorder", "0"), "1")
        back = np.where(src["inventory_policy"].astype("str") == "continue", "1", "0")
        return stock, instock, back

    s, i_, b = stock_cols(fv)
    P["In stock?"] = np.where(variable, "1", i_)
    P["Stock"] = np.where(variable, "", s)
    P["Stock"] = P["Stock"].replace("<NA>", "")
    P["Low stock amount"] = px("low_stock_amount")
    P["Backorders allowed?"] = np.where(variable, "0", b)
    P["Sold individually?"] = px("sold_individually", "0")
    P[wcol] = np.where(variable, "", fv["w_out"].astype("str").replace("nan", "").to_numpy()) if "w_out" in fv \
        else ""
    P[wcol] = pd.Series(P[wcol]).replace(["nan", "<NA>"], "")
    P[lcol], P[widcol], P[hcol] = px("length"), px("width"), px("height")
    P["Allow customer reviews?"] = px("reviews_allowed", "1")
    P["Purchase note"] = px("purchase_note")
    sale_on = fv["compare_at_price"].notna().to_numpy()
    reg = np.where(sale_on, fmt_money(fv["compare_at_price"]).to_numpy(), fmt_money(fv["price"]).to_numpy())
    P["Sale price"] = np.where(variable, "", np.where(sale_on, fmt_money(fv["price"]).to_numpy(), ""))
    P["Regular price"] = np.where(variable, "", reg)
    P["Categories"] = p["product_id"].astype("str").map(cat_list).astype(object).fillna("")
    P["Tags"] = p["tags"].astype(object).fillna("").astype("str")
    P["Shipping class"] = px("shipping_class")
    P["Images"] = p["product_id"].astype("str").map(img_list).astype(object).fillna("")
    P["Download limit"] = px("download_limit")
    P["Download expiry days"] = px("download_expiry")
    P["Parent"] = ""
    P["Grouped products"] = px("grouped_products")
    P["Upsells"] = px("upsell_ids")
    P["Cross-sells"] = px("cross_sell_ids")
    P["External URL"] = px("external_url")
    P["Button text"] = px("button_text")
    P["Position"] = px("menu_order", "0")
    P["_pid"] = p["product_id"].to_numpy()
    P["_order"] = np.arange(len(p)) * 2.0
    P["_vpos"] = 0
    # a parent needs an SKU (or an ID) for its variations to link
    need = variable & (P["SKU"] == "") & (P["ID"] == "")
    P.loc[need, "SKU"] = p.loc[need, "handle"].astype("str")

    # variation rows
    vv = v[v["product_id"].isin(p.loc[variable, "product_id"])].copy()
    V = pd.DataFrame(index=vv.index)
    pidx = pd.Series(np.arange(len(p)), index=p["product_id"].to_numpy())
    prow = vv["product_id"].map(pidx).to_numpy()
    V["ID"] = vv["source_id"].astype("str").where(
        vv["source_id"].notna() & src_woo.to_numpy()[prow], "") if len(vv) else ""
    V["Type"] = "variation"
    V["SKU"] = vv["sku"].astype("str").astype(object).fillna("")
    V["GTIN, UPC, EAN, or ISBN"] = vv["barcode"].astype("str").astype(object).fillna("")
    vname = vx(vv["variant_id"], "name")
    V["Name"] = vname
    V["Published"] = "1"
    for c in ("Is featured?", "Visibility in catalog", "Short description", "Date sale price starts",
              "Date sale price ends", "Tax class", "Low stock amount", "Sold individually?", lcol, widcol, hcol,
              "Purchase note", "Categories", "Tags", "Shipping class", "Download limit", "Download expiry days",
              "Grouped products", "Upsells", "Cross-sells", "External URL", "Button text"):
        V[c] = ""
    V["Is featured?"] = "0"
    V["Visibility in catalog"] = "visible"
    V["Sold individually?"] = "0"
    V["Description"] = encode_description(vx(vv["variant_id"], "description"))
    # settings a variation carries itself (kept as variant extra by the reader)
    for c, key in (("Date sale price starts", "date_on_sale_from"), ("Date sale price ends", "date_on_sale_to"),
                   ("Tax class", "tax_class"), ("Low stock amount", "low_stock_amount"),
                   ("Purchase note", "purchase_note"), ("Shipping class", "shipping_class"),
                   ("Download limit", "download_limit"), ("Download expiry days", "download_expiry")):
        V[c] = vx(vv["variant_id"], key).to_numpy()
    vts = vx(vv["variant_id"], "tax_status")
    V["Tax status"] = np.where(vts != "", vts, np.where(vv["taxable"].fillna(True).astype(bool), "taxable", "none"))
    s, i_, b = stock_cols(vv)
    V["In stock?"], V["Stock"], V["Backorders allowed?"] = i_, pd.Series(s).replace("<NA>", "").to_numpy(), b
    V[wcol] = vv["w_out"].astype("str").replace(["nan", "<NA>"], "").to_numpy()
    V["Allow customer reviews?"] = "0"
    sale_on = vv["compare_at_price"].notna().to_numpy()
    V["Sale price"] = np.where(sale_on, fmt_money(vv["price"]).to_numpy(), "")
    V["Regular price"] = np.where(sale_on, fmt_money(vv["compare_at_price"]).to_numpy(),
                                  fmt_money(vv["price"]).to_numpy())
    V["Images"] = vv["image_src"].astype("str").astype(object).fillna("")
    psku = P["SKU"].to_numpy()[prow] if len(vv) else []
    pid_ = P["ID"].to_numpy()[prow] if len(vv) else []
    V["Parent"] = np.where(psku != "", psku, "id:" + pd.Series(pid_, dtype="str").to_numpy()) if len(vv) else ""
    V["Position"] = vv["position"].astype("int64").astype("str").to_numpy() if len(vv) else ""
    V["_pid"] = vv["product_id"].to_numpy()
    V["_order"] = prow * 2.0 + 1 if len(vv) else []
    V["_vpos"] = vv["position"].to_numpy()

    # attributes: options (variable) first, then non-option attributes (custom namespace)
    pos_names = po.sort_values(["product_id", "position"])
    maxopt = int(pos_names.groupby("product_id").size().max()) if len(pos_names) else 0
    cust = extra[(extra["entity"] == "product") & (extra["namespace"] == ATTR_NS)]
    ncust = int(cust.groupby("entity_id").size().max()) if len(cust) else 0
    nattr = maxopt + ncust
    vals_by = None
    if len(vo):
        vo2 = vo.merge(v[["variant_id", "product_id"]], on="variant_id")
        vals_by = vo2.sort_values(["product_id", "position"])
    for k in range(1, nattr + 1):
        P[f"Attribute {k} name"] = ""
        P[f"Attribute {k} value(s)"] = ""
        P[f"Attribute {k} visible"] = ""
        P[f"Attribute {k} global"] = ""
        V[f"Attribute {k} name"] = ""
        V[f"Attribute {k} value(s)"] = ""
        V[f"Attribute {k} visible"] = ""
        V[f"Attribute {k} global"] = ""
    anyattr = {c[len("any_attribute:"):]: c for c in ve.columns if str(c).startswith("any_attribute:")} if len(ve) \
        else {}
    for k in range(1, maxopt + 1):
        o = pos_names[pos_names["position"] == k].set_index("product_id")["name"]
        nm = p["product_id"].map(o)
        P[f"Attribute {k} name"] = nm.astype(object).fillna("").astype("str").to_numpy()
        if vals_by is not None:
            vk = vals_by[vals_by["position"] == k]
            # the parent lists every value once, in first-seen order
            uv = vk.drop_duplicates(["product_id", "value"])
            lst = join_list(uv["value"].astype("str"), uv["product_id"].to_numpy())
            # "Any X" marker values are not real values
            P[f"Attribute {k} value(s)"] = p["product_id"].map(lst).astype(object).fillna("").astype("str").to_numpy()
            val = vk.set_index("variant_id")["value"]
            vval = vv["variant_id"].map(val).astype(object).fillna("").astype("str")
            V[f"Attribute {k} value(s)"] = vval.str.replace(",", "\\,", regex=False).to_numpy()
        P[f"Attribute {k} visible"] = np.where(nm.notna(), "1", "")
        P[f"Attribute {k} global"] = np.where(nm.notna(), "0", "")
        vn = vv["product_id"].map(o)
        V[f"Attribute {k} name"] = vn.astype(object).fillna("").astype("str").to_numpy()
        V[f"Attribute {k} global"] = np.where(vn.notna(), "0", "")
        for oname, col in anyattr.items():
            # a variation that accepted any value: blank again, and the parent lists the real values
            m = (vn.astype("str") == oname).to_numpy() & vx(vv["variant_id"], col).ne("").to_numpy()
            if m.any():
                V.loc[m, f"Attribute {k} value(s)"] = ""
                real = vx(vv["variant_id"], col)[m]
                pr = pd.Series(real.to_numpy(), index=vv.loc[m, "product_id"].to_numpy())
                pr = pr[~pr.index.duplicated()]
                pm = (P[f"Attribute {k} name"] == oname) & p["product_id"].isin(pr.index).to_numpy()
                P.loc[pm, f"Attribute {k} value(s)"] = p.loc[pm, "product_id"].map(pr).str.replace(
                    ",", "\\,", regex=False).str.replace("\\\\,", ", ", regex=False).to_numpy()
    if ncust:
        cust = cust.copy()
        cust["k"] = cust.groupby("entity_id", sort=False).cumcount() + 1
        offset = p["product_id"].map(nopt).fillna(0).astype(int)
        for j in range(1, ncust + 1):
            cj = cust[cust["k"] == j].set_index("entity_id")
            nm = p["product_id"].map(cj["key"])
            vl = p["product_id"].map(cj["value"])
            m = nm.notna()
            for off in sorted(offset[m].unique()):
                mm = m & (offset == off)
                col = off + j
                P.loc[mm, f"Attribute {col} name"] = nm[mm].astype("str")
                P.loc[mm, f"Attribute {col} value(s)"] = vl[mm].astype("str")
                P.loc[mm, f"Attribute {col} visible"] = "1"
                P.loc[mm, f"Attribute {col} global"] = "0"
    meta = extra[(extra["entity"] == "product") & (extra["namespace"] == META_NS)]
    for k in pd.unique(meta["key"]):
        mk = meta[meta["key"] == k].set_index("entity_id")["value"]
        P[f"Meta: {k}"] = p["product_id"].map(mk).astype(object).fillna("").astype("str").to_numpy()
        V[f"Meta: {k}"] = ""
    dl_keys = sorted({int(m.group(1)) for k in pe.columns if (m := re.match(r"^download_(\d+)_", str(k)))}) \
        if len(pe) else []
    for j in dl_keys:
        for part, head in (("name", "name"), ("url", "URL")):
            P[f"Download {j} {head}"] = px(f"download_{j}_{part}")
            V[f"Download {j} {head}"] = ""
    both = pd.concat([P, V], ignore_index=True)
    both = both.sort_values(["_order", "_vpos"], kind="stable").drop(columns=["_order", "_vpos"])
    both = both.astype(object).fillna("").astype("str").replace({"nan": "", "<NA>": "", "None": ""})
    both = both.reset_index(drop=True)
    both, changes = _unique_skus(both)
    if renamed is not None:
        renamed.extend(changes)
    return both.drop(columns=["_pid"])


def _sku_key(s: pd.Series) -> pd.Series:
    """WooCommerce compares SKUs in MySQL (case-insensitive collation): the key a repeat is found by."""
    return s.astype("str").str.strip().str.lower()


def _suffixed(sku: pd.Series, key: pd.Series, dup: pd.Series) -> dict:
    """Row position -> (old SKU, new SKU) for the repeats ``dup``: the first free ``<sku>-<n>``
    (n = 2, 3, ...) in row order, free meaning not used by any other SKU (case-insensitive)."""
    return suffix_repeats(sku, dup, set(key[key != ""]), fold=str.lower, strip=True)


def _unique_skus(both: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """WooCommerce keeps one product or variation per SKU (its importer skips or merges a repeat):
    the second and later rows with an SKU already used get ``<sku>-2``, ``<sku>-3``, ... (the first
    free one, in file order, so the result is deterministic); a renamed variable parent's variations
    follow it (``Parent``); the suffixes come from ``_common.suffix_repeats``. Returns
    the frame and ``(row, "SKU", old, new, name)`` per change. Column-wise except for the repeats."""
    key = _sku_key(both["SKU"])
    dup = (key != "") & key.duplicated(keep="first")
    if not dup.any():
        return both, []
    changes = []
    sku = both["SKU"].to_numpy(dtype=object).copy()
    parent = both["Parent"].to_numpy(dtype=object).copy()
    pids = both["_pid"].to_numpy(dtype=object)
    is_var = (both["Type"] == "variation").to_numpy()
    names = both["Name"].to_numpy(dtype=object)
    pname = dict(zip(pids[~is_var], names[~is_var]))  # a variation is named by its product
    moved = {}
    for i, (old, new) in _suffixed(both["SKU"], key, dup).items():
        sku[i] = new
        if not is_var[i]:  # a parent: its variations link to the new SKU (below)
            moved[pids[i]] = (both["SKU"].iat[i], new)
        changes.append((int(i), "SKU", old, new, str(pname.get(pids[i], names[i]))))
    if moved:
        mv = pd.Series(pids).map({k: o for k, (o, n) in moved.items()})
        m = is_var & (mv.notna().to_numpy()) & (parent == mv.to_numpy())
        parent[m] = pd.Series(pids[m]).map({k: n for k, (o, n) in moved.items()}).to_numpy()
    both = both.copy()
    both["SKU"] = sku
    both["Parent"] = parent
    return both, changes


register("woocommerce", WooCommerceAdapter)
