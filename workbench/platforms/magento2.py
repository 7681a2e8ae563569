"""Magento 2: the product export (System > Export > Products) and import CSV (formats.md section 3).

Reading is by header name (column order varies by version and modules) and column-wise:

* one row per SKU and scope: the row with an empty ``store_view_code`` is the product; rows with a
  code are store-view overrides, kept in ``extra`` (namespace ``magento2.<store_view_code>``), never
  treated as duplicate products;
* configurable parents list their children in ``configurable_variations`` (``|`` records, ``,``
  pairs) with ``configurable_variation_labels`` as option names; the children (ordinary simple or
  virtual rows) become the parent's variants, not products of their own; standalone simples are
  products with one variant;
* ``additional_attributes`` (``code=value`` pairs, values possibly quoted, ``|`` multiselect):
  configurable axes become option values, the other attributes are kept in ``extra`` (namespace
  ``custom``, written as metafields);
* images: base, small, thumbnail and swatch image, then ``additional_images`` (ordered by
  ``additional_image_positions`` when present); exported paths are relative to Magento's
  ``pub/media/catalog/product`` folder (``/m/b/x.jpg``) and are joined to the mapping file's
  ``[urls] image_base_url`` (the shop's URL of that folder, e.g.
  ``https://shop.example/media/catalog/product``), or kept relative and flagged when none is set;
* old storefront URLs (for redirects) from ``url_key``: ``[urls] product_url_pattern`` /
  ``category_url_pattern`` when set, else Magento's defaults ``/<url_key>.html`` and
  ``/<category url keys joined with />.html``;
* several files: the first file that has a SKU wins; a later file's rows for it are skipped and
  reported (``duplicate_sku``), never merged;
* a ``special_price`` below ``price`` is the selling price (``price`` becomes compare-at), flagged
  when it has a date window;
* bundles and products with ``custom_options`` are kept as products, their structure in ``extra``
  and flagged (Shopify has no bundle type); grouped products become collections of their members.

Customers (formats.md 3.3): the "Customers Main File", "Customer Addresses" and composite files,
told apart by their headers; password hashes and reset tokens are never carried.

Writing produces the import CSV in the 2.3/2.4 column order (formats.md 3.1 (b)): configurable
parents after their children; a repeated SKU is written ``<sku>-2``... (``sku_renamed``), a
compare-at price not above the price is not written (``compare_at_not_written``); customers as the
Customers Main File and Customer Addresses files. Decisions: ``docs/mapping.md`` (section Magento).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from .._arrow import (dictionary_codes, filled as _filled, first_occurrence as _first_mask, has_byte as _has_byte,
                      offsets as _offsets, one_chunk, order_by, plain_decimal_mask, take_or_null as _take)
from ..mapping import Mapping, slugify
from ..safeio import atomic_write, is_formula
from . import register
from .base import Adapter, Catalog, ReadResult, issues_frame, loss_frame
from .csvio import read_table
from ._common import (AMOUNT_RULE, ATTR_NS, EXTRA_COLUMNS, amount_misfits, arrow_strings, attr_key, collection_names,
                      concat_extra,
                      text_array as _text, concat_results, merge_file_collections, none_if_empty, to_numeric, extra_rows, extra_wide,
                      fmt_money, isin, issue, lookup, mapping_option, mapping_option_name, rename_headers,
                      slugify_series, unique_handles, fold_grouped, grouped_collections, grouped_members,
                      row_dicts, suffix_repeats)

__all__ = ["Magento2Adapter", "IMPORT_COLUMNS"]

NS = "magento2"
PLATFORM = "magento2"

#: formats.md 3.1 (b): the 2.3/2.4 export/import order (89 columns).
IMPORT_COLUMNS = (
    "sku,store_view_code,attribute_set_code,product_type,categories,product_websites,name,description,"
    "short_description,weight,product_online,tax_class_name,visibility,price,special_price,special_price_from_date,"
    "special_price_to_date,url_key,meta_title,meta_keywords,meta_description,base_image,base_image_label,small_image,"
    "small_image_label,thumbnail_image,thumbnail_image_label,swatch_image,swatch_image_label,created_at,updated_at,"
    "new_from_date,new_to_date,display_product_options_in,map_price,msrp_price,map_enabled,gift_message_available,"
    "custom_design,custom_design_from,custom_design_to,custom_layout_update,page_layout,product_options_container,"
    "msrp_display_actual_price_type,country_of_manufacture,additional_attributes,qty,out_of_stock_qty,"
    "use_config_min_qty,is_qty_decimal,allow_backorders,use_config_backorders,min_cart_qty,use_config_min_sale_qty,"
    "max_cart_qty,use_config_max_sale_qty,is_in_stock,notify_on_stock_below,use_config_notify_stock_qty,manage_stock,"
    "use_config_manage_stock,use_config_qty_increments,qty_increments,use_config_enable_qty_inc,"
    "enable_qty_increments,is_decimal_divided,website_id,related_skus,related_position,crosssell_skus,"
    "crosssell_position,upsell_skus,upsell_position,additional_images,additional_image_labels,"
    "hide_from_product_page,custom_options,bundle_price_type,bundle_sku_type,bundle_price_view,bundle_weight_type,"
    "bundle_values,bundle_shipment_type,associated_skus,downloadable_links,downloadable_samples,"
    "configurable_variations,configurable_variation_labels").split(",")

#: Stock and scope settings with no Shopify equivalent: dropped (counted in the loss report).
_DROPPED = {
    "out_of_stock_qty", "use_config_min_qty", "is_qty_decimal", "use_config_backorders", "min_cart_qty",
    "use_config_min_sale_qty", "max_cart_qty", "use_config_max_sale_qty", "notify_on_stock_below",
    "use_config_notify_stock_qty", "use_config_manage_stock", "use_config_qty_increments", "qty_increments",
    "use_config_enable_qty_inc", "enable_qty_increments", "is_decimal_divided", "website_id",
    "deferred_stock_update", "use_config_deferred_stock_update", "save_rewrites_history",
    "msrp_display_actual_price_type", "base_image_position", "small_image_position", "thumbnail_image_position",
    "swatch_image_position",
}
_DROP_NOTE = "Magento stock/scope configuration; Shopify has no equivalent"
#: Magento's own bookkeeping attributes inside additional_attributes (recomputed by Magento).
_SYSTEM_ATTRS = {"has_options", "required_options", "quantity_and_stock_status"}
#: Columns kept in extra when they differ from Magento's default.
_EXTRA_DEFAULTS = {
    "attribute_set_code": None, "product_websites": "base", "short_description": None, "tax_class_name": "Taxable Goods",
    "visibility": "Catalog, Search", "special_price_from_date": None, "special_price_to_date": None,
    "meta_keywords": None, "new_from_date": None, "new_to_date": None,
    "display_product_options_in": "Block after Info Column", "map_price": None, "msrp_price": None,
    "map_enabled": None, "gift_message_available": None, "custom_design": None, "custom_design_from": None,
    "custom_design_to": None, "custom_layout_update": None, "page_layout": None, "product_options_container": None,
    "country_of_manufacture": None, "related_skus": None, "related_position": None, "crosssell_skus": None,
    "crosssell_position": None, "upsell_skus": None, "upsell_position": None, "hide_from_product_page": None,
    "disabled_images": None, "custom_options": None, "bundle_price_type": None, "bundle_sku_type": None,
    "bundle_price_view": None, "bundle_weight_type": None, "bundle_values": None, "bundle_values_position": None,
    "bundle_shipment_type": None, "associated_skus": None, "associated_position": None, "downloadable_links": None,
    "downloadable_samples": None, "inventory_source_items": None, "tier_prices": None, "min_qty": None,
}
_IMAGE_ROLES = ("base_image", "small_image", "thumbnail_image", "swatch_image")
#: The columns a configurable child's variant is read from (selected once, not the whole wide row).
_ROW_COLUMNS = ("sku", "name", "price", "special_price", "special_price_from_date", "special_price_to_date", "weight",
                "qty", "use_config_manage_stock", "manage_stock", "is_in_stock", "use_config_backorders",
                "allow_backorders", "tax_class_name", "base_image", "product_type")


# =================================================================================================
# Arrow / numpy plumbing for the product reader (positions, not pandas index alignment)
# =================================================================================================

def _strs(arr) -> pd.array:
    """An Arrow string array as a pandas ``str`` array (no copy through Python objects)."""
    return pd.array(one_chunk(arr), dtype="str")


def _arrow_col(arr) -> pd.api.extensions.ExtensionArray:
    """An Arrow array as a canonical frame's column (Arrow-backed, zero-copy: the schema check
    takes the Arrow array as it is)."""
    if isinstance(arr, pa.Array):
        arr = pa.chunked_array([arr])
    return pd.arrays.ArrowExtensionArray(arr)


def _dense(keys: np.ndarray, n: int) -> bool:
    """Whether non-negative int keys are few enough for a table indexed by key."""
    return bool(len(keys)) and int(keys.min()) >= 0 and int(keys.max()) < 4 * n + 1024


def _first_pos(keys: np.ndarray) -> np.ndarray:
    """Per key value (dense table, keys small): the position of its first occurrence."""
    n = len(keys)
    first = np.full(int(keys.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, keys, np.arange(n))
    return first


def _lookup_first(lk: np.ndarray, rk: np.ndarray) -> np.ndarray:
    """For each left key, the position of the first equal right key (-1 when none)."""
    if not len(lk):
        return np.zeros(0, dtype=np.int64)
    if not len(rk):
        return np.full(len(lk), -1, dtype=np.int64)
    if _dense(rk, len(rk)) and int(lk.min()) >= 0:
        first = _first_pos(rk)
        ok = lk < len(first)
        out = np.where(ok, first[np.where(ok, lk, 0)], len(rk))
        return np.where(out == len(rk), -1, out)
    fk = np.flatnonzero(_first_mask(rk))
    pos = pd.Index(rk[fk]).get_indexer(lk)
    return np.where(pos >= 0, fk[np.maximum(pos, 0)], -1)


def _codes(*arrays) -> tuple[list[np.ndarray], int]:
    """Int codes of several string arrays on one shared dictionary (equal text, equal code)."""
    both = pa.concat_arrays([a.cast(pa.string()) if a.type != pa.string() else a for a in arrays]) \
        if len(arrays) > 1 else arrays[0]
    codes, dictionary = dictionary_codes(both)
    return np.split(codes, np.cumsum([len(a) for a in arrays])[:-1]), max(len(dictionary), 1)


def _join(lk: np.ndarray, rk: np.ndarray, left: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Every (left, right) position pair with equal int keys, in left order then right order (a
    pandas inner merge); with ``left``, unmatched left rows too (right position -1)."""
    order = np.argsort(rk, kind="stable")
    rs = rk[order]
    lo = np.searchsorted(rs, lk, "left")
    cnt = np.searchsorted(rs, lk, "right") - lo
    miss = cnt == 0
    if left:
        cnt = np.where(miss, 1, cnt)
    li = np.repeat(np.arange(len(lk)), cnt)
    start = np.cumsum(cnt) - cnt
    pos = np.arange(int(cnt.sum())) + np.repeat(lo - start, cnt)
    ri = order[np.minimum(pos, max(len(order) - 1, 0))] if len(order) else np.full(len(pos), -1)
    if left:
        ri = np.where(np.repeat(miss, cnt), -1, ri)
    return li, ri


def _member(keys: np.ndarray, among: np.ndarray, space: int) -> np.ndarray:
    """``np.isin(keys, among)`` for non-negative int keys below ``space``: a bitmap when it is small,
    else a hash lookup."""
    if not len(among) or not len(keys):
        return np.zeros(len(keys), dtype=bool)
    if space <= 8 * (len(keys) + len(among)) + 4096:
        bits = np.zeros(space, dtype=bool)
        bits[among] = True
        return bits[keys]
    return pd.Index(among).get_indexer(keys) >= 0 if pd.Index(among).is_unique else \
        pd.Index(np.unique(among)).get_indexer(keys) >= 0


def _tail_bytes(text: pa.Array) -> np.ndarray:
    """The last (up to) 8 bytes of each string as one uint64, read through an unaligned byte-stride
    view of the data buffer (no per-byte work)."""
    off = _offsets(text).astype(np.int64)
    buf = text.buffers()[2]
    data = np.frombuffer(buf, dtype=np.uint8) if buf is not None and buf.size else np.zeros(0, dtype=np.uint8)
    b = off[1:]
    w = np.zeros(len(b), dtype=np.uint64)
    big = b >= 8
    if big.any():
        win = np.lib.stride_tricks.as_strided(data, shape=(len(data) - 7, 8), strides=(1, 1),
                                              writeable=False)  # win[k] = data[k:k+8]
        w[big] = np.ascontiguousarray(win[b[big] - 8]).view("<u8").ravel()
    if not big.all():  # the strings ending in the first 8 bytes of the buffer
        head = np.zeros(16, dtype=np.uint8)
        head[8:8 + min(len(data), 8)] = data[:8]
        w[~big] = np.ndarray((9,), dtype="<u8", buffer=head, strides=(1,))[b[~big]]
    ln = np.minimum(off[1:] - off[:-1], 8)
    sh = (np.minimum(8 - ln, 7) * 8).astype(np.uint64)
    return np.where(ln == 0, np.uint64(0), (w >> sh) << sh)


def _first_text(groups: np.ndarray, text: pa.Array) -> np.ndarray:
    """Mask of the first occurrence of each (group, text) pair, in order. Only the rows whose cheap
    fingerprint (group, length, last bytes) repeats are compared as text."""
    n = len(text)
    if n < 2:
        return np.ones(n, dtype=bool)
    off = _offsets(text).astype(np.uint64)
    fp = (groups.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
          ^ (off[1:] - off[:-1]) * np.uint64(0xC2B2AE3D27D4EB4F)
          ^ _tail_bytes(text))
    cand = _near_repeats(groups, fp)
    first = np.ones(n, dtype=bool)
    if len(cand):
        (c,), nc = _codes(text.take(cand))
        first[cand] = _first_mask(groups[cand] * nc + c)
    return first


