"""OpenCart: the ``oc_product*`` and customer tables from a MySQL dump (no database server needed) or from
per-table CSV dumps (``oc_product.csv`` ...). Source only: OpenCart has no product import file.

The dump reader is a small tokenizer: it finds ``CREATE TABLE`` column lists and ``INSERT INTO ...
VALUES (...),(...);`` statements (with or without a column list) and reads quoted strings with
backslash escapes and doubled quotes, ``NULL`` and numbers. Only the catalog tables are kept (and,
for the adapter, the customer tables ``oc_customer``, ``oc_address``, ``oc_country``, ``oc_zone``).

Customers: the default address fills the address columns (ISO country and province codes through
``oc_country``/``oc_zone``); passwords, salts, tokens, reset codes, carts, wishlists and IPs are never
carried (counted as dropped); ``date_added`` is read as UTC (the dump has no time zone).

OpenCart options are not variants: each option value has its own quantity and a price delta, and
there is no SKU or stock per combination. Variants are made up as the Cartesian product of the
product's ``select``/``radio``/``image`` options (price = base ± deltas, exact decimals; quantity =
the smallest of the chosen values' quantities; SKU = product SKU or model + value slugs, flagged).
Text is stored HTML-entity-encoded and is decoded once. Decisions: ``docs/mapping.md``, OpenCart.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..countries import country_code, province_code
from ..errors import InputError
from ..mapping import Mapping
from . import register
from .base import Adapter, ReadResult
from .csvio import read_table
from ._common import (MONEY, TEXT, collections_from_paths, concat_extra, extra_columns, extra_rows, finish,
                      flag_repeats, issue, loss_rows, none_if_empty, put_rows, scan_values, slugify_series, to_float,
                      to_int, to_money, unique_handles)

__all__ = ["OpenCartAdapter", "read_dump"]

#: catalog tables this adapter reads (without the ``oc_`` prefix)
TABLES = ("product", "product_description", "product_option", "product_option_value", "option",
          "option_description", "option_value", "option_value_description", "product_image",
          "product_to_category", "category", "category_description", "seo_url", "url_alias", "manufacturer",
          "product_attribute", "attribute_description", "product_special", "product_discount")
#: customer tables (read by the adapter; ``read_dump`` keeps them on request)
CUSTOMER_TABLES = ("customer", "address", "country", "zone")
ALL_TABLES = TABLES + CUSTOMER_TABLES
_VARIANT_TYPES = {"select", "radio", "image"}

_STMT = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?\s*\(|"
                   r"INSERT\s+(?:IGNORE\s+)?INTO\s+`?(\w+)`?\s*(\([^)]*\))?\s*VALUES\s*", re.I)
_TOKEN = re.compile(r"\s+|'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|NULL\b|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
                    r"|[(),;]|[A-Za-z_][\w]*", re.S | re.I)
_ESC = re.compile(r"\\(.)", re.S)
_ESC_MAP = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "b": "\b"}
_COLDEF = re.compile(r"^\s*`(\w+)`\s", re.M)


def _unquote(tok: str) -> str:
    q = tok[0]
    body = tok[1:-1].replace(q + q, q)
    return _ESC.sub(lambda m: _ESC_MAP.get(m.group(1), m.group(1)), body)


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _table_key(name: str, keys=None, prefix: str | None = None) -> str | None:
    """The table a (prefixed) table name stands for: ``oc_product_option_value`` -> ``product_option_value``.

    With ``prefix`` (the dump's table prefix, see :func:`_prefix`) the name must be exactly
    ``prefix + key``, so ``oc_geo_zone`` is not ``zone`` and ``oc_coupon_product`` is not ``product``."""
    keys = TABLES if keys is None else keys
    low = name.lower()
    if prefix is not None:
        rest = low[len(prefix):] if low.startswith(prefix) else None
        return rest if rest in keys else None
    best = None
    for t in keys:
        if (low == t or low.endswith("_" + t)) and (best is None or len(t) > len(best)):
            best = t
    return best


def _prefix(names, keys=None) -> str | None:
    """The table prefix of a dump (``oc_``, ``shop_``, ``""``): that of the shortest name ending in
    ``product`` (else ``customer``, else any known table); None when no name is a known table."""
    keys = ALL_TABLES if keys is None else keys
    low = [n.lower() for n in names]
    for anchor in ("product", "customer"):
        cands = [n for n in low if n == anchor or n.endswith("_" + anchor)]
        if cands:
            return min(cands, key=len)[:-len(anchor)]
    cands = [n[:-len(t)] for n in low for t in keys if n == t or n.endswith("_" + t)]
    return min(cands, key=len) if cands else None


def _dump_completed(path) -> bool:
    """False for a mysqldump file without mysqldump's closing comment (a dump cut off between two
    statements); True for any other file (phpMyAdmin and others write no such line)."""
    with open(path, "rb") as fh:
        head = fh.read(64)
        fh.seek(0, 2)
        fh.seek(max(fh.tell() - 4096, 0))
        tail = fh.read()
    return not head.lstrip(b"\xef\xbb\xbf").startswith(b"-- MySQL dump") or b"-- Dump completed" in tail


def read_dump(path, tables=TABLES) -> dict[str, pd.DataFrame]:
    """The catalog tables of a MySQL dump (or the ``tables`` asked for, e.g. :data:`ALL_TABLES`) as
    all-text frames (``NULL`` -> ``""``); keys without prefix."""
    file = str(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    columns: dict[str, list[str]] = {}
    rows: dict[str, list[list[str]]] = {}
    prefix = _prefix([a or b for a, b in re.findall(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?\s*\(|"
                                                     r"INSERT\s+(?:IGNORE\s+)?INTO\s+`?(\w+)`?", text, re.I)])
    keys = tuple(tables)
    pos = 0
    n = len(text)
    while True:
        m = _STMT.search(text, pos)
        if not m:
            break
        if m.group(1):  # CREATE TABLE: column names up to the matching parenthesis
            key = _table_key(m.group(1), keys, prefix)
            depth, i = 1, m.end()
            while i < n and depth:
                ch = text[i]
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                elif ch in "'\"":
                    j = text.find(ch, i + 1)
                    i = j if j > 0 else i
                i += 1
            if depth:
                raise InputError(f"the dump ends inside CREATE TABLE {m.group(1)}: the file is cut off (export it "
                                 "again, or check the upload finished)", file=file, row=_line_at(text, m.start()))
            if key:
                columns[key] = _COLDEF.findall(text[m.end():i])
            pos = i
            continue
        key = _table_key(m.group(2), keys, prefix)
        collist = m.group(3)
        cols = re.findall(r"`?(\w+)`?", collist[1:-1]) if collist else None
        i = m.end()
        depth = 0
        cur: list[str] = []
        tuples: list[list[str]] = []
        expect_value = False
        while i < n:
            t = _TOKEN.match(text, i)
            if not t:
                raise InputError(f"cannot read the INSERT INTO {m.group(2)} statement here: "
                                 f"{text[i:i + 40]!r}", file=file, row=_line_at(text, i))
            tok = t.group(0)
            i = t.end()
            c = tok[0]
            if c.isspace():
                continue
            if tok == "(":
                if depth:
                    raise InputError(f"nested parenthesis in INSERT INTO {m.group(2)}", file=file,
                                     row=_line_at(text, i))
                depth, cur, expect_value = 1, [], True
            elif tok == ")":
                if not depth:
                    raise InputError(f"unbalanced ')' in INSERT INTO {m.group(2)}", file=file, row=_line_at(text, i))
                depth = 0
                tuples.append(cur)
            elif tok == ",":
                if depth:
                    expect_value = True
            elif tok == ";":
                if depth:
                    raise InputError(f"INSERT INTO {m.group(2)} ends inside a row", file=file, row=_line_at(text, i))
                break
            elif depth:
                if c in "'\"":
                    cur.append(_unquote(tok))
                elif tok.upper() == "NULL":
                    cur.append("")
                else:
                    cur.append(tok)
                expect_value = False
            else:
                # another statement started without ';' (not valid SQL): stop here
                i = t.start()
                break
        else:  # the text ended before the statement's ';'
            raise InputError(f"the dump ends inside INSERT INTO {m.group(2)}: the file is cut off (export it "
                             "again, or check the upload finished)", file=file, row=_line_at(text, m.start()))
        pos = i
        if not key:
            continue
        if cols is None:
            cols = columns.get(key)
            if cols is None:
                raise InputError(f"INSERT INTO {m.group(2)} has no column list and no CREATE TABLE before it",
                                 file=file, row=_line_at(text, m.start()))
        bad = [k for k, tpl in enumerate(tuples) if len(tpl) != len(cols)]
        if bad:
            raise InputError(f"a row of INSERT INTO {m.group(2)} has {len(tuples[bad[0]])} values but the table has "
                             f"{len(cols)} columns", file=file, row=_line_at(text, m.start()), column=m.group(2))
        prev = columns.setdefault(key, cols)
        if tuples:
            df = pd.DataFrame(tuples, columns=cols, dtype=object)
            rows.setdefault(key, []).append(df.reindex(columns=prev if set(cols) <= set(prev) else cols,
                                                       fill_value=""))
    out = {}
    for key, cols in columns.items():
        parts = rows.get(key, [])
        df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
        out[key] = df.fillna("").astype(str)
    return out


def _decode(s: pd.Series) -> pd.Series:
    """HTML entities decoded once (only cells with a ``&``)."""
    s = s.fillna("").astype(str)
    m = s.str.contains("&", regex=False)
    if m.any():
        s = s.copy()
        s[m] = s[m].map(html.unescape)
    return s


class OpenCartAdapter(Adapter):
    """OpenCart catalog and customer tables: a MySQL dump (``.sql``) or per-table CSV files
    (``oc_product.csv``, ``oc_customer.csv`` ...)."""

    name = "opencart"
    label = "OpenCart"
    can_write = False
    reads = {"dump": "MySQL dump (.sql) with the oc_product* (and oc_customer, oc_address) tables",
             "tables": "per-table CSV dumps named like oc_product.csv, oc_customer.csv"}
    #: the admin language whose texts become the product's (others go to extra)
    language_id = "1"
    #: kg is weight_class_id 1 in a default install; other ids are kept in extra
    weight_units = {"1": "kg", "2": "g", "5": "lb", "6": "oz"}

    def __init__(self, language_id: str | int | None = None):
        if language_id is not None:
            self.language_id = str(language_id)

    def _load(self, paths) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[dict]]:
        tables: dict[str, pd.DataFrame] = {}
        origin: dict[str, str] = {}
        warns: list[dict] = []
        prefix = _prefix([Path(p).stem for p in paths if Path(p).suffix.lower() != ".sql"])
        for p in paths:
            p = Path(p)
            if p.suffix.lower() == ".sql":
                for k, df in read_dump(p, ALL_TABLES).items():
                    tables[k] = df
                    origin[k] = str(p)
                if not _dump_completed(p):
                    warns.append(issue("warning", str(p), None, "", "dump_not_completed",
                                       "the file starts like a mysqldump dump but lacks its last line ('-- Dump "
                                       "completed on ...'): if the export was cut off between two tables, the "
                                       "tables after the cut are missing", "export the database again and check "
                                       "that the download or upload finished"))
            else:
                key = _table_key(p.stem, ALL_TABLES, prefix)
                if not key:
                    raise InputError(f"the file name does not name an OpenCart table this adapter reads (expected "
                                     f"e.g. oc_product.csv, oc_product_description.csv, oc_customer.csv, ...; "
                                     f"known: {', '.join(ALL_TABLES)})", file=str(p))
                t = read_table(p, label=f"OpenCart table {key}")
                tables[key] = t.frame.fillna("").astype(str)
                origin[key] = str(p)
                warns.extend(t.warnings)
        return tables, origin, warns

    def read(self, paths, *, mapping=None) -> ReadResult:
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        if not paths:
            raise InputError("no OpenCart file was given (a MySQL dump .sql, or oc_product.csv and its sibling tables)")
        mapping = mapping if mapping is not None else Mapping()
        tables, origin, issues = self._load(paths)
        if "product" not in tables and "customer" not in tables:
            raise InputError("the oc_product table is missing (no CREATE TABLE/INSERT for it in the dump, or no "
                             "oc_product.csv); oc_customer is missing too", file=str(paths[0]))
        customers, cextra, closs = (self._customers(tables, origin, issues) if "customer" in tables
                                    else (None, None, []))
        if "product" not in tables:
            return finish(self.name, sorted(set(origin.values())), {"customers": customers, "extra": cextra},
                          closs, issues)
        P = tables["product"].reset_index(drop=True)
        pfile = origin["product"]
        for req in ("product_id", "price"):
            if req not in P.columns:
                raise InputError(f"the column '{req}' is missing in oc_product", file=pfile, column=req)
        get = lambda df, c: df[c] if c in df.columns else pd.Series("", index=df.index, dtype=object)  # noqa: E731
        pid = P["product_id"].str.strip()
        lang = self.language_id

        # ---- descriptions: the admin language; others to extra -------------------------------------
        D = tables.get("product_description", pd.DataFrame(columns=["product_id", "language_id", "name"]))
        D = D.assign(product_id=D["product_id"].str.strip(), language_id=get(D, "language_id").str.strip())
        text_cols = [c for c in ("name", "description", "tag", "meta_title", "meta_description", "meta_keyword")
                     if c in D.columns]
        for c in text_cols:
            D[c] = _decode(D[c])
        main = D[D["language_id"] == lang].drop_duplicates("product_id")
        lacking = sorted(set(pid) - set(main["product_id"]))
        if lacking:
            fb = D[D["product_id"].isin(lacking)].sort_values("language_id").drop_duplicates("product_id")
            for r in fb.itertuples():
                issues.append(issue("warning", origin.get("product_description", pfile), None, "language_id",
                                    "language_missing", f"product {r.product_id} has no texts in language {lang}; "
                                    f"language {r.language_id} is used", product=r.product_id))
            main = pd.concat([main, fb], ignore_index=True)
        desc = main.set_index("product_id")
        title = pid.map(desc["name"]) if "name" in desc else pd.Series("", index=pid.index)
        title = title.fillna("").str.strip()
        no_name = np.flatnonzero((title == "").to_numpy())
        for pos in no_name:
            issues.append(issue("warning", pfile, None, "name", "missing_name",
                                f"product {pid.iloc[pos]} has no name; its model is used", product=pid.iloc[pos]))
        title = title.where(title != "", get(P, "model").str.strip())
        title = title.where(title != "", "Product " + pid)
        used_pairs = set(zip(main["product_id"], main["language_id"]))
        others = D[[(a, b) not in used_pairs for a, b in zip(D["product_id"], D["language_id"])]]

        # ---- SEO URLs --------------------------------------------------------------------------
        kw_prod, kw_cat = self._keywords(tables, lang)
        keyword = pid.map(kw_prod).astype(object).fillna("")
        handle = unique_handles(slugify_series(keyword), slugify_series(title), file=pfile, issues=issues,
                                platform=self.name, products=title).reset_index(drop=True)
        src_url = pd.Series(np.where(keyword != "", "/" + keyword,
                                     "/index.php?route=product/product&product_id=" + pid), dtype=object)
        if mapping.urls.get("product_url_pattern"):
            src_url = pd.Series([mapping.product_url(id=i, handle=h, keyword=k, sku=s) for i, h, k, s in
                                 zip(pid, handle, keyword, get(P, "sku"))], dtype=object)
        status = get(P, "status").str.strip() == "1"
        created = pd.to_datetime(get(P, "date_added").replace("0000-00-00 00:00:00", ""), errors="coerce")
        updated = pd.to_datetime(get(P, "date_modified").replace("0000-00-00 00:00:00", ""), errors="coerce")
        vendor = None
        if "manufacturer" in tables and "manufacturer_id" in P.columns:
            M = tables["manufacturer"]
            vendor = P["manufacturer_id"].str.strip().map(dict(zip(M["manufacturer_id"].str.strip(), _decode(M["name"]))))
        dcol = lambda c: none_if_empty(pid.map(desc[c]).fillna("")) if c in desc.columns else None  # noqa: E731
        tags = pid.map(desc["tag"]).fillna("") if "tag" in desc.columns else pd.Series("", index=pid.index)
        tags = tags.str.split(",").map(lambda xs: ", ".join(x.strip() for x in xs if x.strip()))
        products = pd.DataFrame({
            "product_id": pid, "handle": handle, "title": title, "description_html": dcol("description"),
            "vendor": None if vendor is None else none_if_empty(vendor), "tags": none_if_empty(tags),
            "status": np.where(status, "active", "draft"), "published": status.to_numpy(),
            "seo_title": dcol("meta_title"), "seo_description": dcol("meta_description"),
            "source_platform": self.name, "source_id": pid, "source_url": src_url,
            "created_at": created.dt.tz_localize("UTC"), "updated_at": updated.dt.tz_localize("UTC"),
        })

        # ---- base variant values ---------------------------------------------------------------
        price = to_money(P["price"], file=pfile, column="price", issues=issues, required=True, label="price")
        weight = to_float(get(P, "weight"), file=pfile, column="weight", issues=issues)
        qty = to_int(get(P, "quantity"), file=pfile, column="quantity", issues=issues)
        sku = get(P, "sku").str.strip()
        model = get(P, "model").str.strip()
        base_sku = sku.where(sku != "", model)
        ean, upc = get(P, "ean").str.strip(), get(P, "upc").str.strip()
        base = pd.DataFrame({
            "product_id": pid, "sku": base_sku, "barcode": ean.where(ean != "", upc),
            "price": pd.Series(price.to_pylist(), dtype=object), "weight": weight,
            "weight_unit": get(P, "weight_class_id").str.strip().map(self.weight_units),
            "qty": qty, "subtract": get(P, "subtract").str.strip() != "0",
            "shipping": get(P, "shipping").str.strip() != "0",
            "taxable": get(P, "tax_class_id").str.strip().replace("", "0") != "0",
        })

        # ---- options -> combinations -----------------------------------------------------------
        V, options, vopts, opt_extra = self._combinations(tables, origin, base, lang, issues, mapping)
        order = pd.Series(range(len(pid)), index=pid.to_numpy())
        V["_p"] = V["product_id"].map(order)
        V = V.sort_values(["_p", "position"], kind="stable").reset_index(drop=True)
        flag_repeats(V["sku"].where(~V["generated"], ""), file=pfile, column="sku", check="duplicate_sku",
                     what="SKU", issues=issues, lines=[None] * len(V))
        variants = pd.DataFrame({
            "variant_id": V["product_id"] + "#" + V["position"].astype(str), "product_id": V["product_id"],
            "position": V["position"].astype("int64"), "sku": none_if_empty(V["sku"]),
            "barcode": none_if_empty(V["barcode"]), "price": V["price"], "weight": V["weight"],
            "weight_unit": V["weight_unit"].where(V["weight"].notna(), None),
            "inventory_quantity": V["qty"].astype("Int64"),
            "inventory_tracker": np.where(V["subtract"], "shopify", None),
            "requires_shipping": V["shipping"].to_numpy(), "taxable": V["taxable"].to_numpy(),
            "source_id": V["source_id"],
        })
        unknown_unit = V["weight"].notna() & V["weight_unit"].isna()
        if unknown_unit.any():
            issues.append(issue("warning", pfile, None, "weight_class_id", "weight_unit_unknown",
                                f"{int(unknown_unit.sum())} variants have a weight_class_id other than the default "
                                f"ids (1 kg, 2 g, 5 lb, 6 oz); their weight has no unit",
                                "check oc_weight_class and set the unit"))

        # ---- images ----------------------------------------------------------------------------
        im = [pd.DataFrame({"product_id": pid, "src": get(P, "image").str.strip(), "_o": -1, "_i": 0})]
        if "product_image" in tables:
            PI = tables["product_image"]
            im.append(pd.DataFrame({"product_id": PI["product_id"].str.strip(), "src": PI["image"].str.strip(),
                                    "_o": pd.to_numeric(get(PI, "sort_order"), errors="coerce").fillna(0).to_numpy(),
                                    "_i": pd.to_numeric(get(PI, "product_image_id"), errors="coerce").fillna(0).to_numpy()}))
        img = pd.concat(im, ignore_index=True)
        img = img[(img["src"] != "") & img["product_id"].isin(set(pid))]
        img["src"] = pd.Series([mapping.image_url(x) for x in img["src"]], index=img.index, dtype=object)
        img["_p"] = img["product_id"].map(order)
        img = img.sort_values(["_p", "_o", "_i"], kind="stable").drop_duplicates(["product_id", "src"])
        img["position"] = img.groupby("product_id").cumcount() + 1
        images = img[["product_id", "position", "src"]].reset_index(drop=True)
        relative = ~images["src"].str.match(r"^[a-z][a-z0-9+.-]*://", case=False)
        if relative.any():
            issues.append(issue("warning", pfile, None, "image", "image_path_relative",
                                f"{int(relative.sum())} image paths are relative to the shop's image/ folder "
                                f"(catalog/...)", "set [urls] image_base_url = \"https://<shop>/image\" in the mapping"))

        # ---- categories ------------------------------------------------------------------------
        collections, collection_products = self._categories(tables, pid, lang, kw_cat, mapping)

        # ---- extra ----------------------------------------------------------------------------
        used = {"product_id", "price", "weight", "quantity", "sku", "model", "ean", "upc", "image", "status",
                "date_added", "date_modified", "shipping", "tax_class_id", "subtract", "weight_class_id"}
        unmapped = {c: c for c in P.columns if c not in used}
        parts = [extra_columns(P, unmapped, entity="product", ids=pid, namespace=self.name),
                 extra_columns(P, {"tax_class_id": "tax_class_id", "model": "model"}, entity="product", ids=pid,
                            namespace=self.name), opt_extra]
        if len(others):
            for c in text_cols:
                o = others[others[c] != ""]
                if len(o):
                    parts.append(pd.DataFrame({"entity": "product", "entity_id": o["product_id"].to_numpy(),
                                               "namespace": self.name, "key": c + "_lang" + o["language_id"],
                                               "value": o[c].to_numpy(), "type": "single_line_text_field"}))
        for c in ("meta_keyword",):
            if c in desc.columns:
                parts.append(extra_columns(pd.DataFrame({c: pid.map(desc[c]).fillna("")}), {c: c}, entity="product",
                                        ids=pid, namespace=self.name))
        if "product_attribute" in tables:
            parts.append(self._attributes(tables, lang))
        extra = concat_extra(parts)
        if "product_special" in tables and len(tables["product_special"]):
            n_sp = len(tables["product_special"])
            issues.append(issue("warning", origin["product_special"], None, "price", "specials_not_migrated",
                                f"{n_sp} special prices (oc_product_special) are not migrated; variant prices are the "
                                f"regular prices", "recreate sales as compare-at prices or discounts"))
        scan_values(pfile, P, barcode_columns=("ean", "upc", "jan", "isbn"), product=title, sku=sku, issues=issues)
        for r in issues:  # the dump has no line per row: point at the table instead
            if r["line"] is not None and r["file"] == pfile and pfile.endswith(".sql"):
                r["line"] = None
        loss = self._loss(tables, origin) + closs
        frames = {"products": products, "product_options": options, "variants": variants,
                  "variant_options": vopts, "images": images, "collections": collections,
                  "collection_products": collection_products, "customers": customers,
                  "extra": concat_extra([extra, cextra])}
        return finish(self.name, sorted(set(origin.values())), frames, loss, issues)

    # ------------------------------------------------------------------------------------------
    def _keywords(self, tables, lang) -> tuple[dict, dict]:
        for key in ("seo_url", "url_alias"):
            if key in tables:
                S = tables[key]
                if "language_id" in S.columns:
                    S = S.assign(_l=(S["language_id"].str.strip() != lang).astype(int)).sort_values("_l", kind="stable")
                if "store_id" in S.columns:
                    S = S[S["store_id"].str.strip().isin(["0", ""])]
                q = S["query"].str.strip()
                prod = S[q.str.startswith("product_id=")]
                cat = S[q.str.startswith("category_id=")]
                kp = dict(zip(prod["query"].str.split("=").str[1].str.strip()[::-1], prod["keyword"].str.strip()[::-1]))
                kc = dict(zip(cat["query"].str.split("=").str[1].str.strip()[::-1], cat["keyword"].str.strip()[::-1]))
                return kp, kc
        return {}, {}

    def _combinations(self, tables, origin, base, lang, issues, mapping):
        empty_opts = pd.DataFrame(columns=["product_id", "position", "name"])
        empty_vo = pd.DataFrame(columns=["variant_id", "position", "value"])
        no_extra = pd.DataFrame(columns=["entity", "entity_id", "namespace", "key", "value", "type"])
        single = base.assign(position=1, generated=False, source_id=base["product_id"])
        if "product_option" not in tables:
            return single, empty_opts, empty_vo, no_extra
        PO = tables["product_option"].copy()
        PO["product_id"] = PO["product_id"].str.strip()
        PO = PO[PO["product_id"].isin(set(base["product_id"]))]
        name_of = {}
        if "option_description" in tables:
            OD = tables["option_description"]
            OD = OD.assign(_l=(OD["language_id"].str.strip() != lang).astype(int)).sort_values("_l", kind="stable")
            name_of = dict(zip(OD["option_id"].str.strip()[::-1], _decode(OD["name"]).str.strip()[::-1]))
        type_of = {}
        if "option" in tables and "type" in tables["option"].columns:
            O = tables["option"]
            type_of = dict(zip(O["option_id"].str.strip(), O["type"].str.strip().str.lower()))
        PO["option_id"] = PO["option_id"].str.strip()
        PO["name"] = PO["option_id"].map(name_of).fillna("Option " + PO["option_id"])
        PO["type"] = PO["option_id"].map(type_of).fillna("select")
        PO["_id"] = pd.to_numeric(PO["product_option_id"], errors="coerce")
        POV = tables.get("product_option_value", pd.DataFrame(columns=["product_option_id"])).copy()
        val_name = {}
        if "option_value_description" in tables:
            VD = tables["option_value_description"]
            VD = VD.assign(_l=(VD["language_id"].str.strip() != lang).astype(int)).sort_values("_l", kind="stable")
            val_name = dict(zip(VD["option_value_id"].str.strip()[::-1], _decode(VD["name"]).str.strip()[::-1]))
        sort_of = {}
        if "option_value" in tables and "sort_order" in tables["option_value"].columns:
            OV = tables["option_value"]
            sort_of = dict(zip(OV["option_value_id"].str.strip(), pd.to_numeric(OV["sort_order"], errors="coerce")))
        POV["option_value_id"] = get_col(POV, "option_value_id").str.strip()
        POV["product_option_id"] = POV["product_option_id"].str.strip()
        POV["value"] = POV["option_value_id"].map(val_name).fillna("Value " + POV["option_value_id"])
        POV["_sort"] = POV["option_value_id"].map(sort_of).fillna(0)
        POV["_id"] = pd.to_numeric(get_col(POV, "product_option_value_id"), errors="coerce")
        pofile = origin.get("product_option_value", origin.get("product_option"))
        delta = to_money(get_col(POV, "price"), file=pofile, column="price", issues=issues)
        prefix = get_col(POV, "price_prefix").str.strip().replace("", "+")
        odd = ~prefix.isin(["+", "-"])
        if odd.any():
            issues.append(issue("warning", pofile, None, "price_prefix", "price_prefix_unsupported",
                                f"{int(odd.sum())} option values use price_prefix {sorted(set(prefix[odd]))} "
                                f"(not + or -); read as +", "check those variants' prices"))
        neg = pc.negate(pc.fill_null(delta, pa.scalar(0, MONEY)))
        signed = pc.if_else(pa.array((prefix == "-").to_numpy()), neg, pc.fill_null(delta, pa.scalar(0, MONEY)))
        POV["delta"] = pd.Series(signed.to_pylist(), index=POV.index, dtype=object)
        wd = to_float(get_col(POV, "weight"), file=pofile, column="weight", issues=issues).fillna(0.0).to_numpy()
        wsign = np.where(get_col(POV, "weight_prefix").str.strip().to_numpy() == "-", -1.0, 1.0)
        POV["wdelta"] = wd * wsign
        POV["qty"] = to_int(get_col(POV, "quantity"), file=pofile, column="quantity", issues=issues).to_numpy()
        POV = POV.merge(PO[["product_option_id", "product_id", "name", "type", "_id"]].rename(columns={"_id": "_po"}),
                        on="product_option_id", how="inner", suffixes=("_v", ""))
        # options that are not variant options -> extra
        is_var = PO["type"].isin(_VARIANT_TYPES) & PO["product_option_id"].isin(set(POV["product_option_id"]))
        nv = PO[~is_var]
        extra_parts = []
        if len(nv):
            vals = POV[POV["product_option_id"].isin(set(nv["product_option_id"]))].sort_values(["_sort", "_id"])
            joined = vals.groupby("product_option_id")["value"].agg(", ".join)
            default = get_col(nv, "value").where(get_col(nv, "value") != "", get_col(nv, "option_value"))
            cell = nv["product_option_id"].map(joined).fillna(default.fillna(""))
            cell = np.where(cell == "", "(" + nv["type"] + ")", cell)
            extra_parts.append(pd.DataFrame({"entity": "product", "entity_id": nv["product_id"].to_numpy(),
                                             "namespace": self.name, "key": "option:" + nv["name"].to_numpy(),
                                             "value": cell, "type": "single_line_text_field"}))
            for r in nv.itertuples():
                issues.append(issue("warning", origin["product_option"], None, "option_id", "option_not_variant",
                                    f"product {r.product_id}: option {r.name!r} ({r.type}) is a choice at checkout, not a "
                                    f"variant; kept in extra:opencart.option:{r.name}", product=r.product_id))
        PO = PO[is_var].sort_values(["product_id", "_id"], kind="stable")
        PO["position"] = PO.groupby("product_id").cumcount() + 1
        PO["name"] = [mapping.suggest("options", x, mapping.option(x)) for x in PO["name"]]
        options = PO[["product_id", "position", "name"]].reset_index(drop=True)
        vals = POV[POV["product_option_id"].isin(set(PO["product_option_id"]))].copy()
        vals = vals.merge(PO[["product_option_id", "position"]], on="product_option_id")
        vals = vals.sort_values(["product_id", "position", "_sort", "_id"], kind="stable")
        with_opts = set(PO["product_id"])
        b = base.set_index("product_id")
        # Cartesian product, one option position at a time (vectorised over all products)
        at = {x: i for i, x in reversed(list(enumerate(base["product_id"])))}  # first position of each id
        combo = pd.DataFrame({"product_id": sorted(with_opts, key=at.__getitem__)})
        combo["price"] = combo["product_id"].map(b["price"])
        combo["weight"] = combo["product_id"].map(b["weight"])
        combo["qty"] = pd.Series(pd.NA, index=combo.index, dtype="Int64")
        combo["key"] = ""
        combo["slug"] = ""
        combo["_ord"] = ""
        picks = []
        maxpos = int(PO["position"].max()) if len(PO) else 0
        for k in range(1, maxpos + 1):
            vk = vals[vals["position"] == k][["product_id", "value", "delta", "wdelta", "qty"]].copy()
            vk["_r"] = vk.groupby("product_id").cumcount()
            has_k = combo["product_id"].isin(set(vk["product_id"]))
            stay = combo[~has_k]
            grow = combo[has_k].merge(vk, on="product_id", suffixes=("", "_v"))
            pa_price = pa.array(grow["price"].tolist(), type=MONEY)
            pa_delta = pa.array(grow["delta"].tolist(), type=MONEY)
            grow["price"] = pc.add(pa_price, pa_delta).cast(MONEY).to_pylist()
            grow["weight"] = grow["weight"] + grow["wdelta"]
            q = grow["qty_v"].astype("Int64")
            grow["qty"] = np.fmin(grow["qty"].astype("float64"), q.astype("float64"))
            grow["qty"] = pd.Series(grow["qty"]).where(grow["qty"].notna(), q.astype("float64")).astype("Int64")
            grow["key"] = grow["key"] + "\x1f" + grow["value"]
            grow["slug"] = grow["slug"] + "-" + slugify_series(grow["value"]).to_numpy()
            grow["_ord"] = grow["_ord"] + grow["_r"].map(lambda x: f"{x:05d}")
            grow["v" + str(k)] = grow["value"]
            combo = pd.concat([stay, grow[[c for c in grow.columns if c not in ("value", "delta", "wdelta", "qty_v", "_r")]]],
                              ignore_index=True)
            picks.append(k)
        if len(combo):
            combo = combo.sort_values(["product_id", "_ord"], kind="stable")
            combo["position"] = combo.groupby("product_id").cumcount() + 1
            combo["generated"] = True
            combo["sku"] = combo["product_id"].map(b["sku"]) + combo["slug"]
            for c in ("barcode", "weight_unit", "subtract", "shipping", "taxable"):
                combo[c] = combo["product_id"].map(b[c])
            combo["source_id"] = None
            for p_ in combo["product_id"].unique():
                n_c = int((combo["product_id"] == p_).sum())
                issues.append(issue("warning", origin["product_option"], None, "quantity",
                                    "stock_per_combination_made_up",
                                    f"product {p_}: {n_c} variants made from its options; each variant's stock is the "
                                    f"smallest quantity of its option values, its SKU is made up "
                                    f"({combo.loc[combo['product_id'] == p_, 'sku'].iloc[0]}, ...) and the barcode "
                                    f"is the product's", "OpenCart has no SKU or stock per combination: check them",
                                    product=p_))
        V = pd.concat([single[~single["product_id"].isin(with_opts)], combo], ignore_index=True)
        V["generated"] = V["generated"].fillna(False).astype(bool)
        vid = V["product_id"] + "#" + V["position"].astype(str)
        vo = []
        for k in picks:
            m = V["v" + str(k)].notna() if "v" + str(k) in V else pd.Series(False, index=V.index)
            vo.append(pd.DataFrame({"variant_id": vid[m].to_numpy(), "position": k,
                                    "value": V.loc[m, "v" + str(k)].to_numpy()}))
        vopts = pd.concat(vo, ignore_index=True) if vo else empty_vo
        gen = V[V["generated"]]
        extra_parts.append(pd.DataFrame({"entity": "variant", "entity_id": vid[V["generated"]].to_numpy(),
                                         "namespace": self.name, "key": "generated_sku", "value": gen["sku"].to_numpy(),
                                         "type": "single_line_text_field"}))
        return V, options, vopts, concat_extra(extra_parts)

    def _categories(self, tables, pid, lang, kw_cat, mapping):
        if "product_to_category" not in tables:
            return None, None
        PC = tables["product_to_category"]
        links = pd.DataFrame({"product_id": PC["product_id"].str.strip(), "id": PC["category_id"].str.strip()})
        links = links[links["product_id"].isin(set(pid))]
        name, parent = {}, {}
        if "category_description" in tables:
            CD = tables["category_description"]
            CD = CD.assign(_l=(CD["language_id"].str.strip() != lang).astype(int)).sort_values("_l", kind="stable")
            name = dict(zip(CD["category_id"].str.strip()[::-1], _decode(CD["name"]).str.strip()[::-1]))
        if "category" in tables and "parent_id" in tables["category"].columns:
            C = tables["category"]
            parent = dict(zip(C["category_id"].str.strip(), C["parent_id"].str.strip()))
        paths = {}
        for cid in set(links["id"]):
            seq, cur, seen = [], cid, set()
            while cur and cur != "0" and cur not in seen:
                seen.add(cur)
                seq.append(name.get(cur, f"Category {cur}"))
                cur = parent.get(cur, "")
            paths[cid] = " > ".join(reversed(seq))
        links["path"] = links["id"].map(paths)
        links["source_id"] = links["id"]
        kw = links["id"].map(kw_cat).astype(object).fillna("")
        links["source_url"] = np.where(kw != "", "/" + kw, "/index.php?route=product/category&path=" + links["id"])
        return collections_from_paths(links, platform=self.name, mapping=mapping)

    def _attributes(self, tables, lang) -> pd.DataFrame:
        A = tables["product_attribute"]
        A = A[A["language_id"].str.strip() == lang] if "language_id" in A.columns else A
        names = {}
        if "attribute_description" in tables:
            AD = tables["attribute_description"]
            AD = AD[AD["language_id"].str.strip() == lang] if "language_id" in AD.columns else AD
            names = dict(zip(AD["attribute_id"].str.strip(), _decode(AD["name"]).str.strip()))
        key = A["attribute_id"].str.strip().map(names).fillna("attribute_" + A["attribute_id"].str.strip())
        return pd.DataFrame({"entity": "product", "entity_id": A["product_id"].str.strip().to_numpy(),
                             "namespace": "custom",
                             "key": key.str.lower().str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_").to_numpy(),
                             "value": _decode(A["text"]).to_numpy(), "type": "single_line_text_field"})

    # ------------------------------------------------------------------------------------------
    #: oc_customer columns: (became, note); columns not listed -> extra:opencart.<column>
    _CU_SPEC = {
        "customer_id": ("customers.customer_id, customers.source_id", ""),
        "firstname": ("customers.first_name", "HTML entities decoded"),
        "lastname": ("customers.last_name", "HTML entities decoded"),
        "email": ("customers.email", ""),
        "telephone": ("customers.phone", ""),
        "newsletter": ("customers.accepts_email_marketing", "1 = subscribed to the shop's newsletter"),
        "address_id": ("customers.address1 ... (the default address)", "the default oc_address row"),
        "status": ("extra:opencart.status", "0 = disabled account (warning inactive_customer)"),
        "date_added": ("customers.created_at", "shop time zone unknown: read as UTC"),
        "custom_field": ("extra:opencart.custom_field", "JSON of the shop's custom fields"),
    }
    #: never carried (secrets and session data)
    _CU_SECRET = {"password": "password hash", "salt": "password salt", "token": "login/reset token",
                  "code": "password reset code", "cart": "saved cart (session data)",
                  "wishlist": "wishlist (session data)", "ip": "IP address (personal data)"}
    _A_SPEC = {
        "address_id": ("extra:opencart.address_id", "the default address's id; further addresses -> "
                                                    "extra:opencart.address_<n> (JSON)"),
        "customer_id": ("(key)", "links the address to its customer"),
        "firstname": ("extra:opencart.address_first_name", "only when it differs from the customer's"),
        "lastname": ("extra:opencart.address_last_name", "only when it differs from the customer's"),
        "company": ("customers.company", ""), "address_1": ("customers.address1", ""),
        "address_2": ("customers.address2", ""), "city": ("customers.city", ""), "postcode": ("customers.zip", ""),
        "country_id": ("customers.country_code", "through oc_country.iso_code_2"),
        "zone_id": ("customers.province_code", "through oc_zone (name or code -> ISO 3166-2 subdivision)"),
        "custom_field": ("extra:opencart.address_custom_field", ""),
    }

    def _customers(self, tables, origin, issues) -> tuple[pd.DataFrame, pd.DataFrame, list]:
        """``oc_customer`` + ``oc_address`` (+ ``oc_country``/``oc_zone``) as canonical customers.

        The default address (``oc_customer.address_id``) fills the address columns; further
        addresses go whole to ``extra:opencart.address_<n>`` (JSON). Passwords, salts, tokens, reset
        codes, carts, wishlists and IPs are never carried (one warning, counted in the loss table)."""
        C = tables["customer"].reset_index(drop=True)
        cfile = origin["customer"]
        if "customer_id" not in C.columns:
            raise InputError("the column 'customer_id' is missing in oc_customer", file=cfile, column="customer_id")
        C = C.apply(lambda col: col.fillna("").astype(str).str.strip())
        cid = C["customer_id"]
        dup = cid.duplicated(keep="first")
        for x in cid[dup]:
            issues.append(issue("error", cfile, None, "customer_id", "duplicate_customer",
                                f"customer {x} appears again in oc_customer; the later row was dropped"))
        K = C[~dup].reset_index(drop=True)
        kid = K["customer_id"]
        g = lambda c: get_col(K, c)  # noqa: E731
        first, last = _decode(g("firstname")).str.strip(), _decode(g("lastname")).str.strip()
        email = _decode(g("email")).str.strip()
        for x in kid[email == ""]:
            issues.append(issue("warning", cfile, None, "email", "missing_email",
                                f"customer {x} has no e-mail (Shopify identifies customers by it)",
                                "add the e-mail before importing"))
        secret = [c for c in self._CU_SECRET if c in C.columns]
        n_secret = {c: int((C[c] != "").sum()) for c in secret}
        if sum(n_secret.values()):
            issues.append(issue("warning", cfile, None, "password", "passwords_dropped",
                                "passwords and session data are never carried; non-empty values dropped: "
                                + ", ".join(f"{c} {n}" for c, n in n_secret.items() if n),
                                "customers set a new password with 'Forgot your password?' (Shopify: send account "
                                "invites)"))
        for x in kid[g("status") == "0"]:
            issues.append(issue("warning", cfile, None, "status", "inactive_customer",
                                f"customer {x} is disabled in OpenCart (status 0); the target may import it as a "
                                f"normal customer (the flag is in extra:opencart.status)",
                                "disable or delete the account after the import if needed"))
        raw = g("date_added").replace("0000-00-00 00:00:00", "")
        created = pd.to_datetime(raw.where(raw != "", None), errors="coerce", format="mixed")
        for x, v in zip(kid[created.isna() & (raw != "")], raw[created.isna() & (raw != "")]):
            issues.append(issue("warning", cfile, None, "date_added", "bad_date",
                                f"customer {x}: {v!r} is not a date; left empty"))
        nl = g("newsletter")
        cust = pd.DataFrame({
            "customer_id": kid, "email": none_if_empty(email), "first_name": none_if_empty(first),
            "last_name": none_if_empty(last), "phone": none_if_empty(g("telephone")),
            "accepts_email_marketing": pd.Series([True if v == "1" else False if v == "0" else None for v in nl],
                                                 dtype=object),
            "created_at": created.dt.tz_localize("UTC"), "source_id": kid,
        })
        for col in ("company", "address1", "address2", "city", "province_code", "country_code", "zip"):
            cust[col] = pd.Series([None] * len(cust), dtype=object)
        keep_extra = [c for c in K.columns if c not in self._CU_SPEC and c not in self._CU_SECRET]
        ex = [extra_columns(K, {c: c for c in keep_extra + ["status"]}, entity="customer", ids=kid,
                            namespace=self.name)]
        cf = g("custom_field")
        ex.append(extra_rows(kid, cf.where(~cf.isin(["[]", "{}"]), ""), "customer", self.name, "custom_field", "json"))
        loss = []
        spec = {c: self._CU_SPEC[c] for c in K.columns if c in self._CU_SPEC}
        spec.update({c: ("", f"{self._CU_SECRET[c]}: never carried") for c in secret})
        loss += loss_rows(cfile, C, spec, dropped_rows=dup, default="extra:opencart.{col}")
        for r in loss:
            r["column"] = "customer." + r["column"]
        if "address" in tables:
            ex.append(self._addresses(tables, origin, cust, first, last, K, issues, loss))
        else:
            for x in kid[~g("address_id").isin(["", "0"])]:
                issues.append(issue("warning", cfile, None, "address_id", "address_missing",
                                    f"customer {x} has a default address but the dump has no oc_address table"))
        return cust, concat_extra(ex), loss

    def _addresses(self, tables, origin, cust, first, last, K, issues, loss) -> pd.DataFrame:
        A = tables["address"].apply(lambda col: col.fillna("").astype(str).str.strip()).reset_index(drop=True)
        afile = origin["address"]
        for c in self._A_SPEC:
            if c not in A.columns:
                A[c] = ""
        for c in ("firstname", "lastname", "company", "address_1", "address_2", "city", "postcode"):
            A[c] = _decode(A[c]).str.strip()
        kid = K["customer_id"]
        known = A["customer_id"].isin(set(kid))
        for r in A[~known].itertuples():
            issues.append(issue("warning", afile, None, "customer_id", "address_unknown_customer",
                                f"address {r.address_id} belongs to customer {r.customer_id or '(none)'}, who is not "
                                f"in oc_customer; it was not migrated"))
        A = A[known].copy()
        A["_id"] = pd.to_numeric(A["address_id"], errors="coerce")
        A = A.sort_values(["_id", "address_id"], kind="stable")
        default = dict(zip(kid, get_col(K, "address_id")))
        A["_default"] = np.array([default.get(c) == a for c, a in zip(A["customer_id"], A["address_id"])], dtype=bool)
        has_default = set(A.loc[A["_default"], "customer_id"])
        firsts = A.drop_duplicates("customer_id")            # each customer's first address (by id)
        first_of = dict(zip(firsts["customer_id"], zip(firsts.index, firsts["address_id"])))
        picks = []
        for c in kid:
            if c not in has_default and c in first_of:
                pick, address_id = first_of[c]
                picks.append(pick)
                d = default.get(c, "")
                issues.append(issue("warning", afile, None, "address_id", "default_address_missing",
                                    f"customer {c}: default address {d or '(none)'} is not among the customer's "
                                    f"addresses; address {address_id} is used"))
            elif c not in has_default and default.get(c, "") not in ("", "0"):
                issues.append(issue("warning", afile, None, "address_id", "address_missing",
                                    f"customer {c}: default address {default[c]} is not in oc_address"))
        A.loc[picks, "_default"] = True
        countries, zones = {}, {}
        if "country" in tables:
            CT = tables["country"]
            countries = {i.strip(): (iso.strip(), html.unescape(n).strip()) for i, iso, n in
                         zip(CT["country_id"], get_col(CT, "iso_code_2"), get_col(CT, "name"))}
        if "zone" in tables:
            Z = tables["zone"]
            zones = {i.strip(): (html.unescape(n).strip(), code.strip()) for i, n, code in
                     zip(Z["zone_id"], get_col(Z, "name"), get_col(Z, "code"))}
        row_of = {c: i for i, c in enumerate(cust["customer_id"])}
        fn, ln = dict(zip(kid, first)), dict(zip(kid, last))
        extra = []
        D = A[A["_default"]]
        # the default addresses' values per customer column, put into ``cust`` at the end
        fields = (("company", "company"), ("address_1", "address1"), ("address_2", "address2"), ("city", "city"),
                  ("postcode", "zip"))
        filled: dict[str, list] = {dst: [] for _, dst in fields} | {"country_code": [], "province_code": []}
        at_rows = []
        for a in D.itertuples():
            at_rows.append(row_of[a.customer_id])
            for src, dst in fields:
                filled[dst].append(getattr(a, src) or None)
            cc, pcode, notes = self._place(a, countries, zones, afile, issues)
            filled["country_code"].append(cc)
            filled["province_code"].append(pcode)
            own = {"address_id": a.address_id,
                   "address_first_name": a.firstname if a.firstname != fn.get(a.customer_id, "") else "",
                   "address_last_name": a.lastname if a.lastname != ln.get(a.customer_id, "") else "",
                   "address_custom_field": a.custom_field if a.custom_field not in ("[]", "{}") else "", **notes}
            for k, v in own.items():
                if v:
                    extra.append({"entity": "customer", "entity_id": a.customer_id, "namespace": self.name,
                                  "key": k, "value": v, "type": "json" if k == "address_custom_field" else TEXT})
        put_rows(cust, at_rows, filled)
        more = A[~A["_default"]].copy()
        more["nth"] = more.groupby("customer_id", sort=False).cumcount() + 2
        for a in more.itertuples():
            cc, pcode, notes = self._place(a, countries, zones, afile, issues, quiet=True)
            cells = {k: getattr(a, k) for k in self._A_SPEC if k != "customer_id" and getattr(a, k) not in ("", "[]")}
            cells.update({k: v for k, v in (("country_code", cc), ("province_code", pcode)) if v})
            extra.append({"entity": "customer", "entity_id": a.customer_id, "namespace": self.name,
                          "key": f"address_{a.nth}", "value": json.dumps(cells, ensure_ascii=False), "type": "json"})
        spec = {c: self._A_SPEC[c] for c in tables["address"].columns if c in self._A_SPEC}
        rows = loss_rows(afile, tables["address"], spec, dropped_rows=pd.Series(~known.to_numpy()),
                          default="extra:opencart.address_<n> (JSON)")
        for r in rows:
            r["column"] = "address." + r["column"]
        loss += rows
        for key in ("country", "zone"):
            if key in tables:
                for c in tables[key].columns:
                    ne = int((tables[key][c].astype(str) != "").sum())
                    loss.append({"file": origin[key], "column": f"{key}.{c}", "became": "(lookup)", "non_empty": ne,
                                 "dropped": 0, "note": "ISO codes of the addresses' countries and zones"})
        return pd.DataFrame(extra, columns=["entity", "entity_id", "namespace", "key", "value", "type"])

    @staticmethod
    def _place(a, countries, zones, afile, issues, quiet=False) -> tuple[str | None, str | None, dict]:
        """ISO country code and province code of an address row, and the names kept in extra."""
        notes = {}
        cc = None
        cid = a.country_id
        if cid not in ("", "0"):
            if cid in countries:
                iso, name = countries[cid]
                cc, _how = country_code(iso) if iso else country_code(name) if name else (None, "empty")
                if cc is None:
                    notes["address_country"] = name or iso
                    if not quiet:
                        issues.append(issue("warning", afile, None, "country_id", "unknown_country",
                                            f"address {a.address_id}: country {name or iso!r} (iso_code_2 {iso!r}) "
                                            f"is not an ISO 3166 country; the country code was left empty"))
            else:
                notes["address_country_id"] = cid
                if not quiet:
                    issues.append(issue("warning", afile, None, "country_id", "unknown_country",
                                        f"address {a.address_id}: country_id {cid} is not in oc_country; the country "
                                        f"code was left empty", "include oc_country in the dump"))
        pcode = None
        zid = a.zone_id
        if zid not in ("", "0"):
            if zid in zones:
                zname, zcode = zones[zid]
                pcode = (province_code(cc, zname) or province_code(cc, zcode)) if cc else None
                if pcode is None:
                    notes["address_zone"] = zname or zcode
                    if not quiet:
                        issues.append(issue("warning", afile, None, "zone_id", "unknown_state",
                                            f"address {a.address_id}: zone {zname!r} ({zcode}) is not an ISO 3166-2 "
                                            f"subdivision of {cc or 'an unknown country'}; the province code was left "
                                            f"empty (the name is kept in extra:opencart.address_zone)"))
            else:
                notes["address_zone_id"] = zid
                if not quiet:
                    issues.append(issue("warning", afile, None, "zone_id", "unknown_zone",
                                        f"address {a.address_id}: zone_id {zid} is not in oc_zone; the province code "
                                        f"was left empty (the id is kept in extra:opencart.address_zone_id)",
                                        "include oc_zone in the dump, or set the province after the import"))
        return cc, pcode, notes

    def _loss(self, tables, origin) -> list[dict]:
        became = {
            "product": {"product_id": "products.product_id, products.source_id", "model": "variants.sku (when sku is empty), extra:opencart.model",
                        "sku": "variants.sku", "ean": "variants.barcode", "upc": "variants.barcode (when ean is empty)",
                        "quantity": "variants.inventory_quantity", "image": "images.src (position 1)",
                        "price": "variants.price", "weight": "variants.weight", "weight_class_id": "variants.weight_unit",
                        "status": "products.status, products.published", "shipping": "variants.requires_shipping",
                        "tax_class_id": "variants.taxable, extra:opencart.tax_class_id",
                        "subtract": "variants.inventory_tracker", "date_added": "products.created_at",
                        "date_modified": "products.updated_at", "manufacturer_id": "products.vendor"},
            "product_description": {"product_id": "(key)", "language_id": "(language choice)", "name": "products.title",
                                    "description": "products.description_html", "tag": "products.tags",
                                    "meta_title": "products.seo_title", "meta_description": "products.seo_description",
                                    "meta_keyword": "extra:opencart.meta_keyword"},
            "product_option_value": {"price": "variants.price (delta)", "price_prefix": "variants.price (sign)",
                                     "quantity": "variants.inventory_quantity (minimum)", "weight": "variants.weight (delta)",
                                     "weight_prefix": "variants.weight (sign)", "option_value_id": "variant_options.value",
                                     "product_option_id": "(key)", "product_id": "(key)", "option_id": "(key)",
                                     "product_option_value_id": "(order)"},
            "product_image": {"image": "images.src", "sort_order": "images.position", "product_id": "(key)",
                              "product_image_id": "(order)"},
            "product_to_category": {"product_id": "collection_products", "category_id": "collection_products"},
        }
        lookup = {"product_option", "option", "option_description", "option_value", "option_value_description",
                  "category", "category_description", "seo_url", "url_alias", "manufacturer",
                  "attribute_description", "product_attribute"}
        out = []
        for key, df in tables.items():
            if key in CUSTOMER_TABLES:
                continue
            file = origin[key]
            for c in df.columns:
                ne = int((df[c].astype(str) != "").sum())
                if key in became and c in became[key]:
                    b, note = became[key][c], ""
                elif key == "product":
                    b, note = f"extra:opencart.{c}", ""
                elif key == "product_description" and c not in became[key]:
                    b, note = "", "column not used"
                elif key in lookup:
                    b, note = "(lookup)", "names, types, paths and keywords"
                else:
                    b, note = "", "not migrated"
                if key == "product_description" and c in ("name", "description", "tag", "meta_title",
                                                         "meta_description", "meta_keyword"):
                    note = f"language {self.language_id}; other languages -> extra:opencart.{c}_lang<id>"
                out.append({"file": file, "column": f"{key}.{c}", "became": b, "non_empty": ne,
                            "dropped": ne if not b else 0, "note": note})
        return out


def get_col(df: pd.DataFrame, c: str) -> pd.Series:
    return df[c].fillna("").astype(str) if c in df.columns else pd.Series("", index=df.index, dtype=object)


register("opencart", OpenCartAdapter)
