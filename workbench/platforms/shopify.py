"""Shopify: product CSV (both header dialects), customers CSV, URL redirects CSV; source and target.

Rules in ``docs/mapping.md`` section 2. In short:

* reading matches columns by name (case-insensitive) in the 2024+ dialect (``Title,URL handle,...``)
  and the legacy one (``Handle,Title,Body (HTML),...``); rows are grouped by handle; the first row
  carries the product; image-only rows add images; every column the model has no field for
  (metafields, Google Shopping, markets, unknown columns) goes to ``extra`` so a round trip keeps it;
* ``product_id`` is the handle, ``variant_id`` ``<handle>#<n>``;
* writing gives ``products.csv`` in the current dialect (or legacy on request), split in files under
  15 MB without splitting a product, ``customers.csv`` when there are customers; UTF-8, no BOM, CRLF;
  formula-like cells get a leading ``'`` and are reported (``formula_neutralised``);
* :meth:`ShopifyAdapter.validate` checks the limits of formats.md 1.4.
"""
from __future__ import annotations

import decimal
import functools
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import safeio, schema
from ..errors import InputError
from .._arrow import first_occurrence, one_chunk, order_by as _order_by, string_buffers as _string_buffers
from ..mapping import Mapping
from . import register
from ._common import amount_misfits
from .base import Adapter, Catalog, ReadResult, issues_frame, loss_frame
from .csvio import csv_lines, header_line, not_gtin, read_table, spreadsheet_mangled

__all__ = ["CURRENT_HEADER", "LEGACY_HEADER", "CUSTOMER_HEADER", "ShopifyAdapter", "write_redirects"]

NAME = "shopify"
MAX_FILE_BYTES = 15 * 1024 * 1024
MAX_OPTIONS = 3
MAX_VARIANTS = 2048
EOL = "\r\n"

CURRENT_HEADER = (
    "Title,URL handle,Description,Vendor,Product category,Type,Tags,Published on online store,Status,SKU,Barcode,"
    "Option1 name,Option1 value,Option1 Linked To,Option2 name,Option2 value,Option2 Linked To,Option3 name,"
    "Option3 value,Option3 Linked To,Price,Compare-at price,Cost per item,Charge tax,Tax code,Inventory tracker,"
    "Inventory quantity,Continue selling when out of stock,Weight value (grams),Weight unit for display,"
    "Requires shipping,Fulfillment service,Product image URL,Image position,Image alt text,Variant image URL,"
    "Gift card,SEO title,SEO description,Color (product.metafields.shopify.color-pattern),"
    "Google Shopping / Google product category,Google Shopping / Gender,Google Shopping / Age group,"
    "Google Shopping / Manufacturer part number (MPN),Google Shopping / Ad group name,Google Shopping / Ads labels,"
    "Google Shopping / Condition,Google Shopping / Custom product,Google Shopping / Custom label 0,"
    "Google Shopping / Custom label 1,Google Shopping / Custom label 2,Google Shopping / Custom label 3,"
    "Google Shopping / Custom label 4").split(",")

LEGACY_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,"
    "Option2 Value,Option3 Name,Option3 Value,Variant SKU,Variant Grams,Variant Inventory Tracker,"
    "Variant Inventory Qty,Variant Inventory Policy,Variant Fulfillment Service,Variant Price,"
    "Variant Compare At Price,Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,Image Position,"
    "Image Alt Text,Gift Card,SEO Title,SEO Description,Google Shopping / Google Product Category,"
    "Google Shopping / Gender,Google Shopping / Age Group,Google Shopping / MPN,Google Shopping / Condition,"
    "Google Shopping / Custom Product,Variant Image,Variant Weight Unit,Variant Tax Code,Cost per item,"
    "Included / United States,Price / United States,Compare At Price / United States,Included / International,"
    "Price / International,Compare At Price / International,Status").split(",")

CUSTOMER_HEADER = (
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
    "Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,"
    "Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,"
    "Total Spent,Total Orders,Note,Tax Exempt,Tags").split(",")

# semantic key -> (legacy header, current header, level)
FIELDS: dict[str, tuple[str, str, str]] = {
    "handle": ("Handle", "URL handle", "product"),
    "title": ("Title", "Title", "product"),
    "description_html": ("Body (HTML)", "Description", "product"),
    "vendor": ("Vendor", "Vendor", "product"),
    "product_category": ("Product Category", "Product category", "product"),
    "product_type": ("Type", "Type", "product"),
    "tags": ("Tags", "Tags", "product"),
    "published": ("Published", "Published on online store", "product"),
    "status": ("Status", "Status", "product"),
    "gift_card": ("Gift Card", "Gift card", "product"),
    "seo_title": ("SEO Title", "SEO title", "product"),
    "seo_description": ("SEO Description", "SEO description", "product"),
    "sku": ("Variant SKU", "SKU", "variant"),
    "barcode": ("Variant Barcode", "Barcode", "variant"),
    "grams": ("Variant Grams", "Weight value (grams)", "variant"),
    "weight_unit": ("Variant Weight Unit", "Weight unit for display", "variant"),
    "inventory_tracker": ("Variant Inventory Tracker", "Inventory tracker", "variant"),
    "inventory_quantity": ("Variant Inventory Qty", "Inventory quantity", "variant"),
    "inventory_policy": ("Variant Inventory Policy", "Continue selling when out of stock", "variant"),
    "fulfillment_service": ("Variant Fulfillment Service", "Fulfillment service", "variant"),
    "price": ("Variant Price", "Price", "variant"),
    "compare_at_price": ("Variant Compare At Price", "Compare-at price", "variant"),
    "cost": ("Cost per item", "Cost per item", "variant"),
    "requires_shipping": ("Variant Requires Shipping", "Requires shipping", "variant"),
    "taxable": ("Variant Taxable", "Charge tax", "variant"),
    "tax_code": ("Variant Tax Code", "Tax code", "variant"),
    "variant_image": ("Variant Image", "Variant image URL", "variant"),
    "image_src": ("Image Src", "Product image URL", "image"),
    "image_position": ("Image Position", "Image position", "image"),
    "image_alt": ("Image Alt Text", "Image alt text", "image"),
}
for _n in (1, 2, 3):
    FIELDS[f"option{_n}_name"] = (f"Option{_n} Name", f"Option{_n} name", "product")
    FIELDS[f"option{_n}_value"] = (f"Option{_n} Value", f"Option{_n} value", "variant")
    FIELDS[f"option{_n}_linked"] = (f"Option{_n} Linked To", f"Option{_n} Linked To", "product")

_ALIASES = {"variant compare-at price": "compare_at_price", "compare at price": "compare_at_price",
            "body html": "description_html", "weight value": "grams"}
_BY_HEADER = {}
for _k, (_leg, _cur, _lvl) in FIELDS.items():
    _BY_HEADER[_leg.lower()] = _k
    _BY_HEADER[_cur.lower()] = _k
_BY_HEADER.update(_ALIASES)

# Google Shopping columns: key -> (legacy label, current label)
GOOGLE = {
    "google_product_category": ("Google Product Category", "Google product category"),
    "google_gender": ("Gender", "Gender"),
    "google_age_group": ("Age Group", "Age group"),
    "google_mpn": ("MPN", "Manufacturer part number (MPN)"),
    "google_adwords_grouping": ("AdWords Grouping", "Ad group name"),
    "google_adwords_labels": ("AdWords Labels", "Ads labels"),
    "google_condition": ("Condition", "Condition"),
    "google_custom_product": ("Custom Product", "Custom product"),
}
for _n in range(5):
    GOOGLE[f"google_custom_label_{_n}"] = (f"Custom Label {_n}", f"Custom label {_n}")
_GOOGLE_BY_LABEL = {lab.lower(): k for k, labs in GOOGLE.items() for lab in labs}
UNIT_PRICE = {"unit_price_total_measure": ("Unit Price Total Measure", "Unit price total measure"),
              "unit_price_total_measure_unit": ("Unit Price Total Measure Unit", "Unit price total measure unit"),
              "unit_price_base_measure": ("Unit Price Base Measure", "Unit price base measure"),
              "unit_price_base_measure_unit": ("Unit Price Base Measure Unit", "Unit price base measure unit")}
_UNIT_BY_LABEL = {lab.lower(): k for k, labs in UNIT_PRICE.items() for lab in labs}
#: keys of namespace "shopify" that are CSV columns of the platform, not metafields
_PLATFORM_KEY = re.compile(r"^(google_|market_|unit_price_|column:|row_image_|customer_id$|total_|province$|country$"
                           r"|default_address_phone$|accepts_)")
_METAFIELD_RE = re.compile(r"^(.*?)\s*\((product|variant|customer)\.metafields\.([^.()\s]+)\.([^()\s]+)\)\s*$", re.I)
_MATRIXIFY_RE = re.compile(r"^(variant\s+)?metafield:\s*([^.\s]+)\.(\S+?)(?:\s*\[(.+)\])?\s*$", re.I)
_MARKET_RE = re.compile(r"^(included|price|compare[ -]at price)\s*/\s*(.+)$", re.I)
_OTHER_PLATFORMS = ("woocommerce", "magento2", "magento1", "magento", "prestashop", "volusion", "opencart", "bigcommerce")
_UNIT_GRAMS = {"g": decimal.Decimal(1), "kg": decimal.Decimal(1000), "lb": decimal.Decimal("453.59237"),
               "oz": decimal.Decimal("28.349523125")}
_HANDLE_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL_RE = re.compile(r"^https?://[^/\s]+\.[^/\s]+(/\S*)?$", re.I)
_NUM_RE = r"^\s*-?\d+(\.\d+)?\s*$"
_TRIGGERS = pa.array(["=", "+", "-", "@", "\t", "\r"])
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


# --------------------------------------------------------------------------------------------------
# header classification

def classify(header: str) -> tuple:
    """What a Shopify product CSV column means.

    Returns ``("field", key)`` for a standard column, or ``("extra", level, namespace, key, type)``
    where level is ``product`` or ``variant``.
    """
    h = " ".join(header.split())
    low = h.lower()
    if low in _BY_HEADER:
        return ("field", _BY_HEADER[low])
    m = _METAFIELD_RE.match(h)
    if m:
        return ("extra", m.group(2).lower(), m.group(3), m.group(4), None)
    m = _MATRIXIFY_RE.match(h)
    if m:
        return ("extra", "variant" if m.group(1) else "product", m.group(2), m.group(3), m.group(4))
    if low.startswith("google shopping /"):
        label = low.split("/", 1)[1].strip()
        key = _GOOGLE_BY_LABEL.get(label, "google_" + re.sub(r"[^a-z0-9]+", "_", label).strip("_"))
        return ("extra", "variant", NAME, key, None)
    if low in _UNIT_BY_LABEL:
        return ("extra", "variant", NAME, _UNIT_BY_LABEL[low], None)
    m = _MARKET_RE.match(h)
    if m:
        kind = m.group(1).lower().replace("-", " ")
        market = m.group(2).strip()
        if kind == "included":
            return ("extra", "product", NAME, f"market_included:{market}", None)
        if kind == "price":
            return ("extra", "variant", NAME, f"market_price:{market}", None)
        return ("extra", "variant", NAME, f"market_compare_at_price:{market}", None)
    return ("extra", "variant", NAME, f"column:{header}", None)


def _label_from_key(key: str) -> str:
    s = re.sub(r"[-_]+", " ", key).strip()
    return s[:1].upper() + s[1:]


def extra_header(level: str, namespace: str, key: str, type_: str | None, dialect: str) -> str | None:
    """The column header an ``extra`` entry is written under (None: not a column of its own)."""
    legacy = dialect == "legacy"
    if namespace == NAME and _PLATFORM_KEY.match(key):
        if key.startswith("google_"):
            labs = GOOGLE.get(key)
            label = labs[0 if legacy else 1] if labs else _label_from_key(key[len("google_"):])
            return f"Google Shopping / {label}"
        if key.startswith("unit_price_"):
            return UNIT_PRICE[key][0 if legacy else 1] if key in UNIT_PRICE else _label_from_key(key)
        if key.startswith("market_included:"):
            return f"Included / {key.split(':', 1)[1]}"
        if key.startswith("market_price:"):
            return f"Price / {key.split(':', 1)[1]}"
        if key.startswith("market_compare_at_price:"):
            return f"{'Compare At Price' if legacy else 'Compare-at price'} / {key.split(':', 1)[1]}"
        if key.startswith("column:"):
            return key[len("column:"):]
        return None
    if legacy:
        prefix = "Variant Metafield" if level == "variant" else "Metafield"
        return f"{prefix}: {namespace}.{key} [{type_ or 'single_line_text_field'}]"
    if namespace == "shopify" and key == "color-pattern" and level == "product":
        return "Color (product.metafields.shopify.color-pattern)"
    return f"{_label_from_key(key)} ({level}.metafields.{namespace}.{key})"


# --------------------------------------------------------------------------------------------------
# value helpers

def _issue(rows: list, severity: str, file, line, column, product, sku, check, detail, hint=""):
    rows.append({"severity": severity, "file": file, "line": line, "column": column, "product": product,
                 "sku": sku, "check": check, "detail": detail, "hint": hint})


def _arr(s: pd.Series) -> pa.Array:
    """A text column as an Arrow string array ('' kept)."""
    if isinstance(s.dtype, pd.ArrowDtype) or getattr(s.dtype, "storage", None) == "pyarrow":
        try:
            a = pa.array(s.array, type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            a = pa.array(s.astype(object), type=pa.string(), from_pandas=True)
    else:
        a = pa.array(s.astype(object), type=pa.string(), from_pandas=True)
    return pc.fill_null(a, "")


def _pd(arr: pa.Array):
    """An Arrow array as a pandas extension array (no per-value conversion)."""
    return pd.arrays.ArrowExtensionArray(arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr]))