def _near_repeats(groups: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Positions whose fingerprint ``fp`` occurs twice. When ``groups`` is sorted with short runs
    (the fingerprint includes the group), only rows a run apart are compared: a few vector compares
    instead of a hash of every row."""
    n = len(fp)
    new = np.ones(n, dtype=bool)
    new[1:] = groups[1:] != groups[:-1]
    starts = np.flatnonzero(new)
    longest = int(np.diff(np.append(starts, n)).max()) if n else 0
    if not (longest <= 16 and bool((groups[1:] >= groups[:-1]).all())):
        return np.flatnonzero(pd.Index(fp.view(np.int64)).duplicated(keep=False))
    rep = np.zeros(n, dtype=bool)
    for d in range(1, longest):
        same = fp[d:] == fp[:-d]
        rep[d:] |= same
        rep[:-d] |= same
    return np.flatnonzero(rep)


def _run_positions(groups: np.ndarray) -> np.ndarray:
    """1-based place of each row in its run of equal ``groups`` values (rows already grouped)."""
    n = len(groups)
    if not n:
        return np.zeros(0, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = groups[1:] != groups[:-1]
    starts = np.flatnonzero(new)
    return np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n))) + 1


def _is_ascii(arr: pa.Array) -> bool:
    return bool(pc.all(pc.string_is_ascii(arr)).as_py()) if len(arr) else True


def _split_at_eq(flat: pa.Array, eq: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Each ``code=value`` token split at its first ``=`` (``eq``: its byte position, -1 when none:
    the token is the code, the value empty): new offsets over the same bytes (code, ``=``, value
    per token); the codes taken, the values left in place."""
    n = len(flat)
    off = _offsets(flat)
    a, b = off[:-1], off[1:]
    has = eq >= 0
    e = np.where(has, a + eq.astype(np.int32), b)
    o3 = np.empty(3 * n + 1, dtype=np.int32)
    rows = o3[:3 * n].reshape(n, 3)  # per token: code start, "=" (or end), value start
    rows[:, 0] = a
    rows[:, 1] = e
    np.add(e, has, out=rows[:, 2])  # without "=" the value is empty: e == b
    o3[3 * n] = b[-1] if n else 0
    arr3 = pa.StringArray.from_buffers(3 * n, pa.py_buffer(o3), flat.buffers()[2])
    return arr3.take(np.arange(0, 3 * n, 3)), arr3  # the values: arr3 at 3 * token + 2, taken when needed


def _pairs(arr: pa.Array, sep: str = ",", values: bool = True) -> dict:
    """``code=value`` pairs of each cell: ``row`` (position in ``arr``), ``code``, ``value`` (Arrow)
    and ``order`` (place in the cell). A token without ``=`` continues the previous value (a comma
    inside a value); surrounding quotes are removed (``a="x"`` and ``"a=x, y"`` both give ``x``/``x, y``)."""
    arr = _text(arr)
    lst = pc.split_pattern(arr, sep)
    flat = pc.list_flatten(lst)
    parents = pc.list_parent_indices(lst).to_numpy().astype(np.int64)
    if not len(flat):
        empty = pa.array([], pa.string())
        return {"row": parents, "code": empty, "value": empty, "order": parents.copy(), "vpos": parents.copy(),
                "qcode": np.zeros(0, dtype=bool), "arr3": (empty,), "ascii": True}
    data = _data(arr)
    ascii_ = not bool((data >= 128).any())
    quotes = bool((data == 34).any())  # without any '"' there is nothing to unquote
    trim_ws = pc.ascii_trim_whitespace if ascii_ else pc.utf8_trim_whitespace
    trim = pc.ascii_trim if ascii_ else pc.utf8_trim
    eq = pc.find_substring(flat, "=").to_numpy(zero_copy_only=False)
    start = eq >= 0
    start[0] = True
    start[1:] |= parents[1:] != parents[:-1]
    if not start.all():  # rare: commas inside values; join the continuation tokens back
        gid = np.cumsum(start) - 1
        vals = np.asarray(flat.to_pylist(), dtype=object)
        starts = vals[start].copy()
        for j in np.flatnonzero(~start):
            starts[gid[j]] = starts[gid[j]] + sep + vals[j]
        flat = pa.array(starts, type=pa.string())
        eq = pc.find_substring(flat, "=").to_numpy(zero_copy_only=False).astype(np.int64)
        parents = parents[start]
        order = np.arange(len(parents)) - np.searchsorted(parents, parents)
    else:
        off = lst.offsets.to_numpy().astype(np.int64)
        order = np.arange(len(parents)) - (off[parents] - off[0])
    code0, arr3 = _split_at_eq(flat, eq)
    vpos = np.arange(len(flat))
    code_raw = trim_ws(code0)
    if quotes:
        code = trim(code_raw, characters='" ')
        qcode = pc.starts_with(code_raw, '"').to_numpy(zero_copy_only=False)
    else:
        code, qcode = code_raw, np.zeros(len(code_raw), dtype=bool)
    keep = _filled(code)
    if not keep.all():
        k = pa.array(keep)
        parents, code, vpos, order, qcode = parents[keep], code.filter(k), vpos[keep], order[keep], qcode[keep]
    out = {"row": parents, "code": code, "order": order, "vpos": vpos, "qcode": qcode, "arr3": (arr3,),
           "ascii": ascii_, "quotes": quotes}
    if values:
        out["value"] = _pair_values(out)
    return out


def _subset(p: dict, idx: np.ndarray) -> dict:
    """The pairs at positions ``idx`` (every array of the dict taken)."""
    return {k: v[idx] if isinstance(v, np.ndarray) else v.take(idx) if isinstance(v, pa.Array) else v
            for k, v in p.items()}


def _pair_values(p: dict, idx=None) -> pa.Array:
    """The values of ``_pairs`` (at ``idx``): trimmed, surrounding quotes removed."""
    vpos, qcode = p["vpos"], p["qcode"]
    if idx is not None:
        vpos, qcode = vpos[idx], qcode[idx]
    value = p["arr3"][0].take(3 * vpos + 2)
    value = (pc.ascii_trim_whitespace if p["ascii"] else pc.utf8_trim_whitespace)(value)
    if not p.get("quotes", True):
        return value
    quoted = pc.and_(pc.starts_with(value, '"'), pc.ends_with(value, '"'))
    if pc.any(quoted).as_py():
        value = pc.if_else(pc.and_(quoted, pc.greater_equal(pc.utf8_length(value), 2)),
                           pc.utf8_slice_codeunits(value, 1, -1), value)
    if qcode.any():
        value = pc.if_else(pa.array(qcode), pc.utf8_rtrim(value, characters='"'), value)
    return value


def parse_pairs(s: pd.Series, sep: str = ",") -> pd.DataFrame:
    """``code=value`` pairs of each cell -> long frame (row = the cell's index label, code, value,
    order); see :func:`_pairs`."""
    s = s[(s.notna() & (s != "")).to_numpy(dtype=bool)]
    p = _pairs(arrow_strings(s) if len(s) else pa.array([], pa.string()), sep)
    return pd.DataFrame({"row": s.index.to_numpy()[p["row"]] if len(s) else np.zeros(0, dtype=np.int64),
                         "code": _strs(p["code"]), "value": _strs(p["value"]), "order": p["order"]})


def _split_items(arr: pa.Array, sep: str = ",") -> tuple[np.ndarray, pa.Array]:
    """A list cell split into its trimmed, non-empty items: (cell position per item, items)
    (``split_list(..., escaped=False)`` on positions)."""
    arr = _text(arr)
    lst = pc.split_pattern(arr, sep)
    flat = pc.list_flatten(lst)
    flat = pc.ascii_trim_whitespace(flat) if _is_ascii(arr) else pc.utf8_trim_whitespace(flat)
    parents = pc.list_parent_indices(lst).to_numpy().astype(np.int64)
    keep = _filled(flat)
    if keep.all():
        return parents, flat
    return parents[keep], flat.filter(pa.array(keep))


def _slug(arr: pa.Array) -> pa.Array:
    """``slugify_series`` on an Arrow array (mapping rules 1.2), skipping the steps that change
    nothing (ASCII text; text already made of ``a-z0-9`` and single ``-``)."""
    a = _text(arr)
    if _is_ascii(a):
        a = pc.ascii_lower(a)
    else:
        a = pc.utf8_normalize(a, form="NFKD")
        a = pc.replace_substring_regex(a, pattern="[^\\x00-\\x7f]", replacement="")
        a = pc.utf8_lower(a)
    off = _offsets(a)
    data = np.frombuffer(a.buffers()[2], dtype=np.uint8)[off[0]:off[-1]] if len(a) and a.buffers()[2] else \
        np.zeros(0, dtype=np.uint8)
    if not (_SLUG_BYTES[data].all() and not pc.any(pc.match_substring(a, "--")).as_py()):
        a = pc.replace_substring_regex(a, pattern="[^a-z0-9]+", replacement="-")
    a = pc.utf8_trim(a, characters="-")
    if len(a) and pc.max(pc.binary_length(a)).as_py() > 255:
        a = pc.utf8_rtrim(pc.utf8_slice_codeunits(a, 0, 255), characters="-")
    return a


_SLUG_BYTES = np.zeros(256, dtype=bool)
for _c in b"abcdefghijklmnopqrstuvwxyz0123456789-":
    _SLUG_BYTES[_c] = True


def _unique_handles(h: pa.Array, fallback) -> pa.Array:
    """``unique_handles(h, fallback)``: the fallback (a function giving the fallback text of some
    rows) where the handle is empty, then ``product``; repeats get ``-2``, ``-3``... (exactly
    ``_common.unique_handles`` when something repeats)."""
    empty = ~_filled(h)
    if empty.any():
        idx = np.flatnonzero(empty)
        fb = np.asarray(fallback(idx).to_pylist(), dtype=object)
        vals = np.asarray(h.to_pylist(), dtype=object)
        vals[idx] = fb
        vals[vals == ""] = "product"
        h = pa.array(vals, type=pa.string())
    if pc.count_distinct(h).as_py() == len(h):
        return h
    out = unique_handles(pd.Series(_strs(h)))
    return _text(out)


def _url_array(pattern: str, fields: dict, n: int, mapping, key: str) -> pa.Array:
    """``pattern.format(**row)`` for every row, column-wise in Arrow. A row where a field the
    pattern uses is empty gets no URL (null): an old URL is never invented."""
    import string
    pieces: list = []
    ok = np.ones(n, dtype=bool)
    for lit, name, spec, conv in string.Formatter().parse(pattern):
        if lit:
            pieces.append(lit)
        if name is None:
            continue
        if name not in fields:
            raise InputError(f"the URL pattern {pattern!r} uses {{{name}}} which the Magento export does not have; "
                             f"use one of: {', '.join('{' + k + '}' for k in fields)}",
                             file=getattr(mapping, "path", None), column=key)
        v = fields[name]
        v = _text(v) if isinstance(v, (pa.Array, pa.ChunkedArray)) else \
            pa.array(pd.Series(v, dtype=object).fillna("").astype(str).to_numpy(dtype=object), type=pa.string())
        ok &= _filled(v)
        pieces.append(v)
    arrays = [i for i, p in enumerate(pieces) if isinstance(p, pa.Array)]
    if not arrays:
        out = pa.array(["".join(pieces)] * n, type=pa.string())
    elif len(arrays) == 1:  # literal text around one field: two slice inserts, no element-wise join
        i = arrays[0]
        out = _affix(pieces[i], "".join(pieces[:i]), "".join(pieces[i + 1:]))
    else:
        out = pc.binary_join_element_wise(*pieces, "")
    return pc.if_else(pa.array(ok), out, pa.scalar(None, pa.string()))


def _affix(arr: pa.Array, prefix: str, suffix: str) -> pa.Array:
    """``prefix + value + suffix`` of each string (nulls stay null)."""
    if prefix:
        arr = pc.binary_replace_slice(arr, start=0, stop=0, replacement=prefix)
    if suffix:
        end = 2 ** 31 - 1
        arr = pc.binary_replace_slice(arr, start=end, stop=end, replacement=suffix)
    return arr


def _data(arr: pa.Array) -> np.ndarray:
    """The bytes of a string array's values (a view of its data buffer; nulls have no bytes here)."""
    off = _offsets(arr)
    buf = arr.buffers()[2]
    if not len(arr) or buf is None:
        return np.zeros(0, dtype=np.uint8)
    return np.frombuffer(buf, dtype=np.uint8)[int(off[0]):int(off[-1])]


def _absolute(src: pa.Array) -> np.ndarray:
    """Mask of URLs with a scheme (``https://...``); the regex only runs on cells holding ``:``."""
    m = _has_byte(src, ord(":"))
    if m.any():
        idx = np.flatnonzero(m)
        m[idx] = pc.match_substring_regex(src.take(idx), r"^[a-zA-Z][a-zA-Z0-9+.-]*://").to_numpy(
            zero_copy_only=False)
    return m


def _join_base(base_url: str, src: pa.Array, rel: np.ndarray) -> pa.Array:
    """Relative image paths joined to ``base_url`` (the others kept)."""
    if rel.all() and src.null_count == 0 and pc.all(pc.starts_with(src, "/")).as_py() \
            and not pc.any(pc.starts_with(src, "//")).as_py():
        return _affix(src, base_url, "")  # each path has exactly one leading "/"
    joined = _affix(pc.utf8_ltrim(src, characters="/"), base_url + "/", "")
    return pc.if_else(pa.array(rel), joined, src)


def parse_dates(s: pd.Series) -> pd.Series:
    """Magento's two date styles: ``2015-10-25 3:34:20`` and the admin locale's ``2/19/18, 1:06 AM``."""
    s = s.astype("str").str.strip()
    a = pd.to_datetime(s.where(s.str.match(r"^\d{4}-\d{2}-\d{2}"), None), format="mixed", errors="coerce")
    b = pd.to_datetime(s.where(s.str.match(r"^\d{1,2}/\d{1,2}/\d{2,4}"), None), format="%m/%d/%y, %I:%M %p",
                       errors="coerce")
    out = a.where(a.notna(), b)
    return out


#: Magento's default storefront URLs (Stores > Configuration > Catalog > Search Engine Optimization:
#: "Product URL Suffix" and "Category URL Suffix" ``.html``, "Use Categories Path for Product URLs" No).
DEFAULT_PRODUCT_URL = "/{url_key}.html"
DEFAULT_CATEGORY_URL = "/{path}.html"


def _list_numbers(cells: pd.Series, index_name: str, value_name: str) -> pd.DataFrame:
    """A column of comma lists of numbers (Magento's ``*_position`` columns) as one row per item:
    ``row`` (the cell's index), ``index_name`` (0-based place in the list), ``value_name`` (the number)."""
    parts = cells.str.split(",").explode()
    return pd.DataFrame({"row": parts.index, index_name: parts.groupby(level=0).cumcount().to_numpy(),
                         value_name: to_numeric(parts).to_numpy()})

class Magento2Adapter(Adapter):
    name = "magento2"
    label = "Magento 2"
    can_write = True
    reads = {"products": "Magento 2 product export (System > Export > Products)",
             "customers": "Customers Main File (System > Export > Customers Main File), or the composite file",
             "addresses": "Customer Addresses (with the Customers Main File)"}

    def __init__(self) -> None:
        self.write_issues = issues_frame()

    def read(self, paths, *, mapping=None) -> ReadResult:
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        # the default-row SKUs of the files read so far: (table, SKUs, their rows) per file (first file wins)
        seen: list[tuple] = []
        results = []
        customer_tables = []
        for p in paths:
            t = read_table(p, label="Magento 2 export")
            if _is_customer_file(t.frame.columns):
                customer_tables.append(t)
            else:
                results.append(self._read_one(t, mapping, seen))
                t.frame = None  # only its line numbers are needed later (for duplicate_sku across files)
        if customer_tables:
            results.append(_read_customer_files(customer_tables, mapping))
        res = concat_results(results)
        if len(results) > 1:
            merge_file_collections(res.catalog)
        return res

    # -----------------------------------------------------------------------------------------
    def _read_one(self, t, mapping, seen: list) -> ReadResult:
        file = t.path
        df = rename_headers(t.frame, mapping)
        if "sku" not in df.columns:
            if "_type" in df.columns or "_attribute_set" in df.columns:
                raise InputError("this looks like a Magento 1 export (columns _type, _attribute_set); read it as "
                                 "magento1 (--from magento1)", file=file, row=1)
            raise InputError("the required column 'sku' is missing from the Magento 2 product export; found: "
                             + ", ".join(repr(c) for c in list(df.columns)[:30]), file=file, row=1, column="sku")
        if "_type" in df.columns and "product_type" not in df.columns:
            raise InputError("this looks like a Magento 1 export (column _type); read it as magento1 "
                             "(--from magento1)", file=file, row=1, column="_type")
        r = _Reader(t, df, mapping)
        del df  # the reader lets go of the file's table before the catalog is checked (memory)
        return r.run(seen)


    # -----------------------------------------------------------------------------------------
    def validate(self, catalog: Catalog) -> pd.DataFrame:
        """What Magento's importer would refuse or merge: a SKU on more than one variant (Magento keys
        products by SKU; the writer renames the repeats ``<sku>-2``... so nothing is merged, see
        write_issues ``sku_renamed``)."""
        v = catalog.variants
        rows = []
        sku = v["sku"].astype(object).fillna("").astype(str).str.strip()
        rep = ((sku != "") & sku.duplicated(keep="first")).to_numpy()
        if rep.any():
            titles = pd.Series(catalog.products["title"].to_numpy(), index=catalog.products["product_id"].to_numpy())
            titles = titles[~titles.index.duplicated()]
            first = pd.Series(v["variant_id"].to_numpy(), index=sku.to_numpy())
            first = first[~first.index.duplicated()]
            for i in np.flatnonzero(rep)[:1000]:
                k = sku.iat[i]
                rows.append(issue("error", "", None, "sku", "duplicate_sku",
                                  f"SKU '{k}' is on variant {v['variant_id'].iat[i]} and on {first[k]}; Magento "
                                  "requires unique SKUs (a repeat overwrites the first product), so the writer "
                                  "gives this one a suffixed SKU (sku_renamed)",
                                  "give each variant its own SKU before the import",
                                  product=str(titles.get(v["product_id"].iat[i], "")), sku=k))
            if rep.sum() > 1000:
                rows.append(issue("error", "", None, "sku", "duplicate_sku",
                                  f"{int(rep.sum()) - 1000} more repeated SKUs (first 1000 listed)"))
        return issues_frame(rows)

    # -----------------------------------------------------------------------------------------
    @property
    def writes(self) -> dict[str, frozenset[str]]:
        """What the import files hold (the migration's loss report): the products part of
        ``migration.TARGETS['magento2']`` plus the customer fields of the two customer files."""
        from ..migration import TARGETS
        fields = dict(TARGETS["magento2"].fields)
        fields["customers"] = frozenset({"email", "first_name", "last_name", "created_at", "company", "address1",
                                         "address2", "city", "province_code", "country_code", "zip", "phone"})
        return fields

    def write(self, catalog: Catalog, out_dir, *, dialect: str | None = None) -> list[Path]:
        """``magento2_products.csv`` (when there are products, or nothing else), and
        ``magento2_customers.csv`` + ``magento2_customer_addresses.csv`` when there are customers."""
        changed: list[dict] = []
        paths = []
        has_customers = len(catalog.customers) > 0
        if len(catalog.products) or not has_customers:
            frame = catalog_to_frame(catalog)
            _neutralise(frame, "magento2_products.csv", changed, product=frame["name"], sku=frame["sku"])
            paths.append(self._write_products(frame, out_dir, changed))
        if has_customers:
            M, A = customers_to_frames(catalog)
            for name, F in (("magento2_customers.csv", M), ("magento2_customer_addresses.csv", A)):
                if name.endswith("addresses.csv") and not len(F):
                    continue
                who = F["email"] if "email" in F else F["_email"]
                _neutralise(F, name, changed, product=who, sku=pd.Series("", index=F.index))
                path = Path(out_dir) / name
                with atomic_write(path, "w", newline="") as fh:
                    fh.write(F.to_csv(index=False, lineterminator="\n"))
                paths.append(path)
        self.write_issues = issues_frame(changed)
        return paths

    def _write_products(self, frame: pd.DataFrame, out_dir, changed: list) -> Path:
        for i, old, new in frame.attrs.get("sku_renamed", []):
            changed.append(issue("warning", "magento2_products.csv", i + 2, "sku", "sku_renamed",
                                 f"SKU '{old}' is used by an earlier row; Magento keys rows by SKU (a repeat would "
                                 f"overwrite that row), so this one was written as '{new}'",
                                 "give the variant its own SKU in the shop, or keep the new one",
                                 product=frame["name"].iat[i], sku=old))
        for i, cmp_ in frame.attrs.get("compare_at_not_written", []):
            changed.append(issue("warning", "magento2_products.csv", i + 2, "special_price",
                                 "compare_at_not_written",
                                 f"compare-at price {cmp_} is not above the price {frame['price'].iat[i]}; Magento's "
                                 "special_price can only lower a price, so the price was written as price and the "
                                 "compare-at price was not written", product=frame["name"].iat[i],
                                 sku=frame["sku"].iat[i]))
        path = Path(out_dir) / "magento2_products.csv"
        with atomic_write(path, "w", newline="") as fh:
            fh.write(frame.to_csv(index=False, lineterminator="\n"))
        return path


class _Reader:
    """One product export read column-wise: Arrow arrays per column, numpy positions per row.

    Row sets are position arrays: ``dpos`` (the default-scope rows read, "D"), ``P`` (the products:
    positions in D), link rows (configurable parent -> child)."""

    def __init__(self, t, df: pd.DataFrame, mapping) -> None:
        self.t, self.file, self.mapping = t, t.path, mapping
        self.n = len(df)
        self.columns = list(df.columns) + [c for c in _ADDED if c not in df.columns]
        self.present = set(df.columns) | set(_ADDED)  # what the old reader saw after adding the missing ones
        self._df = df
        self._full: dict[str, pa.Array] = {}
        self._d: dict[str, pa.Array] = {}
        self._p: dict[str, pa.Array] = {}
        self.issues: list[dict] = list(t.warnings)
        self.loss: list[dict] = []
        self.used: dict[str, str] = {}
        self.notes: dict[str, str] = {}

    # ---- column access ------------------------------------------------------------------------
    @staticmethod
    def _cached(cache: dict, c: str, make) -> pa.Array:
        a = cache.get(c)
        if a is None:
            a = cache[c] = make()
        return a

    def col(self, c: str) -> pa.Array:
        """Column ``c`` of the whole file ("" for the columns the export lacks)."""
        return self._cached(self._full, c, lambda: _text(self._df[c]) if c in self._df.columns
                            else pa.repeat(pa.scalar("", pa.string()), self.n))

    def dcol(self, c: str) -> pa.Array:
        """Column ``c`` on the rows read (D)."""
        return self._cached(self._d, c, lambda: self.col(c) if self.all_d else self.col(c).take(self.dpos))

    def pcol(self, c: str) -> pa.Array:
        """Column ``c`` on the products (P)."""
        return self._cached(self._p, c, lambda: self.dcol(c) if self.all_p else self.dcol(c).take(self.P))

    def raw(self, c: str, row: int) -> str:
        return self.col(c)[int(row)].as_py()

    # ---- issues -------------------------------------------------------------------------------
    def rows_issues(self, rows, *, severity, column, check, detail, hint="", limit: int = 50) -> None:
        """``issues_for`` on file positions: one issue per row (the first ``limit``), then a summary."""
        rows = np.asarray(rows, dtype=np.int64)
        for k, row in enumerate(rows[:limit]):
            d = detail(k) if callable(detail) else detail
            self.issues.append(issue(severity, self.file, self.t.line_of(int(row)), column, check, d, hint,
                                     product=self.raw("name", row), sku=self.raw("sku", row)))
        if len(rows) > limit:
            self.issues.append(issue(severity, self.file, None, column, check,
                                     f"{len(rows) - limit} more rows like this", hint))

    # ---- the steps ----------------------------------------------------------------------------
    def run(self, seen: list) -> ReadResult:
        if not self.scopes(seen):
            return self.nothing_read()
        self.used.update({"sku": "variants.sku", "store_view_code": f"extra:{NS}.<store_view_code>.*"})
        self.used["product_type"] = f"extra:{NS}.product_type"
        self.configurables()
        self.options()
        self.variants()
        self.option_values()
        self.products()
        self.flags()
        self.images()
        self.collections()
        self.extra()
        self.hidden_images()
        self.bundles()
        self.grouped()
        return self.finish()

    def scopes(self, seen: list) -> bool:
        """Default rows, store-view rows, and the rows skipped (missing/duplicate SKU, a SKU an
        earlier file had, a store view without its default row). False when nothing is left."""
        n = self.n
        sku = pc.utf8_trim_whitespace(self.col("sku"))
        scope = pc.utf8_trim_whitespace(self.col("store_view_code"))
        self.sku, self.scope = sku, scope
        ptype = pc.utf8_lower(pc.utf8_trim_whitespace(self.col("product_type")))
        self.records(ptype)
        # one hash pass for the SKUs and the children the parents name
        (codes, self.rec_child_code), ncodes = _codes(sku, self.rec_child_sku)
        self.sku_codes = codes
        dflt = ~_filled(scope)
        nosku = ~_filled(sku)
        dup = dflt & ~_first_mask(codes) & ~nosku
        cross = np.zeros(n, dtype=bool)
        if seen:
            for _, dsku0, _ in seen:
                cross |= isin(sku, dsku0)
            cross &= ~nosku
            cross_d = cross & dflt & ~dup
            if cross_d.any():
                sv = cross & ~dflt
                n_sv = pd.Series(sv[cross]).groupby(codes[cross]).sum()
                ci = np.flatnonzero(cross_d)
                where = [(t0, lookup(sku.take(ci), dsku0), rows0) for t0, dsku0, rows0 in seen]
                for j, i in enumerate(ci):
                    k = sku[int(i)].as_py()
                    t0, r0 = next((t0, int(rows0[at[j]])) for t0, at, rows0 in where if at[j] >= 0)
                    f0, l0 = t0.path, t0.line_of(r0)
                    nsv = int(n_sv.get(codes[i], 0))
                    self.issues.append(issue(
                        "error", self.file, self.t.line_of(int(i)), "sku", "duplicate_sku",
                        f"sku '{k}' was already read from {Path(f0).name} (line {l0}); "
                        + (f"this file's row and its {nsv} store-view row(s) were" if nsv else "this row was")
                        + " skipped (the first file wins, docs/mapping.md 4)",
                        "give each product in one file only, or the newer export alone",
                        product=self.raw("name", i), sku=k))
        if nosku.any():
            self.rows_issues(np.flatnonzero(nosku), severity="error", column="sku", check="missing_sku",
                             detail="this row has no sku; it was skipped")
        if dup.any():
            self.rows_issues(np.flatnonzero(dup & dflt), severity="error", column="sku", check="duplicate_sku",
                             detail="this sku already had a row for the default scope; the row was skipped")
        dup = dup | (cross & dflt)
        dkeep = dflt & ~dup & ~nosku
        self.dpos = np.flatnonzero(dkeep)
        self.all_d = bool(dkeep.all())
        self.nD = len(self.dpos)
        spos = np.flatnonzero(~dflt & ~nosku & ~cross)
        self.dsku = sku if self.all_d else sku.take(self.dpos)
        seen.append((self.t, self.dsku, self.dpos))
        # code -> position in D (every D row has its own SKU)
        self.d_of_code = np.full(ncodes, -1, dtype=np.int64)
        self.d_of_code[codes[self.dpos]] = np.arange(self.nD)
        self.ptype = ptype if self.all_d else ptype.take(self.dpos)
        skipped = dup | nosku | cross
        self.spos = np.zeros(0, dtype=np.int64)
        if len(spos):
            in_d = self.d_of_code[codes[spos]] >= 0
            only_sv = spos[~in_d]
            self.spos = spos[in_d]
            if len(only_sv):
                skipped = skipped.copy()
                skipped[only_sv] = True
                self.rows_issues(only_sv, severity="warning", column="store_view_code",
                                 check="m2_store_view_without_default",
                                 detail="a store-view row for a sku with no default row in the file; ignored")
        self.skipped = skipped
        return self.nD > 0

    def nothing_read(self) -> ReadResult:
        """Every row skipped: an empty catalog, all values lost."""
        for c in self.columns:
            ne = int(_filled(self.col(c)).sum())
            self.loss.append({"file": self.file, "column": c, "became": "", "non_empty": ne, "dropped": ne,
                              "note": "every row of the file was skipped (see the issues)"})
        return ReadResult(Catalog.from_frames(), loss_frame(self.loss), issues_frame(self.issues), [self.file])

    # ---- configurable structure ---------------------------------------------------------------
    def records(self, ptype: pa.Array) -> None:
        """Every configurable row's ``configurable_variations`` records as pairs (file positions):
        the ``sku`` pairs name the children, the others are the axes' values."""
        cv = self.col("configurable_variations")
        conf = pc.equal(ptype, "configurable").to_numpy(zero_copy_only=False) & _filled(cv)
        if conf.any():
            # every cell split (an empty cell or a blank record gives no pair: its code is empty);
            # record numbers only order the records of a parent
            rl = pc.split_pattern(cv, "|")
            rec_parent = pc.list_parent_indices(rl).to_numpy().astype(np.int64)
            recs = pc.list_flatten(rl)
        else:
            rec_parent = np.zeros(0, dtype=np.int64)
            recs = pa.array([], pa.string())
        pairs = _pairs(recs)
        pairs["parent"] = rec_parent[pairs["row"]]
        if not conf[pairs["parent"]].all():  # records of rows that are not configurable products
            pairs = _subset(pairs, np.flatnonzero(conf[pairs["parent"]]))
        del pairs["arr3"], pairs["vpos"], pairs["qcode"]
        is_sku = pc.equal(pairs["code"], "sku").to_numpy(zero_copy_only=False)
        self.rec_axes = _subset(pairs, np.flatnonzero(~is_sku))
        ci = np.flatnonzero(is_sku)
        self.rec_child = {"rec": pairs["row"][ci], "parent": pairs["parent"][ci]}
        self.rec_child_sku = pc.utf8_trim_whitespace(pairs["value"].take(ci))

    def configurables(self) -> None:
        """Parents' ``configurable_variations`` records -> links parent -> child (positions in D)."""
        cv = self.dcol("configurable_variations")
        self.conf = np.flatnonzero(pc.equal(self.ptype, "configurable").to_numpy(zero_copy_only=False) & _filled(cv))
        d_local = np.full(self.n, -1, dtype=np.int64)
        d_local[self.dpos] = np.arange(self.nD)
        axes = self.rec_axes
        axes["parent"] = d_local[axes["parent"]]
        if not self.all_d:  # the records of the parents read
            k = np.flatnonzero(axes["parent"] >= 0)
            axes = _subset(axes, k)
        self.axes = axes
        rec, parent = self.rec_child["rec"], d_local[self.rec_child["parent"]]
        child_sku, ccode = self.rec_child_sku, self.rec_child_code
        if not self.all_d:
            k = np.flatnonzero(parent >= 0)
            rec, parent, child_sku, ccode = rec[k], parent[k], child_sku.take(k), ccode[k]
        child = self.d_of_code[ccode]
        miss = np.flatnonzero(child < 0)
        for j in miss[:50]:
            prow = self.dpos[parent[j]]
            self.issues.append(issue("error", self.file, self.t.line_of(int(prow)), "configurable_variations",
                                     "m2_missing_child", f"the child sku '{child_sku[int(j)].as_py()}' is not in the "
                                     "file; that variant was not imported",
                                     "export the children together with the configurable product",
                                     product=self.raw("name", prow), sku=self.raw("sku", prow)))
        ok = np.flatnonzero(child >= 0)
        ok = ok[_first_mask(parent[ok] * (self.nD + 1) + child[ok])]
        self.link_rec, self.link_parent, self.link_child = rec[ok], parent[ok], child[ok]
        self.link_sku = child_sku.take(ok)
        self.has_kids = np.zeros(self.nD, dtype=bool)
        self.has_kids[self.link_parent] = True
        self.is_kid = np.zeros(self.nD, dtype=bool)
        self.is_kid[self.link_child] = True
        self.used["configurable_variations"] = "variants (children), variant_options"
        self.used["configurable_variation_labels"] = "product_options.name"
        self.P = np.flatnonzero(~self.is_kid)
        self.all_p = len(self.P) == self.nD
        self.nP = len(self.P)
        self.p_of_d = np.full(self.nD, -1, dtype=np.int64)
        self.p_of_d[self.P] = np.arange(self.nP)
        self.prid = self.dsku if self.all_p else self.dsku.take(self.P)

    # ---- options: labels and order ------------------------------------------------------------
    def options(self) -> None:
        """Product options (axes) of each parent with children: order, name."""
        conf = self.conf
        ax_all = self.axes
        lab = _pairs(self.dcol("configurable_variation_labels").take(conf)) if len(conf) else _pairs(
            pa.array([], pa.string()))
        lab_parent = conf[lab["row"]]
        # one shared code dictionary for axis codes, label codes and position codes
        has_pos = "configurable_variations_position" in self.present
        posp = _pairs(self.dcol("configurable_variations_position").take(conf)) if has_pos and len(conf) else None
        arrays = [ax_all["code"], lab["code"]] + ([posp["code"]] if posp is not None else [])
        cds, ncode = _codes(*arrays)
        ax_code, lab_code = cds[0], cds[1]
        self.ax_code_all = ax_code
        self.ncode = ncode
        self.code_dict_src = arrays
        key_all = ax_all["parent"] * ncode + ax_code
        first = np.flatnonzero(_first_mask(key_all))
        parent = ax_all["parent"][first]
        code = ax_code[first]
        pos = np.full(len(first), np.nan)
        if posp is not None and len(posp["row"]):
            pv = to_numeric(pd.Series(_strs(posp["value"]))).to_numpy(dtype="float64")
            pk = conf[posp["row"]] * ncode + cds[2]
            fk = _first_mask(pk)
            li, ri = _join(parent * ncode + code, pk[fk], left=True)
            pos = np.where(ri >= 0, pv[fk][np.maximum(ri, 0)], np.nan)
            self.used["configurable_variations_position"] = "product_options.position"
        keep = self.has_kids[parent]
        first, parent, code, pos = first[keep], parent[keep], code[keep], pos[keep]
        nan = np.isnan(pos)
        order = np.lexsort((first, np.where(nan, 0.0, pos), nan, parent))
        first, parent, code = first[order], parent[order], code[order]
        self.ax_parent, self.ax_code, self.ax_first = parent, code, first
        self.ax_position = _run_positions(parent)
        code_text = ax_all["code"].take(first)
        if len(first):
            label = code_text
            if len(lab["row"]):
                lk = lab_parent * ncode + lab_code
                fk = np.flatnonzero(_first_mask(lk))
                li, ri = _join(parent * ncode + code, lk[fk], left=True)
                lv = _take(lab["value"], np.where(ri >= 0, fk[np.maximum(ri, 0)], -1))
                label = pc.if_else(pc.fill_null(pc.not_equal(lv, ""), False), lv, code_text)
            uniq = pc.unique(label).to_pylist()
            names = pa.array([mapping_option_name(self.mapping, x) for x in uniq], type=pa.string())
            self.ax_oname = names.take(pc.index_in(label, value_set=pa.array(uniq, pa.string())))
        else:
            self.ax_oname = pa.array([], pa.string())
        self.ax_code_text = code_text

    # ---- variants -----------------------------------------------------------------------------
    def row_values(self) -> dict:
        """Every D row's variant values (price, sale, weight, stock, tax, image), column-wise."""
        wunit = str(mapping_option(self.mapping, "weight_unit", "lb")).lower().rstrip("s") or "lb"
        wunit = {"lbs": "lb", "kgs": "kg"}.get(wunit, wunit)
        if wunit not in ("g", "kg", "lb", "oz"):
            wunit = "lb"
        v: dict = {}
        price, bad_p = _money(self.dcol("price"))
        sp, bad_s = _money(self.dcol("special_price"))
        v["bad"] = (("price", bad_p), ("special_price", bad_s))
        window = np.zeros(self.nD, dtype=bool)
        for c in ("special_price_from_date", "special_price_to_date"):
            if c in self.present:
                window |= _filled(pc.utf8_trim_whitespace(self.dcol(c)))
        has_p, has_s = _filled(price), _filled(sp)
        on_sale = has_s & ~has_p
        both = np.flatnonzero(has_s & has_p)
        if len(both):  # a special price below the price is the selling price
            on_sale[both] = _floats(sp.take(both)) < _floats(price.take(both))
        v["price"] = pc.if_else(pa.array(on_sale), sp, price)
        v["compare_at_price"] = pc.if_else(pa.array(on_sale & has_p), price, pa.scalar(None, pa.string()))
        v["sched"] = on_sale & window
        v["special_kept"] = has_s & ~on_sale
        w = _numbers(pc.utf8_trim_whitespace(self.dcol("weight")))
        v["weight"] = w
        v["wunit"] = wunit
        q = _numbers(pc.utf8_trim_whitespace(self.dcol("qty")))
        if "use_config_manage_stock" in self.present:
            ms = pc.equal(self.dcol("manage_stock"), "1").to_numpy(zero_copy_only=False)
            ucm = pc.equal(self.dcol("use_config_manage_stock"), "1").to_numpy(zero_copy_only=False)
            tracked = ms | (ucm & ~ms)
        elif "manage_stock" in self.present:
            tracked = pc.equal(self.dcol("manage_stock"), "1").to_numpy(zero_copy_only=False)
        else:
            tracked = ~np.isnan(q)
        out0 = pc.equal(pc.utf8_trim_whitespace(self.dcol("is_in_stock")), "0").to_numpy(zero_copy_only=False)
        tracked = tracked | out0
        q = np.where(out0 & np.isnan(q), 0.0, q)
        v["qty"] = np.where(tracked, q, np.nan)
        v["tracked"] = tracked
        ab = pc.is_in(self.dcol("allow_backorders"), value_set=pa.array(["1", "2"])).to_numpy(zero_copy_only=False)
        ub = pc.equal(self.dcol("use_config_backorders"), "1").to_numpy(zero_copy_only=False) \
            if "use_config_backorders" in self.present else np.zeros(self.nD, dtype=bool)
        v["continue"] = ab & ~ub
        if "tax_class_name" in self.present:
            tc = pc.utf8_trim_whitespace(self.dcol("tax_class_name"))
            v["tax_set"] = _filled(tc)
            v["taxable"] = pc.not_equal(pc.utf8_lower(tc), "none").to_numpy(zero_copy_only=False)
        else:
            v["tax_set"] = np.zeros(self.nD, dtype=bool)
            v["taxable"] = np.zeros(self.nD, dtype=bool)
        if "base_image" in self.present:
            img = pc.utf8_trim_whitespace(self.dcol("base_image"))
            v["image"] = pc.if_else(pa.array(_filled(img)), img, pa.scalar(None, pa.string()))
        else:
            v["image"] = pa.nulls(self.nD, pa.string())
        v["ptype"] = self.ptype
        return v

    def variants(self) -> None:
        """Own variants of the products without children, one per child link; ordered, numbered."""
        v = self.rv = self.row_values()
        pd_rows = self.dpos[self.P]
        kid_rows = self.dpos[self.link_child]
        for rows, sel in ((pd_rows, self.P), (kid_rows, self.link_child)):
            for c, bad in v["bad"]:
                m = np.flatnonzero(bad[sel])
                if len(m):
                    self.rows_issues(rows[m], severity="error", column=c, check="bad_number",
                                     detail=lambda k, c=c, m=m, rows=rows: f"'{self.raw(c, rows[m[k]])}' is not an "
                                                                            f"amount{AMOUNT_RULE}; left empty")
        own = self.P[~self.has_kids[self.P]]
        # variant rows: D position of the row values, product (P position), link row (-1: own)
        vd = np.concatenate([own, self.link_child])
        vp = np.concatenate([self.p_of_d[own], self.p_of_d[self.link_parent]])
        vl = np.concatenate([np.full(len(own), -1), np.arange(len(self.link_child))])
        # own rows and link rows are each in product order, links in record order: a stable
        # sort by product is the sort by (product, record)
        o = np.argsort(vp, kind="stable")
        self.vd, self.vp, self.vl = vd[o], vp[o], vl[o]
        self.vpos = _run_positions(self.vp)
        self.nV = len(self.vd)
        # each link row's variant (its position in the variants)
        self.var_of_link = np.empty(len(self.link_child), dtype=np.int64)
        isk = self.vl >= 0
        self.var_of_link[self.vl[isk]] = np.flatnonzero(isk)
        self.vid = pc.binary_join_element_wise(self.prid.take(self.vp), pa.array(self.vpos).cast(pa.string()), "#")
        self.used.update({"price": "variants.price / compare_at_price",
                          "special_price": "variants.price (when on sale)",
                          "weight": "variants.weight", "qty": "variants.inventory_quantity",
                          "is_in_stock": "variants.inventory_quantity", "manage_stock": "variants.inventory_tracker",
                          "allow_backorders": "variants.inventory_policy", "tax_class_name": "variants.taxable"})

    # ---- variant option values ----------------------------------------------------------------
    def option_values(self) -> None:
        """Each child's value per axis: from the parent's record, else the child's
        additional_attributes; '-' (flagged) when neither has one."""
        ax = self.axes
        ncode = self.ncode
        # (axis row) x (link rows of its parent), in axis order then link order
        ai, li = _join(self.ax_parent, self.link_parent)
        rec = self.link_rec[li]
        code = self.ax_code[ai]
        rk = ax["row"] * ncode + self.ax_code_all
        if _first_mask(rk).all():  # one token per (record, code): a lookup
            right = _lookup_first(rec * ncode + code, rk)
        else:  # a code repeated inside a record gives one row per value (a pandas merge)
            left, right = _join(rec * ncode + code, rk, left=True)
            ai, li, rec, code = ai[left], li[left], rec[left], code[left]
        value = _take(ax["value"], right)
        self.aa = aa = _pairs(self.dcol("additional_attributes"), values=False)
        missing = right < 0
        if missing.any():
            # the child's additional_attributes value (first of its (row, code) pair)
            (aa_code, ax_c), n2 = _codes(aa["code"], pa.concat_arrays(self.code_dict_src))
            # ax codes on the joint dictionary: map the option codes through their text
            ax_c = ax_c[:len(self.ax_code_all)]
            remap = np.full(self.ncode, -1, dtype=np.int64)
            remap[self.ax_code_all] = ax_c
            ak = aa["row"] * n2 + aa_code
            fk = np.flatnonzero(_first_mask(ak))
            mi = np.flatnonzero(missing)
            q = self.link_child[li[mi]] * n2 + remap[code[mi]]
            _, r2 = _join(q, ak[fk], left=True)
            fill = _take(_pair_values(aa), np.where(r2 >= 0, fk[np.maximum(r2, 0)], -1))
            idx = np.full(len(value), -1, dtype=np.int64)
            idx[mi] = np.arange(len(mi))
            value = pc.if_else(pa.array(missing), _take(fill, np.maximum(idx, 0)), value)
        value = pc.utf8_trim_whitespace(pc.fill_null(value, ""))
        blank = np.flatnonzero(~_filled(value))
        for j in blank[:50]:
            crow = self.dpos[self.link_child[li[j]]]
            prow = self.dpos[self.link_parent[li[j]]]
            self.issues.append(issue("error", self.file, self.t.line_of(int(crow)), "configurable_variations",
                                     "m2_missing_option_value",
                                     f"no value for '{self.ax_code_text[int(ai[j])].as_py()}' on this child; set to '-'",
                                     product=self.raw("name", prow), sku=self.link_sku[int(li[j])].as_py()))
        if len(blank):
            value = pc.if_else(pa.array(~_filled(value)), "-", value)
        vo_var, vo_position = self.var_of_link[li], self.ax_position[ai]
        # variant by variant (each one's values in position order): later steps hash the variant ids
        # of the option rows once per run of equal ids (the schema check, validate, the writer)
        if len(vo_var) and int(vo_var.min()) >= 0:
            order = order_by(vo_var, np.asarray(vo_position, dtype=np.int64))
            if (order != np.arange(len(order))).any():
                vo_var, vo_position, value = vo_var[order], vo_position[order], value.take(order)
        self.vo_var, self.vo_position, self.vo_value = vo_var, vo_position, value
        self.used["additional_attributes"] = f"variant_options (axes); extra:{ATTR_NS}.<code>"

    # ---- products -----------------------------------------------------------------------------
    def products(self) -> None:
        title = pc.utf8_trim_whitespace(self.pcol("name"))
        url_key = pc.utf8_trim_whitespace(self.pcol("url_key"))
        handle = _unique_handles(_slug(url_key), lambda idx: _slug(title.take(idx)))
        online = pc.utf8_trim_whitespace(self.pcol("product_online"))
        draft = pc.is_in(online, value_set=pa.array(["2", "0"])).to_numpy(zero_copy_only=False)
        no_price = ~_filled(self.rv["price"])
        self.np_prod = np.zeros(self.nP, dtype=bool)
        self.np_prod[self.vp[no_price[self.vd]]] = True
        status = _arrow_col(pc.if_else(pa.array(draft | self.np_prod), "draft", "active"))
        vis = pc.utf8_trim_whitespace(self.pcol("visibility"))

        def or_none(c):
            a = self.pcol(c)
            return _arrow_col(pc.if_else(pa.array(_filled(a)), a, pa.scalar(None, pa.string())))
        products = pd.DataFrame({
            "product_id": _arrow_col(self.prid), "handle": _arrow_col(handle), "title": _arrow_col(title),
            "description_html": or_none("description"),
            "status": status, "published": pc.not_equal(vis, "Not Visible Individually").to_numpy(
                zero_copy_only=False),
            "seo_title": or_none("meta_title") if "meta_title" in self.present else None,
            "seo_description": or_none("meta_description") if "meta_description" in self.present else None,
            "source_platform": _arrow_col(pa.repeat(pa.scalar(PLATFORM, pa.string()), self.nP)),
            "source_id": _arrow_col(self.prid),
        })
        ppat = str(mapping_option(self.mapping, "product_url_pattern", "") or "") or DEFAULT_PRODUCT_URL
        products["source_url"] = _arrow_col(_url_array(ppat, {
            "url_key": url_key, "handle": handle, "sku": self.prid, "id": self.prid, "product_id": self.prid},
            self.nP, self.mapping, "product_url_pattern"))
        self.used["url_key"] = "products.handle, products.source_url"
        prow = self.dpos[self.P]
        for c in ("created_at", "updated_at"):
            if c in self.present:
                raw = pd.Series(_strs(self.pcol(c)))
                d = parse_dates(raw)
                products[c] = d.dt.tz_localize("UTC").array if len(d) else None
                self.used[c] = f"products.{c}"
                bad = ((raw.str.strip() != "") & d.isna()).to_numpy(dtype=bool)
                if bad.any():
                    m = np.flatnonzero(bad)
                    self.rows_issues(prow[m], severity="warning", column=c, check="bad_date",
                                     detail=lambda k, c=c, m=m: f"'{raw.iat[m[k]]}' is not a date Magento writes; "
                                                                "left empty")
        self.used.update({"name": "products.title", "description": "products.description_html",
                          "url_key": "products.handle, products.source_url", "product_online": "products.status",
                          "visibility": "products.published", "meta_title": "products.seo_title",
                          "meta_description": "products.seo_description", "categories": "collections"})
        self.products_frame = products
        self.handle = handle

    def flags(self) -> None:
        prow = self.dpos[self.P]
        pt = pc.utf8_lower(pc.utf8_trim_whitespace(self.pcol("product_type")))
        self.pt_bundle = pc.equal(pt, "bundle").to_numpy(zero_copy_only=False)
        self.pt_grouped = pc.equal(pt, "grouped").to_numpy(zero_copy_only=False)

        def flag(mask, rows, col, check, detail):
            if mask.any():
                self.rows_issues(rows[mask], severity="warning", column=col, check=check, detail=detail)
        flag(self.pt_bundle, prow, "bundle_values", "bundle_flattened",
             "bundle product: Shopify has no bundle type; kept as one product with one variant, the bundle options "
             "in extra magento2.bundle_values")
        flag(self.pt_grouped, prow, "associated_skus", "grouped_to_collection",
             "grouped product: Shopify has no grouped type; it became a collection of its member products (its own "
             "images and categories are not migrated: see the loss report)")
        if "custom_options" in self.present:
            flag(_filled(self.pcol("custom_options")), prow, "custom_options", "custom_options_not_variants",
                 "custom options (customer-entered or priced add-ons) are not variants; kept in extra "
                 "magento2.custom_options; Shopify needs a product-options app for them")
        flag(pc.equal(pt, "configurable").to_numpy(zero_copy_only=False) & ~self.has_kids[self.P], prow,
             "configurable_variations", "m2_configurable_without_children",
             "configurable product without children in the file; imported with one variant")
        flag(self.np_prod & ~self.pt_grouped & ~self.pt_bundle, prow, "price", "no_price",
             "no price: imported as a draft with price 0")
        sched = self.rv["sched"][self.vd]
        if sched.any():
            m = np.zeros(self.nD, dtype=bool)
            m[self.vd[sched]] = True
            flag(m, self.dpos, "special_price", "special_price_dated",
                 "the special price has from/to dates; Shopify's CSV has no scheduled prices, so the special price "
                 "was imported as the price (compare-at = price): end the sale by hand when the date passes")
        if (~np.isnan(self.rv["weight"][self.vd])).any() and mapping_option(self.mapping, "weight_unit") is None:
            self.issues.append(issue("warning", self.file, None, "weight", "m2_weight_unit",
                                     "Magento exports weights without a unit; they were read as pounds (lb), "
                                     "Magento's default", "if the shop's weight unit is another one, set it in the mapping "
                                     "file: [settings] weight_unit = \"kg\" (lb, kg, g, oz)",
                                     product="", sku=""))

    # ---- images -------------------------------------------------------------------------------
    def images(self) -> None:
        """Base, small, thumbnail, swatch, additional images, then the children's own images; the
        first of each (product, path) kept; relative paths joined to image_base_url."""
        base_url = str(mapping_option(self.mapping, "image_base_url", "") or "").rstrip("/")
        src, alt, k, p, o = [], [], [], [], []
        nP = self.nP
        positions = False
        for kk, role in enumerate(_IMAGE_ROLES):
            if role in self.present:
                lab_col = f"{role}_label"
                src.append(pc.utf8_trim_whitespace(self.pcol(role)))
                alt.append(self.pcol(lab_col) if lab_col in self.present else pa.nulls(nP, pa.string()))
                k.append(np.full(nP, kk, dtype=np.float64))
                p.append(np.zeros(nP))
                o.append(np.arange(nP))
                self.used[role] = "images"
                if lab_col in self.present:
                    self.used[lab_col] = "images.alt"
        if "additional_images" in self.present:
            row, items = _split_items(self.pcol("additional_images"))
            n_in = _run_positions(row) - 1
            a_alt = pa.nulls(len(row), pa.string())
            if "additional_image_labels" in self.present:
                lrow, litems = _split_items(self.pcol("additional_image_labels"))
                if len(lrow):
                    ln = _run_positions(lrow) - 1
                    w = int(max(n_in.max(initial=0), ln.max(initial=0))) + 1
                    _, ri = _join(row * w + n_in, lrow * w + ln, left=True)
                    a_alt = _take(litems, ri)
                    self.used["additional_image_labels"] = "images.alt"
                else:
                    a_alt = pa.nulls(len(row), pa.string())
            else:
                a_alt = pa.nulls(len(row), pa.string())
            pp = np.full(len(row), np.nan)
            positions = "additional_image_positions" in self.present
            if positions:
                ln = _list_numbers(pd.Series(_strs(self.pcol("additional_image_positions"))), "n", "p")
                w = int(max(n_in.max(initial=0), ln["n"].max() if len(ln) else 0)) + 1
                _, ri = _join(row * w + n_in, ln["row"].to_numpy() * w + ln["n"].to_numpy(), left=True)
                pv = ln["p"].to_numpy(dtype="float64")
                pp = np.where(ri >= 0, pv[np.maximum(ri, 0)], np.nan)
                self.used["additional_image_positions"] = "images.position"
            pp = np.where(np.isnan(pp), n_in + 1000.0, pp)
            src.append(items)
            alt.append(a_alt)
            k.append(np.full(len(row), 10.0))
            p.append(pp)
            o.append(row)
            self.used["additional_images"] = "images"
        # a child's own base image goes on its variant and into the product's images
        vimg = self.rv["image"].take(self.vd)
        isvar = self.vl >= 0
        vi = np.flatnonzero(isvar & _filled(vimg))
        if len(vi):
            src.append(vimg.take(vi))
            alt.append(pa.nulls(len(vi), pa.string()))  # no alt text (empty and null are the same here)
            k.append(np.full(len(vi), 20.0))
            p.append(self.vpos[vi].astype(np.float64))
            o.append(self.vp[vi])
        if src:
            S_ = pa.concat_arrays([s.cast(pa.string()) for s in src])
            A_ = pa.concat_arrays([a.cast(pa.string()) for a in alt])
            K_, P_, O_ = np.concatenate(k), np.concatenate(p), np.concatenate(o).astype(np.int64)
            keep = np.flatnonzero(_filled(S_))
            if positions:
                order = keep[np.lexsort((P_[keep], K_[keep], O_[keep]))]
            else:  # every part is in (product, place) order already: a stable sort by product merges them
                order = keep[np.argsort(O_[keep], kind="stable")]
            S_, A_, O_ = S_.take(order), A_.take(order), O_[order]
            first = _first_text(O_, S_)
            if not first.all():
                S_, A_, O_ = S_.filter(pa.array(first)), A_.filter(pa.array(first)), O_[first]
        else:
            S_, A_, O_ = pa.array([], pa.string()), pa.array([], pa.string()), np.zeros(0, dtype=np.int64)
        if A_.null_count < len(A_):
            A_ = pc.if_else(pa.array(_filled(A_)), A_, pa.scalar(None, pa.string()))
        self.img_o, self.img_src = O_, S_
        rel = ~_absolute(S_)
        out_src = S_
        if rel.any():
            if base_url:
                out_src = _join_base(base_url, S_, rel)
            else:
                first_rel = S_[int(np.flatnonzero(rel)[0])].as_py()
                self.issues.append(issue("warning", self.file, None, "base_image", "m2_relative_image",
                                         f"{int(rel.sum())} image paths are relative to Magento's media folder "
                                         f"(e.g. '{first_rel}'); Shopify needs full URLs",
                                         "set image_base_url (e.g. https://shop.example/media/catalog/product) in "
                                         "the mapping file's [urls]", product="", sku=""))
        self.images_frame = pd.DataFrame({"product_id": _arrow_col(self.prid.take(O_)),
                                          "position": _run_positions(O_), "src": _arrow_col(out_src),
                                          "alt": _arrow_col(A_), "source_id": _arrow_col(S_)})
        # the variants' own images
        img = pc.if_else(pa.array(isvar), vimg, pa.scalar(None, pa.string()))
        if base_url:
            vrel = _filled(pc.fill_null(img, "")) & ~_absolute(pc.fill_null(img, ""))
            if vrel.any():
                img = _join_base(base_url, img, vrel)
        self.v_image = img

    # ---- collections --------------------------------------------------------------------------
    def collections(self) -> None:
        row, items = _split_items(self.pcol("categories"))
        # the root category ("Default Category") is dropped; per distinct item, then looked up
        uniq = pc.unique(items)
        u = pd.Series(_strs(uniq))
        up = u.str.replace(r"^[^/]*(/|$)", "", regex=True).str.replace("/", " > ", regex=False)
        upath = _text(up)
        path = upath.take(pc.index_in(items, value_set=uniq)) if len(items) else upath
        keep = _filled(pc.utf8_trim_whitespace(path))
        row, path = row[keep], path.filter(pa.array(keep))
        collections, members = _collections(row, path, self.prid, self.mapping)
        collections["source_id"] = collections["path"]
        cpat = str(mapping_option(self.mapping, "category_url_pattern", "") or "") or DEFAULT_CATEGORY_URL
        cslug = pd.Series(["/".join(slugify(x) for x in str(q).split(" > ")) for q in collections["path"]],
                          dtype=object)
        collections["source_url"] = _strs(_url_array(cpat, {
            "path": cslug.to_numpy(), "handle": collections["handle"].to_numpy(),
            "slug": collections["handle"].to_numpy(), "id": collections["collection_id"].to_numpy()},
            len(collections), self.mapping, "category_url_pattern"))
        self.collections_frame, self.members = collections, members

    # ---- extra --------------------------------------------------------------------------------
    def extra(self) -> None:
        """Magento-only values in extra: product type, non-default settings, kept special prices,
        additional attributes that are not axes, store-view overrides, unknown columns."""
        nD = self.nD
        # entity of each D row: its product, or (a child) the variant of its first link
        first_link = np.full(nD, -1, dtype=np.int64)
        fl = np.flatnonzero(_first_mask(self.link_child))
        first_link[self.link_child[fl]] = fl
        ent_var = np.where(self.is_kid, self.var_of_link[np.maximum(first_link, 0)] if len(fl) else 0, 0)
        # the ids: products then variants; each D row's entity is a position in them
        self.ent_ids = pa.concat_arrays([self.prid, self.vid.cast(pa.string())]) if self.is_kid.any() else self.prid
        self.ent_of_d = np.where(self.is_kid, self.nP + ent_var, self.p_of_d)
        parts: list[tuple] = []  # (D positions, values, namespace, key) per part

        def add(values: pa.Array, key: str, ns: str = NS, rows=None):
            m = _filled(values)
            idx = np.flatnonzero(m)
            if len(idx):
                parts.append((idx if rows is None else rows[idx], values.take(idx) if len(idx) < len(values)
                              else values, ns, key))
        add(pc.if_else(pc.equal(self.ptype, "simple"), "", self.ptype), "product_type")
        for c, default in _EXTRA_DEFAULTS.items():
            if c not in self.present:
                continue
            s = self.dcol(c)
            if default is not None:
                s = pc.if_else(pc.equal(pc.utf8_trim_whitespace(s), default), "", s)
            add(s, c)
            self.used[c] = f"extra:{NS}.{c}"
        kept = np.zeros(nD, dtype=bool)
        kept[self.vd[self.rv["special_kept"][self.vd]]] = True
        add(pc.if_else(pa.array(kept), self.dcol("special_price"), ""), "special_price")
        self.notes["name"] = "configurable children's own names and url keys are not kept (made from the product's)"
        fixed = parts[:]
        parts.clear()
        aa_part = self.aa_extra()
        sv_part = self.store_view_extra()
        handled = set(self.used) | _DROPPED | {"product_type"}
        for c in self.columns:
            if c in handled:
                continue
            add(self.dcol(c), c)
            self.used[c] = f"extra:{NS}.{c}"
        for c in _DROPPED:
            self.notes[c] = _DROP_NOTE
        fixed_keys = [p[3] for p in fixed + parts]
        blocks = []
        for rows, values, ns, key in fixed:
            blocks.append(self._extra_block(rows, values, ns, pa.repeat(pa.scalar(key, pa.string()), len(rows))))
        blocks += aa_part + sv_part
        for rows, values, ns, key in parts:
            blocks.append(self._extra_block(rows, values, ns, pa.repeat(pa.scalar(key, pa.string()), len(rows))))
        blocks = [b for b in blocks if b.num_rows]
        if blocks:
            tab = pa.concat_tables(blocks)  # chunked: the schema check makes each column one array
            extra = pd.DataFrame({c: _arrow_col(tab.column(c)) for c in tab.column_names})
            if any(k.startswith("store_view:") for k in fixed_keys) and sv_part:
                extra = extra.drop_duplicates(EXTRA_COLUMNS[:4], keep="first")
        else:
            extra = pd.DataFrame(columns=EXTRA_COLUMNS)
        self.extra_frame = extra

    def _extra_block(self, rows: np.ndarray, values: pa.Array, ns: str, keys: pa.Array) -> pa.Table:
        n = len(rows)
        kid = self.is_kid[rows]
        ent = pc.if_else(pa.array(kid), "variant", "product") if kid.any() else \
            pa.repeat(pa.scalar("product", pa.string()), n)
        return pa.table({"entity": ent.cast(pa.string()), "entity_id": self.ent_ids.take(self.ent_of_d[rows]),
                         "namespace": pa.repeat(pa.scalar(ns, pa.string()), n), "key": keys.cast(pa.string()),
                         "value": values.cast(pa.string()),
                         "type": pa.repeat(pa.scalar("single_line_text_field", pa.string()), n)})

    def aa_extra(self) -> list:
        """Additional attributes that are not the row's own axes -> custom metafields (first of a
        repeated (row, key) kept)."""
        aa = self.aa
        if not len(aa["row"]):
            return []
        enc = pc.dictionary_encode(aa["code"])
        uniq = enc.dictionary
        ucode = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        nu = len(uniq)
        system = pc.is_in(uniq, value_set=pa.array(sorted(_SYSTEM_ATTRS))).to_numpy(zero_copy_only=False)
        keep = ~system[ucode]
        if len(self.ax_parent):
            # not a child's own axis: (child row, axis code) of every link, on the codes of ``uniq``
            u_of_ax = pc.index_in(self.ax_code_text, value_set=uniq).to_numpy(zero_copy_only=False)
            u_of_ax = np.where(np.isnan(u_of_ax), -1, u_of_ax).astype(np.int64) if u_of_ax.dtype.kind == "f" \
                else u_of_ax.astype(np.int64)
            ai, li = _join(self.ax_parent, self.link_parent)
            ok = u_of_ax[ai] >= 0
            kk = self.link_child[li[ok]] * nu + u_of_ax[ai[ok]]
            keep &= ~_member(aa["row"] * nu + ucode, kk, self.nD * nu)
        idx = np.flatnonzero(keep)
        rows, ucode = aa["row"][idx], ucode[idx]
        ukey = _text(attr_key(pd.Series(_strs(uniq))))
        kenc = pc.dictionary_encode(ukey)
        kc_of_u = kenc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        nk = max(len(kenc.dictionary), 1)
        first = _first_mask(rows * nk + kc_of_u[ucode])
        if not first.all():
            idx, rows, ucode = idx[first], rows[first], ucode[first]
        key = ukey.take(ucode)
        value = _pair_values(aa, None if len(idx) == len(aa["row"]) else idx)
        if pc.any(pc.match_substring(value, "|")).as_py():
            value = pc.replace_substring(value, "|", ", ")
        return [self._extra_block(rows, value, ATTR_NS, key)]

    def store_view_extra(self) -> list:
        """Store-view rows: each value differing from the default row -> ``store_view:<code>:<column>``."""
        spos = self.spos
        if not len(spos):
            return []
        drow = self.d_of_code[self.sku_codes[spos]]
        scope = self.scope.take(spos)
        prefix = _affix(scope, "store_view:", "")
        rows_, vals_, keys_ = [], [], []
        for c in self.columns:
            if c in ("sku", "store_view_code"):
                continue
            v = self.col(c).take(spos)
            dv = self.dcol(c).take(drow)
            m = np.flatnonzero(_filled(v) & ~pc.equal(v, dv).to_numpy(zero_copy_only=False))
            if not len(m):
                continue
            rows_.append(drow[m])
            vals_.append(v.take(m))
            keys_.append(_affix(prefix.take(m), "", ":" + c))
        if not rows_:
            return []
        rows, vals, keys = np.concatenate(rows_), pa.concat_arrays(vals_), pa.concat_arrays(keys_)
        (kc,), nk = _codes(keys)
        first = _first_mask(rows * nk + kc)
        if not first.all():
            fi = np.flatnonzero(first)
            rows, vals, keys = rows[fi], vals.take(fi), keys.take(fi)
        return [self._extra_block(rows, vals, NS, keys)]

    # ---- the canonical frames -----------------------------------------------------------------
    def variants_frame(self) -> pd.DataFrame:
        rv, vd = self.rv, self.vd
        weight = rv["weight"][vd]
        return pd.DataFrame({
            "variant_id": _arrow_col(self.vid), "product_id": _arrow_col(self.prid.take(self.vp)), "position": self.vpos,
            "sku": _arrow_col(self.dsku.take(vd)), "price": _arrow_col(pc.fill_null(rv["price"].take(vd), "0")),
            "compare_at_price": _arrow_col(rv["compare_at_price"].take(vd)), "weight": weight,
            "weight_unit": _arrow_col(pc.if_else(pa.array(~np.isnan(weight)), rv["wunit"],
                                                 pa.scalar(None, pa.string()))),
            "inventory_quantity": pd.array(rv["qty"][vd], dtype="Float64").round().astype("Int64"),
            "inventory_policy": _arrow_col(pc.if_else(pa.array(rv["continue"][vd]), "continue", "deny")),
            "inventory_tracker": _arrow_col(pc.if_else(pa.array(rv["tracked"][vd]), "shopify",
                                                       pa.scalar(None, pa.string()))),
            "requires_shipping": _arrow_col(pc.invert(pc.is_in(self.ptype.take(vd), value_set=pa.array(
                ["virtual", "downloadable"])))),
            "taxable": _arrow_col(pa.array(rv["taxable"][vd], mask=~rv["tax_set"][vd])),
            "image_src": _arrow_col(self.v_image), "source_id": _arrow_col(self.dsku.take(vd)),
        })

    def hidden_images(self) -> None:
        """Images hidden in Magento are shown on Shopify: flagged."""
        for c in ("hide_from_product_page", "disabled_images"):
            if c not in self.present:
                continue
            row, items = _split_items(self.pcol(c))
            if not len(row):
                continue
            (a, b), nc = _codes(items, self.img_src)
            li, ri = _join(row * nc + a, self.img_o * nc + b)
            for j in li[:50]:
                prow = self.dpos[self.P[row[j]]]
                pid = self.prid[int(row[j])].as_py()
                self.issues.append(issue("warning", self.file, self.t.line_of(int(prow)), c, "hidden_image_shown",
                                         f"'{items[int(j)].as_py()}' is hidden in Magento ({c}); Shopify shows every "
                                         "product image, so it will be visible", product=self.raw("name", prow),
                                         sku=pid))

    def small_frame(self, prows: np.ndarray, cols) -> pd.DataFrame:
        """A few file rows as a pandas frame (index = file positions), for the per-product steps."""
        return pd.DataFrame({c: _strs(self.col(c).take(prows)) for c in cols if c in self.present}, index=prows)

    def bundles(self) -> None:
        """Bundles: fixed price, else the sum of the default selections."""
        self.variants_df = variants = self.variants_frame()
        products = self.products_frame
        bmask = self.pt_bundle
        if not (bmask.any() and "bundle_values" in self.present):
            return
        brows = self.dpos[self.P[bmask]]
        B = self.small_frame(brows, ("bundle_values", "name", "product_online"))
        brec = B["bundle_values"].str.split("|").explode()
        brec = brec[brec.notna() & (brec != "")]
        bpar = pd.Series(brec.index.to_numpy())
        bp = parse_pairs(brec.reset_index(drop=True))
        wide = bp.pivot_table(index="row", columns="code", values="value", aggfunc="first") if len(bp) \
            else pd.DataFrame()
        need = B[self.np_prod[bmask]]
        price_of = pd.Series(variants["price"].to_numpy(), index=variants["sku"].to_numpy())
        price_of = price_of[~price_of.index.duplicated()]
        pid_of = dict(zip(brows.tolist(), self.prid.take(np.flatnonzero(bmask)).to_pylist()))
        # each bundle's selection records (positions in ``wide``, in order), grouped once
        records_of: dict[int, list[int]] = {}
        if len(wide):
            for c in ("default", "sku", "default_qty"):  # an edited export may lack a key
                if c not in wide.columns:
                    wide[c] = None
            for rec, owner in zip(wide.index.tolist(), bpar.to_numpy()[wide.index.to_numpy()].tolist()):
                records_of.setdefault(owner, []).append(rec)
        prices: dict[str, str] = {}      # product id -> the bundle's price, set on its variants at the end
        statuses: dict[str, str] = {}
        for r in need.index:  # one loop per bundle without a price
            pid = pid_of[r]
            rows = wide.loc[records_of.get(r, [])] if len(wide) else wide
            sel = rows[rows["default"] == "1"] if len(rows) else rows
            qty = [_quantity(q) for q in sel["default_qty"]] if len(sel) else []
            ok = (len(sel) > 0 and sel["sku"].isin(price_of.index).all() and price_of.reindex(sel["sku"]).notna().all()
                  and None not in qty)
            if ok:
                prices[pid] = str(sum(Decimal(str(price_of[k])) * q for k, q in zip(sel["sku"], qty)))
                statuses[pid] = "active" if B.at[r, "product_online"].strip() not in ("0", "2") else "draft"
            else:
                self.issues.append(issue("error", self.file, self.t.line_of(int(r)), "price", "bundle_price_unknown",
                                         "dynamic bundle without a price, and its default selections are not all in "
                                         "the file: imported as a draft with price 0", product=B.at[r, "name"],
                                         sku=pid))
        for frame, column, values in ((variants, "price", prices), (products, "status", statuses)):
            if values:
                hit = frame["product_id"].isin(list(values)).to_numpy()
                frame.loc[hit, column] = frame.loc[hit, "product_id"].map(values).to_numpy()

    def grouped(self) -> None:
        """Grouped products become collections of their members (mapping rules 1.6)."""
        gmask = self.pt_grouped
        self.images_df = self.images_frame
        if not gmask.any():
            return
        products, variants = self.products_frame, self.variants_df
        grows = self.dpos[self.P[gmask]]
        G = self.small_frame(grows, ("name", "sku", "description", "associated_skus", "associated_position",
                                     "base_image", "additional_images", "categories"))
        gh = pd.Series(products.loc[gmask, "handle"].to_numpy(), index=G.index)
        gp = parse_pairs(G["associated_skus"]) if "associated_skus" in G else parse_pairs(pd.Series(dtype="str"))
        gp["cid"] = gh.reindex(gp["row"]).to_numpy()
        if "associated_position" in G:
            gp = gp.merge(_list_numbers(G["associated_position"], "order", "pos"), on=["row", "order"], how="left")
            self.used["associated_position"] = "collection_products.position"
        else:
            gp["pos"] = np.nan
        gp["pos"] = gp["pos"].fillna(gp["order"] + 1000)
        gp = gp.sort_values(["row", "pos"], kind="stable")
        gp["product_id"] = gp["code"].str.strip()
        missing_m = ~isin(gp["product_id"], products["product_id"])
        for r in gp[missing_m].head(50).itertuples():
            self.issues.append(issue("warning", self.file, self.t.line_of(int(r.row)), "associated_skus",
                                     "grouped_member_missing",
                                     f"the grouped product's member '{r.product_id}' is not in the file",
                                     product=G.at[r.row, "name"], sku=G.at[r.row, "sku"]))
        gp = gp[~missing_m]
        gm = grouped_members(gp["cid"].to_numpy(), gp["product_id"].to_numpy())
        gcoll = grouped_collections(gh.to_numpy(), G["name"].str.strip().to_numpy(),
                                    G["description"].replace("", None).to_numpy(),
                                    G["sku"].str.strip().to_numpy(), products.loc[gmask, "source_url"].to_numpy())
        gpid = self.prid.filter(pa.array(gmask)).to_pylist()
        gset = set(gpid)
        for col, what in (("base_image", "images"), ("additional_images", "images"), ("categories", "categories")):
            if col in G:
                ne = int((G[col] != "").sum())
                if ne:
                    self.loss.append({"file": self.file, "column": col, "became": "", "non_empty": ne, "dropped": ne,
                                      "note": f"{what} of grouped products (they became collections)"})
        # members of a grouped product are sold through it: published even if not visible alone
        products.loc[isin(products["product_id"], gm["product_id"]), "published"] = True
        f = fold_grouped({"products": products, "variants": variants, "images": self.images_df,
                          "members": self.members, "collections": self.collections_frame,
                          "extra": self.extra_frame}, gset, gcoll, gm, pd.Series(gh.to_numpy(), index=gpid))
        self.products_frame, self.variants_df, self.images_df = f["products"], f["variants"], f["images"]
        self.members, self.collections_frame, self.extra_frame = f["members"], f["collections"], f["extra"]

    def finish(self) -> ReadResult:
        product_options = pd.DataFrame({"product_id": _arrow_col(self.prid.take(self.p_of_d[self.ax_parent])),
                                        "position": self.ax_position, "name": _arrow_col(self.ax_oname)})
        variant_options = pd.DataFrame({"variant_id": _arrow_col(_take(self.vid, self.vo_var)),
                                        "position": self.vo_position, "value": _arrow_col(self.vo_value)})
        skipped = self.skipped
        any_skipped = bool(skipped.any())
        for c in self.columns:
            filled = _filled(self.col(c))
            ne = int(filled.sum())
            became = self.used.get(c, "")
            lost = ne if not became else (int((filled & skipped).sum()) if any_skipped else 0)
            note = self.notes.get(c, "")
            if became and lost:
                note = (note + "; " if note else "") + "values of skipped rows (duplicate_sku, missing_sku, " \
                    "store view without default row)"
            self.loss.append({"file": self.file, "column": c, "became": became, "non_empty": ne,
                              "dropped": lost, "note": note})
        frames = dict(products=self.products_frame, product_options=product_options,
                      variants=self.variants_df.reset_index(drop=True), variant_options=variant_options,
                      images=self.images_df, collections=self.collections_frame,
                      collection_products=self.members, extra=self.extra_frame)
        for k in ("products_frame", "variants_df", "images_df", "images_frame", "extra_frame", "members",
                  "collections_frame", "_full", "_d", "_p", "_df", "aa", "axes"):
            self.__dict__.pop(k, None)
        self.t.frame = None  # the file's cells are not needed any more (only its line numbers are)
        catalog = Catalog.from_frames(**frames)
        del frames
        return ReadResult(catalog, loss_frame(self.loss), issues_frame(self.issues), [self.file])


#: Columns the reader treats as present (empty) when the export lacks them.
_ADDED = ("store_view_code", "product_type", "name", "price", "special_price", "configurable_variations",
          "configurable_variation_labels", "additional_attributes", "categories", "url_key", "qty",
          "is_in_stock", "product_online", "visibility", "weight", "description", "allow_backorders")


def _collections(row: np.ndarray, path: pa.Array, prid: pa.Array, mapping) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``collections_from_paths`` on positions: one collection per distinct path (levels split on
    ``>``, joined with `` > ``; the work is per distinct path), members in row order, first wins."""
    if not isinstance(mapping, Mapping):
        mapping = Mapping(collections=dict(getattr(mapping, "collections", None) or {}))
    if not len(row):
        return (pd.DataFrame(columns=["collection_id", "handle", "title", "path"]),
                pd.DataFrame(columns=["collection_id", "product_id", "position"]))
    enc = pc.dictionary_encode(path)
    code = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    clean = [" > ".join(x.strip() for x in p.split(">") if x.strip()) for p in enc.dictionary.to_pylist()]
    ids: dict[str, int] = {}
    clean_code = np.array([ids.setdefault(c, len(ids)) for c in clean], dtype=np.int64)
    names = list(ids)
    cc = clean_code[code]
    keep = np.array([c != "" for c in names], dtype=bool)[cc]
    row, cc = row[keep], cc[keep]
    order = cc[_first_mask(cc)]  # the collections, in order of first appearance
    cols = pd.DataFrame({"path": [names[i] for i in order]})
    cols["title"], cols["handle"] = collection_names(list(cols["path"]), mapping)
    cols["collection_id"] = cols["handle"]
    place = np.empty(len(names), dtype=np.int64)
    place[order] = np.arange(len(order))
    coll = place[cc]
    first = _first_mask(coll * (int(row.max()) + 1) + row)
    coll, row = coll[first], row[first]
    o = np.argsort(coll, kind="stable")
    pos = np.empty(len(coll), dtype=np.int64)
    pos[o] = _run_positions(coll[o])
    cid = pa.array(cols["collection_id"].to_numpy(dtype=object), type=pa.string())
    cp = pd.DataFrame({"collection_id": _strs(cid.take(coll)), "product_id": _strs(prid.take(row)),
                       "position": pos})
    return cols[["collection_id", "handle", "title", "path"]], cp


def _decimal_text(s: pa.Array, signed: bool, most: int | None) -> np.ndarray:
    """Mask of the cells that are plain decimals (byte scans, ``_arrow.plain_decimal_mask``):
    ``signed``: ``-?\\d+(\\.\\d+)?`` with at most ``most`` digits on each side of the point (the
    ``to_numeric`` fast path); else an amount, ``\\d+(\\.\\d+)?|\\.\\d+``."""
    return plain_decimal_mask(s, signed=signed, most=None if most is None else int(most))


def _quantity(cell) -> Decimal | None:
    """A bundle selection's ``default_qty`` (blank: 1); None when it is not a number."""
    text = cell.strip() if isinstance(cell, str) else ""
    try:
        q = Decimal(text or "1")
    except InvalidOperation:
        return None
    return q if q.is_finite() and q >= 0 else None


def _money(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(clean decimal strings or null, mask of non-empty cells that are not amounts, too large or
    too precise ones included)."""
    s = pc.utf8_trim_whitespace(arr)
    ok = _decimal_text(s, False, None)
    large, inexact = amount_misfits(s, ok)
    ok &= ~(large | inexact)
    filled = _filled(s)
    return pc.if_else(pa.array(ok & filled), s, pa.scalar(None, pa.string())), filled & ~ok


def _floats(arr: pa.Array) -> np.ndarray:
    """Plain decimal strings (or null) as float64 (NaN for null)."""
    return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)


def _numbers(arr: pa.Array) -> np.ndarray:
    """``pd.to_numeric(errors="coerce")`` of stripped text as float64 ("" -> NaN): plain decimals
    cast in Arrow, anything else through pandas."""
    filled = _filled(arr)
    plain = _decimal_text(arr, True, 15)
    out = pc.cast(pc.if_else(pa.array(plain), arr, pa.scalar(None, pa.string())), pa.float64()).to_numpy(
        zero_copy_only=False)
    other = np.flatnonzero(filled & ~plain)
    if len(other):
        out[other] = pd.to_numeric(pd.Series(arr.take(other).to_pylist(), dtype=object), errors="coerce").to_numpy(
            dtype="float64")
    return out


def _neutralise(frame: pd.DataFrame, name: str, changed: list, *, product: pd.Series, sku: pd.Series) -> None:
    """Formula-like text cells get a leading ``'`` (in place) and an issue each: Magento has no rule."""
    for c in frame.columns:
        s = frame[c]
        m = s.str.startswith(("=", "+", "-", "@", "\t", "\r"))
        if not m.any():
            continue
        idx = [i for i in np.flatnonzero(m.to_numpy()) if is_formula(s.iat[i])]
        if not idx:
            continue
        for i in idx:
            changed.append(issue("warning", name, int(i) + 2, c, "formula_neutralised",
                                 f"{s.iat[i][:40]!r} starts like a spreadsheet formula; Magento has no rule for "
                                 "this, so it was written with a leading ' (remove it after import if needed)",
                                 product=str(product.iat[i]), sku=str(sku.iat[i])))
        s = s.copy()
        s.iloc[idx] = "'" + s.iloc[idx]
        frame[c] = s


def _sale_mask(src: pd.DataFrame) -> np.ndarray:
    """Rows whose compare-at price is above the price (a sale Magento can express as special_price)."""
    cmp_, pr = src["compare_at_price"], src["price"]
    try:
        m = pd.Series(cmp_ > pr, index=src.index)
    except TypeError:  # object columns holding None: compare as numbers
        m = pd.Series(pd.to_numeric(cmp_.astype(object).astype(str), errors="coerce").to_numpy()
                      > pd.to_numeric(pr.astype(object).astype(str), errors="coerce").to_numpy(), index=src.index)
    return (m.fillna(False).astype(bool) & cmp_.notna() & pr.notna()).to_numpy(dtype=bool)


def _unique_skus(sku: pd.Series) -> tuple[pd.Series, list[tuple[int, str, str]]]:
    """Magento keys rows by SKU: the 2nd, 3rd... row with a SKU gets ``<sku>-2``, ``-3``... (a
    suffix not used by another row); returns the SKUs and (position, old, new) per change."""
    dup = sku.duplicated(keep="first").to_numpy()
    if not dup.any():
        return sku, []
    renames = suffix_repeats(sku, dup, set(sku))
    vals = sku.to_numpy(dtype=object).copy()
    vals[list(renames)] = np.array([new for _, new in renames.values()], dtype=object)
    return pd.Series(vals, index=sku.index, dtype=object), [(i, old, new) for i, (old, new) in renames.items()]


def _group_join(keys: pd.Series, values: pd.Series, sep: str) -> pd.Series:
    """``values`` joined with ``sep`` per key, keys in order of first appearance (``groupby(sort=False)
    .agg(sep.join)`` without a Python call per group on Arrow strings: one pass over plain lists)."""
    groups: dict = {}
    vals = values.astype(object).where(values.notna(), "").to_numpy()
    for k, v in zip(keys.astype(object).to_numpy(), vals):
        groups.setdefault(k, []).append(v if isinstance(v, str) else str(v))
    return pd.Series([sep.join(x) for x in groups.values()], index=pd.Index(list(groups), dtype=object),
                     dtype=object)


def _code(name: pd.Series) -> pd.Series:
    return name.astype("str").str.lower().str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")


def catalog_to_frame(cat: Catalog) -> pd.DataFrame:
    """The catalog as Magento 2 import rows: simple rows; configurable children then their parent."""
    p = cat.products.reset_index(drop=True)
    v = cat.variants.reset_index(drop=True)
    po = cat.product_options
    vo = cat.variant_options
    extra = cat.extra
    pe = extra_wide(extra, "product", NS)
    ve = extra_wide(extra, "variant", NS)
    pidx = pd.Series(np.arange(len(p)), index=p["product_id"].to_numpy())
    nopt = po.groupby("product_id").size()
    conf = p["product_id"].map(nopt).fillna(0).astype(int) > 0
    conf_ids = set(p.loc[conf, "product_id"])

    def ext(wide, ids: pd.Series, key: str) -> pd.Series:
        if len(wide) and key in wide.columns:
            return ids.map(wide[key]).astype(object).fillna("").astype("str")
        return pd.Series("", index=ids.index, dtype="str")

    # images and categories per product
    im = cat.images.sort_values(["product_id", "position"])
    im_first = im.drop_duplicates("product_id").set_index("product_id")
    im_rest = im[im.duplicated("product_id")]
    add_imgs = _group_join(im_rest["product_id"], im_rest["src"], ",")
    add_labels = _group_join(im_rest["product_id"], im_rest["alt"], ",")
    coll = cat.collections.set_index("collection_id")
    cp = cat.collection_products.copy()
    cp["path"] = cp["collection_id"].map(coll["path"].where(coll["path"].notna(), coll["title"]))
    cp = cp.dropna(subset=["path"])
    cp["mpath"] = "Default Category/" + cp["path"].astype("str").str.replace(" > ", "/", regex=False)
    cats = _group_join(cp["product_id"], cp["mpath"], ",")
    # non-option attributes -> additional_attributes
    cust = extra[extra["namespace"] == ATTR_NS]
    cust = cust.assign(pair=_code(cust["key"]) + "=" + cust["value"].astype("str").str.replace(",", "|", regex=False))
    cp_ent = cust[cust["entity"] == "product"]
    aa_p = _group_join(cp_ent["entity_id"], cp_ent["pair"], ",")
    cv_ent = cust[cust["entity"] == "variant"]
    aa_v = _group_join(cv_ent["entity_id"], cv_ent["pair"], ",")

    vv = v.merge(p[["product_id", "handle", "title", "description_html", "status", "published", "seo_title",
                    "seo_description"]], on="product_id", how="left")
    vv["is_child"] = vv["product_id"].isin(conf_ids)
    # option values per variant (positions as columns)
    opt = po.assign(code=_code(po["name"]))
    vov = vo.merge(v[["variant_id", "product_id"]], on="variant_id").merge(
        opt[["product_id", "position", "code", "name"]], on=["product_id", "position"])
    vov["pair"] = vov["code"] + "=" + vov["value"].astype("str")
    vov_s = vov.sort_values(["variant_id", "position"])
    vpairs = _group_join(vov_s["variant_id"], vov_s["pair"], ",")
    vvals = _group_join(vov_s["variant_id"], vov_s["value"], "-")

    def rows_for(src: pd.DataFrame, child: bool) -> pd.DataFrame:
        R = pd.DataFrame(index=src.index)
        sku = src["sku"].astype("str").where(src["sku"].notna(), "")
        fallback = src["handle"].astype("str") + ("-" + slugify_series(src["variant_id"].map(vvals).astype(object).fillna("")) if child
                                                   else "")
        R["sku"] = sku.where(sku != "", fallback)
        R["store_view_code"] = ""
        R["attribute_set_code"] = ext(pe, src["product_id"], "attribute_set_code").replace("", "Default")
        vtype = np.where(src["requires_shipping"].fillna(True).astype(bool), "simple", "virtual")
        ptype = ext(pe, src["product_id"], "product_type")
        R["product_type"] = vtype if child else np.where(ptype.isin(["bundle", "grouped", "downloadable"]), ptype,
                                                         vtype)
        R["categories"] = src["product_id"].map(cats).astype(object).fillna("")
        R["product_websites"] = "base"
        if child:
            vals = src["variant_id"].map(vvals).astype(object).fillna("")
            R["name"] = ext(ve, src["variant_id"], "name").where(lambda x: x != "", src["title"].astype("str") + "-"
                                                                 + vals)
        else:
            R["name"] = src["title"].astype("str")
        R["description"] = src["description_html"].astype(object).fillna("").astype("str")
        R["short_description"] = ext(pe, src["product_id"], "short_description")
        R["weight"] = src["weight"].astype("str").replace(["nan", "<NA>", "None"], "").where(src["weight"].notna(), "")
        R["product_online"] = np.where(src["status"].astype("str") == "active", "1", "2")
        R["tax_class_name"] = np.where(src["taxable"].fillna(True).astype(bool), "Taxable Goods", "None")
        R["visibility"] = "Not Visible Individually" if child else np.where(
            src["published"].fillna(True).astype(bool), "Catalog, Search", "Not Visible Individually")
        # Magento's special_price can only lower the price: a sale is compare-at ABOVE the price; a
        # compare-at not above it is not written (reported by write(): compare_at_not_written)
        sale = _sale_mask(src)
        R["price"] = np.where(sale, fmt_money(src["compare_at_price"]), fmt_money(src["price"]))
        R["special_price"] = np.where(sale, fmt_money(src["price"]), "")
        R["_cmp_lost"] = np.where(src["compare_at_price"].notna().to_numpy() & ~sale,
                                  fmt_money(src["compare_at_price"]), "")
        R["url_key"] = (src["handle"].astype("str") + "-" + slugify_series(src["variant_id"].map(vvals).astype(object).fillna(""))
                        if child else src["handle"].astype("str"))
        R["meta_title"] = src["seo_title"].astype(object).fillna("").astype("str")
        R["meta_description"] = src["seo_description"].astype(object).fillna("").astype("str")
        img = src["image_src"].astype("str").where(src["image_src"].notna(), "") if child else \
            src["product_id"].map(im_first["src"]).astype(object).fillna("").astype("str")
        lab = "" if child else src["product_id"].map(im_first["alt"]).astype(object).fillna("").astype("str")
        for role in ("base_image", "small_image", "thumbnail_image"):
            R[role] = img
            R[f"{role}_label"] = lab
        R["additional_attributes"] = (src["variant_id"].map(vpairs).astype(object).fillna("") if child else
                                      src["product_id"].map(aa_p).astype(object).fillna(""))
        if child:
            extra_aa = src["variant_id"].map(aa_v).astype(object).fillna("")
            R["additional_attributes"] = np.where((extra_aa != "") & (R["additional_attributes"] != ""),
                                                  R["additional_attributes"] + "," + extra_aa,
                                                  R["additional_attributes"] + extra_aa)
        tracked = src["inventory_tracker"].notna()
        q = src["inventory_quantity"].astype("Float64")
        R["qty"] = np.where(tracked & q.notna(), q.fillna(0).astype("int64").astype("str"), "")
        R["allow_backorders"] = np.where(src["inventory_policy"].astype("str") == "continue", "1", "0")
        R["use_config_backorders"] = np.where(src["inventory_policy"].astype("str") == "continue", "0", "1")
        R["is_in_stock"] = np.where(~tracked | (q.fillna(0) > 0) | (src["inventory_policy"].astype("str")
                                                                    == "continue"), "1", "0")
        R["manage_stock"] = np.where(tracked, "1", "0")
        R["use_config_manage_stock"] = "0"
        if not child:
            R["additional_images"] = src["product_id"].map(add_imgs).astype(object).fillna("")
            R["additional_image_labels"] = src["product_id"].map(add_labels).astype(object).fillna("")
            for c in ("related_skus", "crosssell_skus", "upsell_skus", "custom_options", "bundle_price_type",
                      "bundle_sku_type", "bundle_price_view", "bundle_weight_type", "bundle_values",
                      "bundle_shipment_type", "associated_skus", "meta_keywords", "hide_from_product_page",
                      "country_of_manufacture"):
                R[c] = ext(pe, src["product_id"], c)
        R["_order"] = src["product_id"].map(pidx).to_numpy() * 2.0 + (0 if child else 1)
        R["_vpos"] = src["position"].to_numpy() if child else 0
        return R

    kids = vv[vv["is_child"]]
    firsts = vv.sort_values(["product_id", "position"]).drop_duplicates("product_id")
    own = firsts[~firsts["is_child"]]
    K = rows_for(kids, True)
    O = rows_for(own, False)
    # configurable parents
    cp_ = p[conf].copy()
    cp_["sku"] = cp_["handle"]
    src_ids = cp_["source_id"].astype("str").where(cp_["source_id"].notna() &
                                                   (cp_["source_platform"].astype("str") == PLATFORM), "")
    cp_["sku"] = src_ids.where(src_ids != "", cp_["handle"].astype("str"))
    first_kid = kids.sort_values(["product_id", "position"]).drop_duplicates("product_id").set_index("product_id")
    for c in ("price", "compare_at_price", "weight", "image_src", "inventory_tracker", "inventory_quantity",
              "inventory_policy", "requires_shipping", "taxable"):
        cp_[c] = cp_["product_id"].map(first_kid[c]) if len(first_kid) else None
    cp_["variant_id"] = cp_["product_id"]
    cp_["position"] = 0
    cp_["inventory_tracker"] = None
    C = rows_for(cp_, False)
    C["product_type"] = "configurable"
    C["qty"] = ""
    C["weight"] = ""
    C["_cmp_lost"] = ""  # reported on the children's rows
    # Magento keys rows by SKU: a repeated SKU (allowed on Shopify, mapping rule 1.4) is written with a
    # suffix so every variant arrives (write_issues: sku_renamed), in the order rows are written
    parts = pd.concat([X[["sku", "_order", "_vpos"]].assign(_part=k, _i=np.arange(len(X)))
                       for k, X in enumerate((K, O, C))], ignore_index=True)
    parts = parts.sort_values(["_order", "_vpos"], kind="stable")
    new_sku, _renamed = _unique_skus(parts["sku"].astype(object))
    for k, X in enumerate((K, O, C)):
        X["_old_sku"] = X["sku"].to_numpy()
        if _renamed:
            m = (parts["_part"] == k).to_numpy()
            X.iloc[parts["_i"].to_numpy()[m], X.columns.get_loc("sku")] = new_sku.to_numpy()[m]
    K["_parent_sku"] = kids["product_id"].map(pd.Series(C["sku"].to_numpy(), index=cp_["product_id"].to_numpy()))
    # the record holds only the option pairs
    K["_rec"] = "sku=" + K["sku"] + "," + kids["variant_id"].map(vpairs).astype(object).fillna("").to_numpy()
    C["configurable_variations"] = cp_["product_id"].map(
        _group_join(kids["product_id"], K["_rec"], "|")).astype(object).fillna("")
    labels = opt.assign(pair=opt["code"] + "=" + opt["name"].astype("str")).sort_values(["product_id", "position"])
    C["configurable_variation_labels"] = cp_["product_id"].map(
        _group_join(labels["product_id"], labels["pair"], ",")).astype(object).fillna("")
    C["additional_attributes"] = cp_["product_id"].map(aa_p).astype(object).fillna("")
    K = K.drop(columns=["_parent_sku", "_rec"])
    out = pd.concat([K, O, C], ignore_index=True)
    out = out.sort_values(["_order", "_vpos"], kind="stable").drop(columns=["_order", "_vpos"])
    out = out.reset_index(drop=True)
    old_sku = out["_old_sku"].astype(object).fillna("").astype(str)
    ren = np.flatnonzero((old_sku != out["sku"].astype(object).fillna("").astype(str)).to_numpy())
    cmp_lost = out["_cmp_lost"].astype(object).fillna("").astype(str)
    lost = np.flatnonzero((cmp_lost != "").to_numpy())
    for c in IMPORT_COLUMNS:
        if c not in out:
            out[c] = ""
    attrs = {"sku_renamed": [(int(i), old_sku.iat[i], str(out["sku"].iat[i])) for i in ren],
             "compare_at_not_written": [(int(i), cmp_lost.iat[i]) for i in lost]}
    out = out[IMPORT_COLUMNS].astype(object).fillna("").astype("str").replace({"nan": "", "<NA>": "", "None": ""})
    out = out.reset_index(drop=True)
    out.attrs.update(attrs)
    return out


# =================================================================================================
# customers (formats.md 3.3): Customers Main File, Customer Addresses, and the composite file
# =================================================================================================

#: The "Customers Main File" header of Magento's own sample (ImportExport/Files/Sample/customer.csv).
CUSTOMER_COLUMNS = ("email,_website,_store,confirmation,created_at,created_in,disable_auto_group_change,dob,"
                    "firstname,gender,group_id,lastname,middlename,password_hash,prefix,reward_update_notification,"
                    "reward_warning_notification,rp_token,rp_token_created_at,store_id,suffix,taxvat,updated_at,"
                    "website_id,password").split(",")
#: The "Customer Addresses" header (ImportExport/Files/Sample/customer_address.csv).
ADDRESS_COLUMNS = ("_website,_email,_entity_id,city,company,country_id,fax,firstname,lastname,middlename,postcode,"
                   "prefix,region,region_id,street,suffix,telephone,vat_id,vat_is_valid,vat_request_date,"
                   "vat_request_id,vat_request_success,_address_default_billing_,_address_default_shipping_"
                   ).split(",")
#: Secrets: never carried (counted as dropped in the loss report).
_SECRET_CUSTOMER = {"password_hash": "password hash", "password": "password",
                    "rp_token": "password-reset token", "rp_token_created_at": "password-reset token date",
                    "confirmation": "account-confirmation key"}
#: Customer columns with a canonical home.
_CUSTOMER_CANON = {"email": "customers.email, customers.customer_id", "firstname": "customers.first_name",
                   "lastname": "customers.last_name", "created_at": "customers.created_at"}
#: Customer columns kept in extra magento2.<key> (everything else unknown also goes there, by its name).
_CUSTOMER_EXTRA = {"_website": "website", "_store": "store", "created_in": "created_in",
                   "disable_auto_group_change": "disable_auto_group_change", "dob": "dob", "gender": "gender",
                   "group_id": "group_id", "middlename": "middlename", "prefix": "prefix", "suffix": "suffix",
                   "reward_update_notification": "reward_update_notification",
                   "reward_warning_notification": "reward_warning_notification", "store_id": "store_id",
                   "taxvat": "taxvat", "updated_at": "updated_at", "website_id": "website_id"}
#: Address fields (names of the address file; the composite file prefixes them with ``_address_``).
_ADDR_FIELDS = ("city", "company", "country_id", "fax", "firstname", "lastname", "middlename", "postcode", "prefix",
                "region", "region_id", "street", "suffix", "telephone", "vat_id", "vat_is_valid",
                "vat_request_date", "vat_request_id", "vat_request_success", "default_billing", "default_shipping")
#: the address fields written as they are (the default flags have their own columns)
_ADDR_CELLS = tuple(k for k in _ADDR_FIELDS if not k.startswith("default"))


def _customer_kind(columns) -> str | None:
    """``customers`` (main or composite file), ``addresses`` or None (a product file), by the header."""
    cols = {str(c).strip().lower() for c in columns}
    if "sku" in cols:
        return None
    if "email" in cols and "_website" in cols:
        return "customers"
    if "_email" in cols and "_website" in cols:
        return "addresses"
    return None


def _lower_headers(df: pd.DataFrame) -> pd.DataFrame:
    """A customer file's headers in lower case (Magento's own are; ``_customer_kind`` already reads
    them so), unless two would then clash."""
    low = [str(c).strip().lower() for c in df.columns]
    if len(set(low)) < len(low) or low == list(df.columns):
        return df
    return df.set_axis(low, axis=1)


def _is_customer_file(columns) -> bool:
    return _customer_kind(columns) is not None


def _addr_frame(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """The address columns of ``frame`` under their plain names (``_address_city`` -> ``city``)."""
    out = pd.DataFrame(index=frame.index)
    for f in _ADDR_FIELDS:
        col = {"default_billing": "_address_default_billing_",
               "default_shipping": "_address_default_shipping_"}.get(f, prefix + f)
        out[f] = frame[col].fillna("").astype(str).str.strip() if col in frame.columns else ""
    return out


def _read_customer_files(tables: list, mapping) -> ReadResult:
    """Customer files as canonical customers (mapping rules, Magento section, "Customers")."""
    import json
    from ..countries import province_code

    issues: list[dict] = []
    loss: list[dict] = []
    mains = [t for t in tables if _customer_kind(t.frame.columns) == "customers"]
    addrs = [t for t in tables if _customer_kind(t.frame.columns) == "addresses"]
    if addrs and not mains:
        raise InputError("the Customer Addresses file needs the Customers Main File beside it (addresses are "
                         "linked to their customers by e-mail and website)", file=addrs[0].path)
    cust_parts, extra_parts, addr_parts = [], [], []
    seen: set[str] = set()
    for t in mains:
        file = t.path
        issues.extend(t.warnings)
        df = _lower_headers(rename_headers(t.frame, mapping))
        n = len(df)
        lines = np.asarray(t.lines(range(n)) if n else [], dtype="int64")
        email = df["email"].fillna("").astype(str).str.strip()
        composite = any(c.startswith("_address_") for c in df.columns)
        if composite:  # a row without e-mail carries one more address of the customer above it [M]
            cont = (email == "").to_numpy()
            owner_email = email.where(~pd.Series(cont, index=df.index), None).ffill().fillna("")
        else:
            cont = np.zeros(n, dtype=bool)
            owner_email = email
        key = owner_email.str.lower()
        lid = pd.Series(["row-" + str(x) for x in lines], index=df.index, dtype=object)
        cid = key.where(key != "", lid)
        main = ~cont
        dup = main & cid.duplicated(keep="first").to_numpy() | main & cid.isin(seen).to_numpy()
        for i in np.flatnonzero(dup.to_numpy() if hasattr(dup, "to_numpy") else dup):
            issues.append(issue("error", file, int(lines[i]), "email", "duplicate_customer",
                                f"the e-mail {email.iat[i]!r} already belongs to a customer read before (another "
                                "website or a repeated row); this row was skipped: Shopify keys customers by e-mail",
                                "merge the accounts in Magento, or give this one its own e-mail",
                                product="", sku=""))
        for i in np.flatnonzero(main & (email == "").to_numpy()):
            issues.append(issue("warning", file, int(lines[i]), "email", "missing_email",
                                "the customer has no e-mail (Magento and Shopify identify customers by it)",
                                "add the e-mail before importing"))
        keep = (main & ~np.asarray(dup, dtype=bool))
        keep = np.asarray(keep, dtype=bool)
        K = df[keep]
        kid = cid[keep]
        seen.update(kid)
        created = parse_dates(K["created_at"]) if "created_at" in K else pd.Series(pd.NaT, index=K.index)
        bad = (K["created_at"].fillna("").str.strip() != "") & created.isna() if "created_at" in K else None
        if bad is not None and bad.any():
            for i in np.flatnonzero(bad.to_numpy()):
                issues.append(issue("warning", file, int(lines[keep][i]), "created_at", "bad_date",
                                    f"{K['created_at'].iat[i]!r} is not a date Magento writes; left empty"))
        col = (lambda c: K[c].fillna("").astype(str).str.strip() if c in K else pd.Series("", index=K.index))
        cust = pd.DataFrame({
            "customer_id": kid.to_numpy(), "email": none_if_empty(col("email")).to_numpy(),
            "first_name": none_if_empty(col("firstname")).to_numpy(),
            "last_name": none_if_empty(col("lastname")).to_numpy(),
            "created_at": (created.dt.tz_localize("UTC") if len(created) else created).array,
            "source_id": none_if_empty(col("email")).to_numpy(),
        })
        for c in ("phone", "company", "address1", "address2", "city", "province_code", "country_code", "zip",
                  "accepts_email_marketing"):
            cust[c] = None
        cust_parts.append(cust)
        ids = pd.Series(kid.to_numpy(), dtype=object)
        for c in K.columns:
            if c in _CUSTOMER_CANON or c in _SECRET_CUSTOMER or c.startswith("_address_"):
                continue
            extra_parts.append(extra_rows(ids, col(c).reset_index(drop=True), "customer", NS,
                                          _CUSTOMER_EXTRA.get(c, attr_key(pd.Series([c])).iat[0])))
        n_secret = {c: int((df[c].fillna("") != "").sum()) for c in _SECRET_CUSTOMER if c in df.columns}
        if any(n_secret.values()):
            what = ", ".join(f"{v} {_SECRET_CUSTOMER[c]}(s)" for c, v in n_secret.items() if v)
            issues.append(issue("warning", file, None, "password_hash", "passwords_dropped",
                                f"{what} were not carried: passwords and their tokens are never migrated",
                                "customers set a new password with 'Forgot your password?' (Shopify: send account "
                                "invites)"))
        skipped = ~keep & main
        for c in df.columns:
            ne = int((df[c].fillna("") != "").sum())
            if c in _SECRET_CUSTOMER:
                became, note, lost = "", f"{_SECRET_CUSTOMER[c]}: never carried", ne
            elif c.startswith("_address_"):
                became = "customers.address1/address2/city/province_code/country_code/zip/phone/company, " \
                         f"extra:{NS}.address_<n>"
                note, lost = "the default address -> the customer's address; the others whole in extra (JSON)", 0
            else:
                became = _CUSTOMER_CANON.get(c) or f"extra:{NS}.{_CUSTOMER_EXTRA.get(c, c)}"
                note = ""
                lost = int((df[c][skipped].fillna("") != "").sum()) if skipped.any() else 0
                if lost:
                    note = "values of skipped rows (duplicate_customer)"
            loss.append({"file": file, "column": c, "became": became, "non_empty": ne, "dropped": lost,
                         "note": note})
        if composite:
            A = _addr_frame(df, "_address_")
            A["owner"] = cid.to_numpy()
            A["file"], A["line"] = file, lines
            orphan = cont & (owner_email == "").to_numpy()  # no customer row above it
            for i in np.flatnonzero(orphan):
                issues.append(issue("warning", file, int(lines[i]), "email", "address_unknown_customer",
                                    "this row has no e-mail and no customer row above it, so its address belongs "
                                    "to no customer; it was not migrated",
                                    "give the row its customer's e-mail, or move it under the customer's row"))
            A = A[(A[list(_ADDR_CELLS)] != "").any(axis=1).to_numpy()
                  & ~np.asarray(dup, dtype=bool)[:len(A)] & ~orphan]
            addr_parts.append(A)
    customers = pd.concat(cust_parts, ignore_index=True) if cust_parts else schema_empty_customers()
    for t in addrs:
        file = t.path
        issues.extend(t.warnings)
        df = _lower_headers(rename_headers(t.frame, mapping))
        n = len(df)
        lines = np.asarray(t.lines(range(n)) if n else [], dtype="int64")
        A = _addr_frame(df, "")
        A["owner"] = df["_email"].fillna("").astype(str).str.strip().str.lower().to_numpy()
        A["entity_id"] = df["_entity_id"].fillna("").astype(str).str.strip() if "_entity_id" in df else ""
        A["file"], A["line"] = file, lines
        known = isin(A["owner"], customers["customer_id"])
        for i in np.flatnonzero(~known):
            issues.append(issue("warning", file, int(lines[i]), "_email", "address_unknown_customer",
                                f"the address names customer {A['owner'].iat[i]!r}, who is not in the customers "
                                "file; it was not migrated", "give the customers file that holds this customer"))
        addr_parts.append(A[known])
        for c in df.columns:
            ne = int((df[c].fillna("") != "").sum())
            lost = int((df[c][~known].fillna("") != "").sum())
            loss.append({"file": file, "column": c,
                         "became": "customers.<address fields>" if c in ("city", "company", "country_id", "postcode",
                                                                          "region", "street", "telephone")
                         else ("customers.customer_id" if c == "_email" else f"extra:{NS}.address_<n>"),
                         "non_empty": ne, "dropped": lost,
                         "note": "the default address -> the customer's address; all of it also in extra (JSON)"
                         + ("; addresses of customers not in the file" if lost else "")})
    extra = concat_extra(extra_parts)
    if addr_parts:
        A = pd.concat(addr_parts, ignore_index=True)
        if "entity_id" not in A:
            A["entity_id"] = ""
        A["entity_id"] = A["entity_id"].fillna("")
        # the customer's address: default billing, else default shipping, else the first listed
        rank = np.where(A["default_billing"] == "1", 0, np.where(A["default_shipping"] == "1", 1, 2))
        A["_rank"] = rank
        A["_seq"] = np.arange(len(A))
        A = A.sort_values(["owner", "_rank", "_seq"], kind="stable")
        A["n"] = A.groupby("owner", sort=False).cumcount() + 1
        first = A[A["n"] == 1].set_index("owner")
        pos = pd.Series(np.arange(len(customers)), index=customers["customer_id"].to_numpy())
        at = pos.reindex(first.index).to_numpy()
        street = first["street"].str.split("\n", n=1)
        cc = first["country_id"].str.upper()
        regions = first["region"].tolist()
        prov = [province_code(c, r) if r else None for c, r in zip(cc, regions)]
        for i in (i for i, (p, r) in enumerate(zip(prov, regions)) if p is None and r):
            issues.append(issue("warning", first["file"].iat[i], int(first["line"].iat[i]), "region",
                                "unknown_region",
                                f"region {regions[i]!r} is not a subdivision of {first['country_id'].iat[i] or '?'}; "
                                f"the province was left empty (kept in extra {NS}.address_1)"))
        vals = {"address1": street.str[0], "address2": street.str[1], "city": first["city"],
                "company": first["company"], "zip": first["postcode"], "phone": first["telephone"],
                "country_code": cc, "province_code": pd.Series(prov, index=first.index, dtype=object)}
        for k, v in vals.items():
            v = v.astype(object).where(v.notna() & (v.astype(str) != ""), None)
            customers.loc[at, k] = v.to_numpy()
        # every address whole in extra (JSON) so Magento gets them back: address_1 is the one above
        fields = [f for f in _ADDR_FIELDS] + ["entity_id"]
        js = [json.dumps({k: v for k, v in r.items() if v}, ensure_ascii=False, sort_keys=True)
              for r in row_dicts(A[fields])]
        extra = concat_extra([extra, pd.DataFrame({
            "entity": "customer", "entity_id": A["owner"].to_numpy(), "namespace": NS,
            "key": "address_" + A["n"].astype(str).to_numpy(), "value": js, "type": "json"})])
    frames = {"customers": customers, "extra": extra}
    return ReadResult(Catalog.from_frames(**frames), loss_frame(loss), issues_frame(issues),
                      [t.path for t in tables])


def schema_empty_customers() -> pd.DataFrame:
    from .. import schema
    return schema.empty_frame("customers")


def customers_to_frames(cat: Catalog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical customers as Magento's Customers Main File and Customer Addresses rows."""
    import json
    from ..countries import province_name

    c = cat.customers.reset_index(drop=True)
    ex = cat.extra
    ce = extra_wide(ex, "customer", NS)
    ids = c["customer_id"].astype(str)

    def ext(key: str, default: str = "") -> pd.Series:
        if len(ce) and key in ce.columns:
            v = ids.map(ce[key]).astype(object).fillna("").astype(str)
        else:
            v = pd.Series("", index=c.index, dtype=object)
        return v.where(v != "", default)

    def txt(col: str) -> pd.Series:
        return c[col].astype(object).fillna("").astype(str)

    M = pd.DataFrame(index=c.index)
    M["email"] = txt("email")
    M["_website"] = ext("website", "base")
    M["_store"] = ext("store", "default")
    created = pd.to_datetime(c["created_at"], errors="coerce", utc=True)
    M["created_at"] = created.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    M["created_in"] = ext("created_in")
    M["disable_auto_group_change"] = ext("disable_auto_group_change", "0")
    for k in ("dob", "gender", "middlename", "prefix", "suffix", "reward_update_notification",
              "reward_warning_notification", "store_id", "taxvat", "updated_at", "website_id"):
        M[k] = ext(k)
    M["firstname"] = txt("first_name")
    M["lastname"] = txt("last_name")
    M["group_id"] = ext("group_id", "1")
    for k in CUSTOMER_COLUMNS:  # passwords, tokens and confirmation keys stay empty
        if k not in M:
            M[k] = ""
    M = M[CUSTOMER_COLUMNS]

    # addresses: the canonical one (with its Magento-only fields from address_1), then address_2...
    rows = []
    js = ex[(ex["entity"] == "customer") & (ex["namespace"] == NS) & ex["key"].astype(str).str.match(r"^address_\d+$")]
    more = js.assign(n=js["key"].str[8:].astype(int)).sort_values(["entity_id", "n"]) if len(js) else js
    by_owner: dict[str, list[str]] = {}   # customer -> its address_<n> JSON values, in order
    for owner, value in zip(more["entity_id"].tolist(), more["value"].tolist()):
        by_owner.setdefault(owner, []).append(value)
    # the address columns as Python lists, once (the loop below runs per customer)
    a = {k: txt(k).tolist() for k in ("address1", "address2", "city", "company", "zip", "phone", "country_code",
                                      "province_code")}
    web, email, firstname, lastname = (M[k].tolist() for k in ("_website", "email", "firstname", "lastname"))
    has_address = [any(v) for v in zip(a["address1"], a["city"], a["zip"], a["country_code"])]
    id_list = ids.tolist()
    for i in np.flatnonzero(np.asarray(has_address, dtype=bool) | ids.isin(list(by_owner)).to_numpy()):
        recs = [json.loads(v) for v in by_owner.get(id_list[i], ())]
        base = recs[0] if recs else {"default_billing": "1", "default_shipping": "1"}
        street = a["address1"][i] + ("\n" + a["address2"][i] if a["address2"][i] else "")
        cc = a["country_code"][i]
        pcode = a["province_code"][i]
        first = dict(base)
        first.update({"street": street, "city": a["city"][i], "company": a["company"][i],
                      "postcode": a["zip"][i], "telephone": a["phone"][i], "country_id": cc})
        if pcode:
            first["region"] = province_name(cc, pcode) or pcode
        for k, names in (("firstname", firstname), ("lastname", lastname)):
            first.setdefault(k, names[i])
        for r in [first] + recs[1:]:
            rows.append({"_website": web[i], "_email": email[i], "_entity_id": r.get("entity_id", ""),
                         **{k: r.get(k, "") for k in _ADDR_CELLS},
                         "_address_default_billing_": r.get("default_billing", ""),
                         "_address_default_shipping_": r.get("default_shipping", "")})
    A = pd.DataFrame(rows, columns=ADDRESS_COLUMNS).fillna("") if rows else pd.DataFrame(columns=ADDRESS_COLUMNS)
    return M.reset_index(drop=True), A.reset_index(drop=True)


register("magento2", Magento2Adapter)
