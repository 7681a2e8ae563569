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
  ``additional_image_positions`` when present); relative paths (``/m/b/x.jpg``) are made absolute
  with the mapping file's ``[urls] image_base_url`` and flagged when none is set;
* a ``special_price`` below ``price`` is the selling price (``price`` becomes compare-at), flagged
  when it has a date window;
* bundles and products with ``custom_options`` are kept as products, their structure in ``extra``
  and flagged (Shopify has no bundle type); grouped products become collections of their members.

Writing produces the import CSV in the 2.3/2.4 column order (formats.md 3.1 (b)): configurable
parents after their children. Decisions: ``docs/mapping.md`` (section Magento).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..safeio import atomic_write, is_formula
from . import register
from .base import Adapter, Catalog, ReadResult, issues_frame, loss_frame
from .csvio import read_table
from ._common import (ATTR_NS, arrow_strings, attr_key, collections_from_paths, concat_extra, concat_results,
                      map_keys, str_series, to_numeric,
                      extra_rows, extra_wide, fmt_money, isin, issue, issues_for, lookup, mapping_option,
                      mapping_option_name, money, rename_headers, slugify_series, split_list, unique_handles)

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


class Magento2Adapter(Adapter):
    name = "magento2"
    label = "Magento 2"
    can_write = True
    reads = {"products": "Magento 2 product export (System > Export > Products)"}

    def __init__(self) -> None:
        self.write_issues = issues_frame()

    def read(self, paths, *, mapping=None) -> ReadResult:
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        return concat_results([self._read_one(p, mapping) for p in paths])

    # -----------------------------------------------------------------------------------------
    def _read_one(self, path, mapping) -> ReadResult:
        t = read_table(path, label="Magento 2 product export")
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
        if nosku.any():
            issues += issues_for(nosku, t, df, severity="error", column="sku", check="missing_sku",
                                 detail="this row has no sku; it was skipped", product_col="name", sku_col="sku")
        if dup.any():
            issues += issues_for(dup & dflt, t, df, severity="error", column="sku", check="duplicate_sku",
                                 detail="this sku already had a row for the default scope; the row was skipped",
                                 product_col="name", sku_col="sku")
        dkeep = (dflt & ~dup & ~nosku).to_numpy(dtype=bool)
        D = df if dkeep.all() else df[dkeep]  # no copy of the wide table when every row is a default row
        S = df[~dflt & ~nosku]
        dsku = sku[D.index]
        only_sv = S[~isin(sku[S.index], dsku)] if len(S) else S
        if len(only_sv):
            issues += issues_for(pd.Series(True, index=only_sv.index), t, only_sv, severity="warning",
                                 column="store_view_code", check="m2_store_view_without_default",
                                 detail="a store-view row for a sku with no default row in the file; ignored",
                                 product_col="name", sku_col="sku")
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
                     "url_key": "products.handle", "product_online": "products.status",
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
                ap = prod["additional_image_positions"].str.split(",").explode()
                df_ap = pd.DataFrame({"row": ap.index, "n": ap.groupby(level=0).cumcount().to_numpy(),
                                      "p": to_numeric(ap).to_numpy()})
                df_ai = df_ai.merge(df_ap, on=["row", "n"], how="left")
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
                apos = G["associated_position"].str.split(",").explode()
                apos = pd.DataFrame({"row": apos.index, "order": apos.groupby(level=0).cumcount().to_numpy(),
                                     "pos": to_numeric(apos).to_numpy()})
                gp = gp.merge(apos, on=["row", "order"], how="left")
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
                                  "source_id": G["sku"].str.strip().to_numpy(), "source_url": None})
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
            products = products[~products["product_id"].isin(gset)]
            variants = variants[~variants["product_id"].isin(gset)]
            images = images[~images["product_id"].isin(gset)]
            members = members[~members["product_id"].isin(gset)]
            members["position"] = members.groupby("collection_id", sort=False).cumcount() + 1
            collections = pd.concat([collections, gcoll], ignore_index=True)
            collections = collections[collections["collection_id"].isin(set(members["collection_id"]))
                                      | collections["collection_id"].isin(set(gcoll["collection_id"]))]
            members = pd.concat([members, gm], ignore_index=True)
            ge = extra["entity_id"].isin(gset) & (extra["entity"] == "product")
            extra.loc[ge, "entity"] = "collection"
            extra.loc[ge, "entity_id"] = extra.loc[ge, "entity_id"].map(pd.Series(gh.to_numpy(), index=prid[gmask].to_numpy()))

        # ---- final variant ids: <product_id>#<position> ---------------------------------------------
        newid = variants["product_id"].astype("str") + "#" + variants["position"].astype("str")
        idmap = pd.Series(newid.to_numpy(), index=variants["variant_id"].to_numpy())
        variants["variant_id"] = newid.to_numpy()
        vopt["variant_id"] = lookup(vopt["variant_id"], idmap.index, idmap)
        vopt = vopt[vopt["variant_id"].notna()]
        ve_ = extra["entity"] == "variant"
        extra.loc[ve_, "entity_id"] = lookup(extra.loc[ve_, "entity_id"], idmap.index, idmap)
        extra = extra[extra["entity_id"].notna()]

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
        for c in df.columns:
            ne = int((df[c] != "").sum())
            became = used.get(c, "")
            loss.append({"file": file, "column": c, "became": became, "non_empty": ne,
                         "dropped": 0 if became else ne, "note": notes.get(c, "")})
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
    def write(self, catalog: Catalog, out_dir, *, dialect: str | None = None) -> list[Path]:
        frame = catalog_to_frame(catalog)
        changed = []
        for c in frame.columns:
            s = frame[c]
            m = s.str.startswith(("=", "+", "-", "@", "\t", "\r"))
            if not m.any():
                continue
            idx = [i for i in np.flatnonzero(m.to_numpy()) if is_formula(s.iat[i])]
            if not idx:
                continue
            for i in idx:
                changed.append(issue("warning", "magento2_products.csv", int(i) + 2, c, "formula_neutralised", f"{s.iat[i][:40]!r} starts like a spreadsheet formula; Magento has no rule for "
                                     "this, so it was written with a leading ' (remove it after import if needed)", product=frame["name"].iat[i], sku=frame["sku"].iat[i]))
            s = s.copy()
            s.iloc[idx] = "'" + s.iloc[idx]
            frame[c] = s
        self.write_issues = issues_frame(changed)
        path = Path(out_dir) / "magento2_products.csv"
        with atomic_write(path, "w", newline="") as fh:
            fh.write(frame.to_csv(index=False, lineterminator="\n"))
        return [path]


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
    add_imgs = im_rest.groupby("product_id", sort=False)["src"].agg(lambda x: ",".join(x.astype("str")))
    add_labels = im_rest.groupby("product_id", sort=False)["alt"].agg(lambda x: ",".join(x.astype(object).fillna("").astype("str")))
    coll = cat.collections.set_index("collection_id")
    cp = cat.collection_products.copy()
    cp["path"] = cp["collection_id"].map(coll["path"].where(coll["path"].notna(), coll["title"]))
    cp = cp.dropna(subset=["path"])
    cp["mpath"] = "Default Category/" + cp["path"].astype("str").str.replace(" > ", "/", regex=False)
    cats = cp.groupby("product_id", sort=False)["mpath"].agg(",".join)
    # non-option attributes -> additional_attributes
    cust = extra[extra["namespace"] == ATTR_NS]
    cust = cust.assign(pair=_code(cust["key"]) + "=" + cust["value"].astype("str").str.replace(",", "|", regex=False))
    aa_p = cust[cust["entity"] == "product"].groupby("entity_id", sort=False)["pair"].agg(",".join)
    aa_v = cust[cust["entity"] == "variant"].groupby("entity_id", sort=False)["pair"].agg(",".join)

    vv = v.merge(p[["product_id", "handle", "title", "description_html", "status", "published", "seo_title",
                    "seo_description"]], on="product_id", how="left")
    vv["is_child"] = vv["product_id"].isin(conf_ids)
    # option values per variant (positions as columns)
    opt = po.assign(code=_code(po["name"]))
    vov = vo.merge(v[["variant_id", "product_id"]], on="variant_id").merge(
        opt[["product_id", "position", "code", "name"]], on=["product_id", "position"])
    vov["pair"] = vov["code"] + "=" + vov["value"].astype("str")
    vpairs = vov.sort_values(["variant_id", "position"]).groupby("variant_id", sort=False)["pair"].agg(",".join)
    vvals = vov.sort_values(["variant_id", "position"]).groupby("variant_id", sort=False)["value"].agg(
        lambda x: "-".join(x.astype("str")))

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
        sale = src["compare_at_price"].notna()
        R["price"] = np.where(sale, fmt_money(src["compare_at_price"]), fmt_money(src["price"]))
        R["special_price"] = np.where(sale, fmt_money(src["price"]), "")
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
    K["_parent_sku"] = kids["product_id"].map(pd.Series(C["sku"].to_numpy(), index=cp_["product_id"].to_numpy()))
    rec = ("sku=" + K["sku"] + "," + K["additional_attributes"].astype("str").str.split(",").str[
        :1].str.join(""))
    # the record holds only the option pairs
    K["_rec"] = "sku=" + K["sku"] + "," + kids["variant_id"].map(vpairs).astype(object).fillna("").to_numpy()
    del rec
    C["configurable_variations"] = cp_["product_id"].map(
        pd.Series(K["_rec"].to_numpy(), index=kids["product_id"].to_numpy()).groupby(level=0, sort=False)
        .agg("|".join)).astype(object).fillna("")
    labels = opt.assign(pair=opt["code"] + "=" + opt["name"].astype("str")).sort_values(["product_id", "position"])
    C["configurable_variation_labels"] = cp_["product_id"].map(
        labels.groupby("product_id", sort=False)["pair"].agg(",".join)).astype(object).fillna("")
    C["additional_attributes"] = cp_["product_id"].map(aa_p).astype(object).fillna("")
    K = K.drop(columns=["_parent_sku", "_rec"])
    out = pd.concat([K, O, C], ignore_index=True)
    out = out.sort_values(["_order", "_vpos"], kind="stable").drop(columns=["_order", "_vpos"])
    for c in IMPORT_COLUMNS:
        if c not in out:
            out[c] = ""
    out = out[IMPORT_COLUMNS].astype(object).fillna("").astype("str").replace({"nan": "", "<NA>": "", "None": ""})
    return out.reset_index(drop=True)


register("magento2", Magento2Adapter)