def _bool(s: pd.Series, col: str, ctx) -> pa.Array:
    low = pc.utf8_lower(pc.utf8_trim_whitespace(_arr(s)))
    t = pc.is_in(low, value_set=pa.array(sorted(_TRUE)))
    f = pc.is_in(low, value_set=pa.array(sorted(_FALSE)))
    empty = pc.equal(low, "")
    bad = pc.invert(pc.or_(pc.or_(t, f), empty))
    if pc.any(bad).as_py():
        for i in pc.indices_nonzero(bad).to_pylist():
            ctx.bad(i, col, "bad_boolean", f"'{s.iloc[i]}' is not TRUE or FALSE; read as empty")
    return _pd(pc.if_else(t, True, pc.if_else(f, False, pa.scalar(None, pa.bool_()))))


def _decimal_strings(s: pd.Series, col: str, ctx) -> pa.Array:
    """Clean decimal strings (null for empty or bad) ready for a numeric cast; bad cells reported."""
    st = pc.utf8_trim_whitespace(_arr(s))
    empty = pc.equal(st, "")
    ok = pc.or_(pc.match_substring_regex(st, r"^-?\d+(\.\d+)?$"), empty)
    if not pc.all(ok).as_py():
        comma = pc.match_substring_regex(st, r"^-?\d+,\d+$")
        for i in pc.indices_nonzero(comma).to_pylist():
            ctx.bad(i, col, "decimal_comma",
                    f"'{s.iloc[i]}' uses a decimal comma; read as {st[i].as_py().replace(',', '.')}")
        st = pc.if_else(comma, pc.replace_substring(st, ",", "."), st)
        ok = pc.or_(ok, comma)
        for i in pc.indices_nonzero(pc.invert(ok)).to_pylist():
            ctx.bad(i, col, "bad_number", f"'{s.iloc[i]}' is not a number; left empty")
    return pc.if_else(pc.and_(ok, pc.invert(empty)), st, pa.scalar(None, pa.string()))


def _money(s: pd.Series, col: str, ctx) -> pa.Array:
    vals = _decimal_strings(s, col, ctx)
    try:
        out = pc.cast(vals, schema.MONEY)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        large, inexact = amount_misfits(vals, vals.is_valid().to_numpy(zero_copy_only=False))
        for i in np.flatnonzero(large | inexact):
            v = vals[int(i)].as_py()
            if large[i]:
                ctx.bad(i, col, "out_of_range", f"'{v}' is too large for an amount; left empty", severity="error")
            else:
                ctx.bad(i, col, "inexact_money", f"'{v}' has more than 4 decimals; left empty")
        out = pc.cast(pc.if_else(pa.array(large | inexact), pa.scalar(None, pa.string()), vals), schema.MONEY)
    neg = pc.fill_null(pc.less(out, pa.scalar(decimal.Decimal(0), schema.MONEY)), False)
    if pc.any(neg).as_py():
        for i in pc.indices_nonzero(neg).to_pylist():
            ctx.bad(i, col, "negative", f"'{s.iloc[i]}' is negative; left empty")
        out = pc.if_else(neg, pa.scalar(None, schema.MONEY), out)
    return out


class _Ctx:
    """Issue collection for one file: maps frame rows to lines and products."""

    def __init__(self, table, product_of=None, sku_of=None):
        self.table = table
        self.rows: list[dict] = []
        self.product_of = product_of
        self.sku_of = sku_of

    def bad(self, i, column, check, detail, *, severity="warning", hint=""):
        product = "" if self.product_of is None else str(self.product_of.iloc[i])
        sku = "" if self.sku_of is None else str(self.sku_of.iloc[i])
        _issue(self.rows, severity, self.table.path, self.table.line_of(int(i)), column, product, sku,
               check, detail, hint)


# --------------------------------------------------------------------------------------------------
# the adapter

class ShopifyAdapter(Adapter):
    """Shopify product, customer and redirect CSVs."""

    name = NAME
    label = "Shopify"
    can_write = True
    reads = {"products": "Product CSV (2024+ or legacy header)", "customers": "Customer CSV"}

    def __init__(self) -> None:
        #: issues found by the last :meth:`write` (formula_neutralised, dropped extras, ...)
        self.write_issues: pd.DataFrame = issues_frame()
        #: the variant <-> option row join of the catalog last validated or written
        self._joins = _VariantOptionJoin()

    # ---- reading -----------------------------------------------------------------------------
    def read(self, paths, *, mapping: Mapping | None = None) -> ReadResult:
        if isinstance(paths, (str, Path)):
            paths = [paths]
        mapping = mapping or Mapping()
        parts: dict[str, list[pd.DataFrame]] = {}
        issues: list[dict] = []
        losses: list[dict] = []
        files = []
        for path in paths:
            table = read_table(path, label="Shopify CSV")
            frame = mapping.rename_headers(table.frame)
            if frame is not table.frame:
                table.frame = frame
            issues.extend(table.warnings)
            lows = {" ".join(c.split()).lower() for c in table.frame.columns}
            if lows & {"handle", "url handle"}:
                frames = _read_products(table, issues, losses)
            elif "email" in lows and (lows & {"first name", "customer id", "last name"}):
                frames = _read_customers(table, issues, losses)
            elif {"redirect from", "redirect to"} <= lows:
                _issue(issues, "warning", table.path, None, "", "", "", "redirects_not_read",
                       "a URL redirects file has no catalog data; it was skipped")
                continue
            else:
                found = ", ".join(f"'{c}'" for c in list(table.frame.columns)[:20])
                raise InputError("this is not a Shopify product or customer CSV: the required column 'Handle' "
                                 f"(legacy header) or 'URL handle' (2024+ header) is missing; found: {found}. "
                                 "Translated headers can be mapped in the mapping file's [headers] table",
                                 file=table.path, row=1, column="Handle")
            files.append(table.path)
            for name, df in frames.items():
                parts.setdefault(name, []).append(df)
        catalog_frames = {}
        for name, dfs in parts.items():
            df = pd.concat(dfs, ignore_index=True) if len(dfs) > 1 else dfs[0]
            catalog_frames[name] = df
        for name in ("products", "variants", "customers"):
            if name in catalog_frames:
                key = schema.table(name).key[0]
                dup = catalog_frames[name][key].duplicated(keep="first")
                if dup.any():
                    for v in catalog_frames[name].loc[dup, key].head(50):
                        _issue(issues, "error", "", None, key, v if name == "products" else "", "",
                               "duplicate_handle" if name == "products" else f"duplicate_{key}",
                               f"'{v}' appears in more than one file; the first one was kept")
                    catalog_frames[name] = catalog_frames[name].loc[~dup]
                    if name == "products":
                        for other in ("product_options", "images"):
                            if other in catalog_frames:
                                o = catalog_frames[other]
                                catalog_frames[other] = o.drop_duplicates(schema.table(other).key)
        if "variant_options" in catalog_frames:
            catalog_frames["variant_options"] = catalog_frames["variant_options"].drop_duplicates(["variant_id", "position"])
        if "extra" in catalog_frames:
            catalog_frames["extra"] = catalog_frames["extra"].drop_duplicates(["entity", "entity_id", "namespace", "key"])
        catalog = Catalog.from_frames(**catalog_frames)
        return ReadResult(catalog=catalog, loss=loss_frame(losses), issues=issues_frame(issues), files=files)

    # ---- writing -----------------------------------------------------------------------------
    def write(self, catalog: Catalog, out_dir, *, dialect: str | None = None) -> list[Path]:
        """Write ``products.csv`` (split under 15 MB) and ``customers.csv``; returns the files written."""
        dialect = (dialect or "current").lower()
        if dialect not in ("current", "legacy"):
            raise InputError(f"unknown Shopify header dialect '{dialect}'; use 'current' or 'legacy'")
        out_dir = Path(out_dir)
        issues: list[dict] = []
        written: list[Path] = []
        if len(catalog.products):
            header, frame, product_of_row = _product_rows(catalog, dialect, issues, self._joins)
            written += _write_split(out_dir, "products", header, frame, product_of_row, issues)
        if len(catalog.customers):
            frame = _customer_rows(catalog)
            written += _write_split(out_dir, "customers", list(frame.columns), frame,
                                    np.arange(len(frame)), issues, product_col=None)
        self.write_issues = issues_frame(issues)
        return written

    def validate(self, catalog: Catalog) -> pd.DataFrame:
        return validate(catalog, self._joins)


# --------------------------------------------------------------------------------------------------
# reading products

_VARIANT_CORE = ("option1_value", "option2_value", "option3_value", "sku", "barcode", "grams", "weight_unit",
                 "inventory_tracker", "inventory_quantity", "inventory_policy", "fulfillment_service", "price",
                 "compare_at_price", "cost", "requires_shipping", "taxable", "tax_code", "variant_image")


