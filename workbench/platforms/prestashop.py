"""PrestaShop: the back office's product, combination, customer and address import files (read and write).

Both files are ``;`` separated and the importer maps their columns **by position** (the header text
is not a contract: the official samples carry typos such as ``Acessories  (x,y,z...)``). So this
adapter reads them by position too, and tells the two files apart by their column count: 67 for
products (``products_import.csv``), 24 for combinations (``combinations_import.csv``).

Mapping decisions (see ``docs/mapping.md``, section PrestaShop):

* prices stay **tax excluded** (``Price tax excluded``); ``Tax rules ID`` goes to
  ``extra:prestashop.tax_rules_id`` and sets ``taxable``; one warning per file says so, because a
  Shopify shop may enter prices tax inclusive;
* a combination's price is ``base + Impact on price`` (exact decimal arithmetic), its weight
  ``base + Impact on weight``; its cost is its own ``Wholesale price`` unless that is 0 or empty,
  then the product's;
* a duplicate combination (same product, same values) keeps the first row; later rows are dropped,
  reported as an issue and counted in the loss table. A repeated reference (SKU) or barcode is kept
  as written and flagged;
* EAN13/UPC stay text (``0000080446392`` keeps its zeros); spreadsheet-mangled values are flagged;
* ``Feature(Name:Value:Position)`` becomes metafields ``extra:features.<name>``; every other column
  with no canonical field goes to ``extra:prestashop.<key>`` so writing back keeps it.

Customers (``customers_import.csv``, 13 columns) and their addresses (``addresses_import.csv``, 21):
passwords are never carried (dropped, counted in the loss table; ``validate`` says PrestaShop requires
one); newsletter -> ``accepts_email_marketing``; opt-in ("Partner offers"), birthday, title, groups ->
``extra:prestashop.*``; a customer's first address -> the canonical address (country names -> ISO
alpha-2 with pycountry, states -> province codes), further ones -> ``extra:prestashop.address_<n>``.

Column-wise helpers (loss and extra tables, value checks, money, handles, collections) live in
:mod:`workbench.platforms._common`, shared with the other adapters.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import InputError, ParameterError
from ..mapping import Mapping
from ..safeio import is_formula, neutralise_formulas
from . import register
from .base import Adapter, Catalog, ReadResult, issues_frame
from ._common import (MONEY, TEXT, _DEC, TRIGGERS as _TRIGGERS, collections_from_paths, concat_extra, extra_columns,
                      extra_key, extra_rows, extra_wide, finish, flag_repeats, issue, loss_rows, money_add,
                      money_text, none_if_empty, put_rows, row_dicts, scan_values, slugify_series, split_items,
                      to_bool, to_float, to_int, to_money, unique_handles, write_delimited)
from ..countries import country_code, country_name, province_code, province_name  # noqa: F401 (re-exported)
from .csvio import read_table

__all__ = ["ADDRESS_HEADER", "COMBINATION_HEADER", "CUSTOMER_HEADER", "PRODUCT_HEADER", "PrestaShopAdapter",
           "country_code", "country_name", "province_code", "province_name"]

_DIGITS = re.compile(r"^\d+$")

# =================================================================================================
# PrestaShop
# =================================================================================================

#: products_import.csv, verbatim (67 columns; the last one really is misspelled with two spaces).
PRODUCT_HEADER = (
    "Product ID;Active (0/1);Name *;Categories (x,y,z...);Price tax excluded;Tax rules ID;Wholesale price;"
    "On sale (0/1);Discount amount;Discount percent;Discount from (yyyy-mm-dd);Discount to (yyyy-mm-dd);"
    "Reference #;Supplier reference #;Supplier;Manufacturer;EAN13;UPC;MPN;Ecotax;Width;Height;Depth;Weight;"
    "Delivery time of in-stock products;Delivery time of out-of-stock products with allowed orders;Quantity;"
    "Minimal quantity;Low stock level;Send me an email when the quantity is under this level;Visibility;"
    "Additional shipping cost;Unity;Unit price;Summary;Description;Tags (x,y,z...);Meta title;Meta keywords;"
    "Meta description;URL rewritten;Text when in stock;Text when backorder allowed;"
    "Available for order (0 = No, 1 = Yes);Product available date;Product creation date;"
    "Show price (0 = No, 1 = Yes);Image URLs (x,y,z...);Image alt texts (x,y,z...);"
    "Delete existing images (0 = No, 1 = Yes);Feature(Name:Value:Position);"
    "Available online only (0 = No, 1 = Yes);Condition;Customizable (0 = No, 1 = Yes);"
    "Uploadable files (0 = No, 1 = Yes);Text fields (0 = No, 1 = Yes);Out of stock action;Virtual product;"
    "File URL;Number of allowed downloads;Expiration date;Number of days;ID / Name of shop;"
    "Advanced stock management;Depends On Stock;Warehouse;Acessories  (x,y,z...)"
).split(";")

#: combinations_import.csv, verbatim (24 columns).
COMBINATION_HEADER = (
    "Product ID*;Attribute (Name:Type:Position)*;Value (Value:Position)*;Supplier reference;Reference;EAN13;"
    "ISBN;UPC;Wholesale price;Impact on price;Ecotax;Quantity;Minimal quantity;Low stock level;"
    "Impact on weight;Default (0 = No, 1 = Yes);Combination available date;Image position;"
    "Image URLs (x,y,z...);Image alt texts (x,y,z...);ID / Name of shop;Advanced Stock Managment;"
    "Depends on stock;Warehouse"
).split(";")

# Internal key of each position (also the extra key for columns kept in extra).
P_KEYS = [
    "id", "active", "name", "categories", "price_tax_excluded", "tax_rules_id", "wholesale_price",
    "on_sale", "discount_amount", "discount_percent", "discount_from", "discount_to",
    "reference", "supplier_reference", "supplier", "manufacturer", "ean13", "upc", "mpn", "ecotax",
    "width", "height", "depth", "weight", "delivery_in_stock", "delivery_out_stock", "quantity",
    "minimal_quantity", "low_stock_level", "low_stock_alert", "visibility", "additional_shipping_cost",
    "unity", "unit_price", "summary", "description", "tags", "meta_title", "meta_keywords",
    "meta_description", "url_rewritten", "available_now", "available_later", "available_for_order",
    "available_date", "date_add", "show_price", "image_urls", "image_alts", "delete_existing_images",
    "features", "online_only", "condition", "customizable", "uploadable_files", "text_fields",
    "out_of_stock", "virtual", "file_url", "nb_downloadable", "date_expiration", "nb_days_accessible",
    "shop", "advanced_stock_management", "depends_on_stock", "warehouse", "accessories",
]
C_KEYS = [
    "product_id", "attributes", "values", "supplier_reference", "reference", "ean13", "isbn", "upc",
    "wholesale_price", "price_impact", "ecotax", "quantity", "minimal_quantity", "low_stock_level",
    "weight_impact", "default_on", "available_date", "image_position", "image_urls", "image_alts", "shop",
    "advanced_stock_management", "depends_on_stock", "warehouse",
]
assert len(P_KEYS) == len(PRODUCT_HEADER) == 67 and len(C_KEYS) == len(COMBINATION_HEADER) == 24

# Product columns with a canonical home (key -> became, note).
_P_MAPPED = {
    "id": ("products.source_id, products.product_id", "row<line> when empty"),
    "active": ("products.status, products.published", "1 = active, 0 = draft"),
    "name": ("products.title", ""),
    "categories": ("collections, collection_products", "one collection per name"),
    "price_tax_excluded": ("variants.price", "tax excluded, kept as is; combinations add their impact"),
    "tax_rules_id": ("variants.taxable, extra:prestashop.tax_rules_id", "0 = not taxable"),
    "wholesale_price": ("variants.cost", "also combinations whose own wholesale price is 0"),
    "reference": ("variants.sku", "products with combinations: extra:prestashop.reference"),
    "manufacturer": ("products.vendor", ""),
    "ean13": ("variants.barcode", "products with combinations: extra:prestashop.ean13"),
    "upc": ("variants.barcode", "when EAN13 is empty, else extra:prestashop.upc"),
    "weight": ("variants.weight", "kg; combinations add their weight impact"),
    "quantity": ("variants.inventory_quantity", "products with combinations: extra:prestashop.quantity"),
    "description": ("products.description_html", ""),
    "tags": ("products.tags", ""),
    "meta_title": ("products.seo_title", ""),
    "meta_description": ("products.seo_description", ""),
    "url_rewritten": ("products.handle", "lower-cased slug; also extra:prestashop.url_rewritten"),
    "date_add": ("products.created_at", ""),
    "image_urls": ("images.src", ""),
    "image_alts": ("images.alt", "matched to the URLs by position"),
    "delete_existing_images": ("", "an import instruction, not product data"),
    "features": ("extra:custom.<name>, extra:prestashop.features", "Name:Value:Position; metafields"),
    "out_of_stock": ("variants.inventory_policy", "0 = deny, 1 = continue, 2 = shop default (empty)"),
    "virtual": ("variants.requires_shipping", "1 = virtual = no shipping"),
}
# Product columns also kept in extra although mapped (so a write-back is exact).
_P_ALSO_EXTRA = {"tax_rules_id", "url_rewritten", "price_tax_excluded", "wholesale_price", "weight"}
_C_MAPPED = {
    "product_id": ("variants.product_id", "links the combination to its product"),
    "attributes": ("product_options.name", "Name:Type:Position; type kept in extra:prestashop.attribute_groups"),
    "values": ("variant_options.value", "Value:Position"),
    "reference": ("variants.sku", ""),
    "ean13": ("variants.barcode", ""),
    "upc": ("variants.barcode", "when EAN13 is empty, else extra:prestashop.upc"),
    "wholesale_price": ("variants.cost", "0 or empty = the product's wholesale price"),
    "price_impact": ("variants.price", "product price + impact"),
    "quantity": ("variants.inventory_quantity", ""),
    "weight_impact": ("variants.weight", "product weight + impact"),
    "image_urls": ("variants.image_src, images.src", "first URL; all are added to the product's images"),
    "image_alts": ("images.alt", ""),
    "image_position": ("variants.image_src, extra:prestashop.image_position",
                       "used when Image URLs is empty: the product image at that position (as PrestaShop does)"),
}
# Combination columns also kept in extra although mapped (so a write-back is exact).
_C_ALSO_EXTRA = {"image_position"}

#: customers_import.csv, verbatim (13 columns; PrestaShop/PrestaShop docs/csv_import/customers_import.csv).
CUSTOMER_HEADER = (
    "Customer ID;Active (0/1);Titles ID (Mr = 1, Ms = 2, else 0);Email *;Password *;Birthday (yyyy-mm-dd);"
    "Last Name *;First Name *;Newsletter (0/1);Opt-in (0/1);Registration date (yyyy-mm-dd);Groups (x,y,z...);"
    "Default group ID"
).split(";")
#: addresses_import.csv, verbatim (21 columns; PrestaShop/PrestaShop docs/csv_import/addresses_import.csv).
ADDRESS_HEADER = (
    "Address ID;Alias*;Active (0/1);Customer e-mail*;Customer ID;Manufacturer;Supplier;Company;Lastname*;"
    "Firstname*;Address 1*;Address 2;Zipcode*;City*;Country*;State;Other;Phone;Mobile Phone;VAT number;DNI"
).split(";")
# Internal keys by position. The importer's own field list (AdminImportController) also has
# `ID / Name of shop` after `Default group ID`: a 14th column is read (extra) but not written.
CU_KEYS = ["id", "active", "title_id", "email", "password", "birthday", "last_name", "first_name", "newsletter",
           "optin", "date_add", "groups", "default_group_id", "shop"]
A_KEYS = ["id", "alias", "active", "customer_email", "customer_id", "manufacturer", "supplier", "company",
          "last_name", "first_name", "address1", "address2", "zip", "city", "country", "state", "other", "phone",
          "phone_mobile", "vat_number", "dni"]
assert len(CU_KEYS) - 1 == len(CUSTOMER_HEADER) == 13 and len(A_KEYS) == len(ADDRESS_HEADER) == 21
# customer columns kept in extra:prestashop.<key> (no canonical home)
_CU_EXTRA = {"active": "active", "title_id": "title_id", "birthday": "birthday", "optin": "optin",
             "groups": "groups", "default_group_id": "default_group_id", "shop": "shop"}
_CU_NOTES = {
    "id": ("customers.customer_id, customers.source_id, extra:prestashop.customer_id",
           "the e-mail when empty; written back only to PrestaShop"),
    "active": ("extra:prestashop.active", "0 = disabled account; Shopify has no disabled customers"),
    "title_id": ("extra:prestashop.title_id", "Mr = 1, Ms = 2, else 0"),
    "email": ("customers.email", ""),
    "password": ("", "passwords are never carried: customers set a new one ('Forgot your password?')"),
    "birthday": ("extra:prestashop.birthday", ""),
    "last_name": ("customers.last_name", ""),
    "first_name": ("customers.first_name", ""),
    "newsletter": ("customers.accepts_email_marketing", "1 = subscribed to the shop's newsletter"),
    "optin": ("extra:prestashop.optin", "'Partner offers': consent to third-party offers, not the shop's own "
                                        "e-mail marketing, so not accepts_email_marketing"),
    "date_add": ("customers.created_at", ""),
    "groups": ("extra:prestashop.groups", "customer groups (prices, discounts)"),
    "default_group_id": ("extra:prestashop.default_group_id", ""),
    "shop": ("extra:prestashop.shop", "multistore; not written back"),
}
# address columns: the customer's first address -> customers.<field>; further ones -> extra JSON
_A_FIELDS = {"company": "company", "address1": "address1", "address2": "address2", "zip": "zip", "city": "city",
             "country": "country_code", "state": "province_code", "phone": "phone"}
_A_MORE = "extra:prestashop.address_<n>"


def _positional(table, keys: list[str], header: list[str], kind: str) -> pd.DataFrame:
    f = table.frame
    if f.shape[1] != len(keys):
        raise InputError(f"a PrestaShop {kind} file has {len(keys)} columns in a fixed order; this one has "
                         f"{f.shape[1]}. Put the columns in the order of the official sample "
                         f"({header[0]!r}, {header[1]!r}, ...)", file=table.path, row=1)
    out = f.copy()
    out.columns = keys
    return out.reset_index(drop=True)


def _classify(table) -> str:
    """The kind of a PrestaShop import file, from its column count (the importer is positional; header
    text is only a hint): 67 products, 24 combinations, 13 customers (10-14: older samples end at Opt-in,
    the importer also takes a shop column), 21 addresses."""
    n = table.frame.shape[1]
    first = [str(c).lower() for c in table.frame.columns[:4]]
    if n == len(P_KEYS) or (n >= 60 and len(first) > 2 and "name" in first[2]):
        return "products"
    if n == len(C_KEYS) or (18 <= n <= 30 and len(first) > 1 and "attribute" in first[1]):
        return "combinations"
    if n == len(CUSTOMER_HEADER) or (10 <= n <= 14 and len(first) > 3 and "mail" in first[3]):
        return "customers"
    if n == len(A_KEYS):
        return "addresses"
    raise InputError(f"not a PrestaShop import file: products have 67 columns, combinations 24, customers 13, "
                     f"addresses 21; this one has {n}", file=table.path, row=1)


#: environment variable with the secret key temporary customer passwords are derived from
PASSWORD_KEY_ENV = "WORKBENCH_PASSWORD_KEY"
_MIN_KEY_LENGTH = 16


def password_key() -> bytes:
    """The key for temporary passwords, from the environment (never from a file or a notebook)."""
    import os
    key = os.environ.get(PASSWORD_KEY_ENV, "")
    if len(key) < _MIN_KEY_LENGTH:
        raise ParameterError(
            f"Temporary customer passwords need a secret key: set the environment variable {PASSWORD_KEY_ENV} to a "
            f"random text of at least {_MIN_KEY_LENGTH} characters (for example the output of "
            f"`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or remove customer_passwords from "
            "the mapping's [settings].")
    return key.encode("utf-8")


def temporary_passwords(emails: pd.Series, key: bytes) -> pd.Series:
    """One temporary password per customer: HMAC-SHA256 of the lower-cased e-mail under ``key``, as 20
    letters and digits (about 119 bits; no sign a spreadsheet could take for a formula). The same key
    and e-mail give the same password, so dry runs stay reproducible; without the key nobody can work
    a password out from the e-mail."""
    import hashlib
    import hmac
    import string
    alphabet = string.ascii_letters + string.digits

    def one(email: str) -> str:
        digest = hmac.new(key, b"workbench-temporary-password:" + email.strip().lower().encode("utf-8"),
                          hashlib.sha256).digest()
        n = int.from_bytes(digest, "big")
        chars = []
        for _ in range(20):
            n, r = divmod(n, len(alphabet))
            chars.append(alphabet[r])
        return "".join(chars)
    return pd.Series([one(e) if e else "" for e in emails], index=emails.index, dtype=object)


class PrestaShopAdapter(Adapter):
    """PrestaShop CSV import files: products (67 positional columns) and combinations (24)."""

    name = "prestashop"
    label = "PrestaShop"
    can_write = True
    reads = {"products": "products_import.csv (67 columns, ;)",
             "combinations": "combinations_import.csv (24 columns, ;)",
             "customers": "customers_import.csv (13 columns, ;)",
             "addresses": "addresses_import.csv (21 columns, ;), with the customers file"}
    #: weight unit of the shop (PrestaShop's default is kg)
    weight_unit = "kg"

    # ------------------------------------------------------------------------------------------
    def read(self, paths, *, mapping=None) -> ReadResult:
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        if not paths:
            raise InputError("no PrestaShop file was given (products_import.csv, and combinations_import.csv "
                             "for products with combinations)")
        issues: list[dict] = []
        loss: list[dict] = []
        tables = {}
        mapping = mapping if mapping is not None else Mapping()
        for p in paths:
            t = read_table(p, label="PrestaShop import file")
            kind = _classify(t)
            if kind in tables:
                raise InputError(f"two PrestaShop {kind} files were given ({tables[kind].path} and this one); "
                                 f"give one of each", file=p)
            tables[kind] = t
            issues.extend(t.warnings)
        if "combinations" in tables and "products" not in tables:
            raise InputError("the combinations file needs the products file beside it (combinations only "
                             "carry price impacts and the product ID)", file=tables["combinations"].path)
        if "addresses" in tables and "customers" not in tables:
            raise InputError("the addresses file needs customers_import.csv beside it (addresses are linked to "
                             "their customers by e-mail or customer ID)", file=tables["addresses"].path)
        frames: dict[str, pd.DataFrame] = {}
        if "products" in tables:
            frames = self._read_products(tables, mapping, issues, loss)
        if "customers" in tables:
            customers, cextra = self._read_customers(tables["customers"], tables.get("addresses"), issues, loss)
            frames["customers"] = customers
            frames["extra"] = concat_extra([frames.get("extra"), cextra])
        return finish(self.name, [t.path for t in tables.values()], frames, loss, issues)

    def _read_products(self, tables: dict, mapping, issues: list, loss: list) -> dict[str, pd.DataFrame]:
        """The products file (and the combinations file) as canonical catalog frames."""
        pt = tables["products"]
        pfile = pt.path
        P = _positional(pt, P_KEYS, PRODUCT_HEADER, "products")
        hdr = dict(zip(P_KEYS, pt.frame.columns))  # key -> header text as in the file

        # ---- products ------------------------------------------------------------------------
        empty_name = np.flatnonzero((P["name"].str.strip() == "").to_numpy())
        if len(empty_name):
            raise InputError("the product has no name (Name * is required)", file=pfile,
                             row=pt.line_of(int(empty_name[0])), column=hdr["name"])
        ids = P["id"].str.strip()
        bad_id = np.flatnonzero(((ids != "") & ~ids.str.match(_DIGITS)).to_numpy())
        if len(bad_id):
            raise InputError(f"Product ID {ids.iloc[bad_id[0]]!r} is not a number", file=pfile,
                             row=pt.line_of(int(bad_id[0])), column=hdr["id"])
        row_no = pd.Series(np.arange(len(P)) + 2, dtype="int64")
        src_id = ids.where(ids != "", "row" + row_no.astype(str))
        dup_pid = src_id.duplicated(keep="first")
        for pos in np.flatnonzero(dup_pid.to_numpy()):
            issues.append(issue("error", pfile, pt.line_of(int(pos)), hdr["id"], "duplicate_product_id",
                                f"Product ID {src_id.iloc[pos]} is already used by an earlier row; this row "
                                f"was dropped", "give each product its own ID", product=P['name'].iloc[pos]))
        keep = ~dup_pid.to_numpy()
        Pk = P[keep].reset_index(drop=True)
        pos_k = np.flatnonzero(keep)
        pid = src_id[keep].reset_index(drop=True)
        product_lines = pt.lines(pos_k) if len(pos_k) else []

        # ---- combinations --------------------------------------------------------------------
        ct = tables.get("combinations")
        C = None
        if ct is not None:
            C, comb_issues, comb_drop, comb_lines = self._combinations(ct, set(src_id[keep]), Pk, src_id[keep])
            issues.extend(comb_issues)
        has_comb = pd.Series(False, index=Pk.index)
        if C is not None and len(C):
            has_comb = src_id[keep].reset_index(drop=True).isin(set(C["product_id"]))

        # ---- product frame -------------------------------------------------------------------
        status = np.where(Pk["active"].str.strip() == "0", "draft", "active")
        published = (Pk["active"].str.strip() != "0") & (Pk["visibility"].str.strip().str.lower() != "none")
        handle_src = slugify_series(Pk["url_rewritten"])
        handle = unique_handles(handle_src, slugify_series(Pk["name"]), file=pfile, issues=issues,
                                platform=self.name, products=Pk["name"]).reset_index(drop=True)
        tags = Pk["tags"].str.split(",").map(lambda xs: ", ".join(x.strip() for x in xs if x.strip()))
        created = pd.to_datetime(Pk["date_add"].str.strip().where(Pk["date_add"].str.strip() != "", None),
                                 errors="coerce", format="mixed")
        bad_date = np.flatnonzero((created.isna() & (Pk["date_add"].str.strip() != "")).to_numpy())
        for pos in bad_date:
            issues.append(issue("warning", pfile, product_lines[pos], hdr["date_add"], "bad_date",
                                f"{Pk['date_add'].iloc[pos]!r} is not a date (yyyy-mm-dd); left empty",
                                product=Pk["name"].iloc[pos]))
        products = pd.DataFrame({
            "product_id": pid, "handle": handle, "title": Pk["name"].str.strip(),
            "description_html": none_if_empty(Pk["description"]), "vendor": none_if_empty(Pk["manufacturer"]),
            "tags": none_if_empty(tags), "status": status, "published": published.to_numpy(),
            "seo_title": none_if_empty(Pk["meta_title"]), "seo_description": none_if_empty(Pk["meta_description"]),
            "source_platform": self.name, "source_id": src_id[keep].reset_index(drop=True),
            "source_url": self._urls(mapping, Pk, src_id[keep].reset_index(drop=True), handle),
            "created_at": created.dt.tz_localize("UTC") if created.dt.tz is None else created,
        })

        # ---- base (product-level) variant values -----------------------------------------------
        price = to_money(Pk["price_tax_excluded"], file=pfile, column=hdr["price_tax_excluded"], table=None,
                         issues=issues, required=True, label="Price tax excluded")
        missing_price = np.flatnonzero(pc.is_null(price).to_numpy(zero_copy_only=False))
        if len(missing_price):
            raise InputError("the product has no price (Price tax excluded is empty)", file=pfile,
                             row=product_lines[missing_price[0]], column=hdr["price_tax_excluded"])
        cost = to_money(Pk["wholesale_price"], file=pfile, column=hdr["wholesale_price"], issues=issues)
        weight = to_float(Pk["weight"], file=pfile, column=hdr["weight"], issues=issues)
        qty = to_int(Pk["quantity"], file=pfile, column=hdr["quantity"], issues=issues)
        tax = Pk["tax_rules_id"].str.strip()
        taxable = pd.Series(np.where(tax == "", None, tax != "0"), dtype=object)
        oos = Pk["out_of_stock"].str.strip().map({"0": "deny", "1": "continue"})
        virtual = Pk["virtual"].str.strip() == "1"
        ean = Pk["ean13"].str.strip()
        upc = Pk["upc"].str.strip()
        barcode = ean.where(ean != "", upc)
        base = pd.DataFrame({
            "product_id": pid, "sku": Pk["reference"].str.strip(), "barcode": barcode,
            "price": pd.Series(price.to_pylist(), dtype=object), "cost": pd.Series(cost.to_pylist(), dtype=object),
            "weight": weight, "inventory_quantity": qty, "inventory_policy": oos.astype(object),
            "taxable": taxable, "requires_shipping": ~virtual, "line": product_lines,
            "title": Pk["name"].str.strip(), "tax_rule": tax,
        })

        # simple products: one variant each
        simple = base[~has_comb.to_numpy()].copy()
        simple["variant_id"] = simple["product_id"] + "#1"
        simple["position"] = 1
        simple["image_src"] = None
        simple["source_id"] = simple["product_id"]
        simple["file"] = pfile
        simple["sku_column"] = hdr["reference"]

        parts = [simple]
        options = pd.DataFrame(columns=["product_id", "position", "name"])
        vopts = pd.DataFrame(columns=["variant_id", "position", "value"])
        comb_images = pd.DataFrame(columns=["product_id", "src", "alt"])
        extra_parts = []
        if C is not None and len(C):
            self._mapping = mapping
            cv, options, vopts, comb_images, cextra = self._combination_variants(C, base, ct)
            issues.extend(cv.attrs.pop("issues", []))
            parts.append(cv)
            extra_parts.append(cextra)
        variants_all = pd.concat(parts, ignore_index=True)
        self._images_by_position(variants_all, Pk, pid, issues)
        # order: products in file order, then variants in file order
        order = pd.Series(range(len(pid)), index=pid.to_numpy())
        variants_all["_p"] = variants_all["product_id"].map(order)
        variants_all = variants_all.sort_values(["_p", "position"], kind="stable").reset_index(drop=True)

        # duplicate SKUs and barcodes across all variants
        vlines = variants_all["line"].tolist()
        vfiles = variants_all["file"].tolist()
        from_comb = (variants_all["file"] != pfile).to_numpy()
        for col, check, what, pcol, ccol in (("sku", "duplicate_sku", "reference (SKU)", hdr["reference"], "Reference"),
                                             ("barcode", "duplicate_barcode", "barcode", hdr["ean13"], "EAN13")):
            flag_repeats(variants_all[col], file=pfile, column="", check=check, what=what, issues=issues,
                         product=variants_all["title"], lines=vlines, files=vfiles,
                         columns=list(np.where(from_comb, ccol, pcol)))

        variants_all["image_src"] = [None if x is None or x is pd.NA else mapping.image_url(x)
                                     for x in variants_all["image_src"]]
        self._apply_tax_rates(variants_all, base, mapping, pfile, hdr, issues)
        variants = variants_all[["variant_id", "product_id", "position", "sku", "barcode", "price", "cost",
                                 "weight", "inventory_quantity", "inventory_policy", "taxable",
                                 "requires_shipping", "image_src", "source_id"]].copy()
        variants["sku"] = none_if_empty(variants["sku"])
        variants["barcode"] = none_if_empty(variants["barcode"])
        variants["weight_unit"] = np.where(variants["weight"].notna(), self.weight_unit, None)
        variants["inventory_tracker"] = np.where(variants["inventory_quantity"].notna(), "shopify", None)

        # ---- images --------------------------------------------------------------------------
        urls = split_items(Pk["image_urls"])
        alts = split_items(Pk["image_alts"]).rename(columns={"item": "alt"})
        img = urls.merge(alts[["row", "idx", "alt"]], on=["row", "idx"], how="left")
        img = pd.DataFrame({"product_id": pid.iloc[img["row"]].to_numpy(), "src": img["item"].to_numpy(),
                            "alt": img["alt"].to_numpy(), "_o": 0, "_i": img["idx"].to_numpy()})
        if len(comb_images):
            ci = comb_images.copy()
            ci["_o"] = 1
            ci["_i"] = np.arange(len(ci))
            img = pd.concat([img, ci], ignore_index=True)
        img["_p"] = img["product_id"].map(order)
        img = img.sort_values(["_p", "_o", "_i"], kind="stable")
        img["src"] = [mapping.image_url(x) for x in img["src"]]
        img = img.drop_duplicates(["product_id", "src"], keep="first").reset_index(drop=True)
        img["position"] = img.groupby("product_id").cumcount() + 1
        images = img[["product_id", "position", "src", "alt"]].copy()
        images["alt"] = none_if_empty(images["alt"])

        # ---- collections ---------------------------------------------------------------------
        cats = split_items(Pk["categories"])
        cat_df = pd.DataFrame({"product_id": pid.iloc[cats["row"]].to_numpy(), "path": cats["item"].to_numpy()})
        numeric = cat_df["path"].str.match(_DIGITS)
        if numeric.any():
            for v in sorted(set(cat_df.loc[numeric, "path"])):
                issues.append(issue("warning", pfile, None, hdr["categories"], "category_id_only",
                                    f"category {v} is given by ID, not by name; the collection is titled "
                                    f"'Category {v}'", "rename the collection after the import"))
            cat_df.loc[numeric, "path"] = "Category " + cat_df.loc[numeric, "path"]
        collections, collection_products = collections_from_paths(cat_df, platform=self.name, mapping=mapping)

        # ---- extra ---------------------------------------------------------------------------
        extra_cols = {k: k for k in P_KEYS if k not in _P_MAPPED or k in _P_ALSO_EXTRA}
        extra_cols = {k: v for k, v in extra_cols.items() if k != "features"}
        extra_parts.append(extra_columns(Pk, extra_cols, entity="product", ids=pid, namespace=self.name))
        # product-level values that have no variant to sit on when the product has combinations
        comb_only = Pk[has_comb.to_numpy()]
        extra_parts.append(extra_columns(comb_only, {"reference": "reference", "ean13": "ean13", "quantity": "quantity"},
                                      entity="product", ids=pid[has_comb.to_numpy()], namespace=self.name))
        both = Pk[(ean != "").to_numpy() & (upc != "").to_numpy() & ~has_comb.to_numpy()]
        extra_parts.append(extra_columns(both, {"upc": "upc"}, entity="product",
                                      ids=pid[(ean != "").to_numpy() & (upc != "").to_numpy() & ~has_comb.to_numpy()],
                                      namespace=self.name))
        extra_parts.append(self._features(Pk, pid, pfile, product_lines, hdr["features"], issues))
        extra = concat_extra(extra_parts)

        # ---- issues: tax, discounts, value scans ------------------------------------------------
        issues.append(issue("warning", pfile, None, hdr["price_tax_excluded"], "prices_tax_excluded",
                            f"prices are tax excluded ({len(Pk)} products); they are kept as they are, with the "
                            f"tax rule in extra:prestashop.tax_rules_id",
                            "if the target shop enters prices with tax included (Shopify: 'All prices include "
                            "tax'), add the tax before importing"))
        disc = (Pk["discount_amount"].str.strip().replace("0", "") != "") | \
               (Pk["discount_percent"].str.strip().replace("0", "") != "")
        for pos in np.flatnonzero(disc.to_numpy()):
            issues.append(issue("warning", pfile, product_lines[pos], hdr["discount_percent"], "discount_not_migrated",
                                f"the product has a discount (amount {Pk['discount_amount'].iloc[pos] or '-'}, "
                                f"percent {Pk['discount_percent'].iloc[pos] or '-'}, {Pk['discount_from'].iloc[pos]} "
                                f"to {Pk['discount_to'].iloc[pos]}); the price is the regular price and the "
                                f"discount is kept in extra:prestashop.discount_*",
                                "recreate it as a sale price (compare-at price) or a discount in the target shop",
                                product=Pk["name"].iloc[pos]))
        named = pt.frame[keep].reset_index(drop=True)
        scan_values(pfile, named, barcode_columns=(hdr["ean13"], hdr["upc"]), product=Pk["name"],
                    sku=Pk["reference"], issues=issues,
                    table=_Lines(product_lines))

        # ---- loss ----------------------------------------------------------------------------
        pspec = {}
        for k, h in hdr.items():
            if k in _P_MAPPED:
                became, note = _P_MAPPED[k]
                if k in _P_ALSO_EXTRA:
                    became = f"{became}, extra:prestashop.{k}" if "extra:" not in became else became
                pspec[h] = (became, note)
            else:
                pspec[h] = (f"extra:prestashop.{k}", "")
        loss.extend(loss_rows(pfile, pt.frame, pspec, dropped_rows=pd.Series(~keep)))
        if ct is not None:
            chdr = dict(zip(C_KEYS, ct.frame.columns))
            cspec = {chdr[k]: (_C_MAPPED[k] if k in _C_MAPPED else (f"extra:prestashop.{k}", "")) for k in C_KEYS}
            loss.extend(loss_rows(ct.path, ct.frame, cspec, dropped_rows=comb_drop))

        return {"products": products, "product_options": options, "variants": variants,
                  "variant_options": vopts, "images": images, "collections": collections,
                  "collection_products": collection_products, "extra": extra}

    # ------------------------------------------------------------------------------------------
    def _read_customers(self, ct, at, issues: list, loss: list) -> tuple[pd.DataFrame, pd.DataFrame]:
        """customers_import.csv (and addresses_import.csv) as canonical customers plus extra rows.

        Passwords are never read into the catalog (counted as dropped in the loss table); birthday,
        title, groups, active and the partner-offers opt-in go to ``extra:prestashop.*``; the
        customer's first address fills the address columns (country names -> ISO alpha-2 with
        pycountry, states -> province codes), further addresses are kept whole in
        ``extra:prestashop.address_<n>`` (JSON) so PrestaShop gets them back."""
        cfile = ct.path
        n_cols = ct.frame.shape[1]
        keys = CU_KEYS[:n_cols]
        C = ct.frame.copy()
        C.columns = keys
        C = C.reset_index(drop=True)
        for k in CU_KEYS:
            if k not in C.columns:
                C[k] = ""
        hdr = dict(zip(keys, ct.frame.columns))
        n = len(C)
        lines = ct.lines(range(n)) if n else []
        ids = C["id"].str.strip()
        email = C["email"].str.strip()
        line_txt = pd.Series([str(x) for x in lines], dtype=object)
        cid = ids.where(ids != "", email.where(email != "", "row-" + line_txt))
        dup = cid.duplicated(keep="first").to_numpy()
        for pos in np.flatnonzero(dup):
            issues.append(issue("error", cfile, lines[pos], hdr["id"], "duplicate_customer",
                                f"customer {cid.iloc[pos]!r} appears again; this row was dropped",
                                "give each customer its own ID and e-mail"))
        for pos in np.flatnonzero(((email == "").to_numpy()) & ~dup):
            issues.append(issue("warning", cfile, lines[pos], hdr["email"], "missing_email",
                                "the customer has no e-mail (PrestaShop and Shopify identify customers by it)",
                                "add the e-mail before importing"))
        keep = ~dup
        K = C[keep].reset_index(drop=True)
        k_lines = [lines[i] for i in np.flatnonzero(keep)]
        kid = cid[keep].reset_index(drop=True)
        # passwords: never carried
        n_pw = int((C["password"].fillna("").astype(str) != "").sum())
        if n_pw:
            issues.append(issue("warning", cfile, None, hdr["password"], "passwords_dropped",
                                f"{n_pw} password(s) were not carried: passwords are never migrated",
                                "customers set a new password with 'Forgot your password?' (Shopify: send "
                                "account invites)"))
        for pos in np.flatnonzero((K["active"].str.strip() == "0").to_numpy()):
            issues.append(issue("warning", cfile, k_lines[pos], hdr["active"], "inactive_customer",
                                f"customer {kid.iloc[pos]} is disabled in PrestaShop (Active 0); the target may "
                                f"import it as a normal customer (the flag is in extra:prestashop.active)",
                                "disable or delete the account after the import if needed"))
        raw_date = K["date_add"].str.strip()
        created = pd.to_datetime(raw_date.where(raw_date != "", None), errors="coerce", format="mixed")
        for pos in np.flatnonzero((created.isna() & (raw_date != "")).to_numpy()):
            issues.append(issue("warning", cfile, k_lines[pos], hdr["date_add"], "bad_date",
                                f"{raw_date.iloc[pos]!r} is not a date (yyyy-mm-dd); left empty"))
        created = created.dt.tz_localize("UTC") if created.dt.tz is None else created
        cust = pd.DataFrame({
            "customer_id": kid, "email": none_if_empty(K["email"].str.strip()),
            "first_name": none_if_empty(K["first_name"].str.strip()),
            "last_name": none_if_empty(K["last_name"].str.strip()),
            "accepts_email_marketing": to_bool(K["newsletter"]).astype(object).where(
                to_bool(K["newsletter"]).notna(), None),
            "created_at": created, "source_id": none_if_empty(ids[keep].reset_index(drop=True)),
        })
        for col in ("phone", "company", "address1", "address2", "city", "province_code", "country_code", "zip"):
            cust[col] = pd.Series([None] * len(cust), dtype=object)
        extra = [extra_columns(K, _CU_EXTRA, entity="customer", ids=kid, namespace=self.name),
                 extra_rows(kid, ids[keep].reset_index(drop=True), "customer", self.name, "customer_id")]
        loss.extend(loss_rows(cfile, ct.frame, {hdr[k]: _CU_NOTES[k] for k in keys}, dropped_rows=pd.Series(dup)))
        scan_values(cfile, ct.frame.drop(columns=[hdr["password"]]), table=ct, issues=issues,
                    skip_rows=pd.Series(dup))
        if at is not None:
            extra.append(self._read_addresses(at, cust, K, kid, issues, loss))
        return cust, concat_extra(extra)

    def _read_addresses(self, at, cust: pd.DataFrame, K: pd.DataFrame, kid: pd.Series, issues: list,
                        loss: list) -> pd.DataFrame:
        """Fill ``cust`` (in place) from each customer's first address; return the extra rows."""
        afile = at.path
        A = _positional(at, A_KEYS, ADDRESS_HEADER, "addresses")
        hdr = dict(zip(A_KEYS, at.frame.columns))
        n = len(A)
        lines = at.lines(range(n)) if n else []
        A = A.apply(lambda s: s.fillna("").astype(str).str.strip())
        # PrestaShop's importer links an address by e-mail first, else by customer ID
        by_email: dict[str, str] = {}
        for e, c in zip(K["email"].str.strip().str.lower().tolist(), kid.tolist()):
            if e and e not in by_email:
                by_email[e] = c
        by_id = {i: c for i, c in zip(K["id"].str.strip().tolist(), kid.tolist()) if i}
        owner = [by_email.get(e.lower()) if e else by_id.get(i) if i else None
                 for e, i in zip(A["customer_email"].tolist(), A["customer_id"].tolist())]
        owner = pd.Series(owner, dtype=object)
        drop = owner.isna().to_numpy()
        for pos in np.flatnonzero(drop):
            e, i = A["customer_email"].iloc[pos], A["customer_id"].iloc[pos]
            if not e and not i:
                whose = ", ".join(x for x in (f"brand {A['manufacturer'].iloc[pos]!r}" if A["manufacturer"].iloc[pos]
                                              else "", f"supplier {A['supplier'].iloc[pos]!r}"
                                              if A["supplier"].iloc[pos] else "") if x) or "no customer"
                issues.append(issue("warning", afile, lines[pos], hdr["customer_email"], "address_not_customer",
                                    f"address {A['id'].iloc[pos] or pos + 1} ({A['alias'].iloc[pos]}) belongs to "
                                    f"{whose}, not to a customer; it was not migrated",
                                    "brand and supplier addresses are not part of a customer migration"))
            else:
                issues.append(issue("warning", afile, lines[pos], hdr["customer_email"] if e else hdr["customer_id"],
                                    "address_unknown_customer",
                                    f"address {A['id'].iloc[pos] or pos + 1} names customer {e or i}, who is not in "
                                    f"the customers file; it was not migrated",
                                    "give the customers file that holds this customer"))
        Ak = A[~drop].copy()
        Ak["_owner"] = owner[~drop].to_numpy()
        Ak["_line"] = [lines[i] for i in np.flatnonzero(~drop)]
        Ak["_n"] = Ak.groupby("_owner", sort=False).cumcount() + 1
        first = Ak[Ak["_n"] == 1].set_index("_owner")
        row_of = {c: i for i, c in enumerate(cust["customer_id"])}
        fn = dict(zip(kid, K["first_name"].str.strip()))
        ln = dict(zip(kid, K["last_name"].str.strip()))
        extra = []
        # the first addresses' values per customer column, put into ``cust`` at the end
        filled: dict[str, list] = {k: [] for k in ("company", "address1", "address2", "zip", "city", "phone",
                                                    "country_code", "province_code")}
        at_rows = [row_of[owner_id] for owner_id in first.index]
        for owner_id, a in zip(first.index, row_dicts(first)):
            for key in ("company", "address1", "address2", "zip", "city"):
                filled[key].append(a[key] or None)
            phone = a["phone"] or a["phone_mobile"]
            filled["phone"].append(phone or None)
            cc, how = country_code(a["country"]) if a["country"] else (None, "empty")
            if how == "fuzzy":
                issues.append(issue("warning", afile, a["_line"], hdr["country"], "country_guessed",
                                    f"country {a['country']!r} read as {country_name(cc)!r} ({cc}) by a fuzzy match",
                                    "check the country of this customer"))
            elif a["country"] and cc is None:
                issues.append(issue("warning", afile, a["_line"], hdr["country"], "unknown_country",
                                    f"country {a['country']!r} is not a country name pycountry knows"
                                    f"{' (several matches)' if how == 'ambiguous' else ''}; the country code was "
                                    f"left empty (the name is kept in extra:prestashop.address_country)",
                                    "write the country's English name, or its ISO code"))
            filled["country_code"].append(cc)
            pcode = province_code(cc, a["state"]) if cc and a["state"] else None
            if a["state"] and pcode is None:
                issues.append(issue("warning", afile, a["_line"], hdr["state"], "unknown_state",
                                    f"state {a['state']!r} is not a subdivision of {cc or 'an unknown country'}; the "
                                    f"province code was left empty (the name is kept in extra:prestashop.address_state)",
                                    "write the state's name as in ISO 3166-2"))
            filled["province_code"].append(pcode)
            own = {
                "address_id": a["id"], "address_alias": a["alias"], "address_active": a["active"],
                "address_customer_id": a["customer_id"], "address_manufacturer": a["manufacturer"],
                "address_supplier": a["supplier"],
                "address_first_name": a["first_name"] if a["first_name"] != fn.get(owner_id, "") else "",
                "address_last_name": a["last_name"] if a["last_name"] != ln.get(owner_id, "") else "",
                "address_other": a["other"],
                "address_phone_mobile": a["phone_mobile"] if a["phone"] else "",
                "address_vat_number": a["vat_number"], "address_dni": a["dni"],
                "address_country": a["country"] if cc is None or country_name(cc) != a["country"] else "",
                "address_state": a["state"] if a["state"] and (pcode is None or
                                                               province_name(cc, pcode) != a["state"]) else "",
            }
            for k, v in own.items():
                if v:
                    extra.append({"entity": "customer", "entity_id": owner_id, "namespace": self.name, "key": k,
                                  "value": v, "type": TEXT})
        put_rows(cust, at_rows, filled)
        ph = cust["phone"].dropna().astype(str)
        for value, count in ph[ph.duplicated(keep=False)].value_counts(sort=False).items():
            issues.append(issue("warning", afile, None, hdr["phone"], "duplicate_phone",
                                f"{count} customers have the phone {value!r} (their first address's); it is each "
                                f"one's customers.phone",
                                "Shopify wants a customer's phone to be unique to that customer: check these "
                                "numbers before importing there"))
        more = Ak[Ak["_n"] > 1]
        for a in row_dicts(more):
            cells = {k: a[k] for k in A_KEYS if k != "customer_email" and a[k]}
            extra.append({"entity": "customer", "entity_id": a["_owner"], "namespace": self.name,
                          "key": f"address_{a['_n']}", "value": json.dumps(cells, ensure_ascii=False), "type": "json"})
        spec = {}
        for k in A_KEYS:
            if k in _A_FIELDS:
                spec[hdr[k]] = (f"customers.{_A_FIELDS[k]}, {_A_MORE}",
                                "the customer's first address; further addresses whole in extra (JSON)"
                                + ("; names -> ISO alpha-2 (pycountry)" if k == "country" else "")
                                + ("; names -> ISO 3166-2 code without the country" if k == "state" else ""))
            elif k == "customer_email":
                spec[hdr[k]] = ("customers.customer_id", "links the address to its customer (as PrestaShop does)")
            elif k == "phone_mobile":
                spec[hdr[k]] = (f"customers.phone, extra:prestashop.address_phone_mobile, {_A_MORE}",
                                "the phone when Phone is empty")
            elif k in ("manufacturer", "supplier"):
                spec[hdr[k]] = ("", "brand and supplier addresses are not customers' addresses")
            else:
                note = "kept when it differs from the customer's" if k in ("first_name", "last_name") else ""
                spec[hdr[k]] = (f"extra:prestashop.address_{k}, {_A_MORE}", note)
        loss.extend(loss_rows(afile, at.frame, spec, dropped_rows=pd.Series(drop)))
        scan_values(afile, at.frame, table=at, issues=issues, skip_rows=pd.Series(drop))
        return pd.DataFrame(extra, columns=["entity", "entity_id", "namespace", "key", "value", "type"])

    # ------------------------------------------------------------------------------------------
    def _urls(self, mapping, P: pd.DataFrame, ids: pd.Series, handles: pd.Series):
        """Old product URLs: PrestaShop's files have none; ``[urls] product_url_pattern`` may build
        them from ``{id}``, ``{handle}``, ``{rewrite}`` (URL rewritten as written), ``{sku}``, ``{ean13}``."""
        if mapping is None or not mapping.urls.get("product_url_pattern"):
            return None
        return pd.Series([mapping.product_url(id=i, handle=h, rewrite=r, sku=k, ean13=e)
                          for i, h, r, k, e in zip(ids, handles, P["url_rewritten"], P["reference"], P["ean13"])],
                         dtype=object)

    def _images_by_position(self, V: pd.DataFrame, P: pd.DataFrame, pid: pd.Series, issues: list) -> None:
        """A combination without ``Image URLs`` but with an ``Image position`` shows the product image at
        that position (1-based, in the order of the product row's ``Image URLs``), as PrestaShop's
        importer does (URLs win when both are given). An unknown position: warning, no variant image."""
        if "_img_pos" not in V.columns:
            return
        need = V["image_src"].isna() & V["_img_pos"].fillna("").astype(str).str.match(r"^\d+(,|$)")
        if not need.any():
            return
        urls = split_items(P["image_urls"])
        urls["product_id"] = pid.iloc[urls["row"]].to_numpy()
        urls["pos"] = (urls.groupby("row").cumcount() + 1).astype(str)
        at = dict(zip(zip(urls["product_id"], urls["pos"]), urls["item"]))
        rows = np.flatnonzero(need.to_numpy())
        firsts = [str(p).split(",")[0].strip() for p in V["_img_pos"].iloc[rows]]
        found = [at.get(k) for k in zip(V["product_id"].iloc[rows], firsts)]
        src = V["image_src"].astype(object).to_numpy(copy=True)
        for i, first, url in zip(rows, firsts, found):
            if url is None:
                issues.append(issue("warning", V["file"].iloc[i], int(V["line"].iloc[i]), "Image position",
                                    "image_position_unknown",
                                    f"the product has no image at position {first}; the combination has no image",
                                    "give the image URL, or the position of one of the product's images",
                                    sku=V["sku"].iloc[i]))
            else:
                src[i] = url
        V["image_src"] = pd.Series(src, index=V.index, dtype=V["image_src"].dtype)

    def _apply_tax_rates(self, V: pd.DataFrame, base: pd.DataFrame, mapping, pfile, hdr, issues) -> None:
        """With ``[tax_rates]`` in the mapping, add the rule's percent to the tax-excluded prices
        (rounded half up to cents); the tax-excluded base stays in extra:prestashop.price_tax_excluded."""
        if mapping is None or not mapping.tax_rates:
            return
        from decimal import ROUND_HALF_UP
        rules = V["product_id"].map(base.set_index("product_id")["tax_rule"])
        done = 0
        new = []
        for price, rule in zip(V["price"], rules):
            rate = mapping.tax_rate(rule) if rule else None
            if rate is None or price is None:
                new.append(price)
                continue
            done += 1
            new.append((Decimal(price) * (1 + Decimal(rate) / 100)).quantize(Decimal("0.01"), ROUND_HALF_UP))
        V["price"] = pd.Series(new, index=V.index, dtype=object)
        if done:
            issues.append(issue("warning", pfile, None, hdr["tax_rules_id"], "tax_added",
                                f"{done} variant prices had the tax of their Tax rules ID added ([tax_rates] of the "
                                f"mapping), rounded to cents", "set the target shop to prices including tax"))

    def _features(self, P, pid, pfile, lines, column, issues) -> pd.DataFrame:
        f = split_items(P["features"])
        if not len(f):
            return pd.DataFrame(columns=["entity", "entity_id", "namespace", "key", "value", "type"])
        parts = f["item"].str.split(":")
        ok = parts.str.len() >= 2
        for r in f.loc[~ok, "row"].unique():
            issues.append(issue("warning", pfile, lines[r], column, "bad_feature",
                                "a feature is not Name:Value(:Position); it was kept in extra:prestashop.features",
                                product=P["name"].iloc[r]))
        f = f[ok]
        parts = parts[ok]
        out = pd.DataFrame({"entity": "product", "entity_id": pid.iloc[f["row"]].to_numpy(), "namespace": "custom",
                            "key": parts.str[0].str.strip().map(extra_key).to_numpy(),
                            "value": parts.str[1].str.strip().to_numpy(), "type": TEXT})
        raw = extra_columns(P, {"features": "features"}, entity="product", ids=pid, namespace=self.name)
        return pd.concat([out, raw], ignore_index=True)

    # ------------------------------------------------------------------------------------------
    def _combinations(self, ct, known_ids: set, P, P_ids):
        """Positional combinations frame with parsed option lists; drops bad and duplicate rows."""
        issues: list[dict] = []
        cfile = ct.path
        C = _positional(ct, C_KEYS, COMBINATION_HEADER, "combinations")
        chdr = dict(zip(C_KEYS, ct.frame.columns))
        n = len(C)
        lines = ct.lines(range(n)) if n else []
        C["line"] = lines
        C["product_id"] = C["product_id"].str.strip()
        drop = np.zeros(n, dtype=bool)
        for key in ("product_id", "attributes", "values"):
            empty = (C[key].str.strip() == "").to_numpy()
            if empty.any():
                pos = int(np.flatnonzero(empty)[0])
                raise InputError(f"{chdr[key]} is required in the combinations file", file=cfile,
                                 row=lines[pos], column=chdr[key])
        unknown = ~C["product_id"].isin(known_ids).to_numpy()
        for pos in np.flatnonzero(unknown):
            issues.append(issue("error", cfile, lines[pos], chdr["product_id"], "unknown_product",
                                f"Product ID {C['product_id'].iloc[pos]} is not in the products file; the "
                                f"combination was dropped", sku=C["reference"].iloc[pos]))
        drop |= unknown
        # parse attribute groups and values (vectorised explode)
        groups = split_items(C["attributes"])
        gp = groups["item"].str.split(":")
        groups["name"] = gp.str[0].str.strip()
        groups["gtype"] = gp.str[1].fillna("select").str.strip()
        groups["gpos"] = pd.to_numeric(gp.str[2], errors="coerce")
        vals = split_items(C["values"])
        vp = vals["item"].str.split(":")
        vals["value"] = vp.str[0].str.strip()
        vals["vpos"] = pd.to_numeric(vp.str[1], errors="coerce")
        ng = groups.groupby("row").size().reindex(range(n), fill_value=0)
        nv = vals.groupby("row").size().reindex(range(n), fill_value=0)
        bad_parts = (gp.str.len() > 3).groupby(groups["row"]).any().reindex(range(n), fill_value=False) | \
                    (vp.str.len() > 2).groupby(vals["row"]).any().reindex(range(n), fill_value=False)
        mismatch = (ng != nv).to_numpy() | bad_parts.to_numpy()
        for pos in np.flatnonzero(mismatch & ~drop):
            issues.append(issue("error", cfile, lines[pos], chdr["values"], "attribute_value_mismatch",
                                f"{ng.iloc[pos]} attribute(s) but {nv.iloc[pos]} value(s), or a ':' inside a name "
                                f"(PrestaShop cannot import that either); the combination was dropped",
                                "one Value:Position per Name:Type:Position, in the same order",
                                sku=C["reference"].iloc[pos]))
        drop |= mismatch
        # the product's option names come from its first combination; others must match
        gnames = groups.groupby("row")["name"].agg(tuple).reindex(range(n))
        C["_names"] = gnames.to_numpy()
        first_names = C[~drop].groupby("product_id")["_names"].first()
        differs = (C["_names"] != C["product_id"].map(first_names)).to_numpy() & ~drop
        for pos in np.flatnonzero(differs):
            issues.append(issue("error", cfile, lines[pos], chdr["attributes"], "attribute_set_differs",
                                f"the attributes {', '.join(C['_names'].iloc[pos])} differ from the product's first "
                                f"combination ({', '.join(first_names[C['product_id'].iloc[pos]])}); dropped",
                                "every combination of a product needs the same attributes",
                                sku=C["reference"].iloc[pos]))
        drop |= differs
        # duplicate combinations: same product, same values (in attribute order)
        vtuple = vals.groupby("row")["value"].agg(tuple).reindex(range(n))
        C["_values"] = vtuple.to_numpy()
        key = C["product_id"] + "\x1f" + C["_values"].map(lambda t: "\x1f".join(t) if isinstance(t, tuple) else "")
        key = key.where(~pd.Series(drop), None)
        dup = key.duplicated(keep="first") & key.notna()
        first_line = pd.Series(lines).groupby(key).transform("first") if n else pd.Series([], dtype=int)
        for pos in np.flatnonzero(dup.to_numpy()):
            issues.append(issue("error", cfile, lines[pos], chdr["values"], "duplicate_combination",
                                f"product {C['product_id'].iloc[pos]} already has the combination "
                                f"{', '.join(C['_values'].iloc[pos])} (line {int(first_line.iloc[pos])}); this row "
                                f"was dropped (impact on price {C['price_impact'].iloc[pos] or '0'}, quantity "
                                f"{C['quantity'].iloc[pos] or '0'})",
                                "remove the repeated row, or change its values if it is a different variant",
                                sku=C["reference"].iloc[pos]))
        drop |= dup.to_numpy()
        C["_drop"] = drop
        C["_row"] = np.arange(n)
        C.attrs["groups"] = groups
        C.attrs["vals"] = vals
        C.attrs["hdr"] = chdr
        scan_values(cfile, ct.frame, table=ct, barcode_columns=(chdr["ean13"], chdr["upc"]),
                    sku=C["reference"], issues=issues, skip_rows=pd.Series(drop))
        kept = C[~drop].reset_index(drop=True)
        kept.attrs = C.attrs
        return kept, issues, pd.Series(drop), lines

    def _combination_variants(self, C, base: pd.DataFrame, ct):
        cfile = ct.path
        chdr = C.attrs["hdr"]
        groups, vals = C.attrs["groups"], C.attrs["vals"]
        b = base.set_index(base["product_id"])
        pid = C["product_id"]
        position = C.groupby("product_id").cumcount() + 1
        vid = pid + "#" + position.astype(str)
        issues_local: list[dict] = []
        impact = to_money(C["price_impact"], file=cfile, column=chdr["price_impact"], issues=issues_local)
        base_price = pa.array(b.loc[C["product_id"], "price"].tolist(), type=MONEY)
        price = money_add(base_price, impact)
        own_cost = to_money(C["wholesale_price"], file=cfile, column=chdr["wholesale_price"], issues=issues_local)
        base_cost = pa.array(b.loc[C["product_id"], "cost"].tolist(), type=MONEY)
        use_base = pc.or_kleene(pc.is_null(own_cost), pc.equal(own_cost, pa.scalar(Decimal(0), MONEY)))
        cost = pc.if_else(use_base, base_cost, own_cost)
        w_imp = to_float(C["weight_impact"], file=cfile, column=chdr["weight_impact"], issues=issues_local)
        base_w = pd.Series(b.loc[C["product_id"], "weight"].to_numpy(), dtype="float64")
        weight = base_w + w_imp.fillna(0.0)
        qty = to_int(C["quantity"], file=cfile, column=chdr["quantity"], issues=issues_local)
        ean = C["ean13"].str.strip()
        upc = C["upc"].str.strip()
        first_url = C["image_urls"].str.split(",").str[0].fillna("").str.strip()
        v = pd.DataFrame({
            "variant_id": vid, "product_id": pid, "position": position, "sku": C["reference"].str.strip(),
            "barcode": ean.where(ean != "", upc), "price": pd.Series(price.to_pylist(), dtype=object),
            "cost": pd.Series(cost.to_pylist(), dtype=object), "weight": weight, "inventory_quantity": qty,
            "inventory_policy": b.loc[C["product_id"], "inventory_policy"].to_numpy(),
            "taxable": b.loc[C["product_id"], "taxable"].to_numpy(),
            "requires_shipping": b.loc[C["product_id"], "requires_shipping"].to_numpy(),
            "image_src": none_if_empty(first_url), "source_id": (C["_row"] + 1).astype(str).to_numpy(),
            "_img_pos": C["image_position"].str.strip().to_numpy(),
            "line": C["line"].to_numpy(),
            "file": cfile, "title": b.loc[C["product_id"], "title"].to_numpy(),
        })
        # options: from each product's first kept combination, ordered by Position
        first_row = C.groupby("product_id")["_row"].first()
        g = groups[groups["row"].isin(first_row.to_numpy())].copy()
        g["product_id"] = C.set_index("_row").loc[g["row"], "product_id"].to_numpy()
        g = g.sort_values(["row", "gpos", "idx"], kind="stable")
        g["position"] = g.groupby("row").cumcount() + 1
        g["name"] = [self._mapping.suggest("options", n, self._mapping.option(n)) for n in g["name"]]
        options = g[["product_id", "position", "name"]].reset_index(drop=True)
        # value order follows the attribute order of the same row
        order_map = g.set_index(["product_id", "idx"])["position"]
        vv = vals[vals["row"].isin(C["_row"])].copy()
        rowmap = C.set_index("_row")
        vv["variant_id"] = vid.set_axis(C["_row"]).loc[vv["row"]].to_numpy()
        vv["product_id"] = rowmap.loc[vv["row"], "product_id"].to_numpy()
        vv["position"] = order_map.reindex(list(zip(vv["product_id"], vv["idx"]))).to_numpy()
        vopts = vv[["variant_id", "position", "value"]].astype({"position": "int64"}).reset_index(drop=True)
        # combination images (all URLs), with alts by position
        urls = split_items(C["image_urls"])
        alts = split_items(C["image_alts"]).rename(columns={"item": "alt"})
        ci = urls.merge(alts[["row", "idx", "alt"]], on=["row", "idx"], how="left")
        comb_images = pd.DataFrame({"product_id": pid.iloc[ci["row"]].to_numpy(), "src": ci["item"].to_numpy(),
                                    "alt": ci["alt"].to_numpy()})
        # extra per variant + the product's attribute group cell (types and positions)
        ext_cols = {chdr[k]: k for k in C_KEYS if k not in _C_MAPPED or k in _C_ALSO_EXTRA}
        named = C.rename(columns={k: chdr[k] for k in C_KEYS})
        ext = extra_columns(named, ext_cols, entity="variant", ids=vid, namespace=self.name)
        upc_extra = extra_columns(C[(ean != "") & (upc != "")], {"upc": "upc"}, entity="variant",
                               ids=vid[(ean != "") & (upc != "")], namespace=self.name)
        first_c = C.drop_duplicates("product_id")
        grp = extra_columns(first_c, {"attributes": "attribute_groups"}, entity="product",
                         ids=first_c["product_id"], namespace=self.name)
        vcell = extra_columns(C, {"values": "value_cell", "image_urls": "image_urls", "image_alts": "image_alts"},
                           entity="variant", ids=vid, namespace=self.name)
        extra = concat_extra([ext, upc_extra, grp, vcell])
        v.attrs["issues"] = issues_local
        return v, options, vopts, comb_images, extra

    # ------------------------------------------------------------------------------------------
    def _temporary_passwords(self) -> bool:
        """Whether the mapping's ``[settings] customer_passwords`` asks for temporary passwords."""
        return (getattr(self, "settings", None) or {}).get("customer_passwords") == "temporary"

    def validate(self, catalog: Catalog) -> pd.DataFrame:
        """What PrestaShop's importer would choke on: ``:`` or ``,`` in option names/values and
        category names (they are its separators), and formula-like cells (neutralised on write)."""
        rows = []
        for tbl, col, check in (("product_options", "name", "separator_in_attribute"),
                                ("variant_options", "value", "separator_in_value")):
            s = getattr(catalog, tbl)[col].astype(str)
            for v in sorted(set(s[s.str.contains(r"[:,]", regex=True)])):
                rows.append(issue("error", "", None, col, check,
                                  f"{v!r} contains ':' or ','; PrestaShop's importer splits on them "
                                  f"(PrestaShop/PrestaShop#17604)", "rename it before importing"))
        t = catalog.collections["title"].astype(str)
        for v in sorted(set(t[t.str.contains(",", regex=False)])):
            rows.append(issue("error", "", None, "title", "separator_in_category",
                              f"category {v!r} contains ','; PrestaShop splits categories on ','",
                              "rename it before importing"))
        for name in ("products", "variants", "customers"):
            df = getattr(catalog, name)
            for col in df.columns:
                if df[col].dtype != object and "string" not in str(df[col].dtype):
                    continue
                s = df[col].dropna().astype(str)
                hits = s[s.str.startswith(_TRIGGERS)]
                for v in hits:
                    if is_formula(v):
                        rows.append(issue("warning", "", None, col, "formula_neutralised",
                                          f"{v[:60]!r} would run as a formula; written with a leading apostrophe",
                                          "PrestaShop has no rule for this; check the value after the import"))
        rows.extend(self._customer_issues(catalog))
        return issues_frame(rows)

    def write(self, catalog: Catalog, out_dir, *, dialect: str | None = None) -> list[Path]:
        """``products_import.csv`` (+ ``combinations_import.csv``) when the catalog has products, and
        ``customers_import.csv`` (+ ``addresses_import.csv`` when customers have addresses) when it has
        customers. Layouts and headers exactly as PrestaShop's samples, ``;``, UTF-8, LF."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        if len(catalog.products):
            paths += self._write_products(catalog, out_dir)
        if len(catalog.customers):
            paths += self._write_customers(catalog, out_dir)
        return paths

    @property
    def writes(self) -> dict[str, frozenset[str]]:
        """What the import files hold (the migration's loss report): the products part of
        ``migration.TARGETS['prestashop']`` plus the customer fields the two customer files carry."""
        from ..migration import TARGETS
        fields = dict(TARGETS["prestashop"].fields)
        fields["customers"] = frozenset({"email", "first_name", "last_name", "accepts_email_marketing", "created_at",
                                         "company", "address1", "address2", "city", "province_code",
                                         "country_code", "zip", "phone"})
        return fields

    def _write_customers(self, catalog: Catalog, out_dir: Path) -> list[Path]:
        """customers_import.csv: 13 columns; the password column stays **empty** (passwords are never
        migrated; ``validate`` says what PrestaShop requires). ``Customer ID``, title, birthday, groups,
        active and opt-in come back from ``extra:prestashop.*`` (a PrestaShop source), else empty /
        PrestaShop's defaults. addresses_import.csv: each customer's address (country and state as
        names, which PrestaShop's importer looks up) followed by the further addresses a PrestaShop
        source kept in ``extra:prestashop.address_<n>``; linked to the customer by e-mail."""
        C = catalog.customers.reset_index(drop=True)
        cid = C["customer_id"].astype(str)
        ext = extra_wide(catalog.extra, "customer", self.name) if len(catalog.extra) else pd.DataFrame()

        def xget(key: str, default: str = "") -> pd.Series:
            s = _map_text(cid, ext[key]) if key in ext.columns else pd.Series("", index=C.index, dtype=object)
            return s.where(s != "", default)

        def text(col: str) -> pd.Series:
            return C[col].astype(object).where(C[col].notna(), "").astype(str)

        def flag(col: str) -> pd.Series:
            return C[col].astype(object).map(lambda v: "1" if v is True else "0")

        created = pd.to_datetime(C["created_at"]).dt.strftime("%Y-%m-%d").fillna("")
        rows = pd.DataFrame({
            "id": xget("customer_id"), "active": xget("active", "1"), "title_id": xget("title_id", "0"),
            "email": text("email"), "password": self._passwords(text("email")), "birthday": xget("birthday"), "last_name": text("last_name"),
            "first_name": text("first_name"), "newsletter": flag("accepts_email_marketing"),
            "optin": xget("optin", "0"), "date_add": created.to_numpy(), "groups": xget("groups"),
            "default_group_id": xget("default_group_id"),
        }).reset_index(drop=True)
        rows, _ = neutralise_formulas(rows)
        paths = [out_dir / "customers_import.csv"]
        write_delimited(paths[0], CUSTOMER_HEADER, rows, delimiter=";")

        # every column the loop reads, as a Python list, once (the loop runs per customer)
        t = {k: text(k).tolist() for k in ("email", "company", "address1", "address2", "city", "zip", "country_code",
                                           "province_code", "phone", "first_name", "last_name")}
        has_addr = [any(v) for v in zip(*(t[k] for k in ("company", "address1", "address2", "city", "zip",
                                                          "country_code")))]
        more_keys = sorted((k for k in ext.columns if re.fullmatch(r"address_\d+", str(k))),
                           key=lambda k: int(k.split("_")[1]))
        extras: dict[str, list] = {}

        def column(key: str) -> list:
            if key not in extras:
                extras[key] = xget(key).tolist()
            return extras[key]
        out = []
        for i in range(len(C)):
            email = t["email"][i]
            if has_addr[i]:
                cc, pcode = t["country_code"][i], t["province_code"][i]

                def x(key, default=""):
                    return column(key)[i] or default
                out.append({
                    "id": x("address_id"), "alias": x("address_alias", "My address"), "active": x("address_active", "1"),
                    "customer_email": email, "customer_id": x("address_customer_id"),
                    "manufacturer": x("address_manufacturer"), "supplier": x("address_supplier"),
                    "company": t["company"][i],
                    "last_name": x("address_last_name", t["last_name"][i]),
                    "first_name": x("address_first_name", t["first_name"][i]),
                    "address1": t["address1"][i], "address2": t["address2"][i],
                    "zip": t["zip"][i], "city": t["city"][i],
                    "country": x("address_country", country_name(cc) or cc),
                    "state": x("address_state", province_name(cc, pcode) or pcode),
                    "other": x("address_other"), "phone": t["phone"][i], "phone_mobile": x("address_phone_mobile"),
                    "vat_number": x("address_vat_number"), "dni": x("address_dni"),
                })
            for k in more_keys:
                raw = column(k)[i]
                if not raw:
                    continue
                try:
                    cells = json.loads(raw)
                except ValueError:
                    continue
                row = {key: str(cells.get(key, "")) for key in A_KEYS}
                row["customer_email"] = email
                out.append(row)
        if out:
            arows = pd.DataFrame(out, columns=A_KEYS).fillna("")
            arows, _ = neutralise_formulas(arows)
            paths.append(out_dir / "addresses_import.csv")
            write_delimited(paths[-1], ADDRESS_HEADER, arows, delimiter=";")
        return paths

    def _passwords(self, emails: pd.Series) -> pd.Series | str:
        """The password column: empty, or temporary passwords when the mapping asks for them."""
        if not self._temporary_passwords():
            return ""
        return temporary_passwords(emails, password_key())

    def _customer_issues(self, catalog: Catalog) -> list[dict]:
        """What PrestaShop's customer and address import requires (AdminImportController and the
        Customer/Address classes: e-mail, password, last and first name required; an address needs
        alias, names, address 1, zip, city, country and the customer's e-mail)."""
        C = catalog.customers
        rows: list[dict] = []
        if not len(C):
            return rows
        if self._temporary_passwords():
            password_key()  # fails clearly now, before any file is written, when the key is missing
            rows.append(issue("warning", "customers_import.csv", None, "Password *", "temporary_passwords",
                              f"customers_import.csv holds a temporary password for each of the {len(C)} customers "
                              f"([settings] customer_passwords = \"temporary\"); the old passwords are not migrated",
                              "after the import, send every customer a password reset ('Forgot your password?') and "
                              "delete the import file"))
        else:
            rows.append(issue("error", "customers_import.csv", None, "Password *", "password_required",
                              f"PrestaShop's customer import requires a password for every customer (a required "
                              f"field: an empty one makes the row fail with 'cannot be saved'); passwords are never "
                              f"migrated, so the column is empty for all {len(C)} customers",
                              "set customer_passwords = \"temporary\" under [settings] in the mapping file and "
                              f"{PASSWORD_KEY_ENV} in the environment to write temporary passwords; customers then "
                              "set their own with 'Forgot your password?'"))

        def empty(col):
            return C[col].astype(object).where(C[col].notna(), "").astype(str).str.strip() == ""
        for pos in np.flatnonzero(empty("email").to_numpy()):
            rows.append(issue("error", "customers_import.csv", None, "Email *", "missing_email",
                              f"customer {C['customer_id'].iloc[pos]} has no e-mail; PrestaShop requires one",
                              "add the e-mail or leave the customer out"))
        for pos in np.flatnonzero((empty("first_name") | empty("last_name")).to_numpy()):
            rows.append(issue("error", "customers_import.csv", None, "Last Name *", "missing_name",
                              f"customer {C['customer_id'].iloc[pos]} has no first or last name; PrestaShop "
                              f"requires both", "add the names before importing"))
        has_addr = ~(empty("address1") & empty("city") & empty("country_code") & empty("zip") & empty("company"))
        need = empty("address1") | empty("city") | empty("country_code") | empty("zip")
        for pos in np.flatnonzero((has_addr & need).to_numpy()):
            miss = [n for n, col in (("Address 1", "address1"), ("Zipcode", "zip"), ("City", "city"),
                                     ("Country", "country_code")) if empty(col).iloc[pos]]
            rows.append(issue("warning", "addresses_import.csv", None, ", ".join(miss), "address_incomplete",
                              f"the address of customer {C['customer_id'].iloc[pos]} has no {', '.join(miss)}; "
                              f"PrestaShop's address import requires them (a zip only where the country needs one)",
                              "complete the address, or import it without and fix it in the back office"))
        return rows

    def _write_products(self, catalog: Catalog, out_dir: Path) -> list[Path]:
        """``products_import.csv`` and (when any product has options) ``combinations_import.csv``.

        Layouts and headers exactly as PrestaShop's samples (67 and 24 columns, ``;``, UTF-8).
        Product IDs: the PrestaShop IDs when the catalog came from PrestaShop, else 1..n (import with
        "Force all ID numbers" on an empty shop so the combinations file finds its products).
        The base price is the source's tax-excluded base when not above any variant price, else the
        lowest variant price; each combination's impact is its price minus it. Images: every image on
        the product row in order (cover first); a combination points at its image by ``Image position``,
        except a PrestaShop source's combination image URLs, written back as they were.
        Works on empty tables (no images, categories or features): lookups go through :func:`_map_text`.
        """
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        P = catalog.products.reset_index(drop=True)
        V = catalog.variants.reset_index(drop=True)
        E = catalog.extra
        ex = E[E["namespace"] == self.name]
        pext = ex[ex["entity"] == "product"].pivot_table(index="entity_id", columns="key", values="value",
                                                          aggfunc="first") if len(ex) else pd.DataFrame()
        vext = ex[ex["entity"] == "variant"].pivot_table(index="entity_id", columns="key", values="value",
                                                          aggfunc="first") if len(ex) else pd.DataFrame()

        def pget(key: str) -> pd.Series:
            if key in pext.columns:
                return _map_text(P["product_id"], pext[key])
            return pd.Series("", index=P.index, dtype=object)

        # IDs
        src = P["source_id"].fillna("").astype(str)
        from_ps = (P["source_platform"].fillna("") == self.name) & src.str.match(_DIGITS)
        if from_ps.all() and not src.duplicated().any():
            out_id = src
        else:
            out_id = pd.Series(np.arange(1, len(P) + 1), dtype=int).astype(str)
        idmap = dict(zip(P["product_id"], out_id))
        opts = catalog.product_options
        has_opts = set(opts["product_id"])
        Vs = V.copy()
        Vs["_price"] = [Decimal(x) if x is not None else None for x in V["price"].astype(object).tolist()]
        g = Vs.groupby("product_id", sort=False)
        base_price = g["_price"].min()
        first = g.head(1).set_index("product_id")
        base_weight = g["weight"].min()
        qty_sum = g["inventory_quantity"].sum(min_count=1)

        def first_of(col: str) -> pd.Series:
            return P["product_id"].map(first[col]) if col in first.columns else pd.Series(None, index=P.index)

        simple = ~P["product_id"].isin(has_opts)
        cols = catalog.collections.set_index("collection_id")["title"]
        cp = catalog.collection_products.copy()
        cp["title"] = cp["collection_id"].map(cols)
        cats = cp.groupby("product_id", sort=False)["title"].agg(",".join)
        im = catalog.images.sort_values(["product_id", "position"])
        # Combination rows read from PrestaShop carry their own image URLs (raw cells, written back
        # as they were): those images are imported through them and left off the product row (else
        # PrestaShop downloads them twice). Every other image stays on the product row in order (the
        # first is the cover) and a combination points at its image with `Image position`.
        raw_ci = vext["image_urls"].dropna().astype(str) if "image_urls" in vext.columns else pd.Series(dtype=object)
        raw_ci = raw_ci[raw_ci.str.strip() != ""]
        carried = V[V["product_id"].isin(has_opts) & V["variant_id"].isin(set(raw_ci.index))]
        pairs = {(p, s) for p, s in zip(carried["product_id"], carried["image_src"]) if isinstance(s, str)}
        for p, cell in zip(carried["product_id"], carried["variant_id"].map(raw_ci)):
            pairs.update((p, u.strip()) for u in str(cell).split(",") if u.strip())
        if pairs:
            im = im[[(p, s) not in pairs for p, s in zip(im["product_id"], im["src"])]]
        im = im.assign(_pos=im.groupby("product_id", sort=False).cumcount() + 1)
        pos_of = dict(zip(zip(im["product_id"], im["src"]), im["_pos"]))
        im_urls = im.groupby("product_id", sort=False)["src"].agg(",".join)
        im_alts = im.assign(alt=im["alt"].fillna("").astype(str)).groupby("product_id", sort=False)["alt"].agg(",".join)
        feats = E[(E["entity"] == "product") & (E["namespace"] == "custom")]
        raw_feat = pget("features")
        if len(feats):
            f = feats.copy()
            f["pos"] = f.groupby("entity_id").cumcount()
            f["cell"] = f["key"].astype(str) + ":" + f["value"].astype(str) + ":" + f["pos"].astype(str)
            fcell = _map_text(P["product_id"], f.groupby("entity_id")["cell"].agg(",".join))
            feat = raw_feat.where(raw_feat != "", fcell)
        else:
            feat = raw_feat
        # the source's own base price/cost/weight when still consistent, else derived from the variants
        raw_price = pget("price_tax_excluded")
        mins = P["product_id"].map(base_price)
        ok_raw = [r != "" and _DEC.match(r) is not None and m is not None and Decimal(r) <= m
                  for r, m in zip(raw_price, mins)]
        base_price = pd.Series([Decimal(r) if ok else m for r, ok, m in zip(raw_price, ok_raw, mins)],
                               index=P["product_id"].to_numpy(), dtype=object)
        price_txt = money_text(P["product_id"].map(base_price))
        raw_cost = pget("wholesale_price")
        cost_txt = raw_cost.where(raw_cost != "", money_text(first_of("cost")))
        raw_w = pd.to_numeric(pget("weight").where(pget("weight") != "", None), errors="coerce")
        mins_w = P["product_id"].map(base_weight)
        base_weight = pd.Series(np.where(raw_w.notna() & (raw_w <= mins_w.fillna(np.inf)), raw_w, mins_w),
                                index=P["product_id"].to_numpy())
        tax = pget("tax_rules_id")
        tax = tax.where(tax != "", np.where(first_of("taxable").fillna(True).astype(bool), "1", "0"))
        policy = first_of("inventory_policy").map({"deny": "0", "continue": "1"}).fillna("2")
        virtual = np.where(first_of("requires_shipping").fillna(True).astype(bool), "0", "1")
        weight = P["product_id"].map(base_weight)
        raw_q = pd.to_numeric(pget("quantity").where(pget("quantity") != "", None), errors="coerce")
        qty = np.where(simple, first_of("inventory_quantity"), raw_q.fillna(P["product_id"].map(qty_sum).astype("float64")))
        created = pd.to_datetime(P["created_at"]).dt.strftime("%Y-%m-%d").fillna("")
        values = {k: pget(k) for k in P_KEYS}
        values.update({
            "id": out_id, "active": np.where(P["status"] == "active", "1", "0"),
            "name": P["title"].fillna(""), "categories": _map_text(P["product_id"], cats),
            "price_tax_excluded": price_txt, "tax_rules_id": tax, "wholesale_price": cost_txt,
            "reference": np.where(simple, first_of("sku").fillna(""), pget("reference")),
            "manufacturer": P["vendor"].fillna(""),
            "ean13": np.where(simple, first_of("barcode").fillna(""), pget("ean13")),
            "weight": weight.map(_num_text),
            "quantity": pd.Series(qty).map(lambda x: "" if pd.isna(x) else str(int(x))),
            "description": P["description_html"].fillna(""),
            "tags": P["tags"].fillna(""),
            "meta_title": P["seo_title"].fillna(""), "meta_description": P["seo_description"].fillna(""),
            "url_rewritten": pget("url_rewritten").where(pget("url_rewritten") != "", P["handle"].fillna("")),
            "date_add": created,
            "image_urls": _map_text(P["product_id"], im_urls),
            "image_alts": _map_text(P["product_id"], im_alts).str.rstrip(","),
            "delete_existing_images": pget("delete_existing_images").where(pget("delete_existing_images") != "", "0"),
            "features": feat, "out_of_stock": policy, "virtual": virtual,
        })
        prod_rows = pd.DataFrame({k: pd.Series(np.asarray(values[k], dtype=object)).reset_index(drop=True)
                                  for k in P_KEYS})
        prod_rows, _ = neutralise_formulas(prod_rows)
        paths = [out_dir / "products_import.csv"]
        write_delimited(paths[0], PRODUCT_HEADER, prod_rows, delimiter=";")

        # combinations
        CV = V[V["product_id"].isin(has_opts)].copy()
        if len(CV):
            on = opts.sort_values(["product_id", "position"])
            vo = catalog.variant_options
            groups_cell = on.groupby("product_id", sort=False).apply(
                lambda d: ", ".join(f"{n}:{'color' if n.strip().lower() in ('color', 'colour') else 'select'}:{i}"
                                    for i, n in enumerate(d["name"])), include_groups=False)
            raw_groups = pget("attribute_groups").set_axis(P["product_id"])
            names_cell = on.groupby("product_id", sort=False)["name"].agg(tuple)
            raw_ok = raw_groups[raw_groups != ""]
            raw_names = raw_ok.map(lambda c: tuple(x.split(":")[0].strip() for x in c.split(",")))
            same = [tuple(names_cell.get(k, ())) == v for k, v in raw_names.items()]
            groups_cell.update(raw_ok[same])
            vv = vo.sort_values(["variant_id", "position"])
            vv = vv.assign(cell=vv["value"].astype(str) + ":" + (vv["position"] - 1).astype(str))
            value_cell = vv.groupby("variant_id", sort=False)["cell"].agg(", ".join)
            raw_val = vext["value_cell"] if "value_cell" in vext.columns else pd.Series(dtype=object)
            vals_joined = vv.groupby("variant_id", sort=False)["value"].agg(tuple)
            rv = raw_val.dropna()
            rv_vals = rv.map(lambda c: tuple(x.split(":")[0].strip() for x in c.split(",")))
            ok = [tuple(vals_joined.get(k, ())) == v for k, v in rv_vals.items()]
            value_cell.update(rv[ok])

            alt_of = catalog.images.dropna(subset=["alt"]).drop_duplicates("src").set_index("src")["alt"]

            def vget(key: str) -> pd.Series:
                if key in vext.columns:
                    return _map_text(CV["variant_id"], vext[key])
                return pd.Series("", index=CV.index, dtype=object)

            prices = [Decimal(x) if x is not None else None for x in CV["price"].astype(object).tolist()]
            bases = CV["product_id"].map(base_price).tolist()
            impact = [None if p is None or b is None else p - b for p, b in zip(prices, bases)]
            w_imp = CV["weight"] - CV["product_id"].map(base_weight)
            # variant image: the raw URL cells of a PrestaShop source, else the position of the image
            # on the product row (PrestaShop looks it up when Image URLs is empty), else its URL
            raw_urls = vget("image_urls").to_numpy(dtype=object)
            use_raw = raw_urls != ""
            src = CV["image_src"].astype(object).where(CV["image_src"].notna(), "").to_numpy(dtype=object)
            found = [pos_of.get((p, s)) for p, s in zip(CV["product_id"], src)]
            by_pos = np.array([f is not None for f in found], dtype=bool) & ~use_raw
            img_pos = np.array(["" if f is None else str(int(f)) for f in found], dtype=object)
            cvals = {k: vget(k) for k in C_KEYS}
            cvals.update({
                "product_id": CV["product_id"].map(idmap), "attributes": CV["product_id"].map(groups_cell),
                "values": _map_text(CV["variant_id"], value_cell), "reference": CV["sku"].fillna(""),
                "ean13": CV["barcode"].fillna(""), "wholesale_price": money_text(CV["cost"].astype(object)).to_numpy(),
                "price_impact": money_text(impact).to_numpy(),
                "quantity": CV["inventory_quantity"].map(lambda x: "" if pd.isna(x) else str(int(x))),
                "weight_impact": w_imp.round(10).map(_num_text),
                "default_on": vget("default_on").where(vget("default_on") != "",
                                                        np.where(CV["position"] == 1, "1", "0")),
                "image_urls": np.where(use_raw, raw_urls, np.where(by_pos, "", src)),
                "image_alts": np.where(use_raw, vget("image_alts"),
                                       np.where(by_pos, "", _map_text(CV["image_src"], alt_of))),
                "image_position": np.where(use_raw | ~by_pos, vget("image_position"), img_pos),
            })
            comb_rows = pd.DataFrame({k: pd.Series(np.asarray(cvals[k], dtype=object)).reset_index(drop=True)
                                      for k in C_KEYS})
            comb_rows, _ = neutralise_formulas(comb_rows)
            paths.append(out_dir / "combinations_import.csv")
            write_delimited(paths[1], COMBINATION_HEADER, comb_rows, delimiter=";")
        return paths


def _map_text(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``keys`` looked up in ``table`` as plain text (object dtype), ``""`` where missing or null.

    ``Series.map`` keeps the lookup table's dtype: an empty or all-null table (a catalog with no
    images, categories or features) comes back as an Arrow ``double`` column, whose ``fillna("")``
    raises. Going through a dict of Python strings avoids that whatever the dtypes are.
    """
    lookup = {k: str(v) for k, v in zip(table.index.tolist(), table.astype(object).tolist())
              if v is not None and not (isinstance(v, float) and np.isnan(v)) and v is not pd.NA}
    return pd.Series([lookup.get(k, "") for k in keys.astype(object).tolist()], index=keys.index, dtype=object)


def _num_text(x) -> str:
    """A float as short plain text (``0.068357``, ``2``), never in exponent form."""
    if x is None or pd.isna(x):
        return ""
    t = f"{float(x):.10f}".rstrip("0").rstrip(".")
    return "0" if t in ("-0", "") else t


class _Lines:
    """Adapter so helpers can look up physical lines of a filtered frame."""

    def __init__(self, lines: list[int]):
        self._lines = list(lines)

    def lines(self, positions) -> list[int]:
        return [self._lines[int(p)] for p in positions]


register("prestashop", PrestaShopAdapter)
