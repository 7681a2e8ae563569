"""BigCommerce: the legacy (v2) "Bulk Edit" product export (source only).

One ``Item Type=Product`` row per product, then its ``SKU`` rows (variants) and ``Rule`` rows
(price/weight rules) directly underneath. A SKU row's ``Product Name`` holds its option values as
``[S]Size=M,[RB]Color=Red`` (the bracket is the option type: dropped, kept in extra). Images are
numbered column groups (``Product Image File - N`` ...), categories ``;``-separated paths with ``/``
between levels. Columns are matched by name (case-insensitive, ``[headers]`` of the mapping file
applied first). Customer exports (Bulk Edit customer template: ``Email Address``, ``First Name``,
``Last Name``, ..., ``Address ... - N`` groups) given beside it are recognised by their header and read
into ``customers`` (passwords never carried). Decisions: ``docs/mapping.md``, section BigCommerce.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError
from ..mapping import Mapping
from . import register
from .base import Adapter, ReadResult
from .csvio import read_table
from ._common import (MONEY, collections_from_paths, concat_extra, concat_results, extra_columns, extra_key,
                      extra_rows, finish, flag_repeats, issue, loss_rows, none_if_empty, scan_values, slugify_series,
                      split_items, to_bool, to_float, to_int, to_money, unique_handles)

__all__ = ["HEADER", "CUSTOMER_HEAD", "ADDRESS_FIELDS", "CUSTOMER_TAIL", "customer_header", "BigCommerceAdapter"]

#: The legacy Bulk Edit template header, verbatim (formats.md 7).
HEADER = (
    "Item Type,Product ID,Product Name,Product Type,Product Code/SKU,Bin Picking Number,Brand Name,Option Set,"
    "Option Set Align,Product Description,Price,Cost Price,Retail Price,Sale Price,Fixed Shipping Cost,"
    "Free Shipping,Product Warranty,Product Weight,Product Width,Product Height,Product Depth,Allow Purchases?,"
    "Product Visible?,Product Availability,Track Inventory,Current Stock Level,Low Stock Level,Category,"
    "Product Image ID - 1,Product Image File - 1,Product Image Description - 1,Product Image Is Thumbnail - 1,"
    "Product Image Sort - 1,Product Image ID - 2,Product Image File - 2,Product Image Description - 2,"
    "Product Image Is Thumbnail - 2,Product Image Sort - 2,Search Keywords,Page Title,Meta Keywords,"
    "Meta Description,MYOB Asset Acct,MYOB Income Acct,MYOB Expense Acct,Product Condition,"
    "Show Product Condition?,Event Date Required?,Event Date Name,Event Date Is Limited?,Event Date Start Date,"
    "Event Date End Date,Sort Order,Product Tax Class,Product UPC/EAN,Stop Processing Rules,Product URL,"
    "Redirect Old URL?,Global Trade Item Number,Manufacturer Part Number"
).split(",")

_MAPPED = {
    "Item Type": ("(row kind)", "Product / SKU / Rule"),
    "Product ID": ("products.product_id, products.source_id", "row<line> when empty"),
    "Product Name": ("products.title, variant_options.value", "SKU rows: [T]Name=Value,... option values"),
    "Product Type": ("variants.requires_shipping", "P = physical, D = digital (no shipping)"),
    "Product Code/SKU": ("variants.sku", ""),
    "Brand Name": ("products.vendor", ""),
    "Product Description": ("products.description_html", ""),
    "Price": ("variants.price, variants.compare_at_price", "Sale Price below Price: price = sale, compare-at = Price"),
    "Cost Price": ("variants.cost", ""),
    "Retail Price": ("variants.compare_at_price", "when above the price and no sale price applies"),
    "Sale Price": ("variants.price", "when set and below Price"),
    "Product Weight": ("variants.weight", "SKU rows override the product's"),
    "Product Visible?": ("products.published, products.status", "N = unpublished draft"),
    "Track Inventory": ("variants.inventory_tracker", "none / by product / by option"),
    "Current Stock Level": ("variants.inventory_quantity", "SKU rows when tracked by option"),
    "Category": ("collections, collection_products", "; between categories, / between levels"),
    "Page Title": ("products.seo_title", ""),
    "Meta Description": ("products.seo_description", ""),
    "Product UPC/EAN": ("variants.barcode", "SKU rows override the product's"),
    "Product URL": ("products.source_url, products.handle", "old URL; the handle is its last path segment"),
}
_IMG = re.compile(r"^Product Image (ID|File|Description|Is Thumbnail|Sort) - (\d+)$", re.I)
_OPT = re.compile(r"\[(?P<type>[^\]]*)\](?P<name>[^=,\[]+)=(?P<value>.*?)(?=,\s*\[|$)")


class BigCommerceAdapter(Adapter):
    """BigCommerce legacy Bulk Edit CSV (Product / SKU / Rule rows)."""

    name = "bigcommerce"
    label = "BigCommerce"
    can_write = False
    reads = {"products": "Bulk Edit product export (legacy v2 template)",
             "customers": "customer export (Bulk Edit template: Email Address, First Name, ..., Address ... - N)"}
    weight_unit = "lb"

    def read(self, paths, *, mapping=None) -> ReadResult:
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        mapping = mapping if mapping is not None else Mapping()
        if not paths:
            raise InputError("BigCommerce reads one product export file and/or customer export files; none given")
        product_tables, customer_tables = [], []
        for p in paths:
            t = read_table(p, label="BigCommerce export")
            (customer_tables if _is_customer_file(mapping.rename_headers(t.frame).columns)
             else product_tables).append(t)
        if len(product_tables) > 1:
            raise InputError(f"BigCommerce reads one product export file; {len(product_tables)} were given "
                             f"(customer exports are recognised by their Email Address / First Name / Last Name "
                             f"columns)")
        results = [self._read_products(t, mapping) for t in product_tables]
        results += [_read_customers(t, mapping) for t in customer_tables]
        return concat_results(results)

    def _read_products(self, t, mapping) -> ReadResult:
        file = t.path
        issues: list[dict] = list(t.warnings)
        frame = mapping.rename_headers(t.frame)
        # case-insensitive match onto the template names
        canon = {h.lower(): h for h in HEADER}
        frame = frame.rename(columns={c: canon.get(str(c).strip().lower(), c) for c in frame.columns})
        for req in ("Item Type", "Product Name", "Price"):
            if req not in frame.columns:
                raise InputError(f"the required column '{req}' is missing in the BigCommerce product export; "
                                 f"found: {', '.join(list(frame.columns)[:30])}", file=file, row=1, column=req)
        F = frame.reset_index(drop=True)
        col = lambda c: F[c] if c in F.columns else pd.Series("", index=F.index, dtype=object)  # noqa: E731
        n = len(F)
        kind = F["Item Type"].str.strip().str.lower()
        bad = np.flatnonzero(~kind.isin(["product", "sku", "rule"]).to_numpy())
        if len(bad):
            raise InputError(f"Item Type {F['Item Type'].iloc[bad[0]]!r} is not Product, SKU or Rule",
                             file=file, row=t.line_of(int(bad[0])), column="Item Type")
        group = (kind == "product").cumsum() - 1
        if n and group.iloc[0] < 0:
            raise InputError("a SKU or Rule row comes before any Product row; it must sit under its product",
                             file=file, row=t.line_of(0), column="Item Type")
        lines = t.lines(range(n)) if n else []
        is_p = (kind == "product").to_numpy()
        is_s = (kind == "sku").to_numpy()
        is_r = (kind == "rule").to_numpy()

        # ---- products ------------------------------------------------------------------------
        P = F[is_p].reset_index(drop=True)
        p_lines = [lines[i] for i in np.flatnonzero(is_p)]
        pid_raw = col("Product ID")[is_p].str.strip().reset_index(drop=True)
        pid = pid_raw.where(pid_raw != "", "row" + pd.Series(p_lines, dtype="int64").astype(str))
        dup_p = pid.duplicated(keep="first")
        for pos in np.flatnonzero(dup_p.to_numpy()):
            issues.append(issue("error", file, p_lines[pos], "Product ID", "duplicate_product_id",
                                f"Product ID {pid.iloc[pos]} is already used above; this product and its SKU rows "
                                f"were dropped", product=P["Product Name"].iloc[pos]))
        # map every row to its product id; rows of dropped products are dropped
        row_pid = pd.Series(pid.to_numpy()[group.to_numpy()], dtype=object) if n else pd.Series([], dtype=object)
        row_dropped_product = pd.Series(dup_p.to_numpy()[group.to_numpy()]) if n else pd.Series([], dtype=bool)
        empty_name = np.flatnonzero(((P["Product Name"].str.strip() == "") & ~dup_p).to_numpy())
        if len(empty_name):
            raise InputError("the product has no name", file=file, row=p_lines[empty_name[0]], column="Product Name")
        keep_p = ~dup_p.to_numpy()
        Pk = P[keep_p].reset_index(drop=True)
        pidk = pid[keep_p].reset_index(drop=True)
        url = col("Product URL")[is_p][keep_p].str.strip().reset_index(drop=True)
        handle_src = slugify_series(url.str.strip("/").str.rsplit("/", n=1).str[-1])
        handle = unique_handles(handle_src, slugify_series(Pk["Product Name"]), file=file, issues=issues,
                                platform=self.name, products=Pk["Product Name"]).reset_index(drop=True)
        visible = to_bool(col("Product Visible?")[is_p][keep_p].reset_index(drop=True))
        source_url = url.where(url != "", None)
        if mapping.urls.get("product_url_pattern"):
            built = pd.Series([mapping.product_url(id=i, handle=h, sku=s) for i, h, s in
                               zip(pidk, handle, col("Product Code/SKU")[is_p][keep_p])], dtype=object)
            source_url = source_url.where(source_url.notna(), built)
        products = pd.DataFrame({
            "product_id": pidk, "handle": handle, "title": Pk["Product Name"].str.strip(),
            "description_html": none_if_empty(col("Product Description")[is_p][keep_p]),
            "vendor": none_if_empty(col("Brand Name")[is_p][keep_p]),
            "status": np.where(visible.fillna(True).to_numpy(dtype=bool), "active", "draft"),
            "published": visible.astype(object).where(visible.notna(), None).to_numpy(),
            "seo_title": none_if_empty(col("Page Title")[is_p][keep_p]),
            "seo_description": none_if_empty(col("Meta Description")[is_p][keep_p]),
            "source_platform": self.name, "source_id": pidk, "source_url": source_url,
        })

        # ---- money and numbers, all rows at once (SKU rows fall back to their product) ------------
        # Rule rows carry adjustments such as [ADD]5.00, not amounts: they are not parsed
        nr = lambda c: col(c).where(kind != "rule", "")  # noqa: E731
        price = to_money(nr("Price"), file=file, column="Price", table=t, issues=issues)
        sale = to_money(nr("Sale Price"), file=file, column="Sale Price", table=t, issues=issues)
        retail = to_money(nr("Retail Price"), file=file, column="Retail Price", table=t, issues=issues)
        cost = to_money(nr("Cost Price"), file=file, column="Cost Price", table=t, issues=issues)
        weight = to_float(nr("Product Weight"), file=file, column="Product Weight", table=t, issues=issues)
        stock = to_int(col("Current Stock Level"), file=file, column="Current Stock Level", table=t, issues=issues)
        zero = pa.scalar(0, MONEY)
        on_sale = pc.fill_null(pc.and_(pc.greater(sale, zero), pc.less(sale, price)), False)
        eff = pc.if_else(on_sale, sale, price)
        compare = pc.if_else(on_sale, price,
                             pc.if_else(pc.fill_null(pc.greater(retail, eff), False), retail,
                                        pa.scalar(None, MONEY)))
        rows = pd.DataFrame({"pid": row_pid, "kind": kind.to_numpy(), "line": lines,
                             "price": pd.Series(eff.to_pylist(), dtype=object),
                             "compare": pd.Series(compare.to_pylist(), dtype=object),
                             "cost": pd.Series(cost.to_pylist(), dtype=object), "weight": weight,
                             "stock": stock, "sku": col("Product Code/SKU").str.strip().to_numpy(),
                             "barcode": col("Product UPC/EAN").str.strip().to_numpy(),
                             "ptype": col("Product Type").str.strip().str.upper().to_numpy(),
                             "track": col("Track Inventory").str.strip().str.lower().to_numpy(),
                             "name": F["Product Name"].to_numpy(), "dropped": row_dropped_product.to_numpy()})
        prow = rows[is_p & ~rows["dropped"].to_numpy()].set_index("pid")
        missing_price = prow["price"].isna()
        if missing_price.any():
            line = int(prow.loc[missing_price, "line"].iloc[0])
            raise InputError("the product has no price", file=file, row=line, column="Price")

        # ---- SKU rows: option values ---------------------------------------------------------
        S = rows[is_s & ~rows["dropped"].to_numpy()].copy()
        S["_row"] = np.flatnonzero(is_s & ~rows["dropped"].to_numpy())
        drop_rows = rows["dropped"].to_numpy().copy()
        ex = S["name"].str.extractall(_OPT)
        if len(ex):
            ex = ex.reset_index()
            ex["row"] = S["_row"].to_numpy()[ex["level_0"].map({v: i for i, v in enumerate(S.index)})]
            ex["name"] = ex["name"].str.strip()
            ex["value"] = ex["value"].str.strip()
            ex["type"] = ex["type"].str.strip()
        else:
            ex = pd.DataFrame(columns=["row", "match", "type", "name", "value"])
        parsed = set(ex["row"])
        for r in S["_row"]:
            if r not in parsed:
                issues.append(issue("error", file, lines[r], "Product Name", "bad_option_values",
                                    f"{F['Product Name'].iloc[r]!r} is not [T]Name=Value,...; the SKU row was dropped",
                                    sku=rows["sku"].iloc[r]))
                drop_rows[r] = True
        names = ex.groupby("row")["name"].agg(lambda x: tuple(x))
        S["_names"] = S["_row"].map(names)
        S = S[S["_names"].notna()]
        first_names = S.groupby("pid")["_names"].first()
        differs = (S["_names"] != S["pid"].map(first_names)).to_numpy()
        for r in S.loc[differs, "_row"]:
            issues.append(issue("error", file, lines[r], "Product Name", "option_set_differs",
                                f"the options {', '.join(S.set_index('_row').loc[r, '_names'])} differ from the "
                                f"product's first SKU row; the SKU row was dropped", sku=rows["sku"].iloc[r]))
            drop_rows[r] = True
        S = S[~differs]
        vals = ex.groupby("row")["value"].agg(lambda x: "\x1f".join(x))
        key = S["pid"] + "\x1e" + S["_row"].map(vals)
        dup = key.duplicated(keep="first")
        first_line = S.groupby(key)["line"].transform("first")
        for r, fl in zip(S.loc[dup, "_row"], first_line[dup]):
            issues.append(issue("error", file, lines[r], "Product Name", "duplicate_combination",
                                f"the options {F['Product Name'].iloc[r]!r} repeat line {int(fl)}; this SKU row "
                                f"was dropped", "remove the repeated row", sku=rows["sku"].iloc[r]))
            drop_rows[r] = True
        S = S[~dup.to_numpy()].copy()
        S["position"] = S.groupby("pid").cumcount() + 1

        # ---- variants ------------------------------------------------------------------------
        has_sku = set(S["pid"])
        simple = prow[~prow.index.isin(has_sku)].copy()
        simple["pid"] = simple.index
        simple["position"] = 1
        simple["_row"] = [None] * len(simple)
        p_of = prow
        sv = S.copy()

        def fallback(colname):
            own = sv[colname]
            base = sv["pid"].map(p_of[colname])
            if own.dtype == object:
                return own.where(own.notna() & (own.astype(str) != ""), base)
            return own.where(own.notna(), base)

        sv_price = fallback("price")
        sv_compare = sv["compare"].where(sv["price"].notna(), sv["pid"].map(p_of["compare"]))
        track_p = sv["pid"].map(p_of["track"])
        sv_stock = sv["stock"].where(track_p == "by option", pd.NA)
        sku_v = pd.DataFrame({
            "pid": sv["pid"], "position": sv["position"], "sku": sv["sku"], "barcode": fallback("barcode"),
            "price": sv_price, "compare": sv_compare, "cost": fallback("cost"), "weight": fallback("weight"),
            "stock": sv_stock, "track": track_p, "ptype": sv["pid"].map(p_of["ptype"]), "line": sv["line"],
            "_row": sv["_row"]})
        simple_v = pd.DataFrame({
            "pid": simple["pid"], "position": 1, "sku": simple["sku"], "barcode": simple["barcode"],
            "price": simple["price"], "compare": simple["compare"], "cost": simple["cost"],
            "weight": simple["weight"], "stock": simple["stock"].where(simple["track"] != "none", pd.NA),
            "track": simple["track"], "ptype": simple["ptype"], "line": simple["line"], "_row": None})
        shared = prow[prow.index.isin(has_sku) & (prow["track"] == "by product")]
        for p, r in shared.iterrows():
            issues.append(issue("warning", file, int(r["line"]), "Track Inventory", "stock_by_product",
                                f"stock is tracked for the whole product ({r['stock']}) but it has variants; "
                                f"variant stock is left empty", "set each variant's stock after the import",
                                product=str(r["name"])))
        V = pd.concat([simple_v, sku_v], ignore_index=True)
        order = pd.Series(range(len(pidk)), index=pidk.to_numpy())
        V["_p"] = V["pid"].map(order)
        V = V.sort_values(["_p", "position"], kind="stable").reset_index(drop=True)
        V["variant_id"] = V["pid"] + "#" + V["position"].astype(str)
        flag_repeats(V["sku"], file=file, column="Product Code/SKU", check="duplicate_sku", what="SKU",
                     issues=issues, lines=V["line"].tolist())
        variants = pd.DataFrame({
            "variant_id": V["variant_id"], "product_id": V["pid"], "position": V["position"].astype("int64"),
            "sku": none_if_empty(V["sku"]), "barcode": none_if_empty(V["barcode"]), "price": V["price"],
            "compare_at_price": V["compare"], "cost": V["cost"], "weight": V["weight"],
            "weight_unit": np.where(V["weight"].notna(), self.weight_unit, None),
            "inventory_quantity": V["stock"].astype("Int64"),
            "inventory_tracker": np.where(V["track"].isin(["by option", "by product"]), "shopify", None),
            "requires_shipping": (V["ptype"] != "D").to_numpy(),
            "source_id": [None if pd.isna(r) else str(int(r) + 1) for r in V["_row"]],
        })
        vid_of_row = dict(zip(V["_row"].dropna().astype(int), V.loc[V["_row"].notna(), "variant_id"]))

        # options and values
        ex_k = ex[ex["row"].isin(set(S["_row"]))].copy()
        ex_k["pid"] = ex_k["row"].map(dict(zip(S["_row"], S["pid"])))
        ex_k["position"] = ex_k.groupby("row").cumcount() + 1
        first_row = S.groupby("pid")["_row"].first()
        o = ex_k[ex_k["row"].isin(set(first_row))]
        o_names = [mapping.suggest("options", nm, mapping.option(nm)) for nm in o["name"]]
        product_options = pd.DataFrame({"product_id": o["pid"].to_numpy(), "position": o["position"].to_numpy(),
                                        "name": o_names})
        variant_options = pd.DataFrame({"variant_id": ex_k["row"].map(vid_of_row).to_numpy(),
                                        "position": ex_k["position"].to_numpy(), "value": ex_k["value"].to_numpy()})
        otypes = o.groupby("pid").apply(lambda d: ",".join(f"{n}:{t}" for n, t in zip(d["name"], d["type"])),
                                        include_groups=False) if len(o) else pd.Series(dtype=object)

        # ---- images (numbered groups) ----------------------------------------------------------
        groups: dict[int, dict[str, str]] = {}
        for c in F.columns:
            m = _IMG.match(str(c))
            if m:
                groups.setdefault(int(m.group(2)), {})[m.group(1).lower()] = c
        parts = []
        PkF = F[is_p][keep_p].reset_index(drop=True)
        for n_, g in sorted(groups.items()):
            if "file" not in g:
                continue
            src = PkF[g["file"]].str.strip()
            m = src != ""
            if not m.any():
                continue
            get = lambda k: PkF[g[k]].str.strip()[m].to_numpy() if k in g else ""  # noqa: E731
            parts.append(pd.DataFrame({"product_id": pidk[m].to_numpy(), "src": src[m].to_numpy(),
                                       "alt": get("description"), "thumb": get("is thumbnail"),
                                       "sort": get("sort"), "source_id": get("id"), "n": n_}))
        if parts:
            im = pd.concat(parts, ignore_index=True)
            im["thumb"] = ~to_bool(im["thumb"]).fillna(False).astype(bool)  # thumbnail first
            im["sort"] = pd.to_numeric(im["sort"], errors="coerce")
            im["_p"] = im["product_id"].map(order)
            im = im.sort_values(["_p", "thumb", "sort", "n"], kind="stable", na_position="last")
            im["src"] = [mapping.image_url(x) for x in im["src"]]
            im = im.drop_duplicates(["product_id", "src"]).reset_index(drop=True)
            im["position"] = im.groupby("product_id").cumcount() + 1
            images = pd.DataFrame({"product_id": im["product_id"], "position": im["position"], "src": im["src"],
                                   "alt": none_if_empty(im["alt"]), "source_id": none_if_empty(im["source_id"])})
        else:
            images = None

        # ---- categories ----------------------------------------------------------------------
        cats = split_items(col("Category")[is_p][keep_p].reset_index(drop=True), ";")
        cat_df = pd.DataFrame({"product_id": pidk.iloc[cats["row"]].to_numpy(), "path": cats["item"].to_numpy()})
        collections, collection_products = collections_from_paths(cat_df, platform=self.name, level_sep="/",
                                                                   mapping=mapping)

        # ---- rules, extra --------------------------------------------------------------------
        R = rows[is_r & ~rows["dropped"].to_numpy()].copy()
        extra_parts = []
        if len(R):
            R["n"] = R.groupby("pid").cumcount() + 1
            Rf = F[is_r & ~rows["dropped"].to_numpy()]
            cells = [f"{nm} | " + "; ".join(f"{c}={v}" for c, v in zip(Rf.columns, vals_)
                                            if v and c not in ("Item Type", "Product Name"))
                     for nm, vals_ in zip(Rf["Product Name"], Rf.itertuples(index=False, name=None))]
            extra_parts.append(pd.DataFrame({"entity": "product", "entity_id": R["pid"].to_numpy(),
                                             "namespace": self.name, "key": "rule_" + R["n"].astype(str),
                                             "value": cells, "type": "single_line_text_field"}))
            for r in R.itertuples():
                issues.append(issue("warning", file, r.line, "Item Type", "price_rule_not_migrated",
                                    f"rule {r.name!r} is kept in extra:bigcommerce.rule_{r.n}; Shopify has no "
                                    f"price rules", "set the affected variants' prices by hand", product=str(r.pid)))
        img_cols = {c for g in groups.values() for c in g.values()}
        unmapped = [c for c in F.columns if c not in _MAPPED and c not in img_cols]
        extra_parts.append(extra_columns(PkF, {c: extra_key(c) for c in unmapped}, entity="product", ids=pidk,
                                      namespace=self.name))
        Sf = F.iloc[S["_row"].to_numpy()].reset_index(drop=True) if len(S) else F.iloc[0:0]
        extra_parts.append(extra_columns(Sf, {c: extra_key(c) for c in unmapped}, entity="variant",
                                      ids=pd.Series([vid_of_row[r] for r in S["_row"]], dtype=object),
                                      namespace=self.name))
        if len(otypes):
            extra_parts.append(pd.DataFrame({"entity": "product", "entity_id": otypes.index, "namespace": self.name,
                                             "key": "option_types", "value": otypes.to_numpy(),
                                             "type": "single_line_text_field"}))
        extra = concat_extra(extra_parts)

        scan_values(file, F, table=t, barcode_columns=("Product UPC/EAN", "Global Trade Item Number"),
                    product=F["Product Name"], sku=col("Product Code/SKU"), issues=issues,
                    skip_rows=pd.Series(drop_rows))
        spec = dict(_MAPPED)
        for c in img_cols:
            kind_ = _IMG.match(c).group(1).lower()
            spec[c] = ({"file": "images.src", "description": "images.alt", "id": "images.source_id",
                        "is thumbnail": "images.position", "sort": "images.position"}[kind_],
                       "thumbnail first, then by sort")
        loss = loss_rows(file, F, spec, dropped_rows=pd.Series(drop_rows), default="extra:bigcommerce.{key}")
        # Rule rows' cells went to extra (one text per rule)
        frames = {"products": products, "product_options": product_options, "variants": variants,
                  "variant_options": variant_options, "images": images, "collections": collections,
                  "collection_products": collection_products, "extra": extra}
        return finish(self.name, [file], frames, loss, issues)


# ---- customers ---------------------------------------------------------------------------------
# The customer export/import CSV, "Bulk Edit" template. No verbatim header is published by BigCommerce;
# this is the order two independent third-party generators of BigCommerce customer import files write
# (they agree column for column; one has one address group, the other three, and the first adds
# Tax Exempt Category and Customer ID at the end). Columns are matched by name, so order is not relied on.
# The fixture's README says where it came from.

#: The customer columns before the numbered address groups.
CUSTOMER_HEAD = ("Email Address", "First Name", "Last Name", "Company", "Phone", "Notes", "Store Credit",
                 "Customer Group")
#: One address group; ``- N`` is appended (``Address Line 1 - 2``).
ADDRESS_FIELDS = ("Address ID", "Address First Name", "Address Last Name", "Address Company", "Address Line 1",
                  "Address Line 2", "Address City", "Address State", "Address Zip", "Address Country",
                  "Address Phone")
#: The customer columns after the address groups.
CUSTOMER_TAIL = ("Receive Review/Abandoned Cart Emails?", "Tax Exempt Category", "Customer ID")


def customer_header(addresses: int = 1) -> list[str]:
    """The Bulk Edit customer header with ``addresses`` address groups."""
    return [*CUSTOMER_HEAD, *(f"{f} - {n}" for n in range(1, addresses + 1) for f in ADDRESS_FIELDS),
            *CUSTOMER_TAIL]


_ADDR = re.compile(r"^(Address (?:ID|First Name|Last Name|Company|Line 1|Line 2|City|State|Zip|Country|Phone))"
                   r" - (\d+)$", re.I)
_ADDR_KEYS = {f.lower(): extra_key(f[len("Address "):]) for f in ADDRESS_FIELDS}
#: Customer columns with a canonical home (the first address is handled apart).
_CUST_CANON = {
    "Email Address": ("customers.email, customers.customer_id", "customer_id = Customer ID when given"),
    "First Name": ("customers.first_name", ""),
    "Last Name": ("customers.last_name", ""),
    "Company": ("customers.company", "else the first address's company"),
    "Phone": ("customers.phone", "else the first address's phone"),
    "Notes": ("customers.note", ""),
    "Customer Group": ("customers.tags, extra:bigcommerce.customer_group", "the group name as a tag"),
    "Date Joined": ("customers.created_at, extra:bigcommerce.date_joined", "dates not read are kept in extra"),
    "Customer ID": ("customers.customer_id, customers.source_id", ""),
}
_CUST_ALIASES = {"email": "Email Address", "email address": "Email Address"}
#: Known customer columns by lower-case name (for case-insensitive matching).
_CUST_NAMES = {c.lower(): c for c in (*CUSTOMER_HEAD, *CUSTOMER_TAIL, "Date Joined", "Addresses")}


def _is_customer_file(columns) -> bool:
    """A customer export: e-mail, first and last name columns and no product ``Item Type``."""
    cols = {str(c).strip().lower() for c in columns}
    return "item type" not in cols and bool(cols & {"email address", "email"}) and {"first name", "last name"} <= cols


def _is_password(col: str) -> bool:
    return "password" in str(col).lower()


def _parse_joined(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``Date Joined`` -> (UTC timestamps, mask of non-empty cells not read). ISO dates and dates with a
    month name are read; ``d/m/y`` vs ``m/d/y`` is read only when a part above 12 decides it [M]."""
    s = s.fillna("").astype(str).str.strip()
    iso = s.str.match(r"^\d{4}-\d{1,2}-\d{1,2}")
    out = pd.to_datetime(s.where(iso, None), format="mixed", errors="coerce")
    slash = s.str.extract(r"^(\d{1,2})/(\d{1,2})/(\d{4})")
    a, b = pd.to_numeric(slash[0], errors="coerce"), pd.to_numeric(slash[1], errors="coerce")
    dmy = pd.to_datetime(s.where((a > 12) & (b <= 12), None).str[:10], format="%d/%m/%Y", errors="coerce")
    mdy = pd.to_datetime(s.where((b > 12) & (a <= 12), None).str[:10], format="%m/%d/%Y", errors="coerce")
    words = s.str.contains(r"[A-Za-z]{3}", regex=True) & ~iso & slash[0].isna()
    txt = pd.to_datetime(s.where(words, None), format="mixed", errors="coerce")
    out = out.where(out.notna(), dmy).where(lambda x: x.notna(), mdy).where(lambda x: x.notna(), txt)
    if getattr(out.dt, "tz", None) is None:
        out = out.dt.tz_localize("UTC")
    else:
        out = out.dt.tz_convert("UTC")
    return out, (s != "") & out.isna()