def _read_products(table, issues: list, losses: list) -> dict[str, pd.DataFrame]:
    df = table.frame
    n = len(df)
    file = table.path
    cols: dict[str, str] = {}          # semantic key -> column
    extra_cols: list[tuple[str, tuple]] = []
    for c in df.columns:
        kind = classify(c)
        if kind[0] == "field" and kind[1] not in cols:
            cols[kind[1]] = c
        elif kind[0] == "field":
            extra_cols.append((c, ("extra", FIELDS[kind[1]][2] if FIELDS[kind[1]][2] != "image" else "variant",
                                   NAME, f"column:{c}", None)))
        else:
            extra_cols.append((c, kind))
    if "handle" not in cols:
        raise InputError("the required column 'Handle' / 'URL handle' is missing", file=file, row=1, column="Handle")
    empty = pd.Series([""] * n, index=df.index, dtype="str")

    def get(key):
        return df[cols[key]] if key in cols else empty

    handle = get("handle")
    blank = handle.str.strip() == ""
    if blank.any():
        for i in np.flatnonzero(blank.to_numpy())[:50]:
            _issue(issues, "warning", file, table.line_of(int(i)), cols["handle"], "", "", "handle_forward_filled",
                   "this row has no handle; it was read as part of the product above",
                   "Shopify needs the handle on every row of a product")
        handle = handle.where(~blank, None).ffill().fillna("")
        if (handle == "").any():
            first_bad = int(np.flatnonzero((handle == "").to_numpy())[0])
            raise InputError("the first rows have no handle; every product needs one", file=file,
                             row=table.line_of(first_bad), column=cols["handle"])
    first = ~handle.duplicated()
    split = handle.duplicated() & (handle != handle.shift())
    for i in np.flatnonzero(split.to_numpy())[:50]:
        _issue(issues, "warning", file, table.line_of(int(i)), cols["handle"], handle.iloc[i], "",
               "split_product_rows", f"rows of '{handle.iloc[i]}' reappear after another product; merged into it")
    # rows are taken by product (first appearance), then file order
    prod_rank = pd.Series(pd.factorize(handle)[0], index=df.index)
    core_present = np.zeros(n, dtype=bool)
    for k in _VARIANT_CORE:
        if k in cols:
            core_present |= (df[cols[k]] != "").to_numpy()
    is_variant = pd.Series(core_present | first.to_numpy(), index=df.index)
    sku_series = get("sku")
    ctx = _Ctx(table, product_of=handle, sku_of=sku_series)

    # ---- products (first rows)
    fr = np.flatnonzero(first.to_numpy())
    P = df.iloc[fr]
    pid = handle.iloc[fr].reset_index(drop=True)

    def pget(key):
        return (P[cols[key]] if key in cols else empty.iloc[fr]).reset_index(drop=True)

    title = pget("title")
    for j in np.flatnonzero((title.str.strip() == "").to_numpy()):
        ctx.bad(fr[j], cols.get("title", "Title"), "missing_title", "the product has no title; the handle is used",
                severity="error")
    title = title.where(title.str.strip() != "", pid)
    status_raw = pget("status").str.strip().str.lower()
    status = status_raw.where(status_raw != "", "active")
    bad_status = ~status.isin(schema.PRODUCT_STATUS)
    for j in np.flatnonzero(bad_status.to_numpy()):
        ctx.bad(fr[j], cols.get("status"), "bad_status", f"status '{status_raw.iloc[j]}' is unknown; read as draft")
    status = status.where(~bad_status, "draft")
    ctx_p = _SubCtx(ctx, fr)
    products = pd.DataFrame({
        "product_id": pid, "handle": pid, "title": title,
        "description_html": _none(pget("description_html")), "vendor": _none(pget("vendor")),
        "product_type": _none(pget("product_type")), "product_category": _none(pget("product_category")),
        "tags": _none(pget("tags")), "status": status,
        "published": _bool(pget("published"), cols.get("published"), ctx_p),
        "gift_card": _bool(pget("gift_card"), cols.get("gift_card"), ctx_p),
        "seo_title": _none(pget("seo_title")), "seo_description": _none(pget("seo_description")),
        "source_platform": NAME, "source_id": pid,
    })
    # product-level values on later rows are lost: report
    later = ~first.to_numpy()
    for key, (leg, cur, level) in FIELDS.items():
        if level == "product" and key in cols and key != "handle":
            lost = later & (df[cols[key]] != "").to_numpy()
            for i in np.flatnonzero(lost)[:20]:
                ctx.bad(i, cols[key], "product_field_on_later_row",
                        f"'{cols[key]}' is a product field but is set on a later row of the product; ignored")

    # ---- options
    opt_names = {k: pget(f"option{k}_name") for k in (1, 2, 3)}
    opt_links = {k: pget(f"option{k}_linked") for k in (1, 2, 3)}
    vrows = np.flatnonzero(is_variant.to_numpy())
    vrows = vrows[np.lexsort((vrows, prod_rank.to_numpy()[vrows]))]
    V = df.iloc[vrows]
    v_pid = handle.iloc[vrows].reset_index(drop=True)
    v_pos = v_pid.groupby(v_pid, sort=False).cumcount() + 1
    v_id = v_pid + "#" + v_pos.astype(str)
    ctx_v = _SubCtx(ctx, vrows)

    def vget(key):
        return (V[cols[key]] if key in cols else empty.iloc[vrows]).reset_index(drop=True)

    name_by_pid = {k: dict(zip(pid, opt_names[k].str.strip())) for k in (1, 2, 3)}
    v1 = vget("option1_value")
    # "Title" / "Default Title" => no options
    pid_title = set(pid[opt_names[1].str.strip().str.lower().eq("title")
                        & opt_names[2].eq("") & opt_names[3].eq("")])
    default_ok = v1.str.strip().str.lower().eq("default title") | v1.eq("")
    not_default = set(v_pid[~default_ok])
    no_opts = pid_title - not_default
    po_rows, vo_rows = [], []
    for k in (1, 2, 3):
        names = opt_names[k]
        has = (names.str.strip() != "") & ~pid.isin(no_opts)
        for p, nm, link in zip(pid[has], names[has], opt_links[k][has]):
            po_rows.append({"product_id": p, "position": k, "name": nm, "linked_to": link or None})
        vals = vget(f"option{k}_value")
        has_name = (v_pid.astype(object).map(name_by_pid[k]).fillna("").astype(str) != "") & ~v_pid.isin(no_opts)
        ok = has_name & (vals != "")
        vo_rows.append(pd.DataFrame({"variant_id": v_id[ok], "position": k, "value": vals[ok]}))
        missing = has_name & (vals == "")
        for j in np.flatnonzero(missing.to_numpy())[:50]:
            ctx_v.bad(j, cols.get(f"option{k}_value"), "missing_option_value",
                      f"the variant has no value for option {k} ('{name_by_pid[k][v_pid.iloc[j]]}')", severity="error")
        orphan = ~has_name & (vals != "") & ~v_pid.isin(no_opts)
        for j in np.flatnonzero(orphan.to_numpy())[:50]:
            ctx_v.bad(j, cols.get(f"option{k}_value"), "option_value_without_name",
                      f"option {k} has a value but the product has no option {k} name; ignored")
    product_options = pd.DataFrame(po_rows, columns=["product_id", "position", "name", "linked_to"])
    variant_options = pd.concat(vo_rows, ignore_index=True)

    # ---- variants
    price = _money(vget("price"), cols.get("price"), ctx_v)
    if price.null_count:
        for j in pc.indices_nonzero(pc.is_null(price)).to_pylist():
            ctx_v.bad(j, cols.get("price", "Price"), "missing_price", "the variant has no valid price; 0 was used",
                      severity="error")
        price = pc.fill_null(price, pa.scalar(decimal.Decimal(0), schema.MONEY))
    grams_f = pc.cast(_decimal_strings(vget("grams"), cols.get("grams"), ctx_v), pa.float64()) \
        .to_numpy(zero_copy_only=False)
    unit_raw = vget("weight_unit").str.strip().str.lower()
    unit = unit_raw.replace({"lbs": "lb", "grams": "g", "kilograms": "kg", "ounces": "oz", "pounds": "lb"})
    bad_unit = ~unit.isin(list(_UNIT_GRAMS) + [""])
    for j in np.flatnonzero(bad_unit.to_numpy()):
        ctx_v.bad(j, cols.get("weight_unit"), "bad_weight_unit", f"weight unit '{unit_raw.iloc[j]}' is unknown; grams used")
    unit = unit.where(~bad_unit, "")
    has_g = ~np.isnan(grams_f)
    u_np = unit.to_numpy(dtype=object)
    u_eff = np.where(has_g & (u_np == ""), "g", u_np)
    fac = pd.Series(u_eff).map({k: float(v) for k, v in _UNIT_GRAMS.items()}).fillna(1.0).to_numpy()
    weights = pd.array(np.where(has_g, grams_f / fac, np.nan), dtype="Float64")
    weights[~has_g] = pd.NA
    units = pd.Series(u_eff, dtype=object).where(pd.Series(u_eff) != "", None)
    qty_s = pc.cast(_decimal_strings(vget("inventory_quantity"), cols.get("inventory_quantity"), ctx_v), pa.float64())
    qf = qty_s.to_numpy(zero_copy_only=False)
    frac = ~np.isnan(qf) & (qf != np.floor(qf))
    for j in np.flatnonzero(frac):
        ctx_v.bad(j, cols.get("inventory_quantity"), "bad_number", f"'{qf[j]}' is not a whole number; left empty")
    qty = pd.array(np.where(np.isnan(qf) | frac, 0, qf).astype("int64"), dtype="Int64")
    qty[np.isnan(qf) | frac] = pd.NA
    pol_raw = vget("inventory_policy").str.strip().str.lower()
    bad_pol = ~pol_raw.isin(["deny", "continue", ""])
    for j in np.flatnonzero(bad_pol.to_numpy()):
        ctx_v.bad(j, cols.get("inventory_policy"), "bad_inventory_policy",
                  f"'{pol_raw.iloc[j]}' is not DENY or CONTINUE; left empty")
    policy = pol_raw.where(~bad_pol & (pol_raw != ""), None)
    barcode = vget("barcode")
    variants = pd.DataFrame({
        "variant_id": v_id, "product_id": v_pid, "position": v_pos,
        "sku": _none(vget("sku")), "barcode": _none(barcode),
        "price": _pd(price),
        "compare_at_price": _pd(_money(vget("compare_at_price"), cols.get("compare_at_price"), ctx_v)),
        "cost": _pd(_money(vget("cost"), cols.get("cost"), ctx_v)),
        "weight": weights, "weight_unit": units, "inventory_quantity": qty,
        "inventory_policy": policy, "inventory_tracker": _none(vget("inventory_tracker")),
        "requires_shipping": _bool(vget("requires_shipping"), cols.get("requires_shipping"), ctx_v),
        "taxable": _bool(vget("taxable"), cols.get("taxable"), ctx_v),
        "tax_code": _none(vget("tax_code")), "fulfillment_service": _none(vget("fulfillment_service")),
        "image_src": _none(vget("variant_image")), "source_id": v_id,
    })
    # spreadsheet damage: flag, never fix
    for key in ("barcode", "sku"):
        if key in cols:
            vals = vget(key)
            for j in np.flatnonzero(spreadsheet_mangled(vals).to_numpy()):
                ctx_v.bad(j, cols[key], "spreadsheet_mangled",
                          f"'{vals.iloc[j]}' looks like a number a spreadsheet turned into scientific notation; "
                          "the real digits are lost", hint="export the value again from the source system; "
                          "it was kept as it is")
    if "barcode" in cols:
        for j in np.flatnonzero(not_gtin(barcode).to_numpy()):
            ctx_v.bad(j, cols["barcode"], "barcode_not_gtin",
                      f"barcode '{barcode.iloc[j]}' has {len(barcode.iloc[j].strip())} digits; a GTIN has 8, 12, 13 "
                      "or 14", hint="a spreadsheet may have dropped leading zeros; it was kept as it is")

    # ---- images
    src = get("image_src")
    has_img = (src.str.strip() != "").to_numpy()
    irows = np.flatnonzero(has_img)
    irows = irows[np.lexsort((irows, prod_rank.to_numpy()[irows]))]
    I = df.iloc[irows]
    i_pid = handle.iloc[irows].reset_index(drop=True)
    ctx_i = _SubCtx(ctx, irows)
    pos_raw = (I[cols["image_position"]] if "image_position" in cols else empty.iloc[irows]).reset_index(drop=True)
    pos_f = pc.cast(_decimal_strings(pos_raw, cols.get("image_position"), ctx_i), pa.float64()) \
        .to_numpy(zero_copy_only=False)
    pos = pd.array(np.where(np.isnan(pos_f), 0, pos_f).astype("int64"), dtype="Int64")
    pos[np.isnan(pos_f)] = pd.NA
    pos = pd.Series(pos)
    images = pd.DataFrame({"product_id": i_pid, "position": pos,
                           "src": src.iloc[irows].reset_index(drop=True),
                           "alt": _none((I[cols["image_alt"]] if "image_alt" in cols else empty.iloc[irows])
                                        .reset_index(drop=True))})
    images = _fix_image_positions(images, ctx_i)
    # image position / alt text on rows without an image URL: keep per variant row
    extra_rows: list[pd.DataFrame] = []
    for key, xkey in (("image_position", "row_image_position"), ("image_alt", "row_image_alt_text")):
        if key not in cols:
            continue
        vals = vget(key)
        vsrc = vget("image_src")
        orphan = (vals != "") & (vsrc.str.strip() == "")
        if orphan.any():
            extra_rows.append(pd.DataFrame({"entity": "variant", "entity_id": v_id[orphan], "namespace": NAME,
                                            "key": xkey, "value": vals[orphan], "type": None}))
    orphan_any = np.zeros(len(vrows), dtype=bool)
    for key in ("image_position", "image_alt"):
        if key in cols:
            orphan_any |= ((vget(key) != "") & (vget("image_src").str.strip() == "")).to_numpy()
    if orphan_any.any():
        per_p = pd.Series(orphan_any).groupby(v_pid.to_numpy()).agg(["sum", "idxmax"])
        for p, r in per_p[per_p["sum"] > 0].iterrows():
            ctx_v.bad(int(r["idxmax"]), cols.get("image_position", cols.get("image_alt")), "image_without_url",
                      f"{int(r['sum'])} row(s) of '{p}' have an image position or alt text but no image URL; "
                      "Shopify ignores them (kept for the round trip)")

    # ---- extra columns
    img_key_of_row = pd.Series(i_pid.to_numpy() + "@" + images["position"].astype(str).to_numpy(), index=irows) \
        if len(irows) else pd.Series([], dtype=object)
    io_rows = np.flatnonzero(~is_variant.to_numpy())
    for col, kind in extra_cols:
        _, level, ns, key, type_ = kind
        s = df[col]
        nonempty = (s != "").to_numpy()
        became = f"extra:{ns}.{key}"
        dropped = 0
        if level == "product":
            sel = fr[nonempty[fr]]
            extra_rows.append(pd.DataFrame({"entity": "product", "entity_id": handle.iloc[sel].to_numpy(),
                                            "namespace": ns, "key": key, "value": s.iloc[sel].to_numpy(),
                                            "type": type_}))
            lost = nonempty & later
            dropped = int(lost.sum())
            for i in np.flatnonzero(lost)[:20]:
                ctx.bad(i, col, "product_field_on_later_row",
                        f"'{col}' is a product column but is set on a later row of the product; ignored")
        else:
            sel = np.flatnonzero(nonempty[vrows])
            extra_rows.append(pd.DataFrame({"entity": "variant", "entity_id": v_id.iloc[sel].to_numpy(),
                                            "namespace": ns, "key": key, "value": V[col].iloc[sel].to_numpy(),
                                            "type": type_}))
            io_sel = io_rows[nonempty[io_rows]]
            if len(io_sel):
                with_img = [r for r in io_sel if r in img_key_of_row.index]
                extra_rows.append(pd.DataFrame({"entity": "image", "entity_id": img_key_of_row.loc[with_img].to_numpy(),
                                                "namespace": ns, "key": key, "value": s.iloc[with_img].to_numpy(),
                                                "type": type_}))
        if key == "google_mpn":
            for i in np.flatnonzero(spreadsheet_mangled(s).to_numpy()):
                ctx.bad(i, col, "spreadsheet_mangled",
                        f"'{s.iloc[i]}' looks like a number a spreadsheet turned into scientific notation; the real "
                        "digits are lost", hint="export the value again from the source system; it was kept as it is")
        losses.append({"file": file, "column": col, "became": became, "non_empty": int(nonempty.sum()),
                       "dropped": dropped, "note": ""})
    extra = pd.concat(extra_rows, ignore_index=True) if extra_rows else schema.empty_frame("extra")

    # ---- loss rows for standard columns
    became_of = {
        "handle": "products.product_id, products.handle", "title": "products.title",
        "description_html": "products.description_html", "vendor": "products.vendor",
        "product_category": "products.product_category", "product_type": "products.product_type",
        "tags": "products.tags", "published": "products.published", "status": "products.status",
        "gift_card": "products.gift_card", "seo_title": "products.seo_title",
        "seo_description": "products.seo_description", "sku": "variants.sku", "barcode": "variants.barcode",
        "grams": "variants.weight", "weight_unit": "variants.weight_unit",
        "inventory_tracker": "variants.inventory_tracker", "inventory_quantity": "variants.inventory_quantity",
        "inventory_policy": "variants.inventory_policy", "fulfillment_service": "variants.fulfillment_service",
        "price": "variants.price", "compare_at_price": "variants.compare_at_price", "cost": "variants.cost",
        "requires_shipping": "variants.requires_shipping", "taxable": "variants.taxable",
        "tax_code": "variants.tax_code", "variant_image": "variants.image_src", "image_src": "images.src",
        "image_position": "images.position", "image_alt": "images.alt"}
    for k in (1, 2, 3):
        became_of[f"option{k}_name"] = "product_options.name"
        became_of[f"option{k}_value"] = "variant_options.value"
        became_of[f"option{k}_linked"] = "product_options.linked_to"
    for key, col in cols.items():
        nonempty = (df[col] != "").to_numpy()
        level = FIELDS[key][2]
        dropped = int((nonempty & later).sum()) if level == "product" and key != "handle" else 0
        losses.append({"file": file, "column": col, "became": became_of[key], "non_empty": int(nonempty.sum()),
                       "dropped": dropped, "note": ""})
    order_cols = list(df.columns)
    losses.sort(key=lambda r: (r["file"] != file, order_cols.index(r["column"]) if r["column"] in order_cols else 0))
    issues.extend(ctx.rows)
    return {"products": products, "product_options": product_options, "variants": variants,
            "variant_options": variant_options, "images": images, "extra": extra}


class _SubCtx:
    """A :class:`_Ctx` seen through a row selection (position j -> frame row rows[j])."""

    def __init__(self, ctx, rows):
        self.ctx = ctx
        self.rows = rows

    def bad(self, j, column, check, detail, *, severity="warning", hint=""):
        self.ctx.bad(int(self.rows[j]), column, check, detail, severity=severity, hint=hint)


def _none(s: pd.Series) -> pd.Series:
    """Text with empty cells as None (nulls in the model)."""
    return s.astype(object).where(s != "", None)


