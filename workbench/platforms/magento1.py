"""Magento 1: the product export of System > Import/Export > Export, entity Products (formats.md 3.4).
Source only (Magento 1 has been end-of-life since June 2020).

The export is **multi-row**: a product's first row has its ``sku``; the rows under it with an empty
``sku`` carry more values of the same product, one value per row, in these column groups
(``Mage_ImportExport_Model_Export_Entity_Product``, CE 1.9):

* ``_category`` / ``_root_category`` (one category per row; the path below the root, ``/`` between
  levels), ``_product_websites``;
* ``_media_image``, ``_media_lable`` (sic), ``_media_position``, ``_media_is_disabled`` (the gallery);
* ``_links_related_*``, ``_links_crosssell_*``, ``_links_upsell_*``, ``_associated_*`` (grouped members);
* ``_tier_price_*``, ``_group_price_*``;
* ``_custom_option_*`` (an option's first row has its type/title, the next rows more values);
* ``_super_products_sku``, ``_super_attribute_code``, ``_super_attribute_option``,
  ``_super_attribute_price_corr`` (a configurable's children, one row per child and attribute);
* extra values of a multiselect attribute (one per row).

Then, per store view with values that differ from the default, a row with ``_store`` = the store code
and an empty ``sku``. ``status``, ``visibility``, ``tax_class_id`` are exported as ids (1/2; 1-4; 2 =
Taxable Goods), other select attributes as their admin labels. Every attribute of the store is a
column of its own (``color``, ``apparel_type``, ...).

Reading is column-wise: every row gets its product (the last row with a ``sku`` above it) and scope
(the last ``_store`` since that row) by a cumulative sum and a forward fill, and each column group is
gathered per product with pandas/pyarrow. Canonical decisions follow the Magento 2 reader
(docs/mapping.md, sections 4 and "Magento 1").
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..mapping import slugify
from . import register
from .base import Adapter, Catalog, ReadResult, issues_frame, loss_frame
from .csvio import read_table
from .magento2 import _url_array
from ._common import (AMOUNT_RULE, ATTR_NS, arrow_strings, attr_key, collections_from_paths, concat_extra, concat_results,
                      merge_file_collections, extra_rows, final_variant_ids, fold_grouped, grouped_collections,
                      grouped_members, isin, issue, issues_for,
                      lookup, mapping_option, mapping_option_name, money, rename_headers, scan_values,
                      slugify_series, to_numeric, unique_handles)

__all__ = ["Magento1Adapter"]

NS = "magento1"
PLATFORM = "magento1"

#: row-group columns: one value per row, gathered per product (everything that starts with "_"
#: except these three, which belong to the row itself)
_ROW_OWN = {"_store", "_attribute_set", "_type"}
#: record families written to extra as "k=v,k=v|k=v" (one record per row that has the first column)
_FAMILIES = {
    "related": ("_links_related_sku", "_links_related_position"),
    "crosssell": ("_links_crosssell_sku", "_links_crosssell_position"),
    "upsell": ("_links_upsell_sku", "_links_upsell_position"),
    "tier_prices": ("_tier_price_website", "_tier_price_customer_group", "_tier_price_qty", "_tier_price_price"),
    "group_prices": ("_group_price_website", "_group_price_customer_group", "_group_price_price"),
    "associated": ("_associated_sku", "_associated_default_qty", "_associated_position"),
}
#: product-level columns: a configurable child's own values of these are not kept (its variant
#: belongs to the parent product; counted as dropped in the loss table)
_PRODUCT_ONLY = {"name", "description", "url_key", "url_path", "meta_title", "meta_description", "meta_keyword",
                 "manufacturer", "visibility", "created_at", "updated_at", "short_description", "_attribute_set",
                 "options_container", "msrp_enabled", "msrp_display_actual_price_type", "page_layout",
                 "custom_design", "custom_design_from", "custom_design_to", "custom_layout_update", "news_from_date",
                 "news_to_date", "gift_message_available", "price", "special_price", "special_from_date",
                 "special_to_date"}
_OPTION_COLS = ("_custom_option_store", "_custom_option_type", "_custom_option_title", "_custom_option_is_required",
                "_custom_option_price", "_custom_option_sku", "_custom_option_max_characters",
                "_custom_option_sort_order", "_custom_option_row_title", "_custom_option_row_price",
                "_custom_option_row_sku", "_custom_option_row_sort")
#: Magento 2's custom_options pair names for the Magento 1 columns (formats.md 3.2)
_OPTION_KEYS = {"_custom_option_store": "store", "_custom_option_type": "type", "_custom_option_title": "name",
                "_custom_option_is_required": "required", "_custom_option_price": "price",
                "_custom_option_sku": "sku", "_custom_option_max_characters": "max_characters",
                "_custom_option_sort_order": "sort_order", "_custom_option_row_title": "option_title",
                "_custom_option_row_price": "option_price", "_custom_option_row_sku": "option_sku",
                "_custom_option_row_sort": "option_sort"}
#: stock and scope settings with no Shopify equivalent (cataloginventory_stock_item columns)
_DROPPED = {
    "min_qty", "use_config_min_qty", "is_qty_decimal", "min_sale_qty", "use_config_min_sale_qty", "max_sale_qty",
    "use_config_max_sale_qty", "notify_stock_qty", "use_config_notify_stock_qty", "stock_status_changed_auto",
    "stock_status_changed_automatically", "use_config_qty_increments", "qty_increments", "use_config_enable_qty_inc",
    "enable_qty_increments", "is_decimal_divided", "low_stock_date", "use_config_backorders",
    "use_config_manage_stock",
}
_DROP_NOTE = "Magento stock/scope configuration; Shopify has no equivalent"
#: Magento's own bookkeeping attributes (recomputed by Magento; empty or derived in exports)
_BOOKKEEPING = {"has_options": "recomputed by Magento", "required_options": "recomputed by Magento",
                "minimal_price": "price index value, recomputed by Magento",
                "gallery": "gallery attribute placeholder (the gallery is in _media_*)",
                "media_gallery": "gallery attribute placeholder (the gallery is in _media_*)",
                "_media_attribute_id": "id of the media_gallery attribute (bookkeeping)"}
#: Magento 1 core attributes without a canonical column -> extra magento1.<column> (value skipped
#: when it is the default shown here)
_CORE_EXTRA = {
    "_attribute_set": "Default", "short_description": None, "meta_keyword": None, "special_from_date": None,
    "special_to_date": None, "msrp": None, "msrp_enabled": "Use config", "msrp_display_actual_price_type": "Use config",
    "country_of_manufacture": None, "custom_design": None, "custom_design_from": None, "custom_design_to": None,
    "custom_layout_update": None, "page_layout": None, "options_container": "container2",
    "gift_message_available": None, "gift_wrapping_available": None, "gift_wrapping_price": None,
    "is_returnable": None, "news_from_date": None, "news_to_date": None, "related_tgtr_position_behavior": None,
    "related_tgtr_position_limit": None, "upsell_tgtr_position_behavior": None, "upsell_tgtr_position_limit": None,
    "enable_googlecheckout": None, "is_recurring": None, "recurring_profile": None, "is_imported": None,
    "links_purchased_separately": None, "links_title": None, "links_exist": None, "samples_title": None,
    "shipment_type": None, "price_type": None, "sku_type": None, "weight_type": None, "price_view": None,
    "visibility": "4", "tax_class_id": "2", "_product_websites": "base",
}
#: columns this reader maps to canonical fields
_KNOWN = {"name", "description", "price", "special_price", "cost", "weight", "status", "visibility", "tax_class_id",
          "url_key", "url_path", "meta_title", "meta_description", "manufacturer", "image", "image_label",
          "small_image", "small_image_label", "thumbnail", "thumbnail_label", "created_at", "updated_at", "qty",
          "is_in_stock", "manage_stock", "backorders"}
#: the columns a variant is read from (selected once, not the whole wide row)
_ROW_VALUES = {"sku", "name", "_type", "price", "special_price", "special_from_date", "special_to_date", "weight",
               "cost", "qty", "manage_stock", "use_config_manage_stock", "is_in_stock", "use_config_backorders",
               "backorders", "tax_class_id", "image"}
#: attribute codes read as the variant's barcode (a store attribute, not a Magento core one)
_BARCODES = ("ean", "upc", "gtin", "barcode")
_IMAGE_ROLES = (("image", "image_label", 0), ("small_image", "small_image_label", 2),
                ("thumbnail", "thumbnail_label", 3))
_NO_IMAGE = ("", "no_selection")
_VISIBILITY = {"1": "Not Visible Individually", "2": "Catalog", "3": "Search", "4": "Catalog, Search"}
#: Magento's default storefront URLs: product url_path (url_key + ".html"), category path + ".html"
DEFAULT_PRODUCT_URL = "/{url_key}.html"
DEFAULT_CATEGORY_URL = "/{path}.html"
_ABS = r"^[a-zA-Z][a-zA-Z0-9+.-]*://"


# ------------------------------------------------------------------------------------------------
# small column-wise helpers

def _col(df: pd.DataFrame, c: str) -> pd.Series:
    return df[c] if c in df.columns else pd.Series("", index=df.index, dtype="str")


def _units(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amounts (``-5.0000``, ``12.5``, ``10.0000%``) as int64 ten-thousandths, the percent mask and
    the mask of readable cells (empty cells: 0, readable; at most 12 digits before the point and 4
    significant after it); with pyarrow, column-wise."""
    a = pc.utf8_trim_whitespace(arrow_strings(s.fillna("").astype("str")))
    pct = pc.ends_with(a, "%").to_numpy(zero_copy_only=False)
    a = pc.utf8_trim_whitespace(pc.utf8_rtrim(a, characters="%"))
    st = pc.extract_regex(a, r"^(?P<sign>[+-]?)(?P<whole>\d{1,12})(?:\.(?P<frac>\d*))?$")
    ok = pc.or_(pc.is_valid(st), pc.equal(a, "")).to_numpy(zero_copy_only=False)
    digits = pc.fill_null(pc.struct_field(st, "frac"), "")
    beyond = pc.match_substring_regex(pc.utf8_slice_codeunits(digits, 4, 1 << 30), "[1-9]")
    ok &= ~beyond.to_numpy(zero_copy_only=False)  # a fifth decimal that is not 0: not an exact amount
    whole = pc.cast(pc.fill_null(pc.struct_field(st, "whole"), "0"), pa.int64()).to_numpy(zero_copy_only=False)
    frac = pc.utf8_rpad(pc.utf8_slice_codeunits(digits, 0, 4), 4, "0")
    frac = pc.cast(frac, pa.int64()).to_numpy(zero_copy_only=False)
    neg = pc.fill_null(pc.equal(pc.struct_field(st, "sign"), "-"), False).to_numpy(zero_copy_only=False)
    return np.where(neg, -1, 1) * (whole * 10000 + frac), pct, ok


