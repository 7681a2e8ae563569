"""WooCommerce: the built-in product CSV exporter/importer (formats.md section 2).

Reading turns the exporter's CSV into the canonical catalog, column-wise (no Python loop per row):

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

from ..errors import InputError
from ..safeio import atomic_write
from . import register
from .base import Adapter, Catalog, ReadResult, issues_frame, loss_frame
from ._common import (ATTR_NS, arrow_strings, attr_key, collections_from_paths, concat_extra, concat_results,
                      first_item, merge_codes, str_series, to_numeric,
                      extra_rows, extra_wide, fmt_money, isin, issue, issues_for, join_list, lookup,
                      mapping_headers, mapping_option_name, money, normalise_list, slugify_series,
                      split_list, unique_handles, fold_grouped, final_variant_ids, suffix_repeats)
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
        df = t.frame
        aliases = mapping_headers(mapping, self.name)
        if aliases:
            df = df.rename(columns={k: v for k, v in aliases.items() if k in df.columns})
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
        for c in ("ID", "SKU", "Parent", "Images", "Categories", "Tags", "Published", "Stock",
                  "In stock?", "Backorders allowed?", "Sale price", "Regular price", "Description"):
            if c not in df.columns:
                df[c] = ""
        # the exporter's formula guard: '= '+ '- '@ (and our own TAB/CR) lose the leading quote
        for c in df.columns:
            s = df[c]
            m = s.str.startswith("'")
            if m.any():
                m &= s.str[1:2].isin(list(_TRIGGERS))
                if m.any():
                    df[c] = s.where(~m, s.str[1:])
        loss: list[dict] = []
        used: dict[str, str] = {}
        loss_notes: dict[str, list[str]] = {}   # column -> "<n> ..." segments of its loss note
        loss_dropped: dict[str, int] = {}       # column -> values dropped although the column is used

        typ = df["Type"].str.lower()
        base = typ.str.replace(r"(?s),.*$", "", regex=True).str.strip()
        flags = typ.str.replace(" ", "", regex=False)
        downloadable = flags.str.contains("downloadable", regex=False)
        virtual = flags.str.contains("virtual", regex=False)
        is_var = base == "variation"
        used["Type"] = "extra:woocommerce.type; variants.requires_shipping"

        ids = df["ID"].str.strip()
        sku = df["SKU"].str.strip()
        rowno = pd.Series(np.arange(n), index=df.index).astype("str")
        key = ids.where(ids != "", "sku:" + sku)
        key = key.where(key != "sku:", "row:" + rowno)
        rid = key  # product id for product rows; a temporary variant id for variation rows
        prod_mask = ~is_var
        dup = rid.duplicated(keep="first")
        if dup.any():
            issues += issues_for(dup, t, df, severity="error", column="ID" if (ids != "").all() else "SKU",
                                 check="duplicate_product",
                                 detail="this ID/SKU appeared on an earlier row; the row was skipped")
            keep = ~dup
            df, typ, base, downloadable, virtual, is_var, ids, sku, rid, prod_mask = (
                x[keep] for x in (df, typ, base, downloadable, virtual, is_var, ids, sku, rid, prod_mask))

        # ---- parents of variations ------------------------------------------------------------
        parent = df["Parent"].str.strip()
        by_id = pd.Series(rid[prod_mask & (ids != "")].to_numpy(), index=ids[prod_mask & (ids != "")].to_numpy())
        by_sku = pd.Series(rid[prod_mask & (sku != "")].to_numpy(), index=sku[prod_mask & (sku != "")].to_numpy())
        by_id = by_id[~by_id.index.duplicated()]
        by_sku = by_sku[~by_sku.index.duplicated()]
        is_idref = parent.str.startswith("id:")
        pid_of_var = pd.Series(None, index=df.index, dtype="str")
        pid_of_var = pid_of_var.mask(is_var & is_idref, lookup(parent.str[3:].str.strip(), by_id.index, by_id))
        pid_of_var = pid_of_var.mask(is_var & ~is_idref, lookup(parent, by_sku.index, by_sku))
        orphan = is_var & pid_of_var.isna()
        if orphan.any():
            pos = np.flatnonzero(orphan.to_numpy())
            issues += [issue("error", file, t.line_of(int(df.index[i])), "Parent", "orphan_variation", f"the parent '{parent.iat[i]}' of this variation is not in the file; the variation "
                             "was not imported", "export the parent product together with its variations", product=df["Name"].iat[i], sku=sku.iat[i])
                       for i in pos[:50]]
        used["Parent"] = "variants.product_id"
        used["ID"] = "products.source_id; variants.source_id"
        used["SKU"] = "variants.sku"

        P = df[prod_mask]
        prid = rid[prod_mask]
        V = df[is_var & ~orphan]
        vid = rid[is_var & ~orphan]
        vpid = pid_of_var[is_var & ~orphan]
        pbase = base[prod_mask]

        # ---- attributes (long form) -------------------------------------------------------------
        attr_n = sorted({int(m.group(1)) for c in df.columns if (m := _ATTR_HEADER.match(c))})
        pa_parts, va_parts = [], []
        # integer stand-ins for the string ids (row positions in P and V): cheap join/dedupe keys
        vppos = lookup(vpid, prid)
        for k in attr_n:
            nm, vl = f"Attribute {k} name", f"Attribute {k} value(s)"
            vis, glo, dft = f"Attribute {k} visible", f"Attribute {k} global", f"Attribute {k} default"
            for c in (nm, vl, vis, glo, dft):
                if c in df.columns:
                    used[c] = "product_options / variant_options / extra:custom.<attribute>"
            if nm not in df.columns:
                continue
            # Arrow-backed arrays all the way (no round trip through Python objects)
            pn = P[nm].str.strip()
            m = (pn != "").to_numpy(dtype=bool)
            pa_parts.append(pd.DataFrame({
                "product_id": prid.array[m], "pprow": np.flatnonzero(m), "n": k, "name": pn.array[m],
                "values": P[vl].array[m] if vl in P else "",
                "visible": P[vis].array[m] if vis in P else "",
                "global": P[glo].array[m] if glo in P else "",
                "default": P[dft].array[m] if dft in P else ""}))
            vn = V[nm].str.strip()
            m = (vn != "").to_numpy(dtype=bool)
            va_parts.append(pd.DataFrame({
                "variant_id": vid.array[m], "product_id": vpid.array[m], "vrow": np.flatnonzero(m),
                "pprow": vppos[m], "n": k,
                "name": vn.array[m],
                "value": (V[vl].str.replace("\\,", ",", regex=False).str.strip().array[m]
                          if vl in V else "")}))
        acols = ["product_id", "pprow", "n", "name", "values", "visible", "global", "default"]
        pattr = pd.concat(pa_parts, ignore_index=True) if pa_parts else pd.DataFrame(columns=acols)
        vattr = (pd.concat(va_parts, ignore_index=True) if va_parts
                 else pd.DataFrame(columns=["variant_id", "product_id", "vrow", "pprow", "n", "name", "value"]))
        for fr in (pattr, vattr):
            for col in fr.columns:
                if col in ("n", "vrow", "pprow"):
                    continue
                if isinstance(fr[col].array, pd.arrays.ArrowStringArray):
                    fr[col] = fr[col].fillna("")
                else:
                    fr[col] = fr[col].astype(object).where(fr[col].notna(), "").astype("str")
        pattr["nkey"] = pattr["name"].astype("str").str.lower()
        vattr["nkey"] = vattr["name"].astype("str").str.lower()
        # (pprow, nkey) stands for (product_id, nkey) and (vrow, nkey) for (variant_id, nkey)
        pattr = pattr.drop_duplicates(["pprow", "nkey"])
        vattr = vattr.drop_duplicates(["vrow", "nkey"])

        # options: attributes used by at least one variation, in the parent's attribute order
        usedattr = vattr[["product_id", "nkey", "name", "n", "pprow"]].drop_duplicates(["pprow", "nkey"])
        opts = usedattr.merge(pattr[["pprow", "nkey", "n", "name", "values"]], on=["pprow", "nkey"],
                              how="left", suffixes=("_v", ""))
        opts["name"] = opts["name"].where(opts["name"].notna(), opts["name_v"])
        opts["order"] = opts["n"].where(opts["n"].notna(), opts["n_v"].astype("float") + 1000).astype("float")
        opts = opts.sort_values(["product_id", "order"], kind="stable")
        opts["position"] = opts.groupby("product_id", sort=False).cumcount() + 1
        opts["values"] = opts["values"].fillna("")
        if len(opts):
            uniq_names = pd.unique(opts["name"].to_numpy())
            rename = {x: mapping_option_name(mapping, x) for x in uniq_names}
            opts["oname"] = opts["name"].map(rename)
        else:
            opts["oname"] = pd.Series(dtype="str")

        # ---- variants ---------------------------------------------------------------------------
        # weight unit from the header
        wcol = next((c for c in df.columns if _UNIT_HEADER.match(c) and c.startswith("Weight")), None)
        wunit = None
        if wcol:
            u = _UNIT_HEADER.match(wcol).group(2).strip().lower()
            wunit = _WEIGHT_UNITS.get(u)
            used[wcol] = "variants.weight, variants.weight_unit"
            if wunit is None:
                issues.append(issue("warning", file, 1, wcol, "wc_weight_unit", f"the weight unit '{u}' is not one of kg, g, lbs, oz; weights were not imported", product="", sku=""))
        dims = [c for c in df.columns if _UNIT_HEADER.match(c) and not c.startswith("Weight")]

        def row_values(R: pd.DataFrame, rids: pd.Series, parent_ids: pd.Series | None):
            """Variant columns for product rows (parent_ids None) or variation rows."""
            sale, bad_s = money(R["Sale price"])
            reg, bad_r = money(R["Regular price"])
            for bad, col in ((bad_s, "Sale price"), (bad_r, "Regular price")):
                if bad.any():
                    issues.extend(issues_for(bad, t, df.loc[R.index], severity="error",
                                             column=col, check="bad_number",
                                             detail=lambda i, c=col, RR=R: f"'{RR[c].iat[i]}' is not an amount; "
                                                                           "the price was left empty"))
            dates = pd.Series(False, index=R.index)
            for c in ("Date sale price starts", "Date sale price ends"):
                if c in R:
                    dates |= R[c] != ""
            use_sale = sale.notna() & ~dates
            price = sale.where(use_sale, reg)
            compare = reg.where(use_sale & reg.notna(), None)
            stock = R["Stock"].str.strip()
            out = pd.DataFrame({"variant_id": rids.to_numpy()}, index=R.index)
            out["sku"] = R["SKU"].str.strip().where(R["SKU"].str.strip() != "", None)
            out["price"] = price
            out["compare_at_price"] = compare
            out["sched"] = dates & sale.notna()
            bc = "GTIN, UPC, EAN, or ISBN"
            out["barcode"] = R[bc].where(R[bc] != "", None) if bc in R else None
            out["cost"] = money(R["Cost of goods"])[0] if "Cost of goods" in R else None
            w = to_numeric(R[wcol].str.strip().replace("", None)) if wcol and wunit else None
            out["weight"] = w
            out["weight_unit"] = None if w is None else pd.Series(wunit, index=R.index).where(w.notna(), None)
            instock = R["In stock?"].str.strip().str.lower()
            back = R["Backorders allowed?"].str.strip().str.lower()
            q = to_numeric(stock.where(stock.str.match(r"^-?\d+(\.0+)?$"), None))
            out["inventory_quantity"] = q
            out["stock_parent"] = stock.str.lower() == "parent"
            out["tracked"] = q.notna() | (instock == "0") | out["stock_parent"]
            out.loc[q.isna() & (instock == "0") & ~out["stock_parent"], "inventory_quantity"] = 0
            out["inventory_policy"] = np.where(back.isin(["1", "notify"]) | (instock == "backorder"), "continue",
                                               "deny")
            out["requires_shipping"] = ~virtual[R.index]
            ts = R["Tax status"].str.strip().str.lower() if "Tax status" in R else pd.Series("", index=R.index)
            out["taxable"] = ts.map({"taxable": True, "none": False, "shipping": False})
            out["image_src"] = first_item(R["Images"])
            out["source_id"] = R["ID"].where(R["ID"] != "", None)
            out["product_id"] = rids.to_numpy() if parent_ids is None else parent_ids.to_numpy()
            return out

        pv = row_values(P, prid, None)
        vv = row_values(V, vid, vpid)
        # a variation with an empty weight inherits its parent's (WooCommerce behaviour)
        if wcol and wunit and len(vv):
            pw = pd.Series(pv["weight"].to_numpy(), index=prid.to_numpy())
            inh = vv["weight"].isna()
            if inh.any():
                vv.loc[inh, "weight"] = vv.loc[inh, "product_id"].map(pw).to_numpy()
            vv["weight_unit"] = pd.Series(wunit, index=vv.index).where(vv["weight"].notna(), None)
        # stock managed at the parent ("parent"): the parent's quantity goes on the first variant
        if vv["stock_parent"].any():
            pq = pd.Series(pv["inventory_quantity"].to_numpy(), index=prid.to_numpy())
            sp = vv["stock_parent"]
            first = sp & ~vv.loc[sp, "product_id"].duplicated().reindex(vv.index, fill_value=True)
            vv.loc[sp, "inventory_quantity"] = 0
            vv.loc[first, "inventory_quantity"] = vv.loc[first, "product_id"].map(pq).fillna(0).to_numpy()
            issues += issues_for(pd.Series(sp.to_numpy(), index=V.index), t, V,
                                 severity="warning", column="Stock", check="wc_stock_at_parent",
                                 detail="stock is managed on the parent and shared by its variations; Shopify keeps "
                                        "stock per variant, so the parent's quantity was put on the first variant "
                                        "and 0 on the others", limit=20)

        # variable parents with variations do not sell themselves; others are their own variant
        has_vars = pd.Series(isin(prid, vpid), index=P.index)
        variable = (pbase == "variable")
        lonely = variable & ~has_vars
        if lonely.any():
            issues += issues_for(lonely, t, P, severity="warning", column="Type",
                                 check="wc_variable_without_variations",
                                 detail="this variable product has no variations in the file; it was imported "
                                        "as a product with one variant")
        own = pv[~(variable & has_vars)].copy()
        own["order_a"] = 0.0
        own["order_b"] = 0.0
        vv = vv.copy()
        vv["order_a"] = to_numeric(V["Position"]).fillna(0).to_numpy() if "Position" in V else 0.0
        vv["order_b"] = to_numeric(V["ID"]).fillna(0).to_numpy()
        vv["fileorder"] = np.arange(len(vv))
        own["fileorder"] = np.arange(len(own))

        # option values of variation variants; blank = "any"
        vopt = pd.DataFrame({"variant_id": vv["variant_id"].array, "product_id": vv["product_id"].array,
                             "vrow": np.arange(len(vv)), "pprow": vppos})
        vopt = vopt.merge(opts[["pprow", "nkey", "position", "oname", "values"]], on="pprow", how="inner")
        vopt = vopt.merge(vattr[["vrow", "nkey", "value"]], on=["vrow", "nkey"], how="left")
        vopt = vopt.drop(columns=["vrow", "pprow"])
        vopt["value"] = vopt["value"].fillna("")
        anyv = vopt["value"] == ""
        extra_parts: list[pd.DataFrame] = []
        if anyv.any():
            # an attribute blank on EVERY variation of a product is not an option (mapping rules 3)
            allb = anyv.groupby([vopt["product_id"], vopt["position"]]).transform("all")
            dropo = vopt[allb].drop_duplicates(["product_id", "position"])
            if len(dropo):
                extra_parts.append(pd.DataFrame({
                    "entity": "product", "entity_id": dropo["product_id"].to_numpy(), "namespace": ATTR_NS,
                    "key": attr_key(dropo["oname"]).to_numpy(),
                    "value": dropo["values"].astype("str").str.replace("\\,", ",", regex=False).to_numpy(),
                    "type": "single_line_text_field"}))
                pnames = pd.Series(P["Name"].to_numpy(), index=prid.to_numpy())
                prow = pd.Series(P.index.to_numpy(), index=prid.to_numpy())
                for r in dropo.head(50).itertuples():
                    issues.append(issue("warning", file, t.line_of(int(prow[r.product_id])), "Attribute value(s)", "any_value_attribute", f"'{r.oname}' is blank ('any {r.oname}') on every variation, so it is not a "
                                        f"variant option; its values are kept as extra custom.{attr_key(pd.Series([r.oname])).iat[0]}", product=pnames[r.product_id], sku=""))
                dk = set(zip(dropo["product_id"], dropo["position"]))
                keep = ~pd.Series(list(zip(opts["product_id"], opts["position"])), index=opts.index).isin(dk)
                opts = opts[keep].copy()
                opts["position"] = opts.groupby("product_id", sort=False).cumcount() + 1
                vopt = vopt[~allb].drop(columns=["position"]).merge(opts[["product_id", "nkey", "position"]],
                                                                    on=["product_id", "nkey"])
                anyv = vopt["value"] == ""
        if anyv.any():
            # blank on only some variations: one variant per parent value not already taken
            a = vopt[anyv]
            vrow = pd.Series(np.arange(len(V)), index=vid.to_numpy())
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
            key["product_id"] = key["variant_id"].map(pd.Series(vv["product_id"].to_numpy(),
                                                                index=vv["variant_id"].to_numpy()))
            key["explicit"] = ~key["variant_id"].isin(set(a["variant_id"]))
            key = key.sort_values("explicit", ascending=False, kind="stable")
            key = key[~key.duplicated(["product_id", "key"])]
            combos = combos[combos["new_variant_id"].isin(key.index)]
            base_v = vv.set_index("variant_id")
            newv = key.reset_index()
            newv = newv.set_index("new_variant_id").loc[pd.unique(combos["new_variant_id"])].reset_index()
            vv = base_v.loc[newv["variant_id"].to_numpy()].reset_index()
            vv["sku"] = np.where(newv["suffix"].to_numpy() != "",
                                 vv["sku"].fillna("").astype("str") + "-" + newv["suffix"].to_numpy(), vv["sku"])
            vv["variant_id"] = newv["new_variant_id"].to_numpy()
            vv["fileorder"] = np.arange(len(vv))
            vopt = combos[["new_variant_id", "product_id", "position", "value"]].rename(
                columns={"new_variant_id": "variant_id"})
        variants = pd.concat([own, vv], ignore_index=True)
        variants["porder"] = lookup(variants["product_id"], prid)
        variants["isvar"] = isin(variants["variant_id"], vv["variant_id"])
        variants = variants.sort_values(["porder", "isvar", "order_a", "order_b", "fileorder"], kind="stable")
        variants["position"] = variants.groupby("product_id", sort=False).cumcount() + 1
        no_price = variants["price"].isna()

        # ---- products ---------------------------------------------------------------------------
        pub = P["Published"].str.strip()
        status = pub.map({"1": "active"}).fillna("draft")
        noprice_p = pd.Series(isin(prid, variants.loc[no_price, "product_id"]), index=P.index)
        status = status.where(~noprice_p, "draft")
        title = P["Name"].str.strip()
        handle = unique_handles(slugify_series(title), pd.Series("product", index=P.index))
        desc = decode_description(P["Description"])
        products = pd.DataFrame({
            "product_id": prid.array, "handle": handle.array, "title": title.array,
            "description_html": desc.where(desc != "", None).array,
            "tags": normalise_list(P["Tags"]).array,
            "status": status.array, "published": (pub == "1").array,
            "source_platform": PLATFORM, "source_id": P["ID"].where(P["ID"] != "", None).array,
        })
        for c, tgt in (("Meta: _yoast_wpseo_title", "seo_title"), ("Meta: _yoast_wpseo_metadesc", "seo_description")):
            if c in P:
                products[tgt] = P[c].where(P[c] != "", None).to_numpy()
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
        def flag(mask, R, col, check, detail, sev="warning"):
            if mask.any():
                issues.extend(issues_for(mask, t, R, severity=sev, column=col,
                                         check=check, detail=detail))
        flag(pbase == "grouped", P, "Grouped products", "grouped_to_collection",
             "grouped product: Shopify has no grouped type; it became a collection of its child products (its own "
             "images and categories are not migrated: see the loss report)")
        flag(pbase == "external", P, "External URL", "external_product",
             "external/affiliate product: Shopify has no external type; the URL and button text are in extra "
             "(woocommerce.external_url, woocommerce.button_text) and the product sells as a normal product")
        flag(downloadable[prod_mask], P, "Type", "downloads_not_migrated",
             "downloadable product: the files (Download N name/URL) are kept in extra "
             "woocommerce.download_<n>_name/url; Shopify needs a digital-downloads app to deliver them")
        np_rows = pd.Series(isin(prid, variants.loc[no_price & ~variants["isvar"], "product_id"]),
                            index=P.index) & (pbase != "grouped")
        flag(np_rows, P, "Regular price", "no_price",
             "this product has no price; it was imported as a draft with price 0")
        vnp = pd.Series(isin(vid, variants.loc[no_price & variants["isvar"], "variant_id"]), index=V.index)
        flag(vnp, V, "Regular price", "no_price",
             "this variation has no price; its product was imported as a draft with price 0")
        sched = variants["sched"].fillna(False).astype(bool)
        if sched.any():
            sp_ids = set(variants.loc[sched, "variant_id"])
            m = pd.Series(isin(rid, sp_ids), index=df.index)
            flag(m, df, "Date sale price starts", "scheduled_sale",
                 "a sale with start/end dates: Shopify's CSV has no scheduled prices, so the regular price was "
                 "imported and the sale price and dates kept in extra")
        variants["price"] = variants["price"].fillna("0")

        # ---- images -----------------------------------------------------------------------------
        im = split_list(P["Images"])
        ppos = P.index.get_indexer(im.index) if len(im) else np.zeros(0, dtype=np.int64)
        # "o" (the product's row in P) stands for product_id in the keys below
        images = pd.DataFrame({"product_id": str_series(arrow_strings(prid).take(pa.array(ppos))),
                               "src": pd.array(arrow_strings(im), dtype="str"), "o": ppos})
        images = images.drop_duplicates(["o", "src"])
        vimg = variants.loc[variants["image_src"].notna(), ["product_id", "image_src", "porder"]]
        vimg = pd.DataFrame({"product_id": vimg["product_id"].astype("str").array,
                             "src": vimg["image_src"].astype("str").array, "o": vimg["porder"].to_numpy()})
        vimg = vimg.drop_duplicates(["o", "src"])
        if len(vimg) and len(images):
            lc, rc = merge_codes([vimg["o"], vimg["src"]], [images["o"], images["src"]])
            extra_img = vimg[~np.isin(lc, rc)]
        else:
            extra_img = vimg
        images = pd.concat([images, extra_img], ignore_index=True)
        order = images["o"].to_numpy()
        images = images.iloc[np.argsort(order, kind="stable")]
        images["position"] = images.groupby("o", sort=False).cumcount() + 1
        images = images[["product_id", "position", "src"]]

        # ---- collections --------------------------------------------------------------------------
        cats = split_list(P["Categories"])
        collections, members = collections_from_paths(
            pd.DataFrame({"product_id": lookup(cats.index, P.index, prid), "path": cats.to_numpy()}),
            platform=PLATFORM, level_sep=">", mapping=mapping)
        collections["source_id"] = collections["path"]

        # ---- extra -------------------------------------------------------------------------------
        ent = pd.Series(np.where(is_var, "variant", "product"), index=df.index)
        kept = prod_mask | (is_var & ~orphan)
        if kept.all():  # no copy of the wide table when every row is kept
            D, E, R = df, ent, rid
        else:
            D, E, R = df[kept], ent[kept], rid[kept]
        structural = base[kept].isin(["simple", "variation"])
        extra_parts.append(extra_rows(R, base[kept].where(~structural, ""), E, NS, "type"))
        n_ = int((structural & (D["Type"] != "")).sum())
        if n_:
            loss_notes.setdefault("Type", []).append(
                f"{n_} 'simple'/'variation' (the product or variant itself, not kept)")
        extra_parts.append(extra_rows(R, D["Type"].where(downloadable[kept] | virtual[kept], ""), E, NS, "type_flags"))
        # a variable parent's own SKU has no variant to live on
        extra_parts.append(extra_rows(R, D["SKU"].where(base[kept] == "variable", ""), E, NS, "parent_sku"))
        pub_all = D["Published"].str.strip()
        extra_parts.append(extra_rows(R, pub_all.where(~pub_all.isin(["1", ""]), ""), E, NS, "published"))
        extra_parts.append(extra_rows(R, D["Stock"].where(D["Stock"].str.lower() == "parent", ""), E, NS, "stock"))
        extra_parts.append(extra_rows(R, D["In stock?"].where(D["In stock?"] == "backorder", ""), E, NS,
                                      "stock_status"))
        if sched.any():
            m = pd.Series(isin(R, variants.loc[sched, "variant_id"]), index=D.index)
            extra_parts.append(extra_rows(R, D["Sale price"].where(m, ""), E, NS, "sale_price"))
        vn = V["Name"].str.strip()
        extra_parts.append(extra_rows(vid, vn, "variant", NS, "name"))
        vd = decode_description(V["Description"])
        extra_parts.append(extra_rows(vid, vd, "variant", NS, "description", "multi_line_text_field"))
        # every non-empty cell of a column said to become extra is either an extra row or counted in
        # the loss row's note ("<n> ..." segments) -- the loss table never claims what it did not do
        isprod = (E == "product")
        for c, (ns, k, default) in _EXTRA_COLUMNS.items():
            if c not in D:
                continue
            s = D[c]
            keep_m = s != ""
            segs: list[str] = []
            if k not in _VARIATION_FIELDS:  # product-only settings
                onvar = keep_m & ~isprod
                if k == "menu_order":
                    n_ = int(onvar.sum())
                    if n_:
                        segs.append(f"{n_} on variation rows: the variation order (variants.position)")
                else:
                    fixed = _VARIATION_FIXED.get(k)
                    fx = onvar & (s == fixed) if fixed is not None else pd.Series(False, index=D.index)
                    n_ = int(fx.sum())
                    if n_:
                        segs.append(f"{n_} on variation rows equal to the exporter's fixed value '{fixed}' (not kept)")
                    n_ = int((onvar & ~fx).sum())
                    if n_:
                        segs.append(f"{n_} on variation rows dropped (a product-only setting)")
                        loss_dropped[c] = loss_dropped.get(c, 0) + n_
                keep_m &= isprod
            if default is not None:
                dm = keep_m & (s == default)
                n_ = int(dm.sum())
                if n_:
                    segs.append(f"{n_} equal to WooCommerce's default '{default}' (not kept, the writer restores it)")
                keep_m &= ~dm
            if c == "Short description":
                s = decode_description(s)
            extra_parts.append(extra_rows(R, s.where(keep_m, ""), E, ns, k))
            used[c] = f"extra:{ns}.{k}"
            if k == "tax_status":
                used[c] += "; variants.taxable"
            elif k == "menu_order":
                used[c] += "; variants.position (variation order)"
            loss_notes.setdefault(c, []).extend(segs)
        for c in dims:
            u = _UNIT_HEADER.match(c).group(2)
            k = _UNIT_HEADER.match(c).group(1).lower()
            extra_parts.append(extra_rows(R, D[c], E, NS, k))
            used[c] = f"extra:{NS}.{k} (unit '{u}' in extra:{NS}.dimension_unit)"
        if dims:
            anyd = pd.Series(False, index=D.index)
            for c in dims:
                anyd |= D[c] != ""
            extra_parts.append(extra_rows(R, pd.Series(_UNIT_HEADER.match(dims[0]).group(2), index=D.index)
                                          .where(anyd, ""), E, NS, "dimension_unit"))
        # downloads: one extra row per Download N name/URL/ID cell
        for c in df.columns:
            m = _DL_HEADER.match(c)
            if m:
                k = f"download_{m.group(1)}_{m.group(2).lower()}"
                extra_parts.append(extra_rows(R, D[c], E, NS, k))
                used[c] = f"extra:{NS}.{k}"
        metas = [c for c in df.columns if c.startswith("Meta: ") and used.get(c) is None]
        for c in metas:
            k = c[6:].strip()
            extra_parts.append(extra_rows(R, D[c], E, META_NS, k))
            used[c] = f"extra:{META_NS}.{k}"
        # attributes that are not variant options -> metafields; their flags -> woocommerce namespace
        if len(pattr):
            if len(opts):
                lc, rc = merge_codes([pattr["pprow"], pattr["nkey"]], [opts["pprow"], opts["nkey"]])
                na = pattr[~np.isin(lc, rc)].reset_index(drop=True)
            else:
                na = pattr.reset_index(drop=True)
            if len(na):
                vals = na["values"].astype("str").str.replace("\\,", ",", regex=False)
                extra_parts.append(pd.DataFrame({
                    "entity": "product", "entity_id": na["product_id"].to_numpy(), "namespace": ATTR_NS,
                    "key": attr_key(na["name"]).to_numpy(), "value": vals.to_numpy(),
                    "type": "single_line_text_field"}))
            for fl, dflt in (("visible", "1"), ("global", "1"), ("default", "")):
                f = pattr[(pattr[fl].astype("str") != dflt) & (pattr[fl].astype("str") != "")] if fl != "global" \
                    else pattr[pattr[fl].astype("str") == "0"]
                if len(f):
                    extra_parts.append(pd.DataFrame({
                        "entity": "product", "entity_id": f["product_id"].to_numpy(), "namespace": NS,
                        "key": "attribute:" + f["name"].astype("str") + ":" + fl, "value": f[fl].astype("str").to_numpy(),
                        "type": "single_line_text_field"}))
        # variation attributes that are not options of the parent (should not happen) stay as extra
        known = set(used) | {"Type"}
        for c in df.columns:
            if c in known:
                continue
            k = re.sub(r"[^a-z0-9]+", "_", c.lower()).strip("_")
            extra_parts.append(extra_rows(R, D[c], E, NS, k))
            used[c] = f"extra:{NS}.{k}"
        extra = concat_extra(extra_parts)

        # ---- options frames ------------------------------------------------------------------------
        product_options = pd.DataFrame({"product_id": opts["product_id"].array,
                                        "position": opts["position"].array,
                                        "name": opts["oname"].array})
        variant_options = pd.DataFrame({"variant_id": vopt["variant_id"].array,
                                        "position": vopt["position"].array,
                                        "value": vopt["value"].array})
        # mangled identifiers (spreadsheets): flag, never fix
        for c in ("SKU", "GTIN, UPC, EAN, or ISBN"):
            if c in df:
                m = df[c].str.match(_SCI)
                if m.any():
                    issues += issues_for(m, t, df, severity="warning", column=c,
                                         check="spreadsheet_mangled",
                                         detail=lambda i, c=c: f"'{df[c].iat[i]}' looks like a number a spreadsheet "
                                                               "turned into scientific notation; it was kept as is")

        # ---- grouped products become collections of their children (mapping rules 1.6) ----------
        gmask = (pbase == "grouped").to_numpy()
        if gmask.any():
            G = P[gmask]
            gid = prid[gmask]
            gh = pd.Series(products.loc[gmask, "handle"].to_numpy(), index=G.index)
            kids = split_list(G["Grouped products"])
            kid_pid = pd.Series(np.where(kids.str.startswith("id:"), kids.str[3:].str.strip().map(by_id),
                                         kids.map(by_sku)), index=kids.index)
            miss = kid_pid.isna()
            for i in np.flatnonzero(miss.to_numpy())[:50]:
                r = kids.index[i]
                issues.append(issue("warning", file, t.line_of(int(r)), "Grouped products", "grouped_member_missing", f"the grouped product's member '{kids.iat[i]}' is not in the file", product=G.at[r, "Name"], sku=G.at[r, "SKU"]))
            gcoll = pd.DataFrame({"collection_id": gh.to_numpy(), "handle": gh.to_numpy(),
                                  "title": G["Name"].str.strip().to_numpy(),
                                  "path": None, "description_html": decode_description(G["Description"]).replace(
                                      "", None).to_numpy(), "source_id": G["ID"].replace("", None).to_numpy(),
                                  "source_url": None})
            gm = pd.DataFrame({"collection_id": gh.reindex(kids.index).to_numpy(), "product_id": kid_pid.to_numpy()})
            gm = gm[gm["product_id"].notna()].drop_duplicates()
            gm["position"] = gm.groupby("collection_id", sort=False).cumcount() + 1
            gset = set(gid)
            for col, what in (("Images", "images"), ("Categories", "categories")):
                ne = int((G[col] != "").sum())
                if ne:
                    loss.append({"file": file, "column": col, "became": "", "non_empty": ne, "dropped": ne,
                                 "note": f"{what} of grouped products (they became collections)"})
            f = fold_grouped({"products": products, "variants": variants, "images": images, "members": members,
                              "collections": collections, "extra": extra}, gset, gcoll, gm,
                             pd.Series(gh.to_numpy(), index=gid.to_numpy()))
            products, variants, images = f["products"], f["variants"], f["images"]
            members, collections, extra = f["members"], f["collections"], f["extra"]

        # ---- final variant ids: <product_id>#<position> (mapping rules 1.2) ---------------------
        variants, variant_options, extra = final_variant_ids(variants, variant_options, extra)
        vcols = ["variant_id", "product_id", "position", "sku", "barcode", "price", "compare_at_price", "cost",
                 "weight", "weight_unit", "inventory_quantity", "inventory_policy", "requires_shipping", "taxable",
                 "image_src", "source_id"]
        variants["inventory_tracker"] = np.where(variants["tracked"].fillna(False).astype(bool), "shopify", None)
        variants["inventory_quantity"] = variants["inventory_quantity"].astype("Float64").round().astype("Int64")
        variants["requires_shipping"] = variants["requires_shipping"].astype("boolean")
        variants["taxable"] = variants["taxable"].astype("boolean")
        not_imported = ~kept.to_numpy()
        for c in df.columns:
            nz = (df[c] != "").to_numpy()
            ne = int(nz.sum())
            became = used.get(c, "")
            segs = list(loss_notes.get(c, []))
            dropped = loss_dropped.get(c, 0)
            if became.startswith("extra:") and not_imported.any():
                n_ = int((nz & not_imported).sum())
                if n_:
                    segs.append(f"{n_} on variation rows not imported (orphan_variation)")
                    dropped += n_
            loss.append({"file": file, "column": c, "became": became, "non_empty": ne,
                         "dropped": dropped if became else ne, "note": "; ".join(segs)})
        frames = dict(products=products, product_options=product_options,
                      variants=variants[vcols + ["inventory_tracker"]],
                      variant_options=variant_options, images=images, collections=collections,
                      collection_products=members, extra=extra)
        # the wide table and the working frames are not needed any more: free them before the
        # schema check copies the canonical tables (peak memory)
        del t, df, D, P, V, pv, vv, variants, products, product_options, variant_options, vopt, images, extra, \
            extra_parts, pattr, vattr
        catalog = Catalog.from_frames(**frames)
        del frames
        return ReadResult(catalog, loss_frame(loss), issues_frame(issues), [file])

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