def _fix_image_positions(images: pd.DataFrame, ctx) -> pd.DataFrame:
    """Fill missing image positions (next free one) and renumber products with repeated positions."""
    if not len(images):
        return images
    pos = images["position"]
    dup = images.duplicated(["product_id", "position"], keep=False) & pos.notna()
    bad_p = set(images.loc[pos.isna() | dup, "product_id"])
    if not bad_p:
        return images
    images = images.copy()
    sel = images["product_id"].isin(bad_p)
    fixed = []
    for p, g in images[sel].groupby("product_id", sort=False):
        gp = g["position"]
        if gp.dropna().duplicated().any():
            ctx.bad(int(g.index[0]), "Image position", "duplicate_image_position",
                    f"'{p}' has repeated image positions; images renumbered in row order")
            new = list(range(1, len(g) + 1))
        else:
            nxt = int(gp.max()) if gp.notna().any() else 0
            new = []
            for v in gp:
                if pd.isna(v):
                    nxt += 1
                    new.append(nxt)
                else:
                    new.append(int(v))
                    nxt = max(nxt, int(v))
            if len(set(new)) != len(new):
                new = list(range(1, len(g) + 1))
        fixed.append(pd.Series(new, index=g.index))
    images.loc[sel, "position"] = pd.concat(fixed).reindex(images.index[sel]).to_numpy()
    return images


# --------------------------------------------------------------------------------------------------
# customers

_CUSTOMER_FIELDS = {
    "customer id": "customer_id", "first name": "first_name", "last name": "last_name", "email": "email",
    "accepts email marketing": "accepts_email_marketing", "accepts marketing": "accepts_email_marketing",
    "accepts sms marketing": "accepts_sms_marketing",
    "default address company": "company", "company": "company",
    "default address address1": "address1", "address1": "address1",
    "default address address2": "address2", "address2": "address2",
    "default address city": "city", "city": "city",
    "default address province code": "province_code", "province code": "province_code",
    "default address country code": "country_code", "country code": "country_code",
    "default address zip": "zip", "zip": "zip", "phone": "phone", "note": "note", "tax exempt": "tax_exempt",
    "tags": "tags",
}
_CUSTOMER_EXTRA = {"total spent": "total_spent", "total orders": "total_orders", "province": "province",
                   "country": "country", "default address phone": "default_address_phone"}


def _read_customers(table, issues: list, losses: list) -> dict[str, pd.DataFrame]:
    df = table.frame
    n = len(df)
    file = table.path
    ctx = _Ctx(table)
    data: dict[str, pd.Series] = {}
    extra_rows = []
    src_cols: dict[str, str] = {}
    for c in df.columns:
        low = " ".join(c.split()).lower()
        if low in _CUSTOMER_FIELDS and _CUSTOMER_FIELDS[low] not in data:
            key = _CUSTOMER_FIELDS[low]
            s = df[c]
            if key in ("customer_id", "zip", "phone"):
                s = s.str.replace(r"^'", "", regex=True)
            data[key] = s
            src_cols[key] = c
            losses.append({"file": file, "column": c, "became": f"customers.{key}",
                           "non_empty": int((df[c] != "").sum()), "dropped": 0, "note": ""})
    ids = data.get("customer_id", pd.Series([""] * n, dtype="str"))
    email = data.get("email", pd.Series([""] * n, dtype="str"))
    lines = pd.Series([table.line_of(i) for i in range(n)], dtype="str") if n else pd.Series([], dtype="str")
    cid = ids.where(ids != "", email.where(email != "", "row-" + lines))
    for c in df.columns:
        low = " ".join(c.split()).lower()
        if low in _CUSTOMER_FIELDS and src_cols.get(_CUSTOMER_FIELDS[low]) == c:
            continue
        m = _METAFIELD_RE.match(c)
        if m:
            ns, key, type_ = m.group(3), m.group(4), None
        else:
            ns, key, type_ = NAME, _CUSTOMER_EXTRA.get(low, f"column:{c}"), None
        s = df[c].str.replace(r"^'", "", regex=True) if "phone" in low else df[c]
        ne = (s != "").to_numpy()
        extra_rows.append(pd.DataFrame({"entity": "customer", "entity_id": cid[ne].to_numpy(), "namespace": ns,
                                        "key": key, "value": s[ne].to_numpy(), "type": type_}))
        losses.append({"file": file, "column": c, "became": f"extra:{ns}.{key}", "non_empty": int(ne.sum()),
                       "dropped": 0, "note": ""})
    if "customer_id" in data:
        ne = (ids != "").to_numpy()
        extra_rows.append(pd.DataFrame({"entity": "customer", "entity_id": cid[ne].to_numpy(), "namespace": NAME,
                                        "key": "customer_id", "value": ids[ne].to_numpy(), "type": None}))
    out = {"customer_id": cid}
    for key, s in data.items():
        if key == "customer_id":
            continue
        if key in ("accepts_email_marketing", "accepts_sms_marketing", "tax_exempt"):
            out[key] = _bool(s, src_cols[key], ctx)
        elif key == "country_code":
            out[key] = _none(s.str.strip().str.upper())
        else:
            out[key] = _none(s)
    out["source_id"] = _none(ids)
    customers = pd.DataFrame(out)
    dup = customers["customer_id"].duplicated()
    for i in np.flatnonzero(dup.to_numpy())[:50]:
        ctx.bad(i, src_cols.get("customer_id", "Email"), "duplicate_customer",
                f"customer '{customers['customer_id'].iloc[i]}' appears again; the first row was kept", severity="error")
    customers = customers.loc[~dup]
    issues.extend(ctx.rows)
    extra = pd.concat(extra_rows, ignore_index=True) if extra_rows else schema.empty_frame("extra")
    return {"customers": customers, "extra": extra}


# --------------------------------------------------------------------------------------------------
# writing products
#
# The product CSV is built column-wise from the canonical tables without materialising its cells:
# every output column is a *source* (one text value per product, variant, image or extra row, already
# formula-guarded and CSV-quoted) plus an *index* saying which source value each output row shows
# (-1: empty cell). Sources are guarded and quoted once, before they are spread over the rows.
# Product, first-row and variant columns are re-keyed on one index (:meth:`_Layout.merge`), so runs of
# neighbouring columns are joined into one text per key first; the lines are then a single ``take``
# of their runs (:class:`_Lines`), whose bytes are written as they are.

def _text(s: pd.Series) -> pd.Series:
    """Any canonical column as object text with '' for nulls."""
    if isinstance(s.dtype, pd.ArrowDtype):
        arr = s.array._pa_array
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            return pd.Series(pc.fill_null(arr, "").to_pylist(), index=s.index, dtype=object)
    return s.astype(object).where(s.notna(), "").astype(str)


def _lookup(keys: pd.Series, mapping: dict) -> pd.Series:
    """``keys`` mapped through ``mapping`` as object text, '' where there is no entry."""
    out = keys.astype(object).map(mapping)
    return out.astype(object).where(out.notna(), "")


