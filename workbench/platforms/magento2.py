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

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..mapping import slugify
from ..safeio import atomic_write, is_formula
from . import register
from .base import Adapter, Catalog, ReadResult, issues_frame, loss_frame
from .csvio import read_table
from ._common import (ATTR_NS, arrow_strings, attr_key, collections_from_paths, concat_extra, concat_results,
                      map_keys, none_if_empty, str_series, to_numeric,
                      extra_rows, extra_wide, fmt_money, isin, issue, issues_for, lookup, mapping_option,
                      mapping_option_name, money, rename_headers, slugify_series, split_list, unique_handles,
                      fold_grouped, final_variant_ids, suffix_repeats)

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


def parse_pairs(s: pd.Series, sep: str = ",") -> pd.DataFrame:
    """``code=value`` pairs of each cell -> long frame (row, code, value, order), column-wise with
    pyarrow. A token without ``=`` continues the previous value (a comma inside a value);
    surrounding quotes are removed (``a="x"`` and ``"a=x, y"`` both give ``x``/``x, y``)."""
    s = s[s.notna() & (s != "")]
    if not len(s):
        return pd.DataFrame({"row": pd.Series(dtype="int64"), "code": pd.Series(dtype="str"),
                             "value": pd.Series(dtype="str"), "order": pd.Series(dtype="int64")})
    arr = arrow_strings(s)
    # ASCII text (the usual case): the ASCII trims give the same result, several times faster
    ascii_ = bool(pc.all(pc.string_is_ascii(arr)).as_py())
    trim_ws = pc.ascii_trim_whitespace if ascii_ else pc.utf8_trim_whitespace
    trim = pc.ascii_trim if ascii_ else pc.utf8_trim
    lst = pc.split_pattern(arr, sep)
    flat = pc.list_flatten(lst)
    parents = pc.list_parent_indices(lst).to_numpy()
    has_eq = pc.match_substring(flat, "=")
    has_eq_np = has_eq.to_numpy(zero_copy_only=False)
    start = has_eq_np.copy()
    start[0] = True
    start[1:] |= parents[1:] != parents[:-1]
    if not start.all():  # rare: commas inside values; join the continuation tokens back
        gid = np.cumsum(start) - 1
        vals = np.asarray(flat.to_pylist(), dtype=object)
        starts = vals[start].copy()
        for j in np.flatnonzero(~start):
            starts[gid[j]] = starts[gid[j]] + sep + vals[j]
        flat = pa.array(starts, type=pa.string())
        parents = parents[start]
        has_eq = pc.match_substring(flat, "=")
        has_eq_np = has_eq.to_numpy(zero_copy_only=False)
        order = np.arange(len(parents)) - np.searchsorted(parents, parents)
    else:
        off = lst.offsets.to_numpy()
        order = np.arange(len(parents)) - (off[parents] - off[0])
    # "code=value" split once at the first "=" (a token without one is a code with an empty value)
    if has_eq_np.all():
        kv = pc.split_pattern(flat, "=", max_splits=1)
    else:
        kv = pc.split_pattern(pc.if_else(has_eq, flat, pc.binary_join_element_wise(flat, "=", "")), "=",
                              max_splits=1)
    code_raw = trim_ws(pc.list_element(kv, 0))
    code = trim(code_raw, characters='" ')
    value = trim_ws(pc.list_element(kv, 1))
    quoted = pc.and_(pc.starts_with(value, '"'), pc.ends_with(value, '"'))
    if pc.any(quoted).as_py():
        value = pc.if_else(pc.and_(quoted, pc.greater_equal(pc.utf8_length(value), 2)),
                           pc.utf8_slice_codeunits(value, 1, -1), value)
    if pc.any(pc.starts_with(code_raw, '"')).as_py():
        value = pc.if_else(pc.starts_with(code_raw, '"'), pc.utf8_rtrim(value, characters='"'), value)
    keep = pc.not_equal(code, "").to_numpy(zero_copy_only=False)
    return pd.DataFrame({"row": s.index.to_numpy()[parents][keep],
                         "code": pd.array(code.filter(pa.array(keep)), dtype="str"),
                         "value": pd.array(value.filter(pa.array(keep)), dtype="str"),
                         "order": order[keep]})


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