def _read_customers(t, mapping) -> ReadResult:
    """A customer export as canonical customers (docs/mapping.md, BigCommerce, "Customers")."""
    import json
    from ..countries import country_code, province_code

    NS = BigCommerceAdapter.name
    file = t.path
    issues: list[dict] = list(t.warnings)
    frame = mapping.rename_headers(t.frame)
    ren = {}
    for c in frame.columns:
        low = str(c).strip().lower()
        m = _ADDR.match(str(c).strip())
        if low in _CUST_ALIASES:
            ren[c] = _CUST_ALIASES[low]
        elif low in _CUST_NAMES:
            ren[c] = _CUST_NAMES[low]
        elif m:
            canon = next(f for f in ADDRESS_FIELDS if f.lower() == m.group(1).lower())
            ren[c] = f"{canon} - {int(m.group(2))}"
    F = frame.rename(columns=ren).reset_index(drop=True)
    for req in ("Email Address", "First Name", "Last Name"):
        if req not in F.columns:
            raise InputError(f"the required column '{req}' is missing in the BigCommerce customer export; found: "
                             f"{', '.join(map(str, list(F.columns)[:30]))}", file=file, row=1, column=req)
    n = len(F)
    lines = np.asarray(t.lines(range(n)) if n else [], dtype="int64")
    col = lambda c: (F[c].fillna("").astype(str).str.strip() if c in F.columns  # noqa: E731
                     else pd.Series("", index=F.index, dtype=object))
    email = col("Email Address")
    bc_id = col("Customer ID")
    key = email.str.lower()
    rowid = pd.Series(["row" + str(x) for x in lines], index=F.index, dtype=object)
    cid = bc_id.where(bc_id != "", key.where(key != "", rowid))
    dup_email = (key != "") & key.duplicated(keep="first")
    dup_id = cid.duplicated(keep="first") & ~dup_email
    for i in np.flatnonzero(dup_email.to_numpy()):
        issues.append(issue("error", file, int(lines[i]), "Email Address", "duplicate_customer",
                            f"the e-mail {email.iat[i]!r} already belongs to a customer above; this row was skipped "
                            "(Shopify keys customers by e-mail)", "merge the two accounts in BigCommerce first"))
    for i in np.flatnonzero(dup_id.to_numpy()):
        issues.append(issue("error", file, int(lines[i]), "Customer ID", "duplicate_customer",
                            f"Customer ID {cid.iat[i]!r} is already used above; this row was skipped"))
    skipped = (dup_email | dup_id).to_numpy()
    for i in np.flatnonzero(((email == "") & ~pd.Series(skipped)).to_numpy()):
        issues.append(issue("warning", file, int(lines[i]), "Email Address", "missing_email",
                            "the customer has no e-mail (BigCommerce requires one; Shopify identifies customers by "
                            "e-mail or phone)", "add the e-mail before importing"))
    keep = ~skipped
    K = F[keep].reset_index(drop=True)
    klines = lines[keep]
    kc = lambda c: col(c)[keep].reset_index(drop=True)  # noqa: E731
    ids = cid[keep].reset_index(drop=True)

    # ---- addresses: numbered groups, the first non-empty one is the customer's address ------------
    groups: dict[int, dict[str, str]] = {}
    for c in F.columns:
        m = _ADDR.match(str(c))
        if m:
            groups.setdefault(int(m.group(2)), {})[m.group(1).lower()] = c
    nk = len(K)
    addr = {f: [None] * nk for f in ("company", "address1", "address2", "city", "state", "zip", "country", "phone")}
    got = np.zeros(nk, dtype=bool)
    extra_parts = []
    for g_n, g in sorted(groups.items()):
        vals = {k: K[c].fillna("").astype(str).str.strip() for k, c in g.items()}
        data = [f for f in vals if f != "address id"]
        if not data:
            continue
        has = np.zeros(nk, dtype=bool)
        for f in data:
            has |= (vals[f] != "").to_numpy()
        cells = {k: v.tolist() for k, v in sorted(vals.items())}   # lists: no pandas call per cell
        recs = [json.dumps({_ADDR_KEYS[k]: v[i] for k, v in cells.items() if v[i]}, ensure_ascii=False,
                           sort_keys=True) for i in range(nk)]
        extra_parts.append(extra_rows(ids, pd.Series(recs, dtype=object).where(has, ""), "customer", NS,
                                      f"address_{g_n}", "json"))
        take = has & ~got
        for f, src in (("company", "address company"), ("address1", "address line 1"),
                       ("address2", "address line 2"), ("city", "address city"), ("state", "address state"),
                       ("zip", "address zip"), ("country", "address country"), ("phone", "address phone")):
            if src in vals:
                for i in np.flatnonzero(take):
                    addr[f][i] = cells[src][i] or None
        got |= has
    cc_out, prov_out = [None] * nk, [None] * nk
    for i in range(nk):
        name = addr["country"][i]
        if not name:
            continue
        code, how = country_code(name)
        if code is None:
            issues.append(issue("warning", file, int(klines[i]), "Address Country", "unknown_country",
                                f"country {name!r} is {how}; the country was left empty (the address is whole in "
                                f"extra {NS}.address_<n>)", "write the country's English name"))
            continue
        if how == "fuzzy":
            issues.append(issue("warning", file, int(klines[i]), "Address Country", "fuzzy_country",
                                f"country {name!r} was read as {code}; check it"))
        cc_out[i] = code
        st = addr["state"][i]
        if st:
            prov_out[i] = province_code(code, st)
            if prov_out[i] is None:
                issues.append(issue("warning", file, int(klines[i]), "Address State", "unknown_region",
                                    f"state {st!r} is not a subdivision of {code}; the province was left empty "
                                    f"(kept in extra {NS}.address_<n>)"))
    company = none_if_empty(kc("Company"))
    phone = none_if_empty(kc("Phone"))
    joined = kc("Date Joined")
    created, bad_date = _parse_joined(joined)
    for i in np.flatnonzero(bad_date.to_numpy()):
        issues.append(issue("warning", file, int(klines[i]), "Date Joined", "bad_date",
                            f"{joined.iat[i]!r} was not read as a date (day/month order unknown or not a "
                            f"date); created_at left empty, the text kept in extra {NS}.date_joined"))
    customers = pd.DataFrame({
        "customer_id": ids, "email": none_if_empty(kc("Email Address")),
        "first_name": none_if_empty(kc("First Name")), "last_name": none_if_empty(kc("Last Name")),
        "phone": phone.where(phone.notna(), pd.Series(addr["phone"], dtype=object)),
        "accepts_email_marketing": None,
        "company": company.where(company.notna(), pd.Series(addr["company"], dtype=object)),
        "address1": addr["address1"], "address2": addr["address2"], "city": addr["city"],
        "province_code": prov_out, "country_code": cc_out, "zip": addr["zip"],
        "tags": none_if_empty(kc("Customer Group")), "note": none_if_empty(kc("Notes")),
        "created_at": created.array, "source_id": none_if_empty(kc("Customer ID")),
    })

    # ---- everything else -> extra; passwords dropped -------------------------------------------------
    addr_cols = {c for g in groups.values() for c in g.values()}
    secret = [c for c in F.columns if _is_password(c)]
    other = [c for c in F.columns
             if c not in addr_cols and c not in secret and c not in _CUST_CANON]
    keys = {c: extra_key(c) for c in other}
    keys.update({"Customer Group": "customer_group"})
    keys["Receive Review/Abandoned Cart Emails?"] = "receive_review_abandoned_cart_emails"
    extra_parts.append(extra_columns(K, {c: k for c, k in keys.items() if c in K.columns}, entity="customer",
                                     ids=ids, namespace=NS))
    if bad_date.any():
        extra_parts.append(extra_rows(ids, kc("Date Joined").where(bad_date, ""), "customer", NS, "date_joined"))
    extra = concat_extra(extra_parts)
    n_secret = sum(int((F[c].fillna("").astype(str).str.strip() != "").sum()) for c in secret)
    if n_secret:
        issues.append(issue("warning", file, None, secret[0], "passwords_dropped",
                            f"{n_secret} password value(s) were not carried: passwords are never migrated",
                            "customers set a new password ('Forgot your password?'; Shopify: send account invites)"))

    spec = dict(_CUST_CANON)
    for c in secret:
        spec[c] = ("", "password: never carried")
    spec["Receive Review/Abandoned Cart Emails?"] = (
        f"extra:{NS}.receive_review_abandoned_cart_emails",
        "product-review / abandoned-cart e-mails, not marketing consent: accepts_email_marketing left empty")
    spec["Customer Group"] = ("customers.tags, extra:bigcommerce.customer_group", "the group name as a tag")
    for g_n, g in groups.items():
        for k, c in g.items():
            became = {"address line 1": "customers.address1", "address line 2": "customers.address2",
                      "address city": "customers.city", "address state": "customers.province_code",
                      "address zip": "customers.zip", "address country": "customers.country_code",
                      "address phone": "customers.phone", "address company": "customers.company"}.get(k)
            spec[c] = (f"{became + ', ' if became else ''}extra:{NS}.address_{g_n}",
                       "the first non-empty address -> the customer's address; every address whole in extra (JSON)")
    loss = loss_rows(file, F, spec, dropped_rows=pd.Series(skipped), default=f"extra:{NS}.{{key}}")
    scan_values(file, F.drop(columns=secret), table=t, barcode_columns=(), product=email,
                sku=pd.Series("", index=F.index),
                issues=issues, skip_rows=pd.Series(skipped))
    return finish(NS, [file], {"customers": customers, "extra": extra}, loss, issues)


register("bigcommerce", BigCommerceAdapter)