def _arrow(s: pd.Series) -> pa.Array:
    """A column as one Arrow array (zero-copy for Arrow-backed columns)."""
    arr = getattr(s.array, "_pa_array", None)
    if arr is None:
        return pa.array(s.astype(object).where(s.notna(), None), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        return one_chunk(arr)
    return arr


_FRACTIONS: dict[int, pa.Array] = {}


def _fraction_texts(scale: int) -> pa.Array:
    """The decimal digits of 0 .. 10**scale - 1 as written after the point: ``scale`` digits with
    trailing zeros cut down to two (``9900`` -> ``99``, ``2340`` -> ``234``); built once per scale."""
    if scale not in _FRACTIONS:
        texts = [f"{i:0{scale}d}" for i in range(10 ** scale)]
        _FRACTIONS[scale] = pa.array([t[:2] + t[2:].rstrip("0") for t in texts], type=pa.string())
    return _FRACTIONS[scale]


def _decimal_text(arr: pa.Array) -> pa.Array:
    """Decimals as text with trailing zeros cut down to two decimals (``19.9900`` -> ``19.99``).

    Small decimals (precision <= 18, scale 2..4) are written from their integer value: the whole part
    cast, the fraction looked up; others go through Arrow's cast and a regex.
    """
    t = arr.type
    if arr.null_count == len(arr):
        return pa.nulls(len(arr), pa.string())
    if not (pa.types.is_decimal128(t) and t.precision <= 18 and 2 <= t.scale <= 4):
        text = pc.cast(arr, pa.string())
        return pc.replace_substring_regex(text, r"^(-?\d+\.\d\d\d*?)0+$", r"\1")
    words = np.frombuffer(arr.buffers()[1], dtype=np.int64)[2 * arr.offset: 2 * (arr.offset + len(arr))]
    units = words[::2]                      # the low word holds the whole value when precision <= 18
    valid = ~np.asarray(pc.is_null(arr).to_numpy(zero_copy_only=False)) if arr.null_count else None
    if valid is not None:
        units = np.where(valid, units, 0)
    scale = 10 ** t.scale
    mag = np.abs(units)
    whole = pc.cast(pa.array(mag // scale), pa.string())
    if (units < 0).any():
        whole = pc.if_else(pa.array(units < 0), pc.binary_join_element_wise("-", whole, ""), whole)
    frac = pc.take(_fraction_texts(t.scale), pa.array(mag % scale, mask=None if valid is None else ~valid))
    return pc.binary_join_element_wise(whole, frac, ".")


def _empty_text(n: int) -> pa.Array:
    """``n`` empty strings (no per-value work)."""
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(np.zeros(n + 1, dtype=np.int32)),
                                                  pa.py_buffer(b"")])


def _text_of(arr: pa.Array) -> pa.Array:
    """A canonical Arrow column as a string array, '' for nulls (TRUE/FALSE, decimals trimmed)."""
    if arr.null_count == len(arr):
        return _empty_text(len(arr))
    if pa.types.is_boolean(arr.type):
        out = pc.if_else(arr, "TRUE", "FALSE")
    elif pa.types.is_decimal(arr.type):
        out = _decimal_text(arr)
    elif pa.types.is_string(arr.type):
        out = arr
    else:
        out = pc.cast(arr, pa.string())
    return pc.fill_null(out, "") if out.null_count else out


def _atext(s: pd.Series) -> pa.Array:
    """A canonical column as an Arrow string array with '' for nulls."""
    return _text_of(_arrow(s))


def _index_of(keys: pd.Series, ids: pd.Series) -> np.ndarray:
    """Position of each key in ``ids`` (first match), -1 when absent."""
    return _positions(_keys(keys), _keys(ids))


def _keys(s: pd.Series) -> pa.Array:
    arr = _arrow(s)
    return arr if pa.types.is_string(arr.type) else pc.cast(arr, pa.string())


def _runs(arr: pa.Array) -> tuple[pa.Array, np.ndarray | None]:
    """``arr`` as runs of equal neighbours: the first value of every run and the run of every
    element (None when no two neighbours are equal). Keys come grouped (the variants of a product,
    the options of a variant), so hashing only the runs' first values saves most of a hash pass."""
    n = len(arr)
    if n < 2:
        return arr, None
    same = pc.fill_null(pc.equal(arr.slice(1), arr.slice(0, n - 1)), False).to_numpy(zero_copy_only=False)
    if not same.any():
        return arr, None
    new = np.r_[True, ~same]
    return pc.take(arr, pa.array(np.flatnonzero(new))), np.cumsum(new) - 1


def _positions(keys: pa.Array, ids: pa.Array) -> np.ndarray:
    """Position of each key in ``ids`` (first match), -1 when absent (one hash lookup per run of keys)."""
    heads, run_of = _runs(keys)
    at = pc.fill_null(pc.index_in(heads, value_set=ids), -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return at if run_of is None else at[run_of]


def _first_row_per(owner: np.ndarray, size: int) -> np.ndarray:
    """For each owner 0..size-1, the first position i with ``owner[i] == owner``; -1 when none."""
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    ok = owner >= 0
    np.minimum.at(first, owner[ok], np.flatnonzero(ok))
    first[first == np.iinfo(np.int64).max] = -1
    return first


def _through(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """``inner[outer]`` where ``outer >= 0``, else -1 (two lookups composed into one index)."""
    if not len(inner):
        return np.full(len(outer), -1, dtype=np.int64)
    return np.where(outer >= 0, inner[np.maximum(outer, 0)], -1)


def _rank_in_group(g: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of ``g``."""
    if not len(g):
        return g
    starts = np.r_[True, g[1:] != g[:-1]]
    first_idx = np.maximum.accumulate(np.where(starts, np.arange(len(g)), 0))
    return np.arange(len(g)) - first_idx


def _ordered_by_product(owner: np.ndarray, position: pd.Series) -> np.ndarray:
    """Rows with a product (``owner >= 0``) ordered by product, then position, then row."""
    rows = np.flatnonzero(owner >= 0)
    if not len(rows):
        return rows
    pos = position.to_numpy(dtype="int64", na_value=0)[rows]
    own = owner[rows]
    return rows[_order_by(own, pos)]


class _ProductIds:
    """Product ids of the products and of the tables that point at them, in one numbering (one
    hash pass): ``codes[t]`` for each table given, ``first_product[code]`` the first product of an id."""

    def __init__(self, *keys: pa.Array):
        codes = _joint_codes(list(keys))
        self.codes = np.split(codes, np.cumsum([len(k) for k in keys])[:-1])
        self.ncode = int(codes.max(initial=-1)) + 1
        self.first_product = _first_row_per(self.codes[0], self.ncode)

    def product_of(self, table: int) -> np.ndarray:
        """The product (first one with the id) of every row of table ``table``; -1 when none."""
        return _through(self.codes[table], self.first_product)


class _Layout:
    """Which product, variant and image every output row shows (source rows; -1: none)."""

    def __init__(self, n_p: int, v_p: np.ndarray, v_pos: pd.Series, i_p: np.ndarray, i_pos: pd.Series):
        v_rows = _ordered_by_product(v_p, v_pos)
        i_rows = _ordered_by_product(i_p, i_pos)
        vp, ip = v_p[v_rows], i_p[i_rows]
        nv = np.bincount(vp, minlength=n_p)
        ni = np.bincount(ip, minlength=n_p)
        nrows = np.maximum(np.maximum(nv, ni), 1)
        self.product = np.repeat(np.arange(n_p), nrows)         # product of every row
        n = len(self.product)
        row_start = np.r_[0, np.cumsum(nrows)[:-1]].astype(np.int64)
        first = np.zeros(n, dtype=bool)
        first[row_start] = True
        self.first = np.where(first, self.product, -1)          # product fields: first row only
        self.variant = np.full(n, -1, dtype=np.int64)
        self.variant[row_start[vp] + _rank_in_group(vp)] = v_rows
        self.image = np.full(n, -1, dtype=np.int64)
        self.image[row_start[ip] + _rank_in_group(ip)] = i_rows
        self.n = n
        self.n_p, self.n_v = n_p, len(v_p)
        self.v_p = v_p
        self.first_variant = self.variant[row_start] if n_p else np.zeros(0, dtype=np.int64)
        # one key per row for the product and variant columns together: a later row's variant
        # (0..n_v-1), a first row's product (n_v + p), a later row without variant (n_v + n_p + p)
        self.merged = np.where(first, self.n_v + self.product,
                               np.where(self.variant >= 0, self.variant, self.n_v + n_p + self.product))

    def merge(self, cells: dict) -> dict:
        """Product, first-row and variant columns re-keyed on :attr:`merged` (see :class:`_Segmented`),
        so that neighbouring ones form one run however their levels alternate."""
        out = {}
        sizes = (self.n_v, self.n_p, self.n_p)
        for name, (source, index) in cells.items():
            if source is None or index is None:
                out[name] = (source, index)
            elif index is self.product:
                out[name] = (_Segmented((_at_level(source, self.v_p), source, source), sizes), self.merged)
            elif index is self.first:
                out[name] = (_Segmented((None, source, None), sizes), self.merged)
            elif index is self.variant:
                out[name] = (_Segmented((source, _at_level(source, self.first_variant), None), sizes), self.merged)
            else:
                out[name] = (source, index)
        return out


class _Segmented:
    """A column's texts for the three kinds of rows of :attr:`_Layout.merged`: later rows by variant,
    first rows by product, later rows without a variant by product (None: empty). A part whose
    cells are all the same text is kept as that text, so it joins its run as a constant."""

    def __init__(self, parts: tuple, sizes: tuple):
        self.parts = tuple(p if p is None else _uniform(p) for p in parts)
        self.sizes = sizes


def _uniform(arr: pa.Array):
    """The text of every cell when all cells of a string array (no nulls) are equal, else the array."""
    if not len(arr):
        return arr
    offsets, data = _string_buffers(arr)
    lengths = np.diff(offsets)
    width = int(lengths[0])
    if (lengths != width).any():
        return arr
    body = data[int(offsets[0]):int(offsets[-1])].reshape(-1, width) if width else None
    if width and (body != body[0]).any():
        return arr
    return bytes(body[0]).decode("utf-8") if width else ""


class _Cells(dict):
    """Writer columns ({header: (source, index)}) with an optional re-keying of their runs."""

    merge = None


def _product_rows(catalog: Catalog, dialect: str, issues: list, joins: "_VariantOptionJoin | None" = None):
    """The product CSV as {header: (source, index)} plus the product index of every row."""
    legacy = dialect == "legacy"
    products, var, img = catalog.products, catalog.variants, catalog.images
    n_p = len(products)
    pid = _keys(products["product_id"])
    ids = _ProductIds(pid, _keys(var["product_id"]), _keys(img["product_id"]),
                      _keys(catalog.product_options["product_id"]))
    v_p, i_p = ids.product_of(1), ids.product_of(2)
    if (v_p < 0).any():
        vids = _arrow(var["variant_id"])
        for v in pc.filter(vids, pa.array(v_p < 0)).slice(0, 20).to_pylist():
            _issue(issues, "error", "", None, "", "", "", "variant_without_product",
                   f"variant '{v}' belongs to no product in the catalog; not written")
    lay = _Layout(n_p, v_p, var["position"], i_p, img["position"])
    out: dict[str, tuple] = {}

    def product_col(key, values=None):
        out[key] = (_atext(products[key]) if values is None else values, lay.first)

    def variant_col(key, column=None, values=None):
        out[key] = (_atext(var[column or key]) if values is None else values, lay.variant)

    out["handle"] = (_atext(products["handle"]), lay.product)
    for key in ("title", "description_html", "vendor", "product_category", "product_type", "tags",
                "seo_title", "seo_description", "published", "gift_card"):
        product_col(key)
    status = _atext(products["status"])
    product_col("status", status if legacy else pc.utf8_capitalize(status))
    _option_columns(catalog, ids, v_p, n_p, lay, out, joins or _VariantOptionJoin())
    for key in ("sku", "barcode", "inventory_tracker", "fulfillment_service", "tax_code", "price",
                "compare_at_price", "cost", "requires_shipping", "taxable", "inventory_quantity"):
        variant_col(key)
    variant_col("variant_image", "image_src")
    pol = _atext(var["inventory_policy"])
    variant_col("inventory_policy", values=pol if legacy else pc.utf8_upper(pol))
    unit = _atext(var["weight_unit"])
    variant_col("grams", values=_grams_text(var["weight"], unit))
    variant_col("weight_unit", values=unit)
    for key, column in (("image_src", "src"), ("image_position", "position"), ("image_alt", "alt")):
        out[key] = (_atext(img[column]), lay.image)
    extra_cols, extra_order = _extra_columns(catalog, dialect, pid, lay, out, issues)

    std = LEGACY_HEADER if legacy else CURRENT_HEADER
    columns = _Cells()
    columns.merge = lay.merge
    for h in std:
        kind = classify(h)
        columns[h] = out[kind[1]] if kind[0] == "field" else extra_cols.pop(h, (None, None))
    for _, h in sorted(extra_order):
        if h in extra_cols:
            columns[h] = extra_cols.pop(h)
    return list(columns), columns, lay.product


def _option_columns(catalog: Catalog, ids: "_ProductIds", v_p: np.ndarray, n_p: int, lay: _Layout,
                    out: dict, joins: "_VariantOptionJoin") -> None:
    """Option names / links (product level) and values (variant level) for positions 1..3."""
    po, vo, var = catalog.product_options, catalog.variant_options, catalog.variants
    # product -> its first option row at each position (products sharing an id share the rows)
    p_code, o_code, ncode = ids.codes[0], ids.codes[3], ids.ncode
    # a product has options when an option row names it (the first product of that id)
    has_opt = np.zeros(n_p, dtype=bool)
    if len(po):
        named = np.bincount(o_code[o_code >= 0], minlength=ncode) > 0
        first_p = ids.first_product
        has_opt[first_p[named & (first_p >= 0)]] = True
    po_pos = po["position"].to_numpy(dtype="int64", na_value=0)
    n_v = len(var)
    v_codes = joins.codes(var["variant_id"], vo["variant_id"]) if len(vo) else np.zeros(n_v, dtype=np.int64)
    v_code, vo_code = v_codes[:n_v], v_codes[n_v:]
    vo_pos = vo["position"].to_numpy(dtype="int64", na_value=0)
    names_all, links_all, values_all = _atext(po["name"]), _atext(po["linked_to"]), _atext(vo["value"])
    nvcode = int(v_codes.max(initial=-1)) + 1
    v_no_opt = ~has_opt[v_p[v_p >= 0]] if len(v_p) else np.zeros(0, dtype=bool)
    no_opt_of_variant = np.zeros(n_v, dtype=bool)
    no_opt_of_variant[v_p >= 0] = v_no_opt
    for k in (1, 2, 3):
        at = _through(p_code, _first_row_per(np.where(po_pos == k, o_code, -1), ncode))
        names, links = _at_level(names_all, at), _at_level(links_all, at)
        if k == 1 and n_p:
            names = pc.if_else(pa.array(has_opt), names, "Title")
        out[f"option{k}_name"] = (names, lay.first)
        out[f"option{k}_linked"] = (links, lay.first)
        vat = _through(v_code, _first_row_per(np.where(vo_pos == k, vo_code, -1), nvcode))
        vals = _at_level(values_all, vat)
        if k == 1 and n_v:
            vals = pc.if_else(pa.array(no_opt_of_variant), "Default Title", vals)
        out[f"option{k}_value"] = (vals, lay.variant)


def _at_level(values: pa.Array, at: np.ndarray) -> pa.Array:
    """``values[at]`` as a new array, '' where ``at`` is -1."""
    if not len(values):
        return _empty_text(len(at))
    taken = pc.take(values, pa.array(at, mask=at < 0))
    return pc.fill_null(taken, "") if taken.null_count else taken


def _grams_text(weight: pd.Series, unit: pa.Array) -> pa.Array:
    """Weights converted to grams as text (9 decimals at most), '' where there is none."""
    if not len(weight):
        return pa.array([], type=pa.string())
    w = weight.to_numpy(dtype="float64", na_value=np.nan)
    enc = pc.dictionary_encode(unit)
    factor = np.array([float(_UNIT_GRAMS.get(x or "g", 1)) for x in enc.dictionary.to_pylist()], dtype=np.float64)
    fac = factor[enc.indices.to_numpy(zero_copy_only=False)] if len(factor) else np.ones(len(w))
    g = pa.array(np.round(w * fac, 9), mask=np.isnan(w))
    return pc.fill_null(pc.cast(g, pa.string()), "")


def _extra_groups(extra: pd.DataFrame):
    """Rows of ``extra`` for products, variants and images grouped by (entity, namespace, key), in
    sorted order, with namespaces of other platforms counted apart: ``(dropped, [(entity, ns, key,
    rows)])``."""
    parts = [_encode(_arrow(extra[c])) for c in ("entity", "namespace", "key")]
    wanted = np.array([v in ("product", "variant", "image") for v in parts[0][1]], dtype=bool)
    rows = np.flatnonzero(wanted[parts[0][0]] & (parts[0][0] >= 0)) if len(wanted) else np.zeros(0, dtype=np.int64)
    dicts = [d for _, d in parts]
    valid = [c[rows] >= 0 for c, _ in parts]
    codes = [np.maximum(c[rows], 0) for c, _ in parts]
    ns_other = np.array([str(v).lower() in _OTHER_PLATFORMS for v in dicts[1]], dtype=bool)
    other = (ns_other[codes[1]] if len(dicts[1]) else np.zeros(len(rows), dtype=bool)) & valid[1]
    dropped: dict[str, int] = {}
    counts = np.bincount(codes[1][other], minlength=len(dicts[1]))
    for j in sorted(np.flatnonzero(counts), key=lambda j: str(dicts[1][j])):
        dropped[str(dicts[1][j])] = int(counts[j])
    valid = valid[0] & valid[1] & valid[2]
    keep = valid & ~other
    combined = (codes[0] * len(dicts[1]) + codes[1]) * max(len(dicts[2]), 1) + codes[2]
    combined = np.where(keep, combined, -1)
    groups = []
    if keep.any():
        enc = pc.dictionary_encode(pa.array(combined[keep]))
        group_keys = enc.dictionary.to_numpy(zero_copy_only=False)
        dense = enc.indices.to_numpy(zero_copy_only=False)
        n_k = max(len(dicts[2]), 1)
        labels = [(dicts[0][c // n_k // len(dicts[1])], dicts[1][c // n_k % len(dicts[1])], dicts[2][c % n_k])
                  for c in group_keys.tolist()]
        order = sorted(range(len(labels)), key=lambda g: labels[g])
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        key_rows = rows[keep]
        r = rank[dense]
        srt = np.argsort(r.astype(np.uint16) if len(order) < 65536 else r, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(r, minlength=len(order)))]
        for g_rank, g in enumerate(order):
            groups.append((*labels[g], key_rows[srt[bounds[g_rank]:bounds[g_rank + 1]]]))
    return dropped, groups


def _encode(arr: pa.Array) -> tuple[np.ndarray, list]:
    """Codes (nulls -1) and distinct values of a column, one hash per run of equal neighbours."""
    heads, run_of = _runs(arr)
    enc = pc.dictionary_encode(heads)
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return (codes if run_of is None else codes[run_of]), enc.dictionary.to_pylist()


def _first_type(types: pa.Array, eids: pa.Array):
    """The first non-empty type among the first row of each entity (``None`` when there is none)."""
    cand = pc.indices_nonzero(pc.fill_null(pc.not_equal(types, ""), False)).to_numpy(zero_copy_only=False)
    for j in cand.tolist():
        if j == 0 or pc.index(eids, eids[j]).as_py() == j:
            return types[j].as_py()
    return None


def _extra_columns(catalog: Catalog, dialect: str, pid: pa.Array, lay: _Layout, out: dict, issues: list):
    """Metafield and platform columns from ``extra``: ({header: (source, index)}, sort keys)."""
    extra = catalog.extra
    extra_cols: dict[str, tuple] = {}
    extra_order: list[tuple] = []
    dropped: dict[str, int] = {}
    if len(extra):
        dropped, groups = _extra_groups(extra)
        ids = {}

        def ids_of(entity):
            if entity not in ids:
                if entity == "product":
                    ids[entity] = pid
                elif entity == "variant":
                    ids[entity] = _keys(catalog.variants["variant_id"])
                else:
                    img = catalog.images
                    pos = pc.fill_null(pc.cast(_arrow(img["position"]), pa.string()), "<NA>")
                    ids[entity] = pc.binary_join_element_wise(_keys(img["product_id"]), pos, "@")
            return ids[entity]

        eid_all, val_all, type_all = _arrow(extra["entity_id"]), _arrow(extra["value"]), _arrow(extra["type"])
        for entity, ns, key, rows in groups:
            take = pa.array(rows)
            eids = _keys_of(pc.take(eid_all, take))
            gvals = _text_of(pc.take(val_all, take))
            at = _positions(ids_of(entity), eids)
            if entity == "variant" and ns == NAME and key in ("row_image_position", "row_image_alt_text"):
                target = "image_position" if key == "row_image_position" else "image_alt"
                idx = np.where(lay.image >= 0, -1, _through(lay.variant, at))
                col = _materialise((gvals, idx))
                cur = _materialise(out[target])
                out[target] = (pc.if_else(pc.equal(cur, ""), col, cur), None)
                continue
            type_ = _first_type(pc.take(type_all, take), eids)
            level = "variant" if entity in ("variant", "image") else "product"
            header = extra_header(level, ns, key, type_, dialect)
            if header is None:
                dropped[f"{ns}.{key}"] = dropped.get(f"{ns}.{key}", 0) + pc.count_distinct(eids).as_py()
                continue
            if entity == "product":
                filled = (_at_level(gvals, at), lay.first)
            elif entity == "variant":
                filled = (_at_level(gvals, at), lay.variant)
            else:
                filled = (gvals, np.where(lay.variant >= 0, -1, _through(lay.image, at)))
            if header in extra_cols:
                prev, new = _materialise(extra_cols[header]), _materialise(filled)
                extra_cols[header] = (pc.if_else(pc.equal(new, ""), prev, new), None)
            else:
                extra_cols[header] = filled
                extra_order.append(_extra_sort_key(level, ns, key, header))
    for what, cnt in dropped.items():
        _issue(issues, "warning", "", None, what, "", "", "extra_not_written",
               f"{cnt} value(s) of '{what}' have no Shopify column and were not written")
    return extra_cols, extra_order


def _keys_of(arr: pa.Array) -> pa.Array:
    return arr if pa.types.is_string(arr.type) else pc.cast(arr, pa.string())


def _materialise(cells: tuple, n: int | None = None) -> pa.Array:
    """A (source, index) column as its cells ('' where the index is -1; index None: the source itself)."""
    source, index = cells
    if index is None:
        return source
    if source is None:
        return _empty_text(n)
    return _at_level(source, index)


def _extra_sort_key(level, ns, key, header):
    group = 0 if not (ns == NAME and _PLATFORM_KEY.match(key)) else (1 if key.startswith("market_") else 2)
    return ((group, 0 if level == "product" else 1, ns, key), header)


def _customer_rows(catalog: Catalog) -> pd.DataFrame:
    c = catalog.customers.reset_index(drop=True)
    ex = catalog.extra
    ex = ex[(ex["entity"] == "customer") & (ex["namespace"] == NAME)] if len(ex) else ex

    def xcol(key):
        if not len(ex):
            return pd.Series([""] * len(c), dtype=object)
        g = ex[ex["key"] == key]
        return _lookup(c["customer_id"], dict(zip(g["entity_id"], _text(g["value"]))))

    def yn(s):
        return s.astype(object).map(lambda v: "" if v is None or v is pd.NA or v != v else ("yes" if v else "no"))

    return pd.DataFrame({
        "Customer ID": xcol("customer_id"), "First Name": _text(c["first_name"]), "Last Name": _text(c["last_name"]),
        "Email": _text(c["email"]), "Accepts Email Marketing": yn(c["accepts_email_marketing"]),
        "Default Address Company": _text(c["company"]), "Default Address Address1": _text(c["address1"]),
        "Default Address Address2": _text(c["address2"]), "Default Address City": _text(c["city"]),
        "Default Address Province Code": _text(c["province_code"]),
        "Default Address Country Code": _text(c["country_code"]), "Default Address Zip": _text(c["zip"]),
        "Default Address Phone": xcol("default_address_phone"), "Phone": _text(c["phone"]),
        "Accepts SMS Marketing": yn(c["accepts_sms_marketing"]), "Total Spent": xcol("total_spent"),
        "Total Orders": xcol("total_orders"), "Note": _text(c["note"]), "Tax Exempt": yn(c["tax_exempt"]),
        "Tags": _text(c["tags"])})


_TRIGGER_BYTES = np.frombuffer(b"=+-@\t\r", dtype=np.uint8)
_CSV_SPECIAL = b',"\n\r'
#: output rows assembled per block (keeps every text array far below Arrow's 2 GB offsets)
_BLOCK_ROWS = 1 << 17


def _formula_candidates(arr: pa.Array) -> np.ndarray:
    """Positions of the cells whose first byte is a formula trigger (``= + - @`` TAB CR): a numpy
    look at the first byte of every cell, no per-cell Python."""
    if not len(arr):
        return np.zeros(0, dtype=np.int64)
    offsets, data = _string_buffers(arr)
    starts = offsets[:-1].astype(np.int64)
    nonempty = offsets[1:] > offsets[:-1]
    first = np.zeros(len(arr), dtype=np.uint8)
    first[nonempty] = data[starts[nonempty]]
    return np.flatnonzero(nonempty & np.isin(first, _TRIGGER_BYTES))


def _rows_needing_quotes(arr: pa.Array) -> np.ndarray:
    """Sorted positions of the cells holding a comma, a quote or a line break (one numpy pass)."""
    offsets, data = _string_buffers(arr)
    if not len(arr) or offsets[-1] == offsets[0]:
        return np.zeros(0, dtype=np.int64)
    region = data[int(offsets[0]):int(offsets[-1])]
    if region.min() > 44:                         # no byte <= ',' at all (ids, URLs, prices): done
        return np.zeros(0, dtype=np.int64)
    cand = np.flatnonzero(region <= 44)           # all four specials are bytes <= ','
    c = region[cand]
    hit = cand[(c == 44) | (c == 34) | (c == 10) | (c == 13)] + int(offsets[0])
    if not len(hit):
        return np.zeros(0, dtype=np.int64)
    rows = np.searchsorted(offsets, hit, side="right") - 1
    return rows[np.r_[True, rows[1:] != rows[:-1]]]


def _replace_at(arr: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(arr, pa.array(mask), values.cast(arr.type))


def _csv_cells(arr: pa.Array) -> tuple[pa.Array, np.ndarray, list]:
    """Formula-like cells prefixed with ``'`` (safeio.is_formula decides), then cells holding a comma,
    quote or line break quoted; also the positions and old values of the neutralised cells."""
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    changed = np.zeros(0, dtype=np.int64)
    old: list = []
    cand = _formula_candidates(arr)
    if len(cand):
        vals = pc.take(arr, pa.array(cand, type=pa.int64())).to_pylist()
        hits = [(int(i), v) for i, v in zip(cand, vals) if safeio.is_formula(v)]
        if hits:
            changed = np.array([i for i, _ in hits], dtype=np.int64)
            old = [v for _, v in hits]
            arr = _replace_at(arr, changed, pa.array(["'" + v for v in old], type=pa.string()))
    rows = _rows_needing_quotes(arr)
    if len(rows):
        cells = pc.take(arr, pa.array(rows, type=pa.int64()))
        arr = _replace_at(arr, rows, pc.binary_join_element_wise('"', pc.replace_substring(cells, '"', '""'), '"', ""))
    return arr, changed, old


def _as_cells(columns, n: int) -> dict:
    """Writer columns as {header: (source, index)}: a DataFrame's columns become their own sources."""
    if not isinstance(columns, pd.DataFrame):
        return columns
    return {c: (pc.fill_null(pa.array(columns[c].astype(object), type=pa.string(), from_pandas=True), ""), None)
            for c in columns.columns}


def _guarded(cells: dict) -> tuple[dict, list]:
    """Every column's source formula-guarded and CSV-quoted (each source once); also, per column in
    order, the source positions and old values of the neutralised cells."""
    done: dict[int, tuple] = {}
    safe: dict[str, tuple] = {}
    changed: list[tuple] = []
    for name, (source, index) in cells.items():
        if source is None or not _has_text(source) or (index is not None and not (index >= 0).any()):
            safe[name] = (None, None)          # an empty column: written as a constant
            continue
        if id(source) not in done:
            done[id(source)] = (source, *_csv_cells(source))
        _, text, pos, old = done[id(source)]
        safe[name] = (text, index)
        if len(pos):
            changed.append((name, pos, old))
    return safe, changed


def _has_text(arr: pa.Array) -> bool:
    """Whether any cell of a string array has a character (nulls and '' have none)."""
    if not pa.types.is_string(arr.type):
        return bool(len(arr)) and arr.null_count < len(arr)
    offsets, _ = _string_buffers(arr)
    return bool(len(arr)) and offsets[-1] > offsets[0]


def _changed_rows(index, pos: np.ndarray, old: list) -> list[tuple[int, str]]:
    """(output row, old value) of the rows showing one of the changed source positions."""
    old_at = dict(zip(pos.tolist(), old))
    if index is None:
        return [(int(p), old_at[int(p)]) for p in pos]
    rows = np.flatnonzero(np.isin(index, pos))
    return [(int(r), old_at[int(index[r])]) for r in rows]


def _cell(cells: tuple, row: int) -> str:
    source, index = cells
    if source is None:
        return ""
    j = row if index is None else int(index[row])
    return source[j].as_py() if j >= 0 else ""


class _Lines:
    """The CSV lines of a file's rows, built per block of rows with one ``take``.

    Neighbouring columns with the same index are joined into one text per source row (a run),
    each but the last ending with its comma; a run's empty text and the line end are put after all
    runs in one array. A block of lines is then a single ``take`` of each row's runs in order,
    whose data buffer is the CSV text itself.
    """

    def __init__(self, cells: dict, n: int):
        self.n = n
        groups: list[list] = []          # [index or None (only empty columns so far), members]
        for source, index in cells.values():
            if source is not None and index is None:
                index = _IDENTITY
            if source is None:
                if not groups:
                    groups.append([None, []])
                groups[-1][1].append(None)
            elif groups and (groups[-1][0] is index or groups[-1][0] is None):
                groups[-1][0] = index
                groups[-1][1].append(source)
            else:
                groups.append([index, [source]])
        texts, blanks = [], []
        self.runs = []                   # (start in the joined array or None, index, its empty text)
        start = 0
        for i, (index, members) in enumerate(groups):
            last = i == len(groups) - 1
            blanks.append("," * (len(members) - 1) + ("" if last else ","))
            if index is None:
                self.runs.append((None, None, i))
                continue
            if any(isinstance(m, _Segmented) for m in members):
                pieces = _join_segments(members, trailing_comma=not last)
            else:
                pieces = [_join_run(members, trailing_comma=not last)]
            self.runs.append((start, index, i))
            texts += pieces
            start += sum(len(t) for t in pieces)
        blanks.append(EOL)
        self.runs.append((None, None, len(groups)))
        texts.append(pa.array(blanks, type=pa.string()))
        self.runs = [(st, index, start + k) for st, index, k in self.runs]
        self.text = pa.concat_arrays(texts)

    def sizes(self) -> np.ndarray:
        """The byte length of every line (without building the text)."""
        lengths = np.diff(_string_buffers(self.text)[0]).astype(np.int64)
        n = self.n
        total = np.zeros(n, dtype=np.int64)
        for start, index, blank in self.runs:
            if start is None:
                total += lengths[blank]
            elif index is _IDENTITY:
                total += lengths[start:start + n]
            else:
                total += np.where(index < 0, lengths[blank], lengths[np.maximum(index, 0) + start])
        return total

    def block(self, a: int, b: int) -> tuple[pa.Array, np.ndarray]:
        """The lines of output rows a..b-1 as one string array of their runs, and the byte offset
        of every line (and of the end) in that array's data."""
        flat = np.empty((b - a, len(self.runs)), dtype=np.int32)
        for j, (start, index, blank) in enumerate(self.runs):
            if start is None:
                flat[:, j] = blank
            elif index is _IDENTITY:
                flat[:, j] = np.arange(start + a, start + b)
            else:
                idx = index[a:b]
                flat[:, j] = np.where(idx < 0, blank, idx + start)
        out = pc.take(self.text, pa.array(flat.reshape(-1)))
        offsets, _ = _string_buffers(out)
        return out, offsets[::len(self.runs)]


def _join_run(members: list, *, trailing_comma: bool) -> pa.Array:
    """The cells of a run joined with commas (``None``: an empty column), neighbouring constants
    merged into one, optionally with the comma that follows the run."""
    items: list = []
    for i, m in enumerate(members):
        sep = "," if i else ""
        if m is None:
            m = ""
        if isinstance(m, str) and items and isinstance(items[-1], str):
            items[-1] += sep + m
        elif isinstance(m, str):
            items.append(sep + m)
        elif sep and items and isinstance(items[-1], str):
            items[-1] += sep
            items.append(m)
        elif sep:
            items += [sep, m]
        else:
            items.append(m)
    if trailing_comma:
        if isinstance(items[-1], str):
            items[-1] += ","
        else:
            items.append(",")
    if len(items) == 1:
        return items[0]
    if any(x.null_count for x in items if not isinstance(x, str)):
        return pc.binary_join_element_wise(*[pa.scalar(x) if isinstance(x, str) else x for x in items], "")
    return _concat_cells(items)


def _concat_cells(items: list) -> pa.Array:
    """Row by row, the texts of ``items`` (string arrays of one length, or constant strings) one after
    the other: one ``take`` of every row's items in order, whose offsets are then kept per row."""
    arrays = [x for x in items if not isinstance(x, str)]
    m, k = len(arrays[0]), len(items)
    if not m:
        return pa.array([], type=pa.string())
    pool = pa.concat_arrays([*(x.cast(pa.string()) for x in arrays),
                             pa.array([x for x in items if isinstance(x, str)], type=pa.string())])
    flat = np.empty((m, k), dtype=np.int64)
    at, const = 0, m * len(arrays)
    for j, x in enumerate(items):
        if isinstance(x, str):
            flat[:, j] = const
            const += 1
        else:
            flat[:, j] = np.arange(at, at + m)
            at += m
    out = pc.take(pool, pa.array(flat.reshape(-1)))
    offsets, _ = _string_buffers(out)
    return pa.Array.from_buffers(pa.string(), m, [None, pa.py_buffer(np.ascontiguousarray(offsets[::k])),
                                                  out.buffers()[2]])


def _join_segments(members: list, *, trailing_comma: bool) -> list[pa.Array]:
    """A run of :class:`_Segmented` columns: each kind of row joined apart (texts to put one after
    the other)."""
    sizes = next(m.sizes for m in members if m is not None)
    texts = []
    for k, size in enumerate(sizes):
        text = _join_run([None if m is None else m.parts[k] for m in members], trailing_comma=trailing_comma)
        texts.append(_repeat(text, size) if isinstance(text, str) else text)
    return texts


def _repeat(text: str, n: int) -> pa.Array:
    """``n`` times the same string (built from buffers)."""
    data = text.encode("utf-8")
    offsets = np.arange(n + 1, dtype=np.int32) * len(data)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data * n)])


_IDENTITY = object()   # index of a column whose source already has one value per output row


def _write_split(out_dir: Path, stem: str, header: list[str], columns, group_of_row,
                 issues: list, *, product_col: str | None = "auto") -> list[Path]:
    """Neutralise formulas, then write ``stem.csv`` (and ``stem-2.csv``...) under 15 MB, groups kept whole."""
    groups = np.asarray(group_of_row)
    n = len(groups)
    cells = _as_cells(columns, n)
    safe, changed = _guarded(cells)
    if getattr(cells, "merge", None) is not None:
        safe = cells.merge(safe)
    hcol = ("URL handle" if "URL handle" in cells else "Handle") if product_col == "auto" else None
    for col, pos, old in changed:
        for row, value in _changed_rows(cells[col][1], pos, old):
            _issue(issues, "warning", f"{stem}.csv", None, col, _cell(cells[hcol], row) if hcol else "", "",
                   "formula_neutralised",
                   f"the cell started like a spreadsheet formula ({value[:40]!r}); a ' was put in front",
                   "Shopify has no rule for formula-like text; check the value after import")
    lines = _Lines(safe, n)
    head = (header_line(header) + EOL).encode("utf-8")
    parts = _file_parts(stem, groups, lines.sizes(), MAX_FILE_BYTES - len(head), issues)
    def write_part(k: int, a: int, b: int) -> Path:
        path = out_dir / (f"{stem}.csv" if k == 1 else f"{stem}-{k}.csv")
        with safeio.atomic_write(path, "wb") as fh:
            fh.write(head)
            # one block of lines at a time: the text of the whole file is never held in memory
            for x in range(a, b, _BLOCK_ROWS):
                text, offsets = lines.block(x, min(x + _BLOCK_ROWS, b))
                fh.write(memoryview(_string_buffers(text)[1])[int(offsets[0]):int(offsets[-1])])
                del text
        return path

    jobs = [(k, a, b) for k, (a, b) in enumerate(parts, start=1)]
    if len(jobs) < 2 or (os.cpu_count() or 1) < 2:
        return [write_part(*job) for job in jobs]
    # split files are written two at a time: filling a file's pages is kernel work the other core
    # can do meanwhile (the lines' takes and the writes release the GIL)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="write") as pool:
        return list(pool.map(lambda job: write_part(*job), jobs))


def _file_parts(stem: str, groups: np.ndarray, sizes: np.ndarray, budget: int, issues: list) -> list[tuple[int, int]]:
    """Row ranges of the files: groups (consecutive rows) kept whole, each file taking as many
    groups as fit in ``budget`` bytes (at least one)."""
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(groups) else np.array([], dtype=int)
    gsize = np.add.reduceat(sizes, starts) if len(starts) else np.array([], dtype=np.int64)
    for _ in range(int((gsize > budget).sum())):
        _issue(issues, "error", f"{stem}.csv", None, "", "", "", "product_too_large_for_file",
               "one product's rows alone exceed 15 MB; Shopify will refuse that file")
    ends = np.cumsum(gsize)
    parts: list[tuple[int, int]] = []
    g = 0
    while g < len(starts):
        before = int(ends[g - 1]) if g else 0
        nxt = max(int(np.searchsorted(ends, before + budget, side="right")), g + 1)
        parts.append((int(starts[g]), int(starts[nxt]) if nxt < len(starts) else len(groups)))
        g = nxt
    return parts or [(0, len(groups))]


def write_redirects(rows, path) -> Path:
    """Write a Shopify URL redirects CSV (``Redirect from,Redirect to``), sorted and deduplicated.

    ``rows``: (from, to) pairs or a DataFrame with those two columns. Paths keep their leading ``/``;
    a full URL is reduced to its path (Shopify wants paths only).
    """
    if isinstance(rows, pd.DataFrame):
        pairs = list(zip(rows.iloc[:, 0], rows.iloc[:, 1]))
    else:
        pairs = list(rows)

    def path_only(u):
        u = str(u or "").strip()
        m = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+(/.*)?$", u, re.I)
        if m:
            u = m.group(1) or "/"
        return u if u.startswith("/") else "/" + u

    clean = sorted({(path_only(a), path_only(b)) for a, b in pairs if a and b and path_only(a) != path_only(b)})
    frame = pd.DataFrame(clean, columns=["Redirect from", "Redirect to"])
    safe, _ = safeio.neutralise_formulas(frame)
    lines = csv_lines(safe).to_pylist() if len(safe) else []
    p = Path(path)
    with safeio.atomic_write(p, "w", newline="") as fh:
        fh.write("Redirect from,Redirect to" + EOL + "".join(line + EOL for line in lines))
    return p


# --------------------------------------------------------------------------------------------------
# validation

#: Python's ``\s`` (``str.isspace``) as an RE2 class: RE2's own ``\s`` is ASCII-only and lacks ``\v``
_WS = r"\t\n\x0b\x0c\r \x1c-\x1f\x85\p{Z}"
_URL_RE2 = rf"^https?://[^/{_WS}]+\.[^/{_WS}]+(/[^{_WS}]*)?$"
#: above this many products, a check that fires on many rows is reported as one summary issue
_MAX_PER_PRODUCT = 20


def _np_text(arr) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)


