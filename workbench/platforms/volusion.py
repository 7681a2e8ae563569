"""Volusion: the admin "Products" export, with its Options, OptionCategories and Categories exports
when given, and the "Customers" export (source only).

Every variant is a product row of its own: a child row has ``ischildofproductcode`` = its parent's
``productcode`` and carries its option value(s) only in its name (``<parent name> - Aluminum``).
``optionids``/``categoryids`` are ids into the other exports. Every field is quoted; descriptions
are HTML with line breaks; text has ``™ ® •``; dates are US (``12/14/2017 1:35:00 PM``); booleans
``Y``/``N``. Images follow a naming convention (``/v/vspfiles/photos/<code>-N.jpg``), not a list.
Decisions: ``docs/mapping.md``, section Volusion.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..countries import country_code, country_name, province_code
from ..errors import InputError
from ..mapping import Mapping
from . import register
from .base import Adapter, ReadResult
from .csvio import read_table
from ._common import (MONEY, collections_from_paths, concat_extra, extra_columns, extra_rows, finish, flag_repeats,
                      issue,
                      loss_rows, none_if_empty, scan_values, slugify_series, split_items, to_bool, to_float, to_int,
                      to_money, unique_handles)

__all__ = ["VolusionAdapter"]

_MAPPED = {
    "productcode": ("products.product_id, variants.sku", "children: their own code is the variant's SKU"),
    "productname": ("products.title, variant_options.value", "children: the value is the name after ' - '"),
    "ischildofproductcode": ("variants.product_id", "a child row is a variant of that product"),
    "hideproduct": ("products.status, products.published", "Y = hidden = draft (parents and standalone rows)"),
    "stockstatus": ("variants.inventory_quantity", ""),
    "lastmodified": ("products.updated_at", "US date, read as UTC"),
    "photos_cloned_from": ("images.src", "a child cloning its parent's photos has no image of its own"),
    "upc_code": ("variants.barcode", ""),
    "productweight": ("variants.weight", "lb"),
    "productprice": ("variants.price, variants.compare_at_price", "children without a price use the parent's"),
    "listprice": ("variants.compare_at_price", "when above the price and no sale price applies"),
    "saleprice": ("variants.price", "when set and below productprice (which becomes the compare-at price)"),
    "taxableproduct": ("variants.taxable", "Y/N"),
    "donotallowbackorders": ("variants.inventory_policy", "Y = deny, N = continue"),
    "metatag_title": ("products.seo_title", ""),
    "metatag_description": ("products.seo_description", ""),
    "photo_alttext": ("images.alt", ""),
    "vendor_price": ("variants.cost", ""),
    "productmanufacturer": ("products.vendor", ""),
    "productdescription": ("products.description_html", ""),
    "categoryids": ("collections, collection_products", "ids into Categories.csv"),
    "optionids": ("product_options.name", "ids into Options.csv -> OptionCategories.csv"),
    "producturl": ("products.source_url", "redirect source"),
    "photourl": ("images.src, variants.image_src", "nophoto.gif placeholders are skipped"),
    "photourl_small": ("", "a resized copy of photourl"),
    "photourl_large": ("", "a resized copy of photourl"),
}


# Customers export (header of a real store's export: customerid, accesskey, firstname, ... createddate)
_CU_MAPPED = {
    "customerid": ("customers.customer_id, customers.source_id", "the e-mail when empty"),
    "emailaddress": ("customers.email", "a value without '@' (Volusion's own 'ROITracker' row) is not an e-mail"),
    "firstname": ("customers.first_name", ""),
    "lastname": ("customers.last_name", ""),
    "companyname": ("customers.company", ""),
    "billingaddress1": ("customers.address1", ""),
    "billingaddress2": ("customers.address2", ""),
    "city": ("customers.city", ""),
    "state": ("customers.province_code", "name or code -> ISO 3166-2 code without the country prefix"),
    "postalcode": ("customers.zip", ""),
    "country": ("customers.country_code", "country name or code -> ISO alpha-2"),
    "phonenumber": ("customers.phone", ""),
    "emailsubscriber": ("customers.accepts_email_marketing", "Y/N; empty = not known"),
    "customer_notes": ("customers.note", ""),
    "createddate": ("customers.created_at", "US date, read as UTC"),
}
_NEWS = re.compile(r"^news\d+$")
#: column names never carried (passwords and other secrets); only counted in the loss table
_SECRET = re.compile(r"pass(word|wd)|pwd|secret|token|hash|salt|security_?(question|answer)|credit_?card|cardnum|"
                     r"\bcvv|^cc_?num", re.I)
_US_DATE = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")


def _us_dates(raw: pd.Series) -> pd.Series:
    """US dates (``3/20/2018 10:40:00 AM``; date only; 24 h) as UTC timestamps; others NaT."""
    raw = raw.fillna("").astype(str).str.strip()
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    for fmt in _US_DATE:
        todo = out.isna() & (raw != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
    return out.dt.tz_localize("UTC")


def _norm(frame: pd.DataFrame) -> pd.DataFrame:
    """Lower-case header names (the API spells them in CamelCase with ``p.`` prefixes)."""
    return frame.rename(columns={c: re.sub(r"^(p|pe|pd|c)\.", "", str(c).strip(), flags=re.I).lower()
                                 for c in frame.columns})


#: lookup exports read by their 'id' column (the products' optionids point to it), which is not
#: among the columns they are recognised by
_LOOKUP_KEYS = {"options": ("id",), "option_categories": ("id",)}


class VolusionAdapter(Adapter):
    """Volusion Products export (+ Options, OptionCategories, Categories exports) and Customers export."""

    name = "volusion"
    label = "Volusion"
    can_write = False
    reads = {"products": "Products export (Products.csv)", "options": "Options.csv",
             "option_categories": "OptionCategories.csv", "categories": "Categories.csv",
             "customers": "Customers export (Customers.csv)"}
    weight_unit = "lb"

    def _classify(self, t) -> str:
        cols = set(_norm(t.frame).columns)
        kind = self._kind(t, cols)
        missing = [c for c in _LOOKUP_KEYS.get(kind, ()) if c not in cols]
        if missing:
            raise InputError(f"the {self.reads[kind]} export has no '{missing[0]}' column, which the products' "
                             f"ids point to; export it again with all its columns", file=t.path, row=1,
                             column=missing[0])
        return kind

    @staticmethod
    def _kind(t, cols: set[str]) -> str:
        if "customerid" in cols and "emailaddress" in cols:
            return "customers"
        if "productcode" in cols:
            return "products"
        if "optioncatid" in cols and "optionsdesc" in cols:
            return "options"
        if "categoryid" in cols and "categoryname" in cols:
            return "categories"
        if "optioncategoriesdesc" in cols or ("id" in cols and "optioncategorydesc" in cols):
            return "option_categories"
        raise InputError("not a Volusion export this adapter knows (Products with 'productcode', Options with "
                         "'optioncatid', OptionCategories with 'optioncategoriesdesc', Categories with "
                         "'categoryid'/'categoryname', Customers with 'customerid'/'emailaddress')",
                         file=t.path, row=1)

    def read(self, paths, *, mapping=None) -> ReadResult:
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        mapping = mapping if mapping is not None else Mapping()
        issues: list[dict] = []
        tables = {}
        for p in paths:
            t = read_table(p, label="Volusion export")
            k = self._classify(t)
            if k in tables:
                raise InputError(f"two Volusion {k} exports were given; give one", file=p)
            tables[k] = t
            issues.extend(t.warnings)
        if "products" not in tables and "customers" not in tables:
            raise InputError("the Volusion Products export (with a 'productcode' column) or Customers export "
                             "(with 'customerid' and 'emailaddress') is missing")
        frames: dict = {}
        loss: list[dict] = []
        if "products" in tables:
            frames, loss = self._read_products(tables, mapping, issues)
        if "customers" in tables:
            customers, cextra = self._read_customers(tables["customers"], mapping, issues, loss)
            frames["customers"] = customers
            frames["extra"] = concat_extra([x for x in (frames.get("extra"), cextra) if x is not None])
        return finish(self.name, [tt.path for tt in tables.values()], frames, loss, issues)

    # ------------------------------------------------------------------------------------------
    def _read_products(self, tables, mapping, issues: list) -> tuple[dict, list]:
        """The Products export (+ lookups) as canonical frames and its loss rows."""
        t = tables["products"]
        file = t.path
        F = _norm(mapping.rename_headers(t.frame)).reset_index(drop=True)
        for req in ("productcode", "productname"):
            if req not in F.columns:
                raise InputError(f"the required column '{req}' is missing in the Volusion Products export",
                                 file=file, row=1, column=req)
        col = lambda c: F[c] if c in F.columns else pd.Series("", index=F.index, dtype=object)  # noqa: E731
        n = len(F)
        lines = t.lines(range(n)) if n else []
        code = F["productcode"].str.strip()
        empty = np.flatnonzero((code == "").to_numpy())
        if len(empty):
            raise InputError("the row has no productcode", file=file, row=lines[empty[0]], column="productcode")
        dup = code.duplicated(keep="first")
        for pos in np.flatnonzero(dup.to_numpy()):
            issues.append(issue("error", file, lines[pos], "productcode", "duplicate_product_code",
                                f"productcode {code.iloc[pos]!r} is already used above; this row was dropped"))
        parent = col("ischildofproductcode").str.strip()
        known = set(code[~dup])
        orphan = (parent != "") & ~parent.isin(known)
        for pos in np.flatnonzero((orphan & ~dup).to_numpy()):
            issues.append(issue("warning", file, lines[pos], "ischildofproductcode", "orphan_child",
                                f"the parent {parent.iloc[pos]!r} is not in the file; the row is read as a product "
                                f"of its own", sku=code.iloc[pos]))
        parent = parent.where(~orphan, "")
        is_child = (parent != "").to_numpy() & ~dup.to_numpy()
        is_prod = (parent == "").to_numpy() & ~dup.to_numpy()
        drop_rows = dup.to_numpy().copy()

        # ---- products ------------------------------------------------------------------------
        Pk = F[is_prod].reset_index(drop=True)
        p_lines = [lines[i] for i in np.flatnonzero(is_prod)]
        pid = Pk["productcode"].str.strip()
        title = Pk["productname"].str.strip()
        handle = unique_handles(slugify_series(title), slugify_series(pid), file=file, issues=issues,
                                platform=self.name, products=title).reset_index(drop=True)
        hidden = to_bool(Pk["hideproduct"] if "hideproduct" in Pk else pd.Series("", index=Pk.index)).fillna(False)
        modified = pd.to_datetime(Pk["lastmodified"].str.strip().replace("", None) if "lastmodified" in Pk
                                  else pd.Series(None, index=Pk.index), format="%m/%d/%Y %I:%M:%S %p",
                                  errors="coerce")
        src_url = none_if_empty(Pk["producturl"]) if "producturl" in Pk else pd.Series(None, index=Pk.index)
        if mapping.urls.get("product_url_pattern"):
            built = pd.Series([mapping.product_url(id=i, handle=h, sku=i) for i, h in zip(pid, handle)], dtype=object)
            src_url = src_url.where(src_url.notna(), built)
        pcol = lambda c: Pk[c] if c in Pk.columns else pd.Series("", index=Pk.index, dtype=object)  # noqa: E731
        products = pd.DataFrame({
            "product_id": pid, "handle": handle, "title": title,
            "description_html": none_if_empty(pcol("productdescription")),
            "vendor": none_if_empty(pcol("productmanufacturer")),
            "status": np.where(hidden.to_numpy(dtype=bool), "draft", "active"),
            "published": ~hidden.to_numpy(dtype=bool),
            "seo_title": none_if_empty(pcol("metatag_title")),
            "seo_description": none_if_empty(pcol("metatag_description")),
            "source_platform": self.name, "source_id": pid, "source_url": src_url,
            "updated_at": modified.dt.tz_localize("UTC"),
        })

        # ---- all rows: prices and numbers (children fall back to their parent) ------------------
        pp = to_money(col("productprice"), file=file, column="productprice", table=t, issues=issues)
        sp = to_money(col("saleprice"), file=file, column="saleprice", table=t, issues=issues)
        lp = to_money(col("listprice"), file=file, column="listprice", table=t, issues=issues)
        vp = to_money(col("vendor_price"), file=file, column="vendor_price", table=t, issues=issues)
        rows = pd.DataFrame({
            "code": code, "parent": parent, "line": lines,
            "pp": pd.Series(pp.to_pylist(), dtype=object), "sp": pd.Series(sp.to_pylist(), dtype=object),
            "lp": pd.Series(lp.to_pylist(), dtype=object), "cost": pd.Series(vp.to_pylist(), dtype=object),
            "weight": to_float(col("productweight"), file=file, column="productweight", table=t, issues=issues),
            "stock": to_int(col("stockstatus"), file=file, column="stockstatus", table=t, issues=issues),
            "barcode": col("upc_code").str.strip(), "taxable": to_bool(col("taxableproduct")),
            "nobackorder": to_bool(col("donotallowbackorders")), "photo": col("photourl").str.strip(),
            "clone": col("photos_cloned_from").str.strip(), "name": F["productname"].str.strip(),
        })
        by_code = rows[is_prod].set_index("code")
        # children inherit empty fields from the parent
        for c in ("pp", "sp", "lp", "cost", "weight", "taxable", "nobackorder"):
            inherit = pd.Series(is_child) & rows[c].isna()
            if inherit.any():
                rows.loc[inherit, c] = rows.loc[inherit, "parent"].map(by_code[c]).to_numpy()
        pp_a = pa.array(rows["pp"].tolist(), type=MONEY)
        sp_a = pa.array(rows["sp"].tolist(), type=MONEY)
        lp_a = pa.array(rows["lp"].tolist(), type=MONEY)
        zero = pa.scalar(0, MONEY)
        on_sale = pc.fill_null(pc.and_(pc.greater(sp_a, zero), pc.less(sp_a, pp_a)), False)
        price = pc.if_else(on_sale, sp_a, pp_a)
        compare = pc.if_else(on_sale, pp_a, pc.if_else(pc.fill_null(pc.greater(lp_a, price), False), lp_a,
                                                        pa.scalar(None, MONEY)))
        rows["price"] = pd.Series(price.to_pylist(), dtype=object)
        rows["compare"] = pd.Series(compare.to_pylist(), dtype=object)
        no_price = np.flatnonzero((rows["price"].isna().to_numpy() & (is_prod | is_child)))
        has_children = set(parent[is_child])
        # a parent with children needs no price of its own
        no_price = [p for p in no_price if not (is_prod[p] and code.iloc[p] in has_children)]
        if no_price:
            raise InputError("the product has no productprice (nor a parent with one)", file=file,
                             row=lines[no_price[0]], column="productprice")

        # ---- children: option values from the name ---------------------------------------------
        C = rows[is_child].copy()
        C["_row"] = np.flatnonzero(is_child)
        pname = C["parent"].map(by_code["name"])
        prefix = pname + " - "
        starts = pd.Series([a.startswith(b) for a, b in zip(C["name"], prefix)], index=C.index, dtype=bool)
        suffix = pd.Series([a[len(b):] if s else (a.split(" - ", 1)[1] if " - " in a else "")
                            for a, b, s in zip(C["name"], prefix, starts)], index=C.index, dtype=object)
        guessed = ~starts & (suffix != "")
        for r in C.loc[guessed, "_row"]:
            issues.append(issue("warning", file, lines[r], "productname", "option_value_guessed",
                                f"the child's name {F['productname'].iloc[r]!r} does not start with its parent's "
                                f"name; the option value is the text after the first ' - '", sku=code.iloc[r]))
        none_ = suffix == ""
        for r in C.loc[none_, "_row"]:
            issues.append(issue("warning", file, lines[r], "productname", "option_value_missing",
                                f"the child's name {F['productname'].iloc[r]!r} has no ' - value' suffix; its "
                                f"productcode is used as the option value", sku=code.iloc[r]))
        suffix = suffix.where(~none_, C["code"])
        C["_values"] = suffix.str.split(" - ").map(lambda xs: tuple(x.strip() for x in xs))
        nvals = C["_values"].map(len)
        first_n = C.groupby("parent")["_values"].transform(lambda s: len(s.iloc[0]))
        bad_n = nvals != first_n
        for r in C.loc[bad_n, "_row"]:
            issues.append(issue("error", file, lines[r], "productname", "option_count_differs",
                                "the child's name has a different number of ' - ' values than its siblings; "
                                "the row was dropped", sku=code.iloc[r]))
            drop_rows[r] = True
        C = C[~bad_n]
        key = C["parent"] + "\x1e" + C["_values"].map("\x1f".join)
        dupc = key.duplicated(keep="first")
        first_line = C.groupby(key)["line"].transform("first")
        for r, fl in zip(C.loc[dupc, "_row"], first_line[dupc]):
            issues.append(issue("error", file, lines[r], "productname", "duplicate_combination",
                                f"the value(s) {' - '.join(C.set_index('_row').loc[r, '_values'])} repeat line "
                                f"{int(fl)}; this row was dropped", sku=code.iloc[r]))
            drop_rows[r] = True
        C = C[~dupc.to_numpy()].copy()
        C["position"] = C.groupby("parent").cumcount() + 1

        # ---- option names: Options.csv + OptionCategories.csv -------------------------------------
        ov = C[["parent", "_values", "_row"]].explode("_values").rename(columns={"_values": "value"})
        ov["position"] = ov.groupby("_row").cumcount() + 1
        names = self._option_names(tables, Pk, ov, issues, file, p_lines)
        product_options = ov.drop_duplicates(["parent", "position"])[["parent", "position"]].copy()
        product_options = product_options.merge(names, on=["parent", "position"], how="left")
        product_options["name"] = product_options["name"].astype(object)  # all-missing names merge as float
        generic = product_options["name"].isna()
        product_options.loc[generic, "name"] = np.where(product_options.loc[generic, "position"] == 1, "Option",
                                                         "Option " + product_options.loc[generic, "position"].astype(str))
        for p_ in sorted(set(product_options.loc[generic, "parent"])):
            issues.append(issue("warning", file, None, "optionids", "option_name_unknown",
                                f"product {p_}: the option name is not known (give the Options and OptionCategories "
                                f"exports, or rename it with [options] in the mapping file); it is called 'Option'",
                                product=p_))
        product_options["name"] = [mapping.suggest("options", x, mapping.option(x)) for x in product_options["name"]]
        product_options = product_options.rename(columns={"parent": "product_id"})

        # ---- variants ------------------------------------------------------------------------
        has_c = set(C["parent"])
        S = rows[is_prod & ~rows["code"].isin(has_c).to_numpy()].copy()
        S["product_id"] = S["code"]
        S["position"] = 1
        S["_row"] = np.flatnonzero(is_prod & ~rows["code"].isin(has_c).to_numpy())
        C["product_id"] = C["parent"]
        V = pd.concat([S, C], ignore_index=True)
        order = pd.Series(range(len(pid)), index=pid.to_numpy())
        V["_p"] = V["product_id"].map(order)
        V = V.sort_values(["_p", "position"], kind="stable").reset_index(drop=True)
        V["variant_id"] = V["product_id"] + "#" + V["position"].astype(str)
        nophoto = V["photo"].str.contains("nophoto", case=False) | (V["photo"] == "")
        own_img = (V["product_id"] != V["code"]) & ~nophoto & (V["clone"] != V["product_id"])
        V["image_src"] = V["photo"].astype(object).where(own_img, None)
        flag_repeats(V["code"].where(V["product_id"] != V["code"], ""), file=file, column="productcode",
                     check="duplicate_sku", what="SKU", issues=issues, lines=V["line"].tolist())
        variants = pd.DataFrame({
            "variant_id": V["variant_id"], "product_id": V["product_id"], "position": V["position"].astype("int64"),
            "sku": V["code"], "barcode": none_if_empty(V["barcode"]), "price": V["price"],
            "compare_at_price": V["compare"], "cost": V["cost"], "weight": V["weight"].astype("float64"),
            "weight_unit": np.where(V["weight"].notna(), self.weight_unit, None),
            "inventory_quantity": V["stock"].astype("Int64"),
            "inventory_tracker": np.where(V["stock"].notna(), "shopify", None),
            "inventory_policy": V["nobackorder"].map({True: "deny", False: "continue"}).astype(object)
            .where(V["nobackorder"].notna(), None),
            "taxable": V["taxable"].astype(object).where(V["taxable"].notna(), None),
            "image_src": [mapping.image_url(x) if isinstance(x, str) and x else None for x in V["image_src"]],
            "source_id": V["code"],
        })
        vid_of_row = dict(zip(V["_row"], V["variant_id"]))
        ov_k = ov[ov["_row"].isin(set(C["_row"]))]
        variant_options = pd.DataFrame({"variant_id": ov_k["_row"].map(vid_of_row).to_numpy(),
                                        "position": ov_k["position"].to_numpy(), "value": ov_k["value"].to_numpy()})

        # ---- images --------------------------------------------------------------------------
        img = pd.DataFrame({"product_id": pid, "src": pcol("photourl").str.strip(),
                            "alt": pcol("photo_alttext").str.strip(), "_o": 0})
        img = img[(img["src"] != "") & ~img["src"].str.contains("nophoto", case=False)]
        if "photourl" not in Pk.columns and "producturl" in Pk.columns:
            host = Pk["producturl"].str.extract(r"^(https?://[^/]+)", expand=False).fillna("")
            base = Pk["photos_cloned_from"].str.strip() if "photos_cloned_from" in Pk else pd.Series("", index=Pk.index)
            base = base.where(base != "", pid)
            conv = pd.DataFrame({"product_id": pid, "src": host + "/v/vspfiles/photos/" + base + "-1.jpg",
                                 "alt": "", "_o": 0})
            img = conv[host != ""]
        vimg = variants.dropna(subset=["image_src"])[["product_id", "image_src"]].rename(columns={"image_src": "src"})
        vimg = vimg.assign(alt="", _o=1)
        img = pd.concat([img, vimg], ignore_index=True)
        img["src"] = [mapping.image_url(x) for x in img["src"]]
        img["_p"] = img["product_id"].map(order)
        img = img.sort_values(["_p", "_o"], kind="stable").drop_duplicates(["product_id", "src"])
        img["position"] = img.groupby("product_id").cumcount() + 1
        images = pd.DataFrame({"product_id": img["product_id"], "position": img["position"], "src": img["src"],
                               "alt": none_if_empty(img["alt"])})
        if len(images):
            issues.append(issue("warning", file, None, "photourl", "images_by_convention",
                                "Volusion lists one photo per product (<code>-1.jpg); more photos named "
                                "<code>-2.jpg, -3.jpg, ... under /v/vspfiles/photos/ are not in the export",
                                "copy the extra photos from the store's file manager if there are any"))

        # ---- categories ----------------------------------------------------------------------
        collections, collection_products = self._categories(tables, Pk, pid, issues, file, mapping)

        # ---- extra, value checks, loss --------------------------------------------------------
        unmapped = [c for c in F.columns if c not in _MAPPED]
        Fp = F[is_prod].reset_index(drop=True)
        Fc = F.iloc[C["_row"].to_numpy()].reset_index(drop=True)
        extra = concat_extra([
            extra_columns(Fp, {c: c for c in unmapped}, entity="product", ids=pid, namespace=self.name),
            extra_columns(Fc, {c: c for c in unmapped}, entity="variant",
                       ids=pd.Series([vid_of_row[r] for r in C["_row"]], dtype=object), namespace=self.name),
            extra_columns(Pk, {"optionids": "optionids", "categoryids": "categoryids"}, entity="product", ids=pid,
                       namespace=self.name),
        ])
        scan_values(file, F, table=t, barcode_columns=("upc_code", "ean"), product=F["productname"], sku=code,
                    issues=issues, skip_rows=pd.Series(drop_rows))
        loss = loss_rows(file, F, _MAPPED, dropped_rows=pd.Series(drop_rows), default="extra:volusion.{col}")
        for k in ("options", "option_categories", "categories"):
            if k in tables:
                ft = tables[k]
                loss.extend(loss_rows(ft.path, ft.frame, {}, default_note=f"lookup table ({k}): used for names"))
                for r in loss[-len(ft.frame.columns):]:
                    r["became"] = "(lookup)"
                    r["dropped"] = 0
        frames = {"products": products, "product_options": product_options, "variants": variants,
                  "variant_options": variant_options, "images": images, "collections": collections,
                  "collection_products": collection_products, "extra": extra}
        return frames, loss

    # ------------------------------------------------------------------------------------------
    def _read_customers(self, ct, mapping, issues: list, loss: list) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The Customers export as canonical customers plus ``extra:volusion.*`` rows.

        Passwords and other secret columns are never read (counted as dropped in the loss table, one
        warning); ``news1``..``news20`` (the store's newsletter lists, Y/N) become one
        ``extra:volusion.newsletters`` value listing the lists ticked Y; every other column with a value
        goes to ``extra:volusion.<column>``. A row with no e-mail, name or phone (Volusion's internal
        ``ROITracker`` row, customerid 0) is dropped with a warning."""
        file = ct.path
        K = _norm(mapping.rename_headers(ct.frame)).reset_index(drop=True)
        K = K.apply(lambda s: s.fillna("").astype(str))
        n = len(K)
        lines = ct.lines(range(n)) if n else []
        col = lambda c: (K[c] if c in K.columns else pd.Series("", index=K.index, dtype=object)).str.strip()  # noqa: E731
        secret = [c for c in K.columns if _SECRET.search(c)]
        n_secret = int(sum((K[c].str.strip() != "").sum() for c in secret))
        if secret:
            issues.append(issue("warning", file, None, ", ".join(secret), "secrets_dropped",
                                f"{n_secret} value(s) in {', '.join(secret)} were not carried: passwords and other "
                                f"secrets are never migrated",
                                "customers set a new password with 'Forgot your password?' (Shopify: send "
                                "account invites)"))
        ids, raw_email = col("customerid"), col("emailaddress")
        valid_email = raw_email.str.contains("@", regex=False)
        email = raw_email.where(valid_email, "")
        first, last, phone = col("firstname"), col("lastname"), col("phonenumber")
        empty = ((email == "") & (first == "") & (last == "") & (phone == "")).to_numpy()
        for pos in np.flatnonzero(empty):
            issues.append(issue("warning", file, lines[pos], "emailaddress", "empty_customer",
                                f"customer {ids.iloc[pos] or pos + 1} has no e-mail, name or phone "
                                f"(e-mail cell {raw_email.iloc[pos]!r}); it was not migrated",
                                "Volusion's own 'ROITracker' row (customerid 0) is not a customer"))
        for pos in np.flatnonzero((~valid_email & (raw_email != "")).to_numpy() & ~empty):
            issues.append(issue("warning", file, lines[pos], "emailaddress", "invalid_email",
                                f"{raw_email.iloc[pos]!r} is not an e-mail address; the customer is migrated "
                                f"without one", "add the e-mail before importing"))
        for pos in np.flatnonzero(((email == "") & ~pd.Series(empty)).to_numpy()):
            if raw_email.iloc[pos] == "":
                issues.append(issue("warning", file, lines[pos], "emailaddress", "missing_email",
                                    "the customer has no e-mail (Shopify identifies customers by e-mail or phone)",
                                    "add the e-mail before importing"))
        line_txt = pd.Series([str(x) for x in lines], dtype=object)
        cid = ids.where(ids != "", email.where(email != "", "row-" + line_txt))
        dup = cid.duplicated(keep="first").to_numpy() & ~empty
        for pos in np.flatnonzero(dup):
            issues.append(issue("error", file, lines[pos], "customerid", "duplicate_customer",
                                f"customer {cid.iloc[pos]!r} appears again; this row was dropped"))
        drop = empty | dup
        keep = ~drop
        admin = ((col("accesskey").str.upper() == "A") | (to_bool(col("issuperadmin")).fillna(False))).to_numpy()
        for pos in np.flatnonzero(admin & keep):
            issues.append(issue("warning", file, lines[pos], "accesskey", "admin_account",
                                f"customer {cid.iloc[pos]} is a store administrator account in Volusion (accesskey "
                                f"A / issuperadmin Y); it is migrated as an ordinary customer",
                                "leave it out of the import if it is only a staff login"))
        kid = cid[keep].reset_index(drop=True)
        Kk = K[keep].reset_index(drop=True)
        k_lines = [lines[i] for i in np.flatnonzero(keep)]
        kc = lambda c: col(c)[keep].reset_index(drop=True)  # noqa: E731
        # country (names or codes) and state -> province code
        countries, provinces = [], []
        for pos, (cn, st) in enumerate(zip(kc("country"), kc("state"))):
            cc, how = country_code(cn) if cn else (None, "empty")
            if how == "fuzzy":
                issues.append(issue("warning", file, k_lines[pos], "country", "country_guessed",
                                    f"country {cn!r} read as {country_name(cc)!r} ({cc}) by a fuzzy match",
                                    "check the country of this customer"))
            elif cn and cc is None:
                issues.append(issue("warning", file, k_lines[pos], "country", "unknown_country",
                                    f"country {cn!r} is not a country name or code pycountry knows; left empty"))
            pcode = province_code(cc, st) if cc and st else None
            if st and cc and pcode is None:
                issues.append(issue("warning", file, k_lines[pos], "state", "unknown_province",
                                    f"state {st!r} is not a province of {cc}; left empty (kept in "
                                    f"extra:volusion.state)"))
            countries.append(cc)
            provinces.append(pcode)
        raw_date = kc("createddate")
        created = _us_dates(raw_date)
        for pos in np.flatnonzero((created.isna() & (raw_date != "")).to_numpy()):
            issues.append(issue("warning", file, k_lines[pos], "createddate", "bad_date",
                                f"{raw_date.iloc[pos]!r} is not a US date (3/20/2018 10:40:00 AM); left empty"))
        subscribed = to_bool(kc("emailsubscriber"))
        cust = pd.DataFrame({
            "customer_id": kid, "email": none_if_empty(email[keep]),
            "first_name": none_if_empty(kc("firstname")), "last_name": none_if_empty(kc("lastname")),
            "phone": none_if_empty(kc("phonenumber")),
            "accepts_email_marketing": subscribed.astype(object).where(subscribed.notna(), None),
            "company": none_if_empty(kc("companyname")), "address1": none_if_empty(kc("billingaddress1")),
            "address2": none_if_empty(kc("billingaddress2")), "city": none_if_empty(kc("city")),
            "province_code": pd.Series(provinces, dtype=object), "country_code": pd.Series(countries, dtype=object),
            "zip": none_if_empty(kc("postalcode")), "note": none_if_empty(kc("customer_notes")),
            "created_at": created.reset_index(drop=True), "source_id": none_if_empty(kc("customerid")),
        })
        # extra: the unmapped columns; news1..news20 as one list; the state when it is no province code
        news = [c for c in K.columns if _NEWS.match(c)]
        other = {c: c for c in K.columns if c not in _CU_MAPPED and c not in secret and c not in news}
        yes = Kk[news].apply(lambda s: s.str.strip().str.upper().isin(("Y", "1", "YES", "TRUE")))
        ticked = pd.Series([",".join(c[4:] for c, on in zip(news, r) if on) for r in yes.itertuples(index=False)]
                           if news else [""] * len(Kk), dtype=object)
        unk_state = pd.Series([st if st and p is None else "" for st, p in zip(kc("state"), provinces)], dtype=object)
        extra = concat_extra([
            extra_columns(Kk, other, entity="customer", ids=kid, namespace=self.name),
            extra_rows(kid, ticked, "customer", self.name, "newsletters"),
            extra_rows(kid, unk_state, "customer", self.name, "state"),
        ])
        spec = dict(_CU_MAPPED)
        spec.update({c: ("", "never carried: customers set a new password") for c in secret})
        spec.update({c: ("extra:volusion.newsletters", "newsletter list flags; the lists ticked Y, e.g. '1,3'")
                     for c in news})
        loss.extend(loss_rows(file, ct.frame.set_axis(list(K.columns), axis=1), spec, dropped_rows=pd.Series(drop),
                              default="extra:volusion.{col}"))
        scan_values(file, K.drop(columns=secret), table=ct, issues=issues, skip_rows=pd.Series(drop))
        return cust, extra

    # ------------------------------------------------------------------------------------------
    def _option_names(self, tables, Pk, ov, issues, file, p_lines) -> pd.DataFrame:
        """(parent, position, name): the option category whose option texts match the children's values."""
        empty = pd.DataFrame(columns=["parent", "position", "name"])
        if "options" not in tables or "optionids" not in Pk.columns or not len(ov):
            return empty
        O = _norm(tables["options"].frame)
        ids = split_items(Pk["optionids"])
        po = pd.DataFrame({"parent": Pk["productcode"].str.strip().iloc[ids["row"]].to_numpy(), "id": ids["item"].to_numpy()})
        po = po.merge(O[["id", "optioncatid", "optionsdesc"]], on="id", how="left")
        unknown = po["optioncatid"].isna()
        for v in sorted(set(po.loc[unknown, "id"])):
            issues.append(issue("warning", file, None, "optionids", "unknown_option_id",
                                f"option id {v} is not in {Path(tables['options'].path).name}"))
        po = po[~unknown]
        po["value"] = po["optionsdesc"].str.strip()
        hits = ov.merge(po[["parent", "value", "optioncatid"]], on=["parent", "value"])
        if not len(hits):
            return empty
        best = (hits.groupby(["parent", "position", "optioncatid"]).size().rename("n").reset_index()
                .sort_values(["parent", "position", "n"], ascending=[True, True, False])
                .drop_duplicates(["parent", "position"]))
        catnames = {}
        if "option_categories" in tables:
            OC = _norm(tables["option_categories"].frame)
            name_col = "optioncategoriesdesc" if "optioncategoriesdesc" in OC else "optioncategorydesc"
            catnames = dict(zip(OC["id"].str.strip(), OC[name_col].str.strip()))
        best["name"] = best["optioncatid"].map(catnames)
        for c in sorted(set(best.loc[best["name"].isna(), "optioncatid"])):
            issues.append(issue("warning", file, None, "optionids", "option_category_unknown",
                                f"option category {c} is not known (give OptionCategories.csv)"))
        return best.dropna(subset=["name"])[["parent", "position", "name"]]

    def _categories(self, tables, Pk, pid, issues, file, mapping):
        if "categoryids" not in Pk.columns:
            return None, None
        ids = split_items(Pk["categoryids"])
        links = pd.DataFrame({"product_id": pid.iloc[ids["row"]].to_numpy(), "id": ids["item"].to_numpy()})
        if "categories" in tables:
            K = _norm(tables["categories"].frame)
            name = dict(zip(K["categoryid"].str.strip(), K["categoryname"].str.strip()))
            par = dict(zip(K["categoryid"].str.strip(), K["parentid"].str.strip())) if "parentid" in K else {}
            url = dict(zip(K["categoryid"].str.strip(), K["categoryurl"].str.strip())) if "categoryurl" in K else {}
            paths = {}
            for cid in set(links["id"]):
                seq, cur, seen = [], cid, set()
                while cur and cur in name and cur not in seen and cur != "0":
                    seen.add(cur)
                    seq.append(name[cur])
                    cur = par.get(cur, "")
                paths[cid] = " > ".join(reversed(seq)) if seq else None
            links["path"] = links["id"].map(paths)
            missing = links["path"].isna()
            for v in sorted(set(links.loc[missing, "id"])):
                issues.append(issue("warning", file, None, "categoryids", "unknown_category_id",
                                    f"category id {v} is not in {Path(tables['categories'].path).name}; its "
                                    f"collection is called 'Category {v}'"))
            links.loc[missing, "path"] = "Category " + links.loc[missing, "id"]
            links["source_url"] = links["id"].map(url).replace("", None) if url else None
        else:
            if len(links):
                issues.append(issue("warning", file, None, "categoryids", "category_names_unknown",
                                    "categoryids are ids into the Categories export, which was not given; the "
                                    "collections are called 'Category <id>'", "add Categories.csv to the inputs"))
            links["path"] = "Category " + links["id"]
        links["source_id"] = links["id"]
        return collections_from_paths(links, platform=self.name, mapping=None if mapping is None else mapping)


register("volusion", VolusionAdapter)