def _url_series(pattern: str, fields: dict, n: int, mapping, key: str) -> pd.Series:
    """``pattern.format(**row)`` for every row, column-wise (a private twin of the migration's
    helper; ``_common`` is not ours to change). A row where a field the pattern uses is empty gets
    no URL (None): an old URL is never invented."""
    import string
    out = pd.Series("", index=range(n), dtype=object)
    ok = np.ones(n, dtype=bool)
    for lit, name, spec, conv in string.Formatter().parse(pattern):
        out = out + lit
        if name is None:
            continue
        if name not in fields:
            raise InputError(f"the URL pattern {pattern!r} uses {{{name}}} which the Magento export does not have; "
                             f"use one of: {', '.join('{' + k + '}' for k in fields)}",
                             file=getattr(mapping, "path", None), column=key)
        v = pd.Series(fields[name], dtype=object).fillna("").astype(str).reset_index(drop=True)
        ok &= (v != "").to_numpy()
        out = out + v
    return out.where(ok, None)



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
        # the default-row SKUs of the files read so far: (table, sku -> row) per file (first file wins)
        seen: list[tuple[object, pd.Series]] = []
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
            # a category met in several files is one collection (first file's row), members once each
            cat = res.catalog
            cat.collections = cat.collections.drop_duplicates("collection_id").reset_index(drop=True)
            cp = cat.collection_products.drop_duplicates(["collection_id", "product_id"]).reset_index(drop=True)
            cp["position"] = cp.groupby("collection_id", sort=False).cumcount() + 1
            cat.collection_products = cp
        return res

    # -----------------------------------------------------------------------------------------
    def _read_one(self, t, mapping, seen: list) -> ReadResult:
        file = t.path
        df = t.frame
        df = rename_headers(df, mapping)
        if "sku" not in df.columns:
            if "_type" in df.columns or "_attribute_set" in df.columns:
                raise InputError("this looks like a Magento 1 export (columns _type, _attribute_set); only the "
                                 "Magento 2 product export is supported", file=file, row=1)
            raise InputError("the required column 'sku' is missing from the Magento 2 product export; found: "
                             + ", ".join(repr(c) for c in list(df.columns)[:30]), file=file, row=1, column="sku")
        if "_type" in df.columns and "product_type" not in df.columns:
            raise InputError("this looks like a Magento 1 export (column _type); only the Magento 2 product export "
                             "is supported", file=file, row=1, column="_type")
        for c in ("store_view_code", "product_type", "name", "price", "special_price", "configurable_variations",
                  "configurable_variation_labels", "additional_attributes", "categories", "url_key", "qty",
                  "is_in_stock", "product_online", "visibility", "weight", "description", "allow_backorders"):
            if c not in df.columns:
                df[c] = ""
        issues: list[dict] = list(t.warnings)
        loss: list[dict] = []
        used: dict[str, str] = {}
        notes: dict[str, str] = {}
        sku = df["sku"].str.strip()
        scope = df["store_view_code"].str.strip()
        dflt = scope == ""
        dup = dflt & sku.duplicated(keep="first") & (sku != "")
        nosku = sku == ""
        # the same SKU already read from an earlier file (two exports of one shop): the first file
        # wins; this file's rows for it (default and store views) are skipped and reported
        cross = pd.Series(False, index=df.index)
        if seen:
            earlier = np.zeros(len(df), dtype=bool)
            for _, rows_of in seen:
                earlier |= isin(sku, rows_of.index)
            cross = pd.Series(earlier, index=df.index) & ~nosku
            cross_d = cross & dflt & ~dup
            if cross_d.any():
                n_sv = (cross & ~dflt).groupby(sku[cross]).sum()
                for i in np.flatnonzero(cross_d.to_numpy()):
                    k = sku.iat[i]
                    t0, r0 = next((t0, r[k]) for t0, r in seen if k in r.index)
                    f0, l0 = t0.path, t0.line_of(int(r0))
                    nsv = int(n_sv.get(k, 0))
                    issues.append(issue(
                        "error", file, t.line_of(int(df.index[i])), "sku", "duplicate_sku",
                        f"sku '{k}' was already read from {Path(f0).name} (line {l0}); "
                        + (f"this file's row and its {nsv} store-view row(s) were" if nsv else "this row was")
                        + " skipped (the first file wins, docs/mapping.md 4)", "give each product in one file only, or the newer export alone",
                        product=df["name"].iat[i], sku=k))
        if nosku.any():
            issues += issues_for(nosku, t, df, severity="error", column="sku", check="missing_sku",
                                 detail="this row has no sku; it was skipped", product_col="name", sku_col="sku")
        if dup.any():
            issues += issues_for(dup & dflt, t, df, severity="error", column="sku", check="duplicate_sku",
                                 detail="this sku already had a row for the default scope; the row was skipped",
                                 product_col="name", sku_col="sku")
        dup = dup | (cross & dflt)
        dkeep = (dflt & ~dup & ~nosku).to_numpy(dtype=bool)
        D = df if dkeep.all() else df[dkeep]  # no copy of the wide table when every row is a default row
        S = df[~dflt & ~nosku & ~cross]
        dsku = sku[D.index]
        seen.append((t, pd.Series(D.index.to_numpy(), index=dsku.to_numpy())))
        only_sv = S[~isin(sku[S.index], dsku)] if len(S) else S
        skipped = dup | nosku | cross  # rows whose values are lost (counted in the loss report)
        if len(only_sv):
            skipped = skipped | pd.Series(df.index.isin(only_sv.index), index=df.index)
        if len(only_sv):
            issues += issues_for(pd.Series(True, index=only_sv.index), t, only_sv, severity="warning",
                                 column="store_view_code", check="m2_store_view_without_default",
                                 detail="a store-view row for a sku with no default row in the file; ignored",
                                 product_col="name", sku_col="sku")
        if not len(D):  # nothing left to read (every row skipped): an empty catalog, all values lost
            for c in df.columns:
                ne = int((df[c] != "").sum())
                loss.append({"file": file, "column": c, "became": "", "non_empty": ne, "dropped": ne,
                             "note": "every row of the file was skipped (see the issues)"})
            return ReadResult(Catalog.from_frames(), loss_frame(loss), issues_frame(issues), [file])
        used.update({"sku": "variants.sku", "store_view_code": f"extra:{NS}.<store_view_code>.*"})
        ptype = D["product_type"].str.strip().str.lower()
        used["product_type"] = f"extra:{NS}.product_type"

        # ---- configurable structure ---------------------------------------------------------------
        conf = D[(ptype == "configurable") & (D["configurable_variations"] != "")]
        # one record per "|" item (Arrow split; blank items dropped)
        if len(conf):
            rl = pc.split_pattern(arrow_strings(conf["configurable_variations"]), "|")
            rflat = pc.list_flatten(rl)
            rkeep = pc.not_equal(pc.utf8_trim_whitespace(rflat), "")
            rpar = pc.list_parent_indices(rl).to_numpy()[rkeep.to_numpy(zero_copy_only=False)]
            rec_parent = pd.Series(conf.index.to_numpy()[rpar])
            recs = str_series(rflat.filter(rkeep))
        else:
            rec_parent = pd.Series([], dtype="int64")
            recs = pd.Series([], dtype="str")
        pairs = parse_pairs(recs)
        pairs["parent_row"] = rec_parent.to_numpy()[pairs["row"].to_numpy()] if len(pairs) else []
        child_pair = pairs[pairs["code"] == "sku"]
        axes = pairs[pairs["code"] != "sku"]
        link = pd.DataFrame({"rec": child_pair["row"].to_numpy(), "parent_row": child_pair["parent_row"].to_numpy(),
                             "child_sku": child_pair["value"].str.strip().to_numpy()})
        row_of_sku = pd.Series(D.index.to_numpy(), index=dsku.to_numpy())
        link["child_row"] = pd.Series(lookup(link["child_sku"], row_of_sku.index, row_of_sku), index=link.index, dtype="float")
        missing = link[link["child_row"].isna()]
        for r in missing.head(50).itertuples():
            issues.append(issue("error", file, t.line_of(int(r.parent_row)), "configurable_variations", "m2_missing_child", f"the child sku '{r.child_sku}' is not in the file; that variant was not imported", "export the children together with the configurable product", product=D.at[r.parent_row, "name"], sku=D.at[r.parent_row, "sku"]))
        link = link[link["child_row"].notna()].copy()
        link["child_row"] = link["child_row"].astype("int64")
        link = link.drop_duplicates(["parent_row", "child_row"])
        parents_with_kids = set(link["parent_row"])
        child_rows = set(link["child_row"])
        used["configurable_variations"] = "variants (children), variant_options"
        used["configurable_variation_labels"] = "product_options.name"

        prod = D[~D.index.isin(child_rows)]
        prid = prod["sku"].str.strip()
        pid_of_row = pd.Series(prid.to_numpy(), index=prod.index)

        # options: labels and order
        labels = parse_pairs(conf["configurable_variation_labels"]) if "configurable_variation_labels" in conf \
            else parse_pairs(pd.Series(dtype="str"))
        lab = pd.Series(labels["value"].to_numpy(), index=pd.MultiIndex.from_arrays(
            [labels["row"].to_numpy(), labels["code"].to_numpy()])) if len(labels) else pd.Series(dtype="str")
        ax_u = axes.drop_duplicates(["parent_row", "code"])
        ax = ax_u[["parent_row", "code"]].copy()
        ax["first"] = ax_u.index.to_numpy()
        del ax_u
        if "configurable_variations_position" in conf:
            posp = parse_pairs(conf["configurable_variations_position"])
            pm = pd.Series(to_numeric(posp["value"]).to_numpy(), index=pd.MultiIndex.from_arrays(
                [posp["row"].to_numpy(), posp["code"].to_numpy()])) if len(posp) else None
            if pm is not None:
                ax["pos"] = pd.MultiIndex.from_frame(ax[["parent_row", "code"]]).map(pm)
                used["configurable_variations_position"] = "product_options.position"
        if "pos" not in ax:
            ax["pos"] = np.nan
        ax = ax[ax["parent_row"].isin(parents_with_kids)]
        ax = ax.sort_values(["parent_row", "pos", "first"], kind="stable", na_position="last")
        ax["position"] = ax.groupby("parent_row", sort=False).cumcount() + 1
        if len(ax):
            ax["label"] = map_keys([ax["parent_row"], ax["code"]], [labels["row"], labels["code"]],
                                   labels["value"]) if len(lab) else None
            ax["label"] = ax["label"].where(ax["label"].notna() & (ax["label"].astype("str") != ""), ax["code"])
            names = {x: mapping_option_name(mapping, x) for x in pd.unique(ax["label"].astype("str"))}
            ax["oname"] = ax["label"].astype("str").map(names)
        else:
            ax["oname"] = pd.Series(dtype="str")
        ax["product_id"] = ax["parent_row"].map(pid_of_row)

        # ---- variants -----------------------------------------------------------------------------
        wunit = str(mapping_option(mapping, "weight_unit", "lb")).lower().rstrip("s") or "lb"
        wunit = {"lbs": "lb", "kgs": "kg"}.get(wunit, wunit)
        if wunit not in ("g", "kg", "lb", "oz"):
            wunit = "lb"

        def row_values(R: pd.DataFrame) -> pd.DataFrame:
            price, bad_p = money(R["price"])
            sp, bad_s = money(R["special_price"])
            for bad, col in ((bad_p, "price"), (bad_s, "special_price")):
                if bad.any():
                    issues.extend(issues_for(bad, t, R, severity="error", column=col, check="bad_number",
                                             detail=lambda i, c=col, RR=R: f"'{RR[c].iat[i]}' is not an amount; "
                                                                           "left empty",
                                             product_col="name", sku_col="sku"))
            window = pd.Series(False, index=R.index)
            for c in ("special_price_from_date", "special_price_to_date"):
                if c in R:
                    window |= R[c].str.strip() != ""
            on_sale = sp.notna() & (price.isna() | (to_numeric(sp)
                                                              < to_numeric(price)).fillna(True))
            out = pd.DataFrame(index=R.index)
            out["sku"] = R["sku"].str.strip()
            out["price"] = sp.where(on_sale, price)
            out["compare_at_price"] = price.where(on_sale & price.notna(), None)
            out["sched"] = on_sale & window
            out["special_kept"] = sp.notna() & ~on_sale
            w = to_numeric(R["weight"].str.strip().replace("", None))
            out["weight"] = w
            out["weight_unit"] = pd.Series(wunit, index=R.index).where(w.notna(), None)
            q = to_numeric(R["qty"].str.strip().replace("", None))
            if "use_config_manage_stock" in R:
                tracked = (R["manage_stock"] == "1") | ((R["use_config_manage_stock"] == "1")
                                                        & (R.get("manage_stock", "") != "1"))
            elif "manage_stock" in R:
                tracked = R["manage_stock"] == "1"
            else:
                tracked = q.notna()
            instock = R["is_in_stock"].str.strip()
            tracked = tracked | (instock == "0")
            q = q.where(~((instock == "0") & q.isna()), 0)
            out["inventory_quantity"] = q.where(tracked, None)
            out["tracked"] = tracked
            ub = R["use_config_backorders"] if "use_config_backorders" in R else pd.Series("0", index=R.index)
            out["inventory_policy"] = np.where(R["allow_backorders"].isin(["1", "2"]) & (ub != "1"), "continue", "deny")
            tc = R["tax_class_name"].str.strip() if "tax_class_name" in R else pd.Series("", index=R.index)
            out["taxable"] = pd.Series(np.where(tc == "", None, tc.str.lower() != "none"), index=R.index)
            out["source_id"] = R["sku"].str.strip()
            img = R["base_image"].str.strip() if "base_image" in R else pd.Series("", index=R.index)
            out["image_src"] = img.where(img != "", None)
            out["ptype"] = R["product_type"].str.strip().str.lower()
            return out

        own = row_values(prod)
        own["product_id"] = prid.to_numpy()
        own["variant_id"] = prid.to_numpy()
        own["isvar"] = False
        own["order"] = 0
        own["image_src"] = None  # a one-variant product's image is the product's image
        own = own[~prod.index.isin(parents_with_kids)]
        kids = row_values(D.loc[link["child_row"].to_numpy(), [c for c in _ROW_COLUMNS if c in D.columns]])
        kids.index = link.index
        kids["product_id"] = lookup(link["parent_row"], pid_of_row.index, pid_of_row)
        kids["variant_id"] = kids["product_id"] + "/" + link["child_sku"].to_numpy()
        kids["isvar"] = True
        kids["order"] = link["rec"].to_numpy()
        variants = pd.concat([own, kids], ignore_index=True)
        variants["requires_shipping"] = ~variants["ptype"].isin(["virtual", "downloadable"])
        variants["porder"] = lookup(variants["product_id"], prid)
        variants = variants.sort_values(["porder", "order"], kind="stable")
        variants["position"] = variants.groupby("product_id", sort=False).cumcount() + 1
        used.update({"price": "variants.price / compare_at_price", "special_price": "variants.price (when on sale)",
                     "weight": "variants.weight", "qty": "variants.inventory_quantity",
                     "is_in_stock": "variants.inventory_quantity", "manage_stock": "variants.inventory_tracker",
                     "allow_backorders": "variants.inventory_policy", "tax_class_name": "variants.taxable"})

        # variant option values: from the parent's record, else the child's additional_attributes
        vopt = link[["rec", "parent_row"]].merge(axes[["row", "code", "value"]].rename(columns={"row": "rec"}),
                                                 on="rec", how="left")
        vopt = ax[["parent_row", "code", "position", "oname"]].merge(
            link[["rec", "parent_row", "child_row", "child_sku"]], on="parent_row").merge(
            axes[["row", "code", "value"]].rename(columns={"row": "rec"}), on=["rec", "code"], how="left")
        aa = parse_pairs(D["additional_attributes"])
        if vopt["value"].isna().any():
            aav = pd.Series(aa["value"].to_numpy(), index=pd.MultiIndex.from_arrays([aa["row"], aa["code"]]))
            aav = aav[~aav.index.duplicated()]
            miss = vopt["value"].isna()
            vopt.loc[miss, "value"] = pd.MultiIndex.from_arrays(
                [vopt.loc[miss, "child_row"], vopt.loc[miss, "code"]]).map(aav)
        vopt["value"] = vopt["value"].fillna("").astype("str").str.strip()
        blank = vopt["value"] == ""
        if blank.any():
            for r in vopt[blank].head(50).itertuples():
                issues.append(issue("error", file, t.line_of(int(r.child_row)), "configurable_variations", "m2_missing_option_value", f"no value for '{r.code}' on this child; set to '-'", product=D.at[r.parent_row, "name"], sku=r.child_sku))
            vopt.loc[blank, "value"] = "-"
        vopt["variant_id"] = vopt["parent_row"].map(pid_of_row) + "/" + vopt["child_sku"]
        used["additional_attributes"] = f"variant_options (axes); extra:{ATTR_NS}.<code>"

        # ---- products -----------------------------------------------------------------------------
        title = prod["name"].str.strip()
        handle = unique_handles(slugify_series(prod["url_key"].str.strip()), slugify_series(title))
        online = prod["product_online"].str.strip()
        status = pd.Series(np.where(online.isin(["2", "0"]), "draft", "active"), index=prod.index)
        no_price = variants["price"].isna()
        np_prod = pd.Series(isin(prid, variants.loc[no_price, "product_id"]), index=prod.index)
        status = status.where(~np_prod, "draft")
        vis = prod["visibility"].str.strip()
        products = pd.DataFrame({
            "product_id": prid.array, "handle": handle.array, "title": title.array,
            "description_html": prod["description"].where(prod["description"] != "", None).array,
            "status": status.array, "published": (vis != "Not Visible Individually").array,
            "seo_title": prod["meta_title"].where(prod["meta_title"] != "", None).array if "meta_title" in prod
            else None,
            "seo_description": prod["meta_description"].where(prod["meta_description"] != "", None).array
            if "meta_description" in prod else None,
            "source_platform": PLATFORM, "source_id": prod["sku"].str.strip().array,
        })
        # old storefront URL (redirects): [urls] product_url_pattern, else Magento's default /<url_key>.html
        ppat = str(mapping_option(mapping, "product_url_pattern", "") or "") or DEFAULT_PRODUCT_URL
        products["source_url"] = _url_series(ppat, {
            "url_key": prod["url_key"].str.strip().to_numpy(), "handle": products["handle"].to_numpy(),
            "sku": prid.to_numpy(), "id": prid.to_numpy(), "product_id": prid.to_numpy()},
            len(products), mapping, "product_url_pattern").to_numpy()
        used["url_key"] = "products.handle, products.source_url"
        for c in ("created_at", "updated_at"):
            if c in prod:
                d = parse_dates(prod[c])
                products[c] = d.dt.tz_localize("UTC").array if len(d) else None
                used[c] = f"products.{c}"
                bad = (prod[c].str.strip() != "") & d.isna()
                if bad.any():
                    issues += issues_for(bad, t, prod, severity="warning", column=c, check="bad_date",
                                         detail=lambda i, c=c: f"'{prod[c].iat[i]}' is not a date Magento writes; "
                                                               "left empty", product_col="name", sku_col="sku")
        used.update({"name": "products.title", "description": "products.description_html",
                     "url_key": "products.handle, products.source_url", "product_online": "products.status",
                     "visibility": "products.published", "meta_title": "products.seo_title",
                     "meta_description": "products.seo_description", "categories": "collections"})

        def flag(mask, R, col, check, detail, sev="warning"):
            if mask.any():
                issues.extend(issues_for(mask, t, R, severity=sev, column=col, check=check, detail=detail,
                                         product_col="name", sku_col="sku"))
        pt = prod["product_type"].str.strip().str.lower()
        flag(pt == "bundle", prod, "bundle_values", "bundle_flattened",
             "bundle product: Shopify has no bundle type; kept as one product with one variant, the bundle options "
             "in extra magento2.bundle_values")
        flag(pt == "grouped", prod, "associated_skus", "grouped_to_collection",
             "grouped product: Shopify has no grouped type; it became a collection of its member products (its own "
             "images and categories are not migrated: see the loss report)")
        if "custom_options" in prod:
            flag(prod["custom_options"] != "", prod, "custom_options", "custom_options_not_variants",
                 "custom options (customer-entered or priced add-ons) are not variants; kept in extra "
                 "magento2.custom_options; Shopify needs a product-options app for them")
        flag((pt == "configurable") & ~prod.index.isin(parents_with_kids), prod, "configurable_variations",
             "m2_configurable_without_children",
             "configurable product without children in the file; imported with one variant")
        flag(np_prod & (pt != "grouped") & (pt != "bundle"), prod, "price", "no_price",
             "no price: imported as a draft with price 0")
        sched = variants["sched"].fillna(False).astype(bool)
        if sched.any():
            m = pd.Series(isin(D["sku"].str.strip(), variants.loc[sched, "sku"]), index=D.index)
            flag(m, D, "special_price", "special_price_dated",
                 "the special price has from/to dates; Shopify's CSV has no scheduled prices, so the special price "
                 "was imported as the price (compare-at = price): end the sale by hand when the date passes")
        variants["price"] = variants["price"].fillna("0")
        if variants["weight"].notna().any() and mapping_option(mapping, "weight_unit") is None:
            issues.append(issue("warning", file, None, "weight", "m2_weight_unit", "Magento exports weights without a unit; they were read as pounds (lb), Magento's "
                                "default", "convert the weights if the shop's weight unit is not lbs", product="", sku=""))

        # ---- images -------------------------------------------------------------------------------
        base_url = str(mapping_option(mapping, "image_base_url", "") or "").rstrip("/")
        img_parts = []
        for k, role in enumerate(_IMAGE_ROLES):
            if role in prod:
                lab_col = f"{role}_label"
                img_parts.append(pd.DataFrame({"product_id": prid.to_numpy(), "src": prod[role].str.strip().to_numpy(),
                                               "alt": prod[lab_col].to_numpy() if lab_col in prod else "",
                                               "k": k, "p": 0.0, "o": np.arange(len(prod))}))
                used[role] = "images"
                if lab_col in prod:
                    used[lab_col] = "images.alt"
        if "additional_images" in prod:
            ai = split_list(prod["additional_images"], escaped=False)
            al = split_list(prod["additional_image_labels"], escaped=False) if "additional_image_labels" in prod \
                else None
            n_in = ai.groupby(level=0).cumcount()
            df_ai = pd.DataFrame({"row": ai.index, "n": n_in.to_numpy(), "src": ai.to_numpy()})
            if al is not None and len(al):
                df_al = pd.DataFrame({"row": al.index, "n": al.groupby(level=0).cumcount().to_numpy(),
                                      "alt": al.to_numpy()})
                df_ai = df_ai.merge(df_al, on=["row", "n"], how="left")
                used["additional_image_labels"] = "images.alt"
            else:
                df_ai["alt"] = ""
            if "additional_image_positions" in prod:
                df_ai = df_ai.merge(_list_numbers(prod["additional_image_positions"], "n", "p"),
                                    on=["row", "n"], how="left")
                used["additional_image_positions"] = "images.position"
            else:
                df_ai["p"] = np.nan
            df_ai["p"] = df_ai["p"].fillna(df_ai["n"] + 1000)
            img_parts.append(pd.DataFrame({"product_id": pid_of_row.reindex(df_ai["row"]).to_numpy(),
                                           "src": df_ai["src"].to_numpy(), "alt": df_ai["alt"].to_numpy(),
                                           "k": 10, "p": df_ai["p"].to_numpy(),
                                           "o": prod.index.get_indexer(df_ai["row"])}))
            used["additional_images"] = "images"
        # a child's own base image goes on its variant and into the product's images
        vimg = variants[variants["isvar"] & variants["image_src"].notna()]
        if len(vimg):
            img_parts.append(pd.DataFrame({"product_id": vimg["product_id"].to_numpy(),
                                           "src": vimg["image_src"].to_numpy(), "alt": "", "k": 20,
                                           "p": vimg["position"].astype("float").to_numpy(),
                                           "o": vimg["porder"].to_numpy()}))
        if img_parts:
            images = pd.concat(img_parts, ignore_index=True)
            images = images[(images["src"].astype("str") != "").to_numpy()]
            order = np.lexsort((images["p"].to_numpy(dtype="float64"), images["k"].to_numpy(dtype="float64"),
                                images["o"].to_numpy(dtype="float64")))
            images = images.iloc[order]
            images = images.drop_duplicates(["product_id", "src"])
        else:
            images = pd.DataFrame(columns=["product_id", "src", "alt"])
        images["position"] = images.groupby("product_id", sort=False).cumcount() + 1
        images["alt"] = images["alt"].fillna("").astype("str")
        images["alt"] = images["alt"].where(images["alt"] != "", None)
        rel = ~images["src"].astype("str").str.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
        images["source_id"] = images["src"]
        if rel.any():
            if base_url:
                src_a = arrow_strings(images["src"].astype("str"))
                images["src"] = str_series(pc.if_else(
                    pa.array(rel.to_numpy(dtype=bool)),
                    pc.binary_join_element_wise(base_url, pc.utf8_ltrim(src_a, characters="/"), "/"), src_a),
                    images.index)
            else:
                issues.append(issue("warning", file, None, "base_image", "m2_relative_image", f"{int(rel.sum())} image paths are relative to Magento's media folder "
                                    f"(e.g. '{images.loc[rel, 'src'].iat[0]}'); Shopify needs full URLs", "set image_base_url (e.g. https://shop.example/media/catalog/product) in the "
                                    "mapping file's [urls]", product="", sku=""))
        vrel = variants["image_src"].notna() & ~variants["image_src"].astype("str").str.match(
            r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
        if base_url and vrel.any():
            vsrc = arrow_strings(variants["image_src"].astype("str"))
            variants["image_src"] = str_series(pc.if_else(
                pa.array(vrel.to_numpy(dtype=bool)),
                pc.binary_join_element_wise(base_url, pc.utf8_ltrim(vsrc, characters="/"), "/"), vsrc),
                variants.index)
        images = images[["product_id", "position", "src", "alt", "source_id"]]

        # ---- collections ----------------------------------------------------------------------------
        cat = split_list(prod["categories"], escaped=False)
        # the root category ("Default Category") is dropped
        cpath = cat.str.replace(r"^[^/]*(/|$)", "", regex=True).str.replace("/", " > ", regex=False)
        cpath = cpath[cpath.str.strip() != ""]
        collections, members = collections_from_paths(
            pd.DataFrame({"product_id": lookup(cpath.index, pid_of_row.index, pid_of_row), "path": cpath.to_numpy()}),
            platform=PLATFORM, level_sep=">", mapping=mapping)
        collections["source_id"] = collections["path"]
        # old category URL: Magento's url keys are the names made URL-safe, parent keys first
        cpat = str(mapping_option(mapping, "category_url_pattern", "") or "") or DEFAULT_CATEGORY_URL
        cslug = pd.Series(["/".join(slugify(x) for x in str(q).split(" > ")) for q in collections["path"]],
                          dtype=object)
        collections["source_url"] = _url_series(cpat, {
            "path": cslug.to_numpy(), "handle": collections["handle"].to_numpy(),
            "slug": collections["handle"].to_numpy(), "id": collections["collection_id"].to_numpy()},
            len(collections), mapping, "category_url_pattern").to_numpy()

        # ---- extra ------------------------------------------------------------------------------------
        ex: list[pd.DataFrame] = []
        is_kid = D.index.isin(child_rows)
        # a child row's own values belong to its variant(s)
        kid_vid = pd.Series((link["parent_row"].map(pid_of_row) + "/" + link["child_sku"]).to_numpy(),
                            index=link["child_row"].to_numpy())
        kid_vid = kid_vid[~kid_vid.index.duplicated()]
        ent_id = pd.Series(pid_of_row.reindex(D.index).to_numpy(), index=D.index)
        ent_id[is_kid] = kid_vid.reindex(D.index[is_kid]).to_numpy()
        ent = pd.Series(np.where(is_kid, "variant", "product"), index=D.index)
        ex.append(extra_rows(ent_id, ptype.where(ptype != "simple", ""), ent, NS, "product_type"))
        for c, default in _EXTRA_DEFAULTS.items():
            if c not in D:
                continue
            s = D[c]
            if default is not None:
                s = s.where(s.str.strip() != default, "")
            ex.append(extra_rows(ent_id, s, ent, NS, c))
            used[c] = f"extra:{NS}.{c}"
        if "special_price" in D:
            sk = variants.loc[variants["special_kept"], "sku"]
            m = isin(D["sku"].str.strip(), sk)
            ex.append(extra_rows(ent_id, D["special_price"].where(m, ""), ent, NS, "special_price"))
        notes["name"] = "configurable children's own names and url keys are not kept (made from the product's)"
        # additional attributes that are not axes -> metafields
        if len(aa):
            aa2 = aa[~aa["code"].isin(_SYSTEM_ATTRS)].copy()
            aa2["entity_id"] = ent_id.reindex(aa2["row"]).to_numpy()
            aa2["entity"] = ent.reindex(aa2["row"]).to_numpy()
            if len(ax):
                kid_axes = link[["child_row", "parent_row"]].merge(ax[["parent_row", "code"]], on="parent_row")
                kid_axes = kid_axes.rename(columns={"child_row": "row"})[["row", "code"]].drop_duplicates()
                kid_axes["code"] = kid_axes["code"].astype("str")
                kid_axes["_ax"] = True
                aa2 = aa2.merge(kid_axes, on=["row", "code"], how="left")
                aa2 = aa2[aa2["_ax"].isna()].drop(columns="_ax")
            aa2 = aa2[aa2["entity_id"].notna()]
            ex.append(pd.DataFrame({"entity": aa2["entity"].to_numpy(), "entity_id": aa2["entity_id"].to_numpy(),
                                    "namespace": ATTR_NS, "key": attr_key(aa2["code"]).to_numpy(),
                                    "value": aa2["value"].astype("str").str.replace("|", ", ", regex=False).to_numpy(), "type": "single_line_text_field"}))
        # store-view overrides
        if len(S):
            S2 = S[isin(sku[S.index], dsku)]
            sid = sku[S2.index].map(pd.Series(ent_id.to_numpy(), index=dsku.to_numpy()).pipe(
                lambda x: x[~x.index.duplicated()]))
            sent = sku[S2.index].map(pd.Series(ent.to_numpy(), index=dsku.to_numpy()).pipe(
                lambda x: x[~x.index.duplicated()]))
            drow = sku[S2.index].map(pd.Series(D.index.to_numpy(), index=dsku.to_numpy()).pipe(
                lambda x: x[~x.index.duplicated()]))
            for c in S2.columns:
                if c in ("sku", "store_view_code"):
                    continue
                v = S2[c]
                m = (v != "") & (v.to_numpy() != D.loc[drow.to_numpy(), c].to_numpy())
                if not m.any():
                    continue
                ex.append(pd.DataFrame({"entity": sent[m].to_numpy(), "entity_id": sid[m].to_numpy(),
                                        "namespace": NS, "key": "store_view:" + scope[S2.index][m] + ":" + c,
                                        "value": v[m].to_numpy(), "type": "single_line_text_field"}))
        # unknown columns -> extra
        handled = set(used) | _DROPPED | {"product_type"}
        for c in df.columns:
            if c in handled:
                continue
            if c.endswith("_label") or c.endswith("_position"):
                pass
            ex.append(extra_rows(ent_id, D[c], ent, NS, c))
            used[c] = f"extra:{NS}.{c}"
        for c in _DROPPED:
            notes[c] = _DROP_NOTE
        extra = concat_extra(ex)

        # ---- hidden images are shown on Shopify ----------------------------------------------------
        for c in ("hide_from_product_page", "disabled_images"):
            if c in prod:
                hid = split_list(prod[c], escaped=False)
                if len(hid):
                    hk = pd.DataFrame({"product_id": pid_of_row.reindex(hid.index).to_numpy(), "source_id": hid.to_numpy()})
                    hk = hk.merge(images[["product_id", "source_id"]], on=["product_id", "source_id"])
                    prow = pd.Series(prod.index.to_numpy(), index=prid.to_numpy())
                    for r in hk.head(50).itertuples():
                        issues.append(issue("warning", file, t.line_of(int(prow[r.product_id])), c, "hidden_image_shown", f"'{r.source_id}' is hidden in Magento ({c}); Shopify shows every "
                                            "product image, so it will be visible", product=prod.at[prow[r.product_id], "name"], sku=r.product_id))

        # ---- bundles: fixed price, else the sum of the default selections -------------------------
        bmask = (pt == "bundle").to_numpy()
        if bmask.any() and "bundle_values" in prod:
            B = prod[bmask]
            brec = B["bundle_values"].str.split("|").explode()
            brec = brec[brec.notna() & (brec != "")]
            bpar = pd.Series(brec.index.to_numpy())
            bp = parse_pairs(brec.reset_index(drop=True))
            wide = bp.pivot_table(index="row", columns="code", values="value", aggfunc="first") if len(bp) \
                else pd.DataFrame()
            need = B[np_prod[bmask].to_numpy()]
            price_of = pd.Series(variants["price"].to_numpy(), index=variants["sku"].to_numpy())
            price_of = price_of[~price_of.index.duplicated()]
            for r in need.index:  # one loop per bundle without a price (few)
                pid = pid_of_row[r]
                rows = wide[wide.index.isin(np.flatnonzero(bpar.to_numpy() == r))] if len(wide) else wide
                sel = rows[rows.get("default", pd.Series(dtype="str")) == "1"] if len(rows) else rows
                ok = len(sel) > 0 and sel["sku"].isin(price_of.index).all() and price_of.reindex(sel["sku"]).notna().all()
                if ok:
                    import decimal as _d
                    total = sum(_d.Decimal(str(price_of[k])) * _d.Decimal(q or "1")
                                for k, q in zip(sel["sku"], sel.get("default_qty", pd.Series("1", index=sel.index))))
                    variants.loc[variants["product_id"] == pid, "price"] = str(total)
                    products.loc[products["product_id"] == pid, "status"] = \
                        "active" if prod.at[r, "product_online"].strip() not in ("0", "2") else "draft"
                else:
                    issues.append(issue("error", file, t.line_of(int(r)), "price", "bundle_price_unknown", "dynamic bundle without a price, and its default selections are not all in "
                                        "the file: imported as a draft with price 0", product=prod.at[r, "name"], sku=pid))

        # ---- grouped products become collections of their members (mapping rules 1.6) --------------
        gmask = (pt == "grouped").to_numpy()
        if gmask.any():
            G = prod[gmask]
            gh = pd.Series(products.loc[gmask, "handle"].to_numpy(), index=G.index)
            gp = parse_pairs(G["associated_skus"]) if "associated_skus" in G else parse_pairs(pd.Series(dtype="str"))
            gp["cid"] = gh.reindex(gp["row"]).to_numpy()
            if "associated_position" in G:
                gp = gp.merge(_list_numbers(G["associated_position"], "order", "pos"), on=["row", "order"],
                              how="left")
                used["associated_position"] = "collection_products.position"
            else:
                gp["pos"] = np.nan
            gp["pos"] = gp["pos"].fillna(gp["order"] + 1000)
            gp = gp.sort_values(["row", "pos"], kind="stable")
            gp["product_id"] = gp["code"].str.strip()
            missing_m = ~isin(gp["product_id"], products["product_id"])
            for r in gp[missing_m].head(50).itertuples():
                issues.append(issue("warning", file, t.line_of(int(r.row)), "associated_skus", "grouped_member_missing", f"the grouped product's member '{r.product_id}' is not in the file", product=G.at[r.row, "name"], sku=G.at[r.row, "sku"]))
            gp = gp[~missing_m]
            gm = pd.DataFrame({"collection_id": gp["cid"].to_numpy(), "product_id": gp["product_id"].to_numpy()})
            gm = gm.drop_duplicates()
            gm["position"] = gm.groupby("collection_id", sort=False).cumcount() + 1
            gcoll = pd.DataFrame({"collection_id": gh.to_numpy(), "handle": gh.to_numpy(),
                                  "title": G["name"].str.strip().to_numpy(), "path": None,
                                  "description_html": G["description"].replace("", None).to_numpy(),
                                  "source_id": G["sku"].str.strip().to_numpy(),
                                  "source_url": products.loc[gmask, "source_url"].to_numpy()})
            gset = set(prid[gmask])
            for col, what in (("base_image", "images"), ("additional_images", "images"),
                              ("categories", "categories")):
                if col in G:
                    ne = int((G[col] != "").sum())
                    if ne:
                        loss.append({"file": file, "column": col, "became": "", "non_empty": ne, "dropped": ne,
                                     "note": f"{what} of grouped products (they became collections)"})
            # members of a grouped product are sold through it: published even if not visible alone
            products.loc[isin(products["product_id"], gm["product_id"]), "published"] = True
            f = fold_grouped({"products": products, "variants": variants, "images": images, "members": members,
                              "collections": collections, "extra": extra}, gset, gcoll, gm,
                             pd.Series(gh.to_numpy(), index=prid[gmask].to_numpy()))
            products, variants, images = f["products"], f["variants"], f["images"]
            members, collections, extra = f["members"], f["collections"], f["extra"]

        # ---- final variant ids: <product_id>#<position> ---------------------------------------------
        variants, vopt, extra = final_variant_ids(variants, vopt, extra)

        product_options = pd.DataFrame({"product_id": ax["product_id"].array, "position": ax["position"].array,
                                        "name": ax["oname"].array})
        variant_options = pd.DataFrame({"variant_id": vopt["variant_id"].array,
                                        "position": vopt["position"].array, "value": vopt["value"].array})
        variants["inventory_tracker"] = np.where(variants["tracked"].fillna(False).astype(bool), "shopify", None)
        variants["inventory_quantity"] = variants["inventory_quantity"].astype("Float64").round().astype("Int64")
        variants["taxable"] = variants["taxable"].astype("boolean")
        variants["requires_shipping"] = variants["requires_shipping"].astype("boolean")
        vcols = ["variant_id", "product_id", "position", "sku", "price", "compare_at_price", "weight", "weight_unit",
                 "inventory_quantity", "inventory_policy", "inventory_tracker", "requires_shipping", "taxable",
                 "image_src", "source_id"]
        skipped_np = skipped.to_numpy(dtype=bool)
        any_skipped = bool(skipped_np.any())
        for c in df.columns:
            ne = int((df[c] != "").sum())
            became = used.get(c, "")
            lost = ne if not became else (int((df[c][skipped_np] != "").sum()) if any_skipped else 0)
            note = notes.get(c, "")
            if became and lost:
                note = (note + "; " if note else "") + "values of skipped rows (duplicate_sku, missing_sku, " \
                    "store view without default row)"
            loss.append({"file": file, "column": c, "became": became, "non_empty": ne,
                         "dropped": lost, "note": note})
        frames = dict(products=products, product_options=product_options,
                      variants=variants[vcols].reset_index(drop=True), variant_options=variant_options,
                      images=images, collections=collections, collection_products=members, extra=extra)
        # the wide table and the working frames are not needed any more: free them before the
        # schema check copies the canonical tables (peak memory)
        del t, df, D, S, prod, conf, aa, pairs, kids, own, variants, products, product_options, vopt, \
            variant_options, images, extra, ex
        catalog = Catalog.from_frames(**frames)
        del frames
        return ReadResult(catalog, loss_frame(loss), issues_frame(issues), [file])

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
        df = rename_headers(t.frame, mapping)
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
            A = A[(A[[f for f in _ADDR_FIELDS if not f.startswith("default")]] != "").any(axis=1).to_numpy()
                  & ~np.asarray(dup, dtype=bool)[:len(A)]]
            addr_parts.append(A)
    customers = pd.concat(cust_parts, ignore_index=True) if cust_parts else schema_empty_customers()
    for t in addrs:
        file = t.path
        issues.extend(t.warnings)
        df = rename_headers(t.frame, mapping)
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
        prov = [province_code(c, r) if r else None for c, r in zip(cc, first["region"])]
        for i, (o, a) in enumerate(first.iterrows()):  # one per customer with an address
            if prov[i] is None and a["region"]:
                issues.append(issue("warning", a["file"], int(a["line"]), "region", "unknown_region",
                                    f"region {a['region']!r} is not a subdivision of {a['country_id'] or '?'}; "
                                    f"the province was left empty (kept in extra {NS}.address_1)"))
        vals = {"address1": street.str[0], "address2": street.str[1], "city": first["city"],
                "company": first["company"], "zip": first["postcode"], "phone": first["telephone"],
                "country_code": cc, "province_code": pd.Series(prov, index=first.index, dtype=object)}
        for k, v in vals.items():
            v = v.astype(object).where(v.notna() & (v.astype(str) != ""), None)
            customers.loc[at, k] = v.to_numpy()
        # every address whole in extra (JSON) so Magento gets them back: address_1 is the one above
        fields = [f for f in _ADDR_FIELDS] + ["entity_id"]
        recs = A[fields].to_dict("records")
        js = [json.dumps({k: v for k, v in r.items() if v}, ensure_ascii=False, sort_keys=True) for r in recs]
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
    by_owner = {k: g for k, g in more.groupby("entity_id", sort=False)} if len(more) else {}
    web = M["_website"]
    for i in np.flatnonzero(((txt("address1") != "") | (txt("city") != "") | (txt("zip") != "")
                             | (txt("country_code") != "") | ids.isin(by_owner)).to_numpy()):
        cid = ids.iat[i]
        g = by_owner.get(cid)
        recs = [json.loads(v) for v in g["value"]] if g is not None else []
        base = recs[0] if recs else {"default_billing": "1", "default_shipping": "1"}
        street = txt("address1").iat[i] + ("\n" + txt("address2").iat[i] if txt("address2").iat[i] else "")
        cc = txt("country_code").iat[i]
        pcode = txt("province_code").iat[i]
        first = dict(base)
        first.update({"street": street, "city": txt("city").iat[i], "company": txt("company").iat[i],
                      "postcode": txt("zip").iat[i], "telephone": txt("phone").iat[i], "country_id": cc})
        if pcode:
            first["region"] = province_name(cc, pcode) or pcode
        for k in ("firstname", "lastname"):
            first.setdefault(k, M[k].iat[i])
        for r in [first] + recs[1:]:
            rows.append({"_website": web.iat[i], "_email": M["email"].iat[i], "_entity_id": r.get("entity_id", ""),
                         **{k: r.get(k, "") for k in _ADDR_FIELDS if not k.startswith("default")},
                         "_address_default_billing_": r.get("default_billing", ""),
                         "_address_default_shipping_": r.get("default_shipping", "")})
    A = pd.DataFrame(rows, columns=ADDRESS_COLUMNS).fillna("") if rows else pd.DataFrame(columns=ADDRESS_COLUMNS)
    return M.reset_index(drop=True), A.reset_index(drop=True)


register("magento2", Magento2Adapter)