def _issue_block(n: int, severity: str, product, check: str, detail, column="", sku="", hint="") -> pd.DataFrame:
    """``n`` issue rows built column-wise; each field a scalar or an array of length ``n``."""
    def col(v):
        if isinstance(v, (pa.Array, pa.ChunkedArray)):
            return _np_text(v)
        if isinstance(v, np.ndarray):
            return v.astype(object)
        return np.full(n, v, dtype=object)

    return pd.DataFrame({"severity": col(severity), "file": col(""), "line": np.full(n, None, dtype=object),
                         "column": col(column), "product": col(product), "sku": col(sku), "check": col(check),
                         "detail": col(detail), "hint": col(hint)})


def _dup_mask(codes: np.ndarray) -> np.ndarray:
    """True for every occurrence of a code after its first (``pandas.duplicated(keep="first")``)."""
    return ~first_occurrence(codes)


def _first_appearances(dense: np.ndarray) -> np.ndarray:
    """True where a code appears for the first time, for codes numbered in order of first appearance."""
    if not len(dense):
        return np.zeros(0, dtype=bool)
    seen = np.maximum.accumulate(dense)
    return np.r_[True, dense[1:] > seen[:-1]]


def _codes(arr: pa.Array) -> np.ndarray:
    """Integer codes of a string array in order of first appearance (equal strings, equal codes;
    nulls -1), hashing one value per run of equal neighbours."""
    arr = one_chunk(arr)
    heads, run_of = _runs(arr)
    codes = pc.fill_null(pc.dictionary_encode(heads).indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes if run_of is None else codes[run_of]


def _joint_codes(arrays: list) -> np.ndarray:
    """``_codes`` of the arrays one after the other (one numbering, in order of first appearance).

    Child tables usually list their owners' ids grouped and in the owners' order (each variant's
    option rows, each product's variants and images): when a later array's runs of equal ids are
    exactly the first array, element by element, it reuses the first array's codes without hashing;
    in another order, one lookup per run finds them. Every id being in the first array, this is the
    numbering the concatenation would get; otherwise the concatenation is hashed."""
    arrays = [one_chunk(a) for a in arrays]
    first = arrays[0]
    if len(arrays) > 1 and len(first) and not any(a.null_count for a in arrays) and \
            all(pa.types.is_string(a.type) for a in arrays):
        base = _codes(first)
        parts = [base]
        for a in arrays[1:]:
            if not len(a):
                parts.append(np.zeros(0, dtype=np.int64))
                continue
            heads, run_of = _runs(a)
            if len(heads) == len(first) and pc.all(pc.equal(heads, first)).as_py():
                parts.append(base if run_of is None else base[run_of])
                continue
            at = _positions(a, first)        # other orders: one lookup per run into the first array
            if (at < 0).any():               # an id the first array lacks: number everything together
                return _codes(pa.concat_arrays(arrays))
            parts.append(base[at])
        return np.concatenate(parts)
    return _codes(pa.concat_arrays(arrays))


def _sized(values: pa.Array, limit: int) -> pa.Array:
    return pc.greater(pc.utf8_length(values), limit)


def _grouped_issues(p_idx: np.ndarray, examples: np.ndarray, skus: np.ndarray, handles: np.ndarray, *,
                    check: str, column: str, what: str, whats: str, hint: str) -> list[pd.DataFrame]:
    """Issues for a check that can fire on very many rows (one per image, say).

    ``p_idx`` (product position of each failing row, ascending), ``examples`` (the failing values).
    Up to :data:`_MAX_PER_PRODUCT` products: one issue per product (the value itself when it has one
    failing row, else the count and an example). More: one summary issue with the counts and an example.
    """
    if not len(p_idx):
        return []
    starts = np.flatnonzero(np.r_[True, p_idx[1:] != p_idx[:-1]])
    counts = np.diff(np.r_[starts, len(p_idx)])
    if len(starts) <= _MAX_PER_PRODUCT:
        prods = handles[p_idx[starts]]
        ex = [str(e)[:60] for e in examples[starts]]
        detail = np.array([f"{what} '{e}' is not an absolute http(s) URL; Shopify cannot fetch it" if c == 1 else
                           f"{c:,} {whats} (like '{e}') are not absolute http(s) URLs; Shopify cannot fetch them"
                           for e, c in zip(ex, counts)], dtype=object)
        sku = np.where(counts == 1, skus[starts], "").astype(object)
        return [_issue_block(len(starts), "error", prods, check, detail, column, sku, hint)]
    first = str(examples[0])[:60]
    relative = str(examples[0]).strip().startswith("/")
    kind = "relative paths" if relative else "not absolute http(s) URLs"
    detail = (f"{len(p_idx):,} {whats} of {len(starts):,} products are {kind} like '{first}' "
              f"(first products: {', '.join(str(h) for h in handles[p_idx[starts[:3]]])}); Shopify cannot fetch them")
    return [_issue_block(1, "error", "", check, detail, column, "", hint)]


def validate(catalog: Catalog, joins: "_VariantOptionJoin | None" = None) -> pd.DataFrame:
    """Problems that would stop or damage a Shopify import (formats.md 1.4); empty when none.

    ``joins`` may keep the variant <-> option join for a write of the same catalog.

    Column-wise (Arrow compute): no Python loop over products, variants or images. Checks that fire
    on very many rows (relative image paths) are summarised instead of listed row by row.
    """
    blocks: list[pd.DataFrame] = []
    P = catalog.products
    V = catalog.variants

    handles = _atext(P["handle"])
    titles = _atext(P["title"])
    pids = _atext(P["product_id"])
    all_handle_texts = functools.cache(lambda: _np_text(handles))

    def h_np(idx) -> np.ndarray:
        """The handles at ``idx`` as Python text (made once, and only when an issue needs them)."""
        idx = np.asarray(idx, dtype=np.int64)
        return all_handle_texts()[idx] if len(idx) else np.empty(0, dtype=object)
    n_p = len(handles)

    def sel(mask) -> np.ndarray:
        return pc.indices_nonzero(mask).to_numpy(zero_copy_only=False) if len(mask) else np.zeros(0, dtype=np.int64)

    def add(idx: np.ndarray, severity, product, check, detail, column="", sku="", hint=""):
        if len(idx):
            blocks.append(_issue_block(len(idx), severity, product, check, detail, column, sku, hint))

    def take(arr, idx):
        return pc.take(arr, pa.array(idx, type=pa.int64()))

    empty_h = pc.equal(handles, "")
    i = sel(empty_h)
    add(i, "error", take(pids, i), "missing_handle", "the product has no handle", "handle")
    h_len = pc.utf8_length(handles)
    i = sel(pc.greater(h_len, 255))
    add(i, "error", take(handles, i), "handle_too_long",
        pc.binary_join_element_wise("the handle has ", pc.cast(take(h_len, i), pa.string()),
                                    " characters; Shopify allows 255", ""), "handle")
    good = pc.match_substring_regex(pc.utf8_lower(handles), r"^[a-z0-9]+(-[a-z0-9]+)*$")
    i = sel(pc.and_(pc.invert(empty_h), pc.invert(good)))
    add(i, "error", take(handles, i), "bad_handle",
        "a handle may hold only letters, digits and dashes (no spaces, accents, periods or other characters)",
        "handle", hint="use workbench.mapping.slugify")
    blank_t = pc.equal(pc.utf8_trim_whitespace(titles), "")
    i = sel(blank_t)
    add(i, "error", take(handles, i), "missing_title", "the product has no title", "title")
    t_len = pc.utf8_length(titles)
    i = sel(pc.and_(pc.invert(blank_t), pc.greater(t_len, 255)))
    add(i, "error", take(handles, i), "title_too_long",
        pc.binary_join_element_wise("the title has ", pc.cast(take(t_len, i), pa.string()),
                                    " characters; Shopify allows 255", ""), "title")
    dup = ~_first_appearances(_codes(pc.utf8_lower(handles))) & ~empty_h.to_numpy(zero_copy_only=False)
    i = np.flatnonzero(dup)
    add(i, "error", h_np(i), "duplicate_handle", "two products share this handle; Shopify would merge or skip them",
        "handle")
    vendors = _atext(P["vendor"])
    i = sel(pc.and_(pc.not_equal(vendors, ""), pc.less(pc.utf8_length(pc.utf8_trim_whitespace(vendors)), 2)))
    add(i, "error", h_np(i), "vendor_too_short",
        pc.binary_join_element_wise("vendor '", take(vendors, i), "' is shorter than 2 characters", ""), "vendor")
    # tags: split on ",", stripped, empty parts ignored
    tags = _atext(P["tags"])
    if n_p and pc.any(pc.not_equal(tags, "")).as_py():
        parts = pc.split_pattern(tags, ",")
        flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
        owner = pc.list_parent_indices(parts).to_numpy(zero_copy_only=False)
        keep = pc.not_equal(flat, "")
        flat = pc.filter(flat, keep)
        owner = owner[keep.to_numpy(zero_copy_only=False)]
        n_tags = np.bincount(owner, minlength=n_p)
        i = np.flatnonzero(n_tags > 250)
        add(i, "warning", h_np(i), "too_many_tags",
            np.array([f"{c} tags; Shopify keeps 250" for c in n_tags[i]], dtype=object), "tags")
        j = sel(_sized(flat, 255))
        add(j, "warning", h_np(owner[j]), "tag_too_long",
            pc.binary_join_element_wise("tag '", pc.utf8_slice_codeunits(take(flat, j), 0, 30),
                                        "...' is over 255 characters", ""), "tags")

    def handle_of(keys: pd.Series) -> np.ndarray:
        """Handle of each product id (the id itself when it is not a product)."""
        at = _index_of(keys, P["product_id"])
        k = _np_text(_atext(keys))
        return np.where(at >= 0, h_np(np.maximum(at, 0)) if n_p else k, k).astype(object)

    po = catalog.product_options
    # product ids of the products, options and variants in one numbering (one hash pass)
    po_pid, v_pid = _atext(po["product_id"]), _atext(V["product_id"])
    p_codes, po_codes, v_pid_codes = np.split(_joint_codes([pids, po_pid, v_pid]),
                                              [n_p, n_p + len(po_pid)])
    def too_many(codes: np.ndarray, owners: pa.Array, limit: int, check: str, what: str) -> None:
        """An error per product with more than ``limit`` rows (options, variants)."""
        if not _too_many(codes, limit):
            return
        pid_c, cnt = np.unique(_np_text(owners).astype(str), return_counts=True)
        many = cnt > limit
        add(np.flatnonzero(many), "error", handle_of(pd.Series(pid_c[many], dtype=object)), check,
            np.array([f"{c} {what}; Shopify allows {limit}" for c in cnt[many]], dtype=object))

    if len(po):
        too_many(po_codes, po_pid, MAX_OPTIONS, "too_many_options", "options")
        i = sel(_sized(_atext(po["name"]), 255))
        if len(i):
            add(i, "error", handle_of(po["product_id"].iloc[i]), "option_name_too_long",
                "an option name is over 255 characters")
    if len(V):
        too_many(v_pid_codes, v_pid, MAX_VARIANTS, "too_many_variants", "variants")
        has_var = np.zeros(int(p_codes.max(initial=-1)) + 1, dtype=bool)
        has_var[v_pid_codes[(v_pid_codes >= 0) & (v_pid_codes < len(has_var))]] = True
        no_var = pc.unique(pc.filter(pids, pa.array(~has_var[p_codes])))
        no_var = pc.take(no_var, pc.sort_indices(no_var))
        if len(no_var):
            ids = pd.Series(_np_text(no_var), dtype=object)
            add(np.arange(len(ids)), "error", handle_of(ids), "missing_price", "the product has no variant, so no price")
        skus = _atext(V["sku"])
        i = np.flatnonzero(V["price"].isna().to_numpy())
        if len(i):
            add(i, "error", handle_of(V["product_id"].iloc[i]), "missing_price", "a variant has no price", "price",
                _np_text(take(skus, i)))
        vo = catalog.variant_options
        if len(vo):
            combo_id, combo = _combinations(V["variant_id"], vo, joins or _VariantOptionJoin())
            key = v_pid_codes * (int(combo_id.max(initial=0)) + 1) + combo_id
            i = np.flatnonzero(_dup_mask(key))
            if len(i):
                add(i, "error", handle_of(V["product_id"].iloc[i]), "duplicate_combination",
                    np.array([f"two variants have the same option values ({combo(j)})" for j in i], dtype=object),
                    sku=_np_text(take(skus, i)))
    elif n_p:
        add(np.arange(n_p), "error", handle_of(P["product_id"]), "missing_price",
            "the product has no variant, so no price")
    # image URLs: relative paths usually fire on every image, so they are grouped per product or summarised
    hint = "relative paths need a base: set [urls] image_base_url in the mapping file"
    images = catalog.images
    if len(images):
        src = _atext(images["src"])
        i = np.flatnonzero(~_absolute_urls(src))
        if len(i):
            p_at = _index_of(images["product_id"].iloc[i], P["product_id"])
            handle = handle_of(images["product_id"].iloc[i])
            # order by product (file order of products), unknown products last
            order = np.lexsort((np.arange(len(i)), np.where(p_at >= 0, p_at, n_p)))
            grp = _codes(take(_atext(images["product_id"]), i[order]))
            blocks.extend(_grouped_issues(_dense_runs(grp), _np_text(take(src, i[order])),
                                          np.full(len(i), "", dtype=object), handle[order][_first_of(grp)],
                                          check="image_url_not_absolute", column="src", what="image",
                                          whats="images", hint=hint))
    if len(V):
        vsrc = _atext(V["image_src"])
        offsets = _string_buffers(vsrc)[0]
        i = np.flatnonzero((offsets[1:] > offsets[:-1]) & ~_absolute_urls(vsrc))
        if len(i):
            handle = handle_of(V["product_id"].iloc[i])
            p_at = _index_of(V["product_id"].iloc[i], P["product_id"])
            order = np.lexsort((np.arange(len(i)), np.where(p_at >= 0, p_at, n_p)))
            grp = _codes(take(v_pid, i[order]))
            blocks.extend(_grouped_issues(_dense_runs(grp), _np_text(take(vsrc, i[order])),
                                          _np_text(take(_atext(V["sku"]), i[order])), handle[order][_first_of(grp)],
                                          check="image_url_not_absolute", column="image_src", what="variant image",
                                          whats="variant images", hint=hint))
    if not blocks:
        return issues_frame()
    out = pd.concat(blocks, ignore_index=True)
    return out.astype({"line": "Int64"})


def _absolute_urls(arr: pa.Array) -> np.ndarray:
    """Which cells (trimmed) are absolute http(s) URLs (:data:`_URL_RE2`), as a numpy mask.

    Cells of printable ASCII only (no spaces) are checked with a few numpy passes: scheme bytes,
    then a walk over the host part only (first ``/``, a dot with a character on each side); the
    rest (spaces, other characters) go through the regex.
    """
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    n = len(arr)
    ok = np.zeros(n, dtype=bool)
    if not n:
        return ok
    offsets, data = _string_buffers(arr)
    starts, ends = offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64)
    lo, hi = int(offsets[0]), int(offsets[-1])
    region = data[lo:hi]
    if len(region) and 0x21 <= region.min() and region.max() <= 0x7e:         # all printable ASCII
        odd = np.zeros(0, dtype=np.int64)
    else:
        odd = np.flatnonzero((region - np.uint8(0x21)) > np.uint8(0x7e - 0x21))  # not printable ASCII
    other = np.zeros(n, dtype=bool)
    if len(odd):
        other[np.searchsorted(offsets, odd + lo, side="right") - 1] = True
    https = pc.starts_with(arr, "https://").to_numpy(zero_copy_only=False)
    http = pc.starts_with(arr, "http://").to_numpy(zero_copy_only=False)
    plen = np.where(https, 8, np.where(http, 7, 0))
    first = np.zeros(n, dtype=np.uint8)
    filled = ends > starts
    first[filled] = data[starts[filled]]
    other |= (plen == 0) & ((first | 32) == ord("h"))   # other spellings of the scheme: the regex decides
    plain = ~other & (ends - starts >= 10)          # "http://a.b" is the shortest match
    rows = np.flatnonzero(plain & (plen > 0))
    if len(rows):
        ok[rows] = _host_has_inner_dot(data, starts[rows] + plen[rows], ends[rows])
    if other.any():
        idx = pa.array(np.flatnonzero(other))
        text = pc.utf8_trim_whitespace(pc.take(arr, idx))
        ok[idx.to_numpy()] = pc.match_substring_regex(text, _URL_RE2, ignore_case=True).to_numpy(zero_copy_only=False)
    return ok