def _units_text(u: np.ndarray) -> np.ndarray:
    """int64 ten-thousandths back to decimal text (``1680000`` -> ``168.0000``)."""
    s = pd.Series(np.asarray(u, dtype="int64"))
    a = s.abs()
    txt = np.where(s < 0, "-", "") + (a // 10000).astype(str) + "." + (a % 10000).astype(str).str.zfill(4)
    return txt.to_numpy(dtype=object)


def _pct_of(base: np.ndarray, pct: np.ndarray) -> np.ndarray:
    """``base * pct / 100`` in ten-thousandths, rounded half away from zero (integers, exact)."""
    p = base.astype("int64") * pct.astype("int64")
    return np.sign(p) * ((np.abs(p) + 500000) // 1000000)


def _records(frame: pd.DataFrame, cols, keys) -> pd.Series:
    """``k=v,k=v`` per row from the non-empty cells of ``cols`` (pair names ``keys``), column-wise."""
    out = pd.Series("", index=frame.index, dtype=object)
    for c, k in zip(cols, keys):
        if c not in frame.columns:
            continue
        v = frame[c].astype("str").str.strip()
        piece = (k + "=" + v).where(v != "", "")
        out = out + np.where((out != "") & (piece != ""), ",", "") + piece
    return out


def _join_by(keys: np.ndarray, values: pd.Series, sep: str) -> pd.Series:
    """``values`` joined with ``sep`` per key, in order of appearance (index: the keys)."""
    v = pd.Series(values.to_numpy(dtype=object), index=pd.Index(keys))
    if not v.index.duplicated().any():  # one value per key (the usual case): no join needed
        return v
    return v.groupby(level=0, sort=False).agg(sep.join)


def _combo_keys(vopt: pd.DataFrame) -> pd.DataFrame:
    """(parent_row, child_row, value): each child's option values joined with ``\\x1f`` in position
    order, built per position (a handful of columns), not per child."""
    w = vopt.pivot_table(index=["parent_row", "child_row"], columns="position", values="value", aggfunc="first")
    key = pd.Series("", index=w.index, dtype=object)
    for k, c in enumerate(sorted(w.columns)):
        key = key + ("\x1f" if k else "") + w[c].fillna("").astype(str)
    return key.rename("value").reset_index()


class _Rows:
    """A table view over some rows of a :class:`CsvTable` (``lines`` of positions in the view)."""

    def __init__(self, table, rows: np.ndarray) -> None:
        self.path, self._t, self._rows = table.path, table, rows

    def lines(self, positions) -> list[int]:
        return self._t.lines(self._rows[np.asarray(list(positions), dtype="int64")])


#: cells worth a closer look by ``scan_values``: scientific notation or a formula trigger first
_SUSPECT = r"^\s*[+-]?\d+(?:[.,]\d+)?[eE][+]?\d+\s*$|^[=+\-@\t\r]"


def _scan(file, df: pd.DataFrame, t, *, barcode_columns, product, sku, issues, skip) -> None:
    """``scan_values`` on the rows and columns that can hold a finding (found with pyarrow first):
    the shared helper looks at every cell in Python, too slow for 100,000s of rows x 150 columns."""
    suspect = np.zeros(len(df), dtype=bool)
    cols = []
    for c in df.columns:
        a = arrow_strings(df[c])
        if not pc.any(pc.not_equal(a, "")).as_py():
            continue
        m = pc.fill_null(pc.match_substring_regex(a, _SUSPECT), False).to_numpy(zero_copy_only=False)
        if c in barcode_columns:
            m = m | (df[c].astype(str).str.strip() != "").to_numpy(dtype=bool)
        if m.any():
            cols.append(c)
            suspect |= m
    suspect &= ~skip
    if not cols or not suspect.any():
        return
    rows = np.flatnonzero(suspect)
    sub = df.iloc[rows][cols].reset_index(drop=True)
    scan_values(file, sub, table=_Rows(t, rows), barcode_columns=barcode_columns,
                product=product.iloc[rows].reset_index(drop=True), sku=sku.iloc[rows].reset_index(drop=True),
                issues=issues)


def _parse_dates(s: pd.Series) -> pd.Series:
    """Magento 1 exports datetimes as stored (``2013-03-05 19:46:20``); the admin locale's
    ``3/5/13, 7:46 PM`` and a date alone are also read."""
    s = s.astype("str").str.strip()
    a = pd.to_datetime(s.where(s.str.match(r"^\d{4}-\d{2}-\d{2}"), None), format="mixed", errors="coerce")
    b = pd.to_datetime(s.where(s.str.match(r"^\d{1,2}/\d{1,2}/\d{2,4},"), None), format="%m/%d/%y, %I:%M %p",
                       errors="coerce")
    return a.where(a.notna(), b)


def _url_series(pattern: str, fields: dict, n: int, mapping, key: str) -> pd.Series:
    """``pattern.format(**row)`` per row (the Magento 2 reader's column-wise patterns); a row where a
    used field is empty gets None: an old URL is never invented."""
    return pd.Series(_url_array(pattern, fields, n, mapping, key).to_pylist(), dtype=object)


def _absolute(src: pd.Series, base_url: str) -> pd.Series:
    """Relative media paths joined to ``[urls] image_base_url`` (absolute URLs unchanged)."""
    src = src.astype(object)
    if not base_url or not len(src):
        return src
    txt = src.fillna("").astype(str)
    rel = (txt != "") & ~txt.str.match(_ABS)
    return src.where(~rel, base_url + "/" + txt.str.lstrip("/"))


class Magento1Adapter(Adapter):
    """Magento 1 product export (System > Import/Export > Export, Products)."""

    name = "magento1"
    label = "Magento 1"
    can_write = False
    reads = {"products": "Magento 1 product export (System > Import/Export > Export, entity Products)"}

    def read(self, paths, *, mapping=None) -> ReadResult:
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        if not paths:
            raise InputError("no Magento 1 export was given")
        seen: list = []  # per file read: (table, sku -> position of its product row); the first file wins
        results = [self._read_one(read_table(p, label="Magento 1 export"), mapping, seen) for p in paths]
        res = concat_results(results)
        if len(results) > 1:
            merge_file_collections(res.catalog)
        return res

    # ---------------------------------------------------------------------------------------------
    def _check_header(self, df: pd.DataFrame, file: str) -> pd.DataFrame:
        # header names: case-insensitive, surrounding white space ignored (mapping rules 1.1)
        low = {c: str(c).strip().lower() for c in df.columns}
        if len(set(low.values())) == len(low):
            df = df.rename(columns=low)
        cols = set(df.columns)
        if "store_view_code" in cols or "product_type" in cols or "configurable_variations" in cols:
            raise InputError("this is a Magento 2 product export (columns store_view_code/product_type), not a "
                             "Magento 1 one; read it with the 'magento2' platform", file=file, row=1,
                             column="product_type" if "product_type" in cols else "store_view_code")
        if "_type" not in cols and {"type", "attribute_set", "store"} <= cols:
            raise InputError("this looks like a Magento 1 Dataflow profile export (columns store, attribute_set, "
                             "type), one row per product; export with System > Import/Export > Export, entity "
                             "Products instead", file=file, row=1, column="type")
        for req in ("sku", "_type"):
            if req not in cols:
                raise InputError(f"the required column '{req}' is missing from the Magento 1 product export; found: "
                                 + ", ".join(repr(c) for c in list(df.columns)[:30])
                                 + (" ... " if len(df.columns) > 30 else "")
                                 + ". If the header was translated or renamed, add a [headers] table to the mapping "
                                 f"file (\"<your header>\" = \"{req}\")", file=file, row=1, column=req)
        return df

    def _read_one(self, t, mapping, seen: list) -> ReadResult:
        file = t.path
        df = self._check_header(rename_headers(t.frame, mapping), file)
        df = df.reset_index(drop=True)
        n = len(df)
        issues: list[dict] = list(t.warnings)
        loss: list[dict] = []
        used: dict[str, str] = {}
        notes: dict[str, str] = {}
        lost_extra: dict[str, np.ndarray] = {}  # column -> mask of further rows whose value is lost
        if n == 0:
            return ReadResult(Catalog.from_frames(), loss_frame([
                {"file": file, "column": c, "became": "", "non_empty": 0, "dropped": 0, "note": "no rows"}
                for c in df.columns]), issues_frame(issues), [file])

        src_cols = list(df.columns)  # the loss table lists these (not the blank ones added below)
        for c in ("name", "price", "special_price", "url_key", "url_path", "status", "visibility", "description",
                  "weight", "qty", "is_in_stock", "image"):
            if c not in df.columns:
                df[c] = ""

        # ---- rows -> products and scopes ------------------------------------------------------------
        sku = df["sku"].str.strip()
        store = _col(df, "_store").str.strip()
        head = (sku != "").to_numpy(dtype=bool)
        if not head[0]:
            what = f"a store-view row (_store '{store.iat[0]}')" if store.iat[0] else "a continuation row"
            raise InputError(f"{what} with an empty sku comes before any product row; in a Magento 1 export every "
                             "product starts with a row that has its sku and the rows under it (empty sku) continue "
                             "it. Was the file sorted or filtered in a spreadsheet? Export it again",
                             file=file, row=t.line_of(0), column="sku")
        # non-empty cells per column, once (pyarrow): every later step asks
        nem = {c: pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(arrow_strings(df[c])), ""), False)
               .to_numpy(zero_copy_only=False) for c in df.columns}
        gid = np.cumsum(head) - 1
        head_pos = np.flatnonzero(head)
        row_head = head_pos[gid]  # the position of each row's product row
        anchor = head | (store != "").to_numpy(dtype=bool)
        scope = pd.Series(np.where(anchor, store.to_numpy(dtype=object), None), dtype=object).ffill().fillna("")
        scope_np = scope.to_numpy(dtype=object)

        # repeated skus: the first product row wins (this file, then earlier files); the later one and
        # its continuation rows are skipped (docs/mapping.md, section Magento 1)
        hsku = sku.to_numpy(dtype=object)[head_pos]
        hs = pd.Series(hsku)
        dup_h = hs.duplicated(keep="first").to_numpy()
        cross_h = np.zeros(len(hsku), dtype=bool)
        for _, rows_of in seen:
            cross_h |= isin(hs, rows_of.index)
        bad_h = dup_h | cross_h
        if bad_h.any():
            first_pos = pd.Series(head_pos, index=hsku)
            first_pos = first_pos[~first_pos.index.duplicated()]
            nrows = np.bincount(gid, minlength=len(head_pos))
            for j in np.flatnonzero(bad_h)[:200]:  # messages only for the flagged rows
                k = hsku[j]
                if cross_h[j]:
                    t0, r0 = next((t0, r[k]) for t0, r in seen if k in r.index)
                    where = f"{Path(t0.path).name} (line {t0.line_of(int(r0))})"
                else:
                    where = f"line {t.line_of(int(first_pos[k]))}"
                more = int(nrows[j]) - 1
                issues.append(issue(
                    "error", file, t.line_of(int(head_pos[j])), "sku", "duplicate_sku",
                    f"sku '{k}' already has a product row on {where}; this row"
                    + (f" and its {more} continuation/store-view row(s) were" if more else " was")
                    + " skipped (the first one wins, docs/mapping.md section Magento 1)",
                    "give each product one block of rows, or export it again",
                    product=str(df["name"].iat[int(head_pos[j])]) if "name" in df else "", sku=k))
        skip = bad_h[gid]
        seen.append((t, pd.Series(head_pos[~bad_h], index=hsku[~bad_h])))

        is_head = head & ~skip
        dflt = (scope == "").to_numpy(dtype=bool) & ~skip  # default-scope rows (product rows + continuations)
        cont = dflt & ~head
        in_store = (scope != "").to_numpy(dtype=bool) & ~skip
        H = df[is_head]                     # product rows (one per product, configurable children included)
        hpos = np.flatnonzero(is_head)
        hsk = sku[is_head]
        type_ = H["_type"].str.strip().str.lower()
        used.update({"sku": "products.product_id, variants.sku", "_store": f"extra:{NS}.store_view:<code>:*",
                     "_type": f"extra:{NS}.product_type"})
        prod_name = pd.Series(df["name"].to_numpy(dtype=object)[row_head], dtype=object)
        prod_sku = pd.Series(hsku[gid], dtype=object)

        # multiselect values continue on the rows below (one value per row): joined with ", "
        row_cols = [c for c in df.columns if c.startswith("_") and c not in _ROW_OWN]
        attr_cols = [c for c in df.columns if c not in row_cols and c not in _ROW_OWN and c != "sku"]
        if cont.any():
            H = H.copy()
            for c in attr_cols:
                v = df[c]
                m = cont & nem[c]
                if not m.any():
                    continue
                sel = (is_head | cont) & nem[c]
                joined = _join_by(row_head[sel], v[sel], ", ")
                H[c] = pd.Series(joined.reindex(hpos).to_numpy(dtype=object), index=H.index).fillna("")
        M = df.loc[cont | is_head, row_cols]  # default-scope rows, only the row-group columns
        m_head = row_head[cont | is_head]

        # ---- configurable children (_super_*) ------------------------------------------------------
        row_of_sku = pd.Series(hpos, index=hsk.to_numpy())
        sup = M[_col(M, "_super_products_sku").str.strip() != ""] if "_super_products_sku" in M else M.iloc[0:0]
        sup_parent = row_head[sup.index.to_numpy()] if len(sup) else np.zeros(0, dtype=np.int64)
        S = pd.DataFrame({"parent_row": sup_parent,
                          "child_sku": _col(sup, "_super_products_sku").str.strip().to_numpy(dtype=object),
                          "code": _col(sup, "_super_attribute_code").str.strip().to_numpy(dtype=object),
                          "value": _col(sup, "_super_attribute_option").str.strip().to_numpy(dtype=object),
                          "corr": _col(sup, "_super_attribute_price_corr").str.strip().to_numpy(dtype=object),
                          "srow": sup.index.to_numpy()})
        S = S[type_.reindex(S["parent_row"]).to_numpy(dtype=object) == "configurable"] if len(S) else S
        S["child_row"] = pd.Series(lookup(S["child_sku"], row_of_sku.index, row_of_sku), index=S.index,
                                   dtype="float")
        sup_lost = np.zeros(n, dtype=bool)  # _super rows whose child is not imported (loss report)
        sup_lost[S.loc[S["child_row"].isna(), "srow"].to_numpy(dtype="int64")] = True
        miss = S[S["child_row"].isna()].drop_duplicates(["parent_row", "child_sku"])
        for r in miss.head(50).itertuples():
            issues.append(issue("error", file, t.line_of(int(r.srow)), "_super_products_sku", "m1_missing_child",
                                f"the child sku '{r.child_sku}' is not in the file; that variant was not imported",
                                "export the children together with the configurable product",
                                product=df.at[r.parent_row, "name"], sku=hsku[gid[r.parent_row]]))
        S = S[S["child_row"].notna()].copy()
        S["child_row"] = S["child_row"].astype("int64")
        S = S[S["child_row"] != S["parent_row"]]
        link = S.drop_duplicates(["parent_row", "child_row"])[["parent_row", "child_row", "child_sku", "srow"]]
        link = link.reset_index(drop=True)
        link["order"] = np.arange(len(link))
        child_rows = set(link["child_row"])
        parents_with_kids = set(link["parent_row"])
        used.update({"_super_products_sku": "variants (children)", "_super_attribute_code": "product_options.name",
                     "_super_attribute_option": "variant_options.value",
                     "_super_attribute_price_corr": "variants.price (parent price + corrections)"})

        # ---- products --------------------------------------------------------------------------------
        is_prod = ~np.isin(hpos, list(child_rows)) if child_rows else np.ones(len(hpos), dtype=bool)
        P = H[is_prod]
        pid = P["sku"].str.strip()
        pid_of_row = pd.Series(pid.to_numpy(dtype=object), index=P.index)
        porder = pd.Series(np.arange(len(P)), index=P.index)
        ptype = P["_type"].str.strip().str.lower()
        # a child listed by several configurables belongs to the first one (one variant each)
        link = link[link["parent_row"].isin(set(P.index))]
        dup_child = link.duplicated("child_row", keep="first")
        for r in link[dup_child].head(50).itertuples():
            issues.append(issue("warning", file, t.line_of(int(r.srow)), "_super_products_sku", "m1_child_shared",
                                f"the child '{r.child_sku}' is already a variant of another configurable product; "
                                "it is imported there only", product=df.at[r.parent_row, "name"],
                                sku=hsku[gid[r.parent_row]]))
        link = link[~dup_child].copy()
        parents_with_kids = set(link["parent_row"])

        title = P["name"].str.strip()
        handle = unique_handles(slugify_series(P["url_key"].str.strip()), slugify_series(title), issues=issues,
                                file=file, platform=PLATFORM, products=title)
        st = P["status"].str.strip().str.lower()
        status = pd.Series(np.where(st.isin(["2", "0", "disabled"]), "draft", "active"), index=P.index)
        vis = P["visibility"].str.strip()
        hidden = vis.isin(["1", "Not Visible Individually"])
        products = pd.DataFrame({
            "product_id": pid.to_numpy(dtype=object), "handle": handle.to_numpy(dtype=object),
            "title": title.to_numpy(dtype=object),
            "description_html": P["description"].where(P["description"] != "", None).to_numpy(dtype=object),
            "vendor": _col(P, "manufacturer").str.strip().replace("", None).to_numpy(dtype=object),
            "status": status.to_numpy(dtype=object), "published": ~hidden.to_numpy(dtype=bool),
            "seo_title": _col(P, "meta_title").where(_col(P, "meta_title") != "", None).to_numpy(dtype=object),
            "seo_description": _col(P, "meta_description").where(_col(P, "meta_description") != "", None)
            .to_numpy(dtype=object),
            "source_platform": PLATFORM, "source_id": pid.to_numpy(dtype=object),
        })
        # old storefront URL: [urls] product_url_pattern, else url_path ("<url_key>.html"), else /<url_key>.html
        ppat = str(mapping_option(mapping, "product_url_pattern", "") or "")
        ukey = P["url_key"].str.strip().to_numpy(dtype=object)
        upath = P["url_path"].str.strip().str.lstrip("/").to_numpy(dtype=object)
        fields = {"url_key": ukey, "url_path": upath, "handle": products["handle"].to_numpy(),
                  "sku": pid.to_numpy(), "id": pid.to_numpy(), "product_id": pid.to_numpy()}
        if ppat:
            products["source_url"] = _url_series(ppat, fields, len(P), mapping, "product_url_pattern").to_numpy()
        else:
            by_key = _url_series(DEFAULT_PRODUCT_URL, fields, len(P), mapping, "product_url_pattern")
            by_path = pd.Series(np.where(upath != "", "/" + upath.astype(str), None), dtype=object)
            products["source_url"] = by_path.where(by_path.notna(), by_key).to_numpy()
        for c in ("created_at", "updated_at"):
            if c in P:
                d = _parse_dates(P[c])
                products[c] = d.dt.tz_localize("UTC").array
                used[c] = f"products.{c}"
                bad = (P[c].str.strip() != "") & d.isna()
                if bad.any():
                    issues.extend(issues_for(bad, t, P, severity="warning", column=c, check="bad_date",
                                             detail=lambda i, c=c: f"'{P[c].iat[i]}' is not a date Magento writes; "
                                                                   "left empty", product_col="name", sku_col="sku"))
        used.update({"name": "products.title", "description": "products.description_html",
                     "url_key": "products.handle, products.source_url", "url_path": "products.source_url",
                     "status": "products.status", "visibility": f"products.published; extra:{NS}.visibility",
                     "meta_title": "products.seo_title", "meta_description": "products.seo_description",
                     "manufacturer": "products.vendor", "_category": "collections, collection_products",
                     "_root_category": ""})
        notes["_root_category"] = "the root category is stripped from paths (mapping rules 1.6)"
        notes["name"] = "configurable children's own names are not kept (the variant belongs to the product)"

        # ---- variants ---------------------------------------------------------------------------------
        wunit = str(mapping_option(mapping, "weight_unit", "lb") or "lb").strip().lower()
        wunit = {"lbs": "lb", "pound": "lb", "pounds": "lb", "kgs": "kg", "grams": "g", "gram": "g",
                 "ounce": "oz", "ounces": "oz"}.get(wunit, wunit)
        if wunit not in ("g", "kg", "lb", "oz"):
            wunit = "lb"

        def row_values(R: pd.DataFrame) -> pd.DataFrame:
            out = pd.DataFrame(index=R.index)
            pu, _, p_ok = _units(R["price"])
            su, _, s_ok = _units(R["special_price"])
            for ok, col in ((p_ok, "price"), (s_ok, "special_price")):
                bad = ~ok
                if bad.any():
                    issues.extend(issues_for(bad, t, R, severity="error", column=col, check="bad_number",
                                             detail=lambda i, c=col, RR=R: f"'{RR[c].iat[i]}' is not an amount "
                                                                           "(at most 12 digits before the point and 4 "
                                                                           "after, or a percentage); left empty",
                                             product_col="name", sku_col="sku"))
            has_p = (R["price"].str.strip() != "").to_numpy(dtype=bool) & p_ok
            has_s = (R["special_price"].str.strip() != "").to_numpy(dtype=bool) & s_ok
            on_sale = has_s & (~has_p | (su < pu))
            out["pu"] = np.where(on_sale, su, pu)
            out["cu"] = np.where(on_sale & has_p, pu, 0)
            out["has_price"] = has_p | has_s
            out["has_cmp"] = on_sale & has_p
            window = (_col(R, "special_from_date").str.strip() != "") | (_col(R, "special_to_date").str.strip() != "")
            out["sched"] = on_sale & window.to_numpy(dtype=bool)
            out["special_kept"] = has_s & ~on_sale
            out["sku"] = R["sku"].str.strip()
            w = to_numeric(R["weight"].str.strip().replace("", None))
            out["weight"] = w
            out["weight_unit"] = pd.Series(wunit, index=R.index).where(w.notna(), None)
            cost, bad_c = money(_col(R, "cost"))
            if bad_c.any():
                issues.extend(issues_for(bad_c, t, R, severity="error", column="cost", check="bad_number",
                                         detail=lambda i, RR=R: f"'{RR['cost'].iat[i]}' is not an amount"
                                                                f"{AMOUNT_RULE}; left empty",
                                         product_col="name", sku_col="sku"))
            out["cost"] = cost
            q = to_numeric(R["qty"].str.strip().replace("", None))
            ms, ucm = _col(R, "manage_stock").str.strip(), _col(R, "use_config_manage_stock").str.strip()
            if "use_config_manage_stock" in R or "manage_stock" in R:
                # use_config_manage_stock = 1: the store's setting, "Manage Stock" Yes by default
                tracked = (ms == "1") | (ucm == "1")
            else:
                tracked = q.notna()
            instock = R["is_in_stock"].str.strip()
            tracked = tracked | (instock == "0")
            q = q.where(~((instock == "0") & q.isna()), 0)
            out["inventory_quantity"] = q.where(tracked, None)
            out["tracked"] = tracked
            ub = _col(R, "use_config_backorders").str.strip()
            out["inventory_policy"] = np.where(_col(R, "backorders").str.strip().isin(["1", "2"]) & (ub != "1"),
                                               "continue", "deny")
            tc = _col(R, "tax_class_id").str.strip()
            out["taxable"] = pd.Series(np.where(tc == "", None, ~tc.isin(["0", "None"])), index=R.index)
            bc = pd.Series("", index=R.index, dtype=object)
            for c in _BARCODES:
                if c in R:
                    v = R[c].str.strip()
                    bc = bc.where(bc != "", v)
            out["barcode"] = bc.where(bc != "", None)
            out["source_id"] = R["sku"].str.strip()
            img = R["image"].str.strip()
            out["image_src"] = img.where(~img.isin(_NO_IMAGE), None)
            out["ptype"] = R["_type"].str.strip().str.lower()
            return out

        rv_cols = [c for c in df.columns if c in _ROW_VALUES or c in _BARCODES]
        pv = row_values(P[rv_cols])  # every product row's own values (a configurable's: its children's base)
        own = pv.copy()
        own["product_id"] = pid.to_numpy()
        own["variant_id"] = pid.to_numpy()
        own["isvar"] = False
        own["order"] = 0
        own["image_src"] = None  # a one-variant product's image is the product's image
        own = own[~P.index.isin(parents_with_kids)]
        kids = row_values(H.loc[link["child_row"].to_numpy(), rv_cols])
        kids.index = link.index
        kids["product_id"] = pid_of_row.reindex(link["parent_row"]).to_numpy()
        kids["variant_id"] = kids["product_id"] + "/" + link["child_sku"].to_numpy()
        kids["isvar"] = True
        kids["order"] = link["order"].to_numpy()

        # configurable pricing: Magento 1 sells a child at the PARENT's price plus the corrections of its
        # values (_super_attribute_price_corr, fixed or % of the parent's price); the child's own price is unused
        if len(link):
            par = pv.loc[link["parent_row"].to_numpy()]
            cu_units, cpct, cok = _units(S["corr"])
            if (~cok).any():
                for r in S[~cok].head(50).itertuples():
                    issues.append(issue("error", file, t.line_of(int(r.srow)), "_super_attribute_price_corr",
                                        "bad_number", f"'{r.corr}' is not a price correction; read as 0",
                                        product=df.at[r.parent_row, "name"], sku=r.child_sku))
                cu_units = np.where(cok, cu_units, 0)
            Sd = S.assign(cu=cu_units, cpct=cpct).drop_duplicates(["parent_row", "child_row", "code"])
            key_l = pd.MultiIndex.from_arrays([link["parent_row"], link["child_row"]])
            pos_in_link = key_l.get_indexer(pd.MultiIndex.from_arrays([Sd["parent_row"], Sd["child_row"]]))
            Sd = Sd[pos_in_link >= 0].assign(li=pos_in_link[pos_in_link >= 0])
            base_p = par["pu"].to_numpy(dtype="int64")[Sd["li"].to_numpy()]
            base_c = par["cu"].to_numpy(dtype="int64")[Sd["li"].to_numpy()]
            cu = Sd["cu"].to_numpy(dtype="int64")
            isp = Sd["cpct"].to_numpy(dtype=bool)
            add_p = np.where(isp, _pct_of(base_p, cu), cu)
            add_c = np.where(isp, _pct_of(base_c, cu), cu)
            sum_p = np.bincount(Sd["li"].to_numpy(), weights=add_p, minlength=len(link)).astype("int64")
            sum_c = np.bincount(Sd["li"].to_numpy(), weights=add_c, minlength=len(link)).astype("int64")
            kids["pu"] = par["pu"].to_numpy(dtype="int64") + sum_p
            kids["cu"] = par["cu"].to_numpy(dtype="int64") + sum_c
            kids["has_price"] = par["has_price"].to_numpy(dtype=bool)
            kids["has_cmp"] = par["has_cmp"].to_numpy(dtype=bool)
            kids["sched"] = par["sched"].to_numpy(dtype=bool)
            kids["special_kept"] = False
            # a child without weight/taxability/cost takes the parent's
            for c in ("weight", "weight_unit", "taxable", "cost"):
                kv = kids[c]
                kids[c] = kv.where(kv.notna(), pd.Series(par[c].to_numpy(dtype=object), index=kids.index))
        variants = pd.concat([own, kids], ignore_index=True)
        variants["requires_shipping"] = ~variants["ptype"].isin(["virtual", "downloadable"])
        variants["porder"] = lookup(variants["product_id"], pid)
        variants = variants.sort_values(["porder", "order"], kind="stable").reset_index(drop=True)
        variants["position"] = variants.groupby("product_id", sort=False).cumcount() + 1
        variants["price"] = pd.Series(_units_text(variants["pu"].to_numpy(dtype="int64")), dtype=object).where(
            variants["has_price"].to_numpy(dtype=bool), None)
        variants["compare_at_price"] = pd.Series(_units_text(variants["cu"].to_numpy(dtype="int64")),
                                                 dtype=object).where(variants["has_cmp"].to_numpy(dtype=bool), None)
        used.update({"price": "variants.price / compare_at_price", "special_price": "variants.price (when on sale)",
                     "weight": "variants.weight", "qty": "variants.inventory_quantity",
                     "is_in_stock": "variants.inventory_quantity", "manage_stock": "variants.inventory_tracker",
                     "backorders": "variants.inventory_policy",
                     "tax_class_id": f"variants.taxable; extra:{NS}.tax_class_id",
                     "cost": "variants.cost"})
        for c in _BARCODES:
            if c in df.columns:
                used[c] = "variants.barcode"

        # ---- options: axes in order of first appearance, names from the codes through [options] -----
        S = S[isin(S["child_row"], link["child_row"]) & S["parent_row"].isin(parents_with_kids).to_numpy()]
        S = S[S["code"] != ""]
        sv = S.drop_duplicates(["parent_row", "child_row", "code"])[["parent_row", "child_row", "code", "value"]]
        ax = S.drop_duplicates(["parent_row", "code"])[["parent_row", "code"]].reset_index(drop=True)

        def option_values(ax: pd.DataFrame) -> pd.DataFrame:
            """One value per child and axis: its _super row, else the child's own attribute column."""
            vo = ax[["parent_row", "code", "position"]].merge(
                link[["parent_row", "child_row", "child_sku", "srow"]], on="parent_row")
            vo = vo.merge(sv, on=["parent_row", "child_row", "code"], how="left")
            vo["value"] = vo["value"].fillna("").astype(object)
            blank = (vo["value"] == "").to_numpy()
            for c in pd.unique(vo.loc[blank, "code"]):  # per attribute code (few), not per row
                m = blank & (vo["code"] == c).to_numpy()
                if c in df.columns:
                    vo.loc[m, "value"] = df[c].to_numpy(dtype=object)[vo.loc[m, "child_row"].to_numpy()]
            vo["value"] = vo["value"].astype(str).str.strip()
            return vo

        ax["position"] = ax.groupby("parent_row", sort=False).cumcount() + 1
        vopt = option_values(ax)
        # Magento 1.9's exporter resets its list per super attribute (Mage_ImportExport_Model_Export_Entity_
        # Product::_prepareExport), so a configurable with two attributes may list only the last one: when the
        # listed axes leave two children with the same values, the children's other attribute columns that
        # tell them apart are taken as the missing axes (before the listed ones), with a warning
        if len(vopt):
            key = _combo_keys(vopt)
            suspects = pd.unique(key.loc[key.duplicated(["parent_row", "value"], keep=False), "parent_row"])
            if len(suspects):
                known = set(_KNOWN) | set(_DROPPED) | set(_BOOKKEEPING) | set(_CORE_EXTRA) | set(_PRODUCT_ONLY) \
                    | set(_BARCODES) | set(row_cols) | _ROW_OWN | {"sku"}
                cand_cols = [c for c in attr_cols if c not in known]
                # every configurable with two attributes can be a suspect, so the columns that tell
                # the children apart (all filled, more than one value) are found for all at once
                kids = link.loc[link["parent_row"].isin(suspects), ["parent_row", "child_row"]]
                kid_parent, kid_row = kids["parent_row"].to_numpy(), kids["child_row"].to_numpy()
                apart = {}
                for c in cand_cols:
                    v = pd.Series(df[c].to_numpy(dtype=object)[kid_row], dtype=object).str.strip()
                    filled = (v != "").groupby(kid_parent, sort=False).all()
                    distinct = v.groupby(kid_parent, sort=False).nunique()
                    apart[c] = set(distinct.index[(distinct > 1).to_numpy() & filled.to_numpy()])
                listed = ax.groupby("parent_row", sort=False)["code"].agg(set).to_dict()
                add = []
                for p_ in suspects:
                    have = listed.get(p_, set())
                    cols_ = [c for c in cand_cols if c not in have and p_ in apart[c]]
                    if cols_:
                        add.extend((p_, c) for c in cols_)
                        issues.append(issue(
                            "warning", file, t.line_of(int(p_)), "_super_attribute_code", "m1_axis_guessed",
                            f"the export lists only {', '.join(sorted(have))} for this configurable product, which "
                            f"leaves children with the same values; its children also differ in "
                            f"{', '.join(cols_)}, taken as option(s) before the listed one(s). Magento 1's exporter "
                            "writes only the last super attribute, so the price corrections of the other one(s) are "
                            "not in the file", "check this product's options and variant prices after the import",
                            product=df.at[p_, "name"], sku=hsku[gid[p_]]))
                if add:
                    extra_ax = pd.DataFrame(add, columns=["parent_row", "code"]).assign(first=0)
                    ax = pd.concat([extra_ax, ax.drop(columns="position").assign(first=1)], ignore_index=True)
                    ax = ax.sort_values(["parent_row", "first"], kind="stable").drop(columns="first")
                    porder_ax = pd.Series(pd.unique(ax["parent_row"]))
                    ax["_o"] = ax["parent_row"].map(pd.Series(np.arange(len(porder_ax)), index=porder_ax))
                    ax = ax.sort_values(["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
                    ax["position"] = ax.groupby("parent_row", sort=False).cumcount() + 1
                    vopt = option_values(ax)
        names = {c: mapping_option_name(mapping, c) for c in pd.unique(ax["code"])}
        ax["oname"] = ax["code"].map(names)
        ax["product_id"] = pid_of_row.reindex(ax["parent_row"]).to_numpy()
        still = (vopt["value"] == "").to_numpy()
        for r in vopt[still].head(50).itertuples():
            issues.append(issue("error", file, t.line_of(int(r.child_row)), "_super_attribute_option",
                                "m1_missing_option_value", f"no value for '{r.code}' on this child; set to '-'",
                                product=df.at[r.parent_row, "name"], sku=r.child_sku))
        vopt.loc[still, "value"] = "-"
        vopt["variant_id"] = pid_of_row.reindex(vopt["parent_row"]).to_numpy() + "/" + vopt["child_sku"]
        # duplicate combinations: the first child is kept (mapping rules 1.4)
        if len(vopt):
            vopt = vopt.sort_values(["parent_row", "child_row", "position"], kind="stable")
            combo = _combo_keys(vopt)
            combo = combo.merge(link[["parent_row", "child_row", "order", "child_sku"]], on=["parent_row", "child_row"])
            combo = combo.sort_values("order", kind="stable")
            dupc = combo.duplicated(["parent_row", "value"], keep="first")
            if dupc.any():
                firsts = combo[~dupc].set_index(["parent_row", "value"])["child_row"]
                drop_vid = []
                for r in combo[dupc].itertuples():
                    f = firsts[(r.parent_row, r.value)]
                    issues.append(issue("error", file, t.line_of(int(r.child_row)), "_super_attribute_option",
                                        "duplicate_combination",
                                        f"the child '{r.child_sku}' has the same option values "
                                        f"({r.value.replace(chr(31), ' / ')}) as '{sku.iat[int(f)]}' (line "
                                        f"{t.line_of(int(f))}); it was dropped", "give each child its own values",
                                        product=df.at[r.parent_row, "name"], sku=r.child_sku))
                    drop_vid.append(pid_of_row[r.parent_row] + "/" + r.child_sku)
                variants = variants[~variants["variant_id"].isin(drop_vid)].copy()
                variants["position"] = variants.groupby("product_id", sort=False).cumcount() + 1
                vopt = vopt[~vopt["variant_id"].isin(drop_vid)]
                dropped_child = set(combo.loc[dupc, "child_row"])
                sup_lost[S.loc[S["child_row"].isin(dropped_child), "srow"].to_numpy(dtype="int64")] = True
                link = link[~link["child_row"].isin(dropped_child)]

        if sup_lost.any():
            for c in ("_super_products_sku", "_super_attribute_code", "_super_attribute_option",
                      "_super_attribute_price_corr"):
                lost_extra[c] = sup_lost
                notes[c] = "rows of children not imported (m1_missing_child, duplicate_combination)"

        # ---- flags -------------------------------------------------------------------------------------
        def flag(mask, R, col, check, detail, sev="warning"):
            mask = np.asarray(mask, dtype=bool)
            if mask.any():
                issues.extend(issues_for(mask, t, R, severity=sev, column=col, check=check, detail=detail,
                                         product_col="name", sku_col="sku"))
        flag((ptype == "grouped").to_numpy(), P, "_associated_sku", "grouped_to_collection",
             "grouped product: Shopify has no grouped type; it became a collection of its member products (its own "
             "images and categories are not migrated: see the loss report)")
        flag((ptype == "bundle").to_numpy(), P, "_type", "bundle_flattened",
             "bundle product: the Magento 1 export has no bundle options; kept as one product with one variant")
        flag(((ptype == "configurable").to_numpy() & ~P.index.isin(parents_with_kids)), P, "_super_products_sku",
             "m1_configurable_without_children", "configurable product without children in the file; imported "
             "with one variant")
        no_price = ~variants["has_price"].to_numpy(dtype=bool)
        np_prod = isin(pid, variants.loc[no_price, "product_id"])
        products.loc[np_prod, "status"] = "draft"
        flag(np_prod & (ptype != "grouped").to_numpy(), P, "price", "no_price",
             "no price: imported as a draft with price 0")
        sched = variants["sched"].to_numpy(dtype=bool)
        if sched.any():
            flag(isin(pid, variants.loc[sched, "product_id"]), P, "special_price", "special_price_dated",
                 "the special price has from/to dates; Shopify's CSV has no scheduled prices, so the special price "
                 "was imported as the price (compare-at = price): end the sale by hand when the date passes")
        variants["price"] = variants["price"].where(variants["price"].notna(), "0")
        if variants["weight"].notna().any() and mapping_option(mapping, "weight_unit") is None:
            issues.append(issue("warning", file, None, "weight", "m1_weight_unit",
                                "Magento exports weights without a unit; they were read as pounds (lb), Magento's "
                                "default", "set weight_unit in the mapping file's [urls] if the shop used kg",
                                product="", sku=""))

        # ---- images: base image first, then the gallery by _media_position, then small/thumbnail ----------
        base_url = str(mapping_option(mapping, "image_base_url", "") or "").rstrip("/")
        kid_parent = pd.Series(link["parent_row"].to_numpy(), index=link["child_row"].to_numpy())
        parts = []
        for role, lab, k in _IMAGE_ROLES:
            if role in H:
                v = H[role].str.strip()
                m = ~v.isin(_NO_IMAGE).to_numpy(dtype=bool)
                parts.append(pd.DataFrame({"head": hpos[m], "src": v[m].to_numpy(dtype=object),
                                           "alt": _col(H, lab)[m].str.strip().to_numpy(dtype=object), "k": k,
                                           "p": 0.0, "f": hpos[m], "disabled": False, "col": role}))
                used[role] = "images"
                if lab in H:
                    used[lab] = "images.alt"
        if "_media_image" in M:
            g = M[~M["_media_image"].str.strip().isin(_NO_IMAGE).to_numpy(dtype=bool)]
            gh = row_head[g.index.to_numpy()]
            parts.append(pd.DataFrame({
                "head": gh, "src": g["_media_image"].str.strip().to_numpy(dtype=object),
                "alt": _col(g, "_media_lable").str.strip().to_numpy(dtype=object), "k": 1,
                "p": to_numeric(_col(g, "_media_position").str.strip().replace("", None)).fillna(1e9).to_numpy(
                    dtype="float64"),
                "f": g.index.to_numpy(), "disabled": (_col(g, "_media_is_disabled").str.strip() == "1").to_numpy(),
                "col": "_media_image"}))
            used.update({"_media_image": "images", "_media_lable": "images.alt", "_media_position": "images.position",
                         "_media_is_disabled": "images (disabled images kept: warning hidden_image_shown)"})
        imgs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["head", "src", "alt", "k", "p", "f", "disabled", "col"])
        imgs = imgs[~isin(imgs["head"], hpos[skip[hpos]])] if len(imgs) else imgs
        # a child's images go to its product, after the product's own (its first one is the variant image)
        is_kid_img = isin(imgs["head"], link["child_row"]) if len(imgs) else np.zeros(0, dtype=bool)
        imgs["prow"] = np.where(is_kid_img, kid_parent.reindex(imgs["head"]).fillna(-1).to_numpy(dtype="int64"),
                                imgs["head"].to_numpy(dtype="int64")) if len(imgs) else []
        imgs = imgs[isin(imgs["prow"], list(P.index))] if len(imgs) else imgs
        if len(imgs):
            imgs["kk"] = np.where(isin(imgs["head"], link["child_row"]), 20 + imgs["k"].to_numpy(dtype="int64"),
                                  imgs["k"].to_numpy(dtype="int64"))
            imgs["o"] = porder.reindex(imgs["prow"]).to_numpy()
            imgs["product_id"] = pid_of_row.reindex(imgs["prow"]).to_numpy()
            # variant image of a child: its own base image, else its first gallery image
            kimg = imgs[isin(imgs["head"], link["child_row"])]
            kimg = kimg.sort_values(["head", "k", "p", "f"], kind="stable").drop_duplicates("head")
            vimg = pd.Series(kimg["src"].to_numpy(dtype=object), index=kimg["head"].to_numpy())
            # alt: the first non-empty label of the same picture
            alts = imgs[imgs["alt"].astype(str) != ""].drop_duplicates(["product_id", "src"])
            imgs = imgs.sort_values(["o", "kk", "p", "f"], kind="stable")
            hid = imgs[imgs["disabled"].astype(bool)].drop_duplicates(["product_id", "src"])
            # an excluded picture that is also the base/small/thumbnail image is shown by Magento too (shops
            # exclude the base image so that it is not repeated among the thumbnails): no warning for it
            roles = imgs[imgs["col"] != "_media_image"]
            if len(hid) and len(roles):
                shown = pd.MultiIndex.from_arrays([roles["product_id"], roles["src"]])
                hid = hid[~pd.MultiIndex.from_arrays([hid["product_id"], hid["src"]]).isin(shown)]
            imgs = imgs.drop_duplicates(["product_id", "src"])
            imgs = imgs.drop(columns="alt").merge(alts[["product_id", "src", "alt"]], on=["product_id", "src"],
                                                  how="left")
        else:
            vimg = pd.Series(dtype=object)
            hid = imgs
        images = pd.DataFrame({"product_id": imgs["product_id"].to_numpy(dtype=object) if len(imgs) else [],
                               "src": imgs["src"].to_numpy(dtype=object) if len(imgs) else [],
                               "alt": imgs["alt"].to_numpy(dtype=object) if len(imgs) else []})
        images["position"] = images.groupby("product_id", sort=False).cumcount() + 1
        images["alt"] = images["alt"].where(images["alt"].notna() & (images["alt"].astype(str) != ""), None)
        images["source_id"] = images["src"]
        grouped_ids = set(pid[(ptype == "grouped").to_numpy()])  # their images are not migrated
        rel = ~images["src"].astype(str).str.match(_ABS) & ~images["product_id"].isin(grouped_ids)
        if rel.any():
            if base_url:
                images["src"] = _absolute(images["src"], base_url)
            else:
                issues.append(issue("warning", file, None, "image", "m1_relative_image",
                                    f"{int(rel.sum())} image paths are relative to Magento's media folder (e.g. "
                                    f"'{images.loc[rel, 'src'].iat[0]}'); Shopify needs full URLs",
                                    "set image_base_url (e.g. https://shop.example/media/catalog/product) in the "
                                    "mapping file's [urls]", product="", sku=""))
        hid = hid[~hid["product_id"].isin(grouped_ids)] if len(hid) else hid
        for r in hid.head(50).itertuples() if len(hid) else []:
            issues.append(issue("warning", file, t.line_of(int(r.f)), "_media_is_disabled", "hidden_image_shown",
                                f"'{r.src}' is excluded from the gallery in Magento (_media_is_disabled = 1); Shopify "
                                "shows every product image, so it will be visible", product=df.at[int(r.prow), "name"],
                                sku=r.product_id))
        vimg_src = pd.Series(vimg.reindex(link["child_row"]).to_numpy(dtype=object),
                             index=pid_of_row.reindex(link["parent_row"]).to_numpy() + "/" + link["child_sku"])
        variants["image_src"] = np.where(variants["isvar"].to_numpy(dtype=bool),
                                         vimg_src.reindex(variants["variant_id"]).to_numpy(dtype=object), None)
        variants["image_src"] = _absolute(variants["image_src"].where(variants["image_src"].notna(), None), base_url)
        images = images[["product_id", "position", "src", "alt", "source_id"]]

        # ---- categories -> collections (root stripped) ------------------------------------------------
        cat = _col(M, "_category").str.strip()
        cm = (cat != "").to_numpy(dtype=bool)
        ch = m_head[cm]
        cpath = cat[cm].str.strip("/").str.replace(r"\s*/\s*", " > ", regex=True)
        is_p = isin(ch, list(P.index))
        if (~is_p).any():  # children's own categories: Magento shows the parent
            lost = np.zeros(n, dtype=bool)
            lost[M.index.to_numpy()[cm][~is_p]] = True
            lost_extra["_category"] = lost
            notes["_category"] = "configurable children's own categories are not kept (the product's are)"
        collections, members = collections_from_paths(
            pd.DataFrame({"product_id": pid_of_row.reindex(ch[is_p]).to_numpy(dtype=object),
                          "path": cpath[is_p].to_numpy(dtype=object)}), platform=PLATFORM, mapping=mapping)
        collections["source_id"] = collections["path"]
        cpat = str(mapping_option(mapping, "category_url_pattern", "") or "") or DEFAULT_CATEGORY_URL
        cslug = pd.Series(["/".join(slugify(x) for x in str(q).split(" > ")) for q in collections["path"]],
                          dtype=object)
        collections["source_url"] = _url_series(cpat, {
            "path": cslug.to_numpy(), "handle": collections["handle"].to_numpy(),
            "slug": collections["handle"].to_numpy(), "id": collections["collection_id"].to_numpy()},
            len(collections), mapping, "category_url_pattern").to_numpy()

        # ---- extra ---------------------------------------------------------------------------------------
        ex: list[pd.DataFrame] = []
        is_kid_h = np.isin(hpos, list(link["child_row"]))
        kid_vid = pd.Series((pid_of_row.reindex(link["parent_row"]).to_numpy() + "/" + link["child_sku"]).to_numpy(),
                            index=link["child_row"].to_numpy())
        ent_id = pd.Series(pid_of_row.reindex(hpos).to_numpy(dtype=object), index=H.index)
        ent_id[is_kid_h] = kid_vid.reindex(hpos[is_kid_h]).to_numpy()
        ent = pd.Series(np.where(is_kid_h, "variant", "product"), index=H.index)
        ht = H["_type"].str.strip().str.lower()
        ex.append(extra_rows(ent_id, ht.where(ht != "simple", ""), ent, NS, "product_type"))
        for c, default in _CORE_EXTRA.items():
            if c not in H or c.startswith("_") and c in row_cols:
                continue
            s = H[c].str.strip()
            if default is not None:
                s = s.where(s != default, "")
            if c == "visibility":
                s = s.map(lambda x: _VISIBILITY.get(x, x)).astype(object)
            if c in _PRODUCT_ONLY:
                s = s.where(~is_kid_h, "")
            ex.append(extra_rows(ent_id, s, ent, NS, c.lstrip("_")))
            if c not in used:
                used[c] = f"extra:{NS}.{c.lstrip('_')}"
        kept_special = variants.loc[variants["special_kept"].to_numpy(dtype=bool), "source_id"]
        if len(kept_special):
            ex.append(extra_rows(ent_id, H["special_price"].where(isin(hsk, kept_special), ""), ent, NS,
                                 "special_price"))
        # a disabled child stays a variant (Shopify cannot disable one variant): its status is kept
        ex.append(extra_rows(ent_id, H["status"].where(is_kid_h & H["status"].str.strip().isin(["2"]).to_numpy(),
                                                       ""), ent, NS, "status"))
        # row-group columns: websites, links, tier/group prices, custom options, grouped members
        def per_product(mask, values, key, sep):
            rows = M[mask]
            if not len(rows):
                return
            h = m_head[np.flatnonzero(mask)] if isinstance(mask, np.ndarray) else m_head[mask.to_numpy()]
            j = _join_by(h, values, sep)
            e_id = ent_id.reindex(j.index)
            e = ent.reindex(j.index)
            ex.append(pd.DataFrame({"entity": e.to_numpy(dtype=object), "entity_id": e_id.to_numpy(dtype=object),
                                    "namespace": NS, "key": key, "value": j.to_numpy(dtype=object),
                                    "type": "single_line_text_field"}).dropna(subset=["entity_id"]))
        if "_product_websites" in M:
            w = M["_product_websites"].str.strip()
            m = (w != "").to_numpy(dtype=bool)
            allbase = _join_by(m_head[m], w[m], ",")
            keep_h = set(allbase.index[allbase != "base"])
            per_product(m & isin(m_head, list(keep_h)), w[m & isin(m_head, list(keep_h))], "websites", ",")
            used["_product_websites"] = f"extra:{NS}.websites"
        for key, cols in _FAMILIES.items():
            present = [c for c in cols if c in M]
            if not present:
                continue
            first = _col(M, cols[0]).str.strip()
            m = (first != "").to_numpy(dtype=bool)
            prefix = os.path.commonprefix(list(cols))
            rec = _records(M[m], cols, [c[len(prefix):] for c in cols])
            per_product(m, rec, key, "|")
            for c in present:
                used[c] = f"extra:{NS}.{key}"
        oc = [c for c in _OPTION_COLS if c in M]
        if oc:
            anyv = np.zeros(len(M), dtype=bool)
            for c in oc:
                anyv |= (M[c].str.strip() != "").to_numpy(dtype=bool)
            rec = _records(M[anyv], oc, [_OPTION_KEYS[c] for c in oc])
            per_product(anyv, rec, "custom_options", "|")
            for c in oc:
                used[c] = f"extra:{NS}.custom_options"
            withopt = isin(pid, pd.Series(pid_of_row.reindex(np.unique(m_head[anyv])).dropna().to_numpy(dtype=object)))
            flag(withopt, P, "_custom_option_type", "custom_options_not_variants",
                 "custom options (customer-entered or priced add-ons) are not variants; kept in extra "
                 "magento1.custom_options; Shopify needs a product-options app for them")

        # ---- store views: the values that differ from the default row ----------------------------------
        SV = df[in_store]
        if len(SV):
            sh = row_head[in_store]
            known_h = isin(sh, hpos)
            sv_ent_id = ent_id.reindex(sh).to_numpy(dtype=object)
            sv_ent = ent.reindex(sh).to_numpy(dtype=object)
            code = scope_np[in_store]
            for c in df.columns:
                if c in ("sku", "_store") or c in row_cols or not (nem[c] & in_store).any():
                    continue
                v = SV[c].str.strip()
                base = df[c].to_numpy(dtype=object)[sh]
                m = (v != "").to_numpy(dtype=bool) & (v.to_numpy(dtype=object) != base) & known_h
                if not m.any():
                    continue
                part = pd.DataFrame({"entity": sv_ent[m], "entity_id": sv_ent_id[m], "namespace": NS,
                                     "key": "store_view:" + pd.Series(code[m], dtype=object) + ":" + c,
                                     "value": v[m].to_numpy(dtype=object), "type": "single_line_text_field"})
                if part.duplicated(["entity_id", "key"]).any():  # a multiselect's values on several rows
                    part = part.groupby(["entity", "entity_id", "namespace", "key", "type"], sort=False,
                                        as_index=False)["value"].agg(", ".join)
                ex.append(part)
        # other columns: the store's own attributes -> metafields (custom); a configurable axis on its
        # children is an option value, not a metafield
        axes_of = set(zip(ax["parent_row"], ax["code"]))
        axis_codes = set(ax["code"])
        kid_parent_h = kid_parent.reindex(hpos).to_numpy()
        for c in df.columns:
            if (c in row_cols or c in _ROW_OWN or c == "sku" or c in _DROPPED or c in _BOOKKEEPING
                    or c in _CORE_EXTRA or c in used):
                continue
            key = attr_key(pd.Series([c])).iat[0]
            s = H[c].astype("str").str.strip()
            if c in axis_codes:
                on_axis = np.zeros(len(H), dtype=bool)
                kp = kid_parent_h[is_kid_h]
                on_axis[np.flatnonzero(is_kid_h)] = [(p, c) in axes_of for p in kp]
                s = s.where(~on_axis, "")
                used[c] = f"variant_options.value (axis); extra:{ATTR_NS}.{key}"
            else:
                used[c] = f"extra:{ATTR_NS}.{key}"
            m = (s != "").to_numpy(dtype=bool) & ent_id.notna().to_numpy()
            if m.any():
                ex.append(pd.DataFrame({"entity": ent.to_numpy(dtype=object)[m],
                                        "entity_id": ent_id.to_numpy(dtype=object)[m],
                                        "namespace": ATTR_NS, "key": key, "value": s.to_numpy(dtype=object)[m],
                                        "type": "single_line_text_field"}))
        for c in _DROPPED:
            notes[c] = _DROP_NOTE
        notes.update(_BOOKKEEPING)
        extra = concat_extra(ex)

        # ---- grouped products become collections of their members (mapping rules 1.6) -------------------
        gmask = (ptype == "grouped").to_numpy()
        if gmask.any():
            G = P[gmask]
            gh_ = pd.Series(products.loc[gmask, "handle"].to_numpy(), index=G.index)
            a = _col(M, "_associated_sku").str.strip()
            am = (a != "").to_numpy(dtype=bool) & isin(m_head, list(G.index))
            gp = pd.DataFrame({"row": m_head[am], "product_id": a[am].to_numpy(dtype=object),
                               "pos": to_numeric(_col(M, "_associated_position")[am].str.strip().replace("", None))
                               .fillna(1e9).to_numpy(dtype="float64"), "f": M.index.to_numpy()[am]})
            gp = gp.sort_values(["row", "pos", "f"], kind="stable")
            missing_m = ~isin(gp["product_id"], products["product_id"])
            for r in gp[missing_m].head(50).itertuples():
                issues.append(issue("warning", file, t.line_of(int(r.f)), "_associated_sku", "grouped_member_missing",
                                    f"the grouped product's member '{r.product_id}' is not in the file",
                                    product=df.at[r.row, "name"], sku=pid_of_row[r.row]))
            gp = gp[~missing_m]
            gm = grouped_members(gh_.reindex(gp["row"]).to_numpy(), gp["product_id"].to_numpy())
            gcoll = grouped_collections(gh_.to_numpy(), G["name"].str.strip().to_numpy(),
                                        G["description"].replace("", None).to_numpy(),
                                        G["sku"].str.strip().to_numpy(), products.loc[gmask, "source_url"].to_numpy())
            used["_associated_sku"] = "collection_products (grouped product -> collection)"
            used["_associated_position"] = "collection_products.position"
            gset = set(pid[gmask])
            grow = set(G.index)
            # the grouped product's own images and categories are not migrated (loss report)
            for c, note in (("image", "images of grouped products (they became collections)"),
                            ("small_image", "images of grouped products (they became collections)"),
                            ("thumbnail", "images of grouped products (they became collections)"),
                            ("_media_image", "images of grouped products (they became collections)"),
                            ("_category", "categories of grouped products (they became collections)")):
                if c in df.columns:
                    lm = np.zeros(n, dtype=bool)
                    rows_g = np.flatnonzero(isin(row_head, list(grow)) & dflt)
                    lm[rows_g] = True
                    lm &= ~df[c].str.strip().isin(_NO_IMAGE).to_numpy(dtype=bool)
                    if lm.any():
                        lost_extra[c] = lost_extra.get(c, np.zeros(n, dtype=bool)) | lm
                        notes[c] = (notes.get(c, "") + "; " if notes.get(c) else "") + note
            products.loc[isin(products["product_id"], gm["product_id"]), "published"] = True
            f = fold_grouped({"products": products, "variants": variants, "images": images, "members": members,
                              "collections": collections, "extra": extra}, gset, gcoll, gm,
                             pd.Series(gh_.to_numpy(), index=pid[gmask].to_numpy()))
            products, variants, images = f["products"], f["variants"], f["images"]
            members, collections, extra = f["members"], f["collections"], f["extra"]

        # ---- final ids, value checks, loss ---------------------------------------------------------------
        variants = variants.copy()
        variants, vopt, extra = final_variant_ids(variants, vopt, extra)
        # SKUs repeated on variants of different products are kept (warning, mapping rules 1.4)
        vs = variants["sku"].astype(str)
        rep = (vs != "") & vs.duplicated(keep="first")
        for i in np.flatnonzero(rep.to_numpy())[:50]:
            issues.append(issue("warning", file, None, "sku", "duplicate_sku",
                                f"SKU '{vs.iat[i]}' is on more than one variant; kept as written",
                                "give each variant its own SKU", sku=vs.iat[i]))
        product_options = pd.DataFrame({"product_id": ax["product_id"].to_numpy(dtype=object),
                                        "position": ax["position"].to_numpy(),
                                        "name": ax["oname"].to_numpy(dtype=object)})
        variant_options = pd.DataFrame({"variant_id": vopt["variant_id"].to_numpy(dtype=object),
                                        "position": vopt["position"].to_numpy(),
                                        "value": vopt["value"].to_numpy(dtype=object)})
        variants["inventory_tracker"] = np.where(variants["tracked"].fillna(False).astype(bool), "shopify", None)
        variants["inventory_quantity"] = pd.to_numeric(variants["inventory_quantity"], errors="coerce") \
            .astype("Float64").round().astype("Int64")
        variants["taxable"] = variants["taxable"].astype("boolean")
        variants["requires_shipping"] = variants["requires_shipping"].astype("boolean")
        variants["weight"] = pd.to_numeric(variants["weight"], errors="coerce")
        vcols = ["variant_id", "product_id", "position", "sku", "barcode", "price", "compare_at_price", "cost",
                 "weight", "weight_unit", "inventory_quantity", "inventory_policy", "inventory_tracker",
                 "requires_shipping", "taxable", "image_src", "source_id"]

        # configurable children: their own product-level values are not kept
        kid_rows = np.zeros(n, dtype=bool)
        kid_rows[hpos[is_kid_h]] = True
        if kid_rows.any():
            for c in _PRODUCT_ONLY:
                if c not in df.columns:
                    continue
                v = df[c].astype(str).str.strip()
                lm = kid_rows & (v != "").to_numpy(dtype=bool)
                d = _CORE_EXTRA.get(c)
                if d is not None:
                    lm &= (v != d).to_numpy(dtype=bool)
                if lm.any():
                    lost_extra[c] = lost_extra.get(c, np.zeros(n, dtype=bool)) | lm
                    if c not in ("name", "price"):
                        notes[c] = (notes.get(c, "") + "; " if notes.get(c) else "") + \
                            "configurable children's own values are not kept (product-level field)"
            notes["price"] = "configurable children: the parent's price + _super_attribute_price_corr (Magento 1 " \
                             "does not use a child's own price, nor does this reader)"
        _scan(file, df, t, barcode_columns=tuple(c for c in _BARCODES if c in df.columns), product=prod_name,
              sku=prod_sku, issues=issues, skip=skip)
        for c in src_cols:
            ne_mask = nem[c]
            ne = int(ne_mask.sum())
            became = used.get(c, "")
            lost = ne_mask & skip
            if c in lost_extra:
                lost = lost | (ne_mask & lost_extra[c])
            dropped = ne if not became else int(lost.sum())
            note = notes.get(c, "")
            if became and int((ne_mask & skip).sum()):
                note = (note + "; " if note else "") + "values of skipped rows (duplicate_sku)"
            loss.append({"file": file, "column": c, "became": became, "non_empty": ne, "dropped": dropped,
                         "note": note})
        frames = dict(products=products, product_options=product_options,
                      variants=variants[vcols].reset_index(drop=True), variant_options=variant_options,
                      images=images, collections=collections, collection_products=members, extra=extra)
        catalog = Catalog.from_frames(**frames)
        return ReadResult(catalog, loss_frame(loss), issues_frame(issues), [file])


register("magento1", Magento1Adapter)