def _host_has_inner_dot(data: np.ndarray, host: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For hosts starting at byte ``host`` (ascending; ending at the next ``/`` or ``ends``): whether a
    dot has at least one host character before and after it.

    Searches zero-copy views of the data that start at each host (a view runs on into the next
    cell; a match past the cell's end counts as none).
    """
    def view(first: np.ndarray) -> pa.Array:
        offsets = np.append(first, max(int(ends[-1]), int(first[-1]))).astype(np.int32)
        return pa.Array.from_buffers(pa.binary(), len(first), [None, pa.py_buffer(offsets), pa.py_buffer(data)])

    room = ends - host
    slash = pc.find_substring(view(host), "/").to_numpy(zero_copy_only=False)
    host_len = np.where((slash < 0) | (slash > room), room, slash)
    dot = pc.find_substring(view(host + 1), ".").to_numpy(zero_copy_only=False)   # first dot after 1 char
    return (dot >= 0) & (dot + 1 <= host_len - 2)


def _combinations(variant_ids: pd.Series, vo: pd.DataFrame, joins: "_VariantOptionJoin"):
    """Per variant (rows of ``variant_ids``): an integer id of its option values in position order (equal
    values, equal id; none -> one id of its own), and a function giving the values of row j as text."""
    n = len(variant_ids)
    codes = joins.codes(variant_ids, vo["variant_id"], nulls_as_empty=True)
    v_code, o_code = codes[:n], codes[n:]
    val = _atext(vo["value"])
    val_code = _codes(val)
    pos = vo["position"].to_numpy(dtype="int64", na_value=np.iinfo(np.int64).max)
    order = _order_by(o_code, pos)
    oc = o_code[order]
    start = np.r_[True, oc[1:] != oc[:-1]] if len(oc) else np.zeros(0, dtype=bool)
    rank = np.arange(len(oc)) - np.maximum.accumulate(np.where(start, np.arange(len(oc)), 0))
    width = int(rank.max(initial=-1)) + 1
    ncode = int(codes.max(initial=-1)) + 1
    mat = np.full((ncode, max(width, 1)), -1, dtype=np.int64)
    mat[oc, rank] = val_code[order]
    val_of = mat[v_code]
    base = int(val_code.max(initial=-1)) + 2
    if not n:
        combo_id = np.zeros(0, dtype=np.int64)
    elif base ** val_of.shape[1] < 2 ** 62:  # one integer per combination, then dense ids
        flat = np.zeros(n, dtype=np.int64)
        for k in range(val_of.shape[1]):
            flat = flat * base + (val_of[:, k] + 1)
        combo_id = pc.dictionary_encode(pa.array(flat)).indices.to_numpy(zero_copy_only=False)
    else:
        _, combo_id = np.unique(val_of, axis=0, return_inverse=True)
    combo_id = np.asarray(combo_id).reshape(-1).astype(np.int64)
    dict_vals: list = []  # dictionary_encode order = first-appearance order = unique() order

    def text(j: int) -> str:
        if not dict_vals:
            dict_vals.append(pc.unique(val))
        return " / ".join(str(dict_vals[0][int(c)].as_py()) for c in val_of[j] if c >= 0)

    return combo_id, text


class _VariantOptionJoin:
    """The variant ids of the variants and of their option rows in one numbering (:func:`_codes` of
    both), kept for the last pair of id columns: validating and writing a catalog both join the
    variants with their option rows, and the second one reuses the first one's hash pass.

    Columns are recognised by their Arrow data: the same (immutable) ChunkedArray object, which is
    kept referenced here, so shallow copies of the frames match and nothing else can.
    """

    def __init__(self) -> None:
        self._kept: tuple | None = None     # ((two ChunkedArrays), codes)

    def codes(self, first: pd.Series, second: pd.Series, *, nulls_as_empty: bool = False) -> np.ndarray:
        """Joint codes of ``first`` then ``second`` (nulls -1, or coded as '' with ``nulls_as_empty``)."""
        a, b = _arrow(first), _arrow(second)
        if not all((pa.types.is_string(x.type) or pa.types.is_large_string(x.type)) and not x.null_count
                   for x in (a, b)):
            text = _text_of if nulls_as_empty else _keys_of
            return _joint_codes([text(a), text(b)])
        sources = (_chunked(first), _chunked(second))
        known = all(x is not None for x in sources)
        kept = self._kept
        if known and kept is not None and all(x is y for x, y in zip(kept[0], sources)):
            return kept[1]
        codes = _joint_codes([_keys_of(a), _keys_of(b)])
        codes.flags.writeable = False
        self._kept = (sources, codes) if known else None
        return codes


def _chunked(s: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow data behind an Arrow-backed column (None for other columns)."""
    return getattr(s.array, "_pa_array", None)


def _too_many(codes: np.ndarray, limit: int) -> bool:
    """Whether some code (of :func:`_codes`) occurs more than ``limit`` times."""
    return bool(len(codes)) and int(np.bincount(codes[codes >= 0]).max(initial=0)) > limit


def _dense_runs(codes: np.ndarray) -> np.ndarray:
    """0, 0, 1, 1, 1, 2, ... : the run number of each element (runs of equal codes)."""
    if not len(codes):
        return codes
    return np.cumsum(np.r_[False, codes[1:] != codes[:-1]])


def _first_of(codes: np.ndarray) -> np.ndarray:
    """Positions of the first element of every run of equal codes."""
    if not len(codes):
        return codes
    return np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])


register(NAME, ShopifyAdapter)
