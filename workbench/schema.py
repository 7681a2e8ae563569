"""The canonical shop data model: one schema every job shares.

Data travels as Arrow-backed pandas DataFrames (``pd.ArrowDtype``), one frame per table, never one
Python object per row. Money is ``decimal128(18, 4)`` (exact, never binary float), timestamps are
``timestamp[us, UTC]``, currencies ISO 4217 codes, countries ISO 3166-1 alpha-2 codes.

:func:`conform` turns any frame (strings, Decimals, ints, datetimes) into a frame of the table's
exact types, or refuses it whole with a :class:`~workbench.errors.SchemaError` whose
``failure_cases`` table lists table, column, row, value, check and reason (pandera's style).

Platform-only fields and metafields that have no column here go to the ``extra`` table
(entity, entity_id, namespace, key, value, type), so a round trip through the model keeps them.
"""
from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import SchemaError
from ._arrow import dictionary_codes, one_chunk, string_buffers

__all__ = [
    "MONEY",
    "SCHEMA_VERSION",
    "TABLES",
    "Column",
    "Table",
    "arrow_schema",
    "conform",
    "conform_arrow",
    "empty_frame",
    "table",
    "to_frame",
]

#: Bumped whenever a table changes; the store migrates older files (see ``store.MIGRATIONS``).
SCHEMA_VERSION = 2

MONEY = pa.decimal128(18, 4)
TS = pa.timestamp("us", tz="UTC")
STR = pa.string()
INT = pa.int64()
BOOL = pa.bool_()
FLOAT = pa.float64()
DATE = pa.date32()

# Check names used by `Column.check`.
CURRENCY = "currency"        # ISO 4217 code
COUNTRY = "country"          # ISO 3166-1 alpha-2 code
NONNEGATIVE = "nonnegative"  # >= 0
RATING = "rating"            # 1..5
TIMEZONE = "timezone"        # IANA time zone name


@dataclass(frozen=True)
class Column:
    """One column: name, Arrow type, whether it may be empty, allowed values and an extra check."""

    name: str
    type: pa.DataType
    required: bool = False
    choices: tuple[str, ...] | None = None
    check: str | None = None
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """One table: its columns and natural key (the upsert key; unique, never empty)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str = ""
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return self._by_name[name]


def _t(name: str, key: tuple[str, ...], doc: str, *cols: Column) -> Table:
    return Table(name, tuple(cols), key, doc)


def C(name, type_, required=False, *, choices=None, check=None, doc=""):  # noqa: N802 - short builder
    return Column(name, type_, required, tuple(choices) if choices else None, check, doc)


PRODUCT_STATUS = ("active", "draft", "archived")
INVENTORY_POLICY = ("deny", "continue")
WEIGHT_UNITS = ("g", "kg", "lb", "oz")
FINANCIAL_STATUS = ("pending", "authorized", "paid", "partially_paid", "partially_refunded",
                    "refunded", "voided")
FULFILLMENT_STATUS = ("unfulfilled", "partial", "fulfilled")
TRANSACTION_KIND = ("authorization", "capture", "sale", "refund", "void")
TRANSACTION_STATUS = ("pending", "success", "failure", "error")
REVIEW_STATUS = ("published", "pending", "hidden", "spam")
SHIPMENT_STATUS = ("label_printed", "in_transit", "out_for_delivery", "delivered", "failure",
                   "returned", "cancelled")
WEEK_START = ("monday", "sunday", "saturday")

_TABLES: list[Table] = [
    _t("shop", ("shop_id",), "Shop settings: day and week totals depend on time zone and week start.",
       C("shop_id", STR, True),
       C("name", STR, True),
       C("currency", STR, True, check=CURRENCY, doc="reporting currency"),
       C("timezone", STR, True, check=TIMEZONE, doc="IANA name; days are cut in this zone"),
       C("week_start", STR, True, choices=WEEK_START),
       C("country_code", STR, check=COUNTRY),
       C("platform", STR),
       C("domain", STR)),
    # ---- catalog -------------------------------------------------------------------------------
    _t("products", ("product_id",), "One row per product.",
       C("product_id", STR, True, doc="our id; stable across imports"),
       C("handle", STR, True, doc="URL handle (slug)"),
       C("title", STR, True),
       C("description_html", STR),
       C("vendor", STR),
       C("product_type", STR),
       C("product_category", STR, doc="platform taxonomy path"),
       C("tags", STR, doc="comma-separated, as Shopify writes them"),
       C("status", STR, True, choices=PRODUCT_STATUS),
       C("published", BOOL),
       C("gift_card", BOOL),
       C("seo_title", STR),
       C("seo_description", STR),
       C("source_platform", STR),
       C("source_id", STR, doc="the product's id on the source platform"),
       C("source_url", STR, doc="the product's URL on the source shop (redirect source)"),
       C("created_at", TS),
       C("updated_at", TS)),
    _t("product_options", ("product_id", "position"), "Option names per product, in order.",
       C("product_id", STR, True),
       C("position", INT, True, check=NONNEGATIVE, doc="1-based"),
       C("name", STR, True),
       C("linked_to", STR, doc="metafield an option is linked to (Shopify 'Option1 Linked To')")),
    _t("variants", ("variant_id",), "One row per sellable variant (a product without options has one).",
       C("variant_id", STR, True),
       C("product_id", STR, True),
       C("position", INT, True, check=NONNEGATIVE),
       C("sku", STR),
       C("barcode", STR),
       C("price", MONEY, True, check=NONNEGATIVE),
       C("compare_at_price", MONEY, check=NONNEGATIVE),
       C("cost", MONEY, check=NONNEGATIVE, doc="cost per item"),
       C("weight", FLOAT, check=NONNEGATIVE, doc="in weight_unit"),
       C("weight_unit", STR, choices=WEIGHT_UNITS),
       C("inventory_quantity", INT),
       C("inventory_policy", STR, choices=INVENTORY_POLICY),
       C("inventory_tracker", STR),
       C("requires_shipping", BOOL),
       C("taxable", BOOL),
       C("tax_code", STR),
       C("fulfillment_service", STR),
       C("image_src", STR, doc="the variant's own image"),
       C("source_id", STR),
       C("created_at", TS)),
    _t("variant_options", ("variant_id", "position"), "Option values per variant (position matches product_options).",
       C("variant_id", STR, True),
       C("position", INT, True, check=NONNEGATIVE),
       C("value", STR, True)),
    _t("images", ("product_id", "position"), "Product images in order (position 1 is the main image).",
       C("product_id", STR, True),
       C("position", INT, True, check=NONNEGATIVE),
       C("src", STR, True, doc="URL or path"),
       C("alt", STR),
       C("width", INT),
       C("height", INT),
       C("source_id", STR)),
    _t("collections", ("collection_id",), "Collections / categories.",
       C("collection_id", STR, True),
       C("handle", STR, True),
       C("title", STR, True),
       C("path", STR, doc="category path from the root, levels joined with ' > '"),
       C("description_html", STR),
       C("source_id", STR),
       C("source_url", STR)),
    _t("collection_products", ("collection_id", "product_id"), "Which product is in which collection.",
       C("collection_id", STR, True),
       C("product_id", STR, True),
       C("position", INT)),
    _t("extra", ("entity", "entity_id", "namespace", "key"),
       "Metafields and platform-only fields, so a round trip keeps them.",
       C("entity", STR, True, choices=("product", "variant", "image", "collection", "customer", "order")),
       C("entity_id", STR, True),
       C("namespace", STR, True, doc="metafield namespace, or the platform name for platform-only columns"),
       C("key", STR, True),
       C("value", STR),
       C("type", STR, doc="metafield type, e.g. single_line_text_field")),
    # ---- customers and orders ------------------------------------------------------------------
    _t("customers", ("customer_id",), "Customers.",
       C("customer_id", STR, True),
       C("email", STR),
       C("first_name", STR),
       C("last_name", STR),
       C("phone", STR),
       C("accepts_email_marketing", BOOL),
       C("accepts_sms_marketing", BOOL),
       C("company", STR),
       C("address1", STR),
       C("address2", STR),
       C("city", STR),
       C("province_code", STR),
       C("country_code", STR, check=COUNTRY),
       C("zip", STR),
       C("tags", STR),
       C("note", STR),
       C("tax_exempt", BOOL),
       C("created_at", TS),
       C("source_id", STR)),
    _t("orders", ("order_id",), "Orders; amounts in the order's currency.",
       C("order_id", STR, True),
       C("order_number", STR, doc="the number staff see, e.g. #1001"),
       C("customer_id", STR),
       C("email", STR),
       C("created_at", TS, True, doc="order date"),
       C("cancelled_at", TS),
       C("currency", STR, True, check=CURRENCY),
       C("channel", STR, True, doc="sales channel: online_store, facebook, instagram, pos, ..."),
       C("financial_status", STR, choices=FINANCIAL_STATUS),
       C("fulfillment_status", STR, choices=FULFILLMENT_STATUS),
       C("is_test", BOOL, True),
       C("discount_code", STR),
       C("shipping_price", MONEY, check=NONNEGATIVE, doc="shipping charged"),
       C("shipping_discount", MONEY, check=NONNEGATIVE),
       C("total_tax", MONEY, check=NONNEGATIVE),
       C("total_duties", MONEY, check=NONNEGATIVE),
       C("ship_by", TS, doc="promised ship-by date"),
       C("shipping_country", STR, check=COUNTRY),
       C("shipping_province", STR),
       C("utm_source", STR),
       C("utm_medium", STR),
       C("utm_campaign", STR),
       C("utm_content", STR),
       C("landing_site", STR),
       C("referring_site", STR)),
    _t("order_lines", ("line_id",), "Order lines; discount_amount includes the line's share of order discounts.",
       C("line_id", STR, True),
       C("order_id", STR, True),
       C("product_id", STR),
       C("variant_id", STR),
       C("sku", STR),
       C("title", STR),
       C("quantity", INT, True, check=NONNEGATIVE),
       C("price", MONEY, True, check=NONNEGATIVE, doc="unit price before discounts"),
       C("discount_amount", MONEY, check=NONNEGATIVE, doc="total discount on the line"),
       C("tax_amount", MONEY, check=NONNEGATIVE),
       C("unit_cost", MONEY, check=NONNEGATIVE, doc="cost snapshot at the time of sale"),
       C("supplier_id", STR, doc="supplier snapshot at the time of sale"),
       C("gift_card", BOOL),
       C("requires_shipping", BOOL),
       # schema 2: what we owe the supplier per unit, in the supplier's currency (unit_cost is in
       # the order's currency, for margins); new columns go last so older files migrate in place.
       C("supplier_unit_cost", MONEY, check=NONNEGATIVE, doc="supplier's cost snapshot in its currency"),
       C("supplier_currency", STR, check=CURRENCY)),
    _t("refunds", ("refund_id",), "Refunds; line items in refund_lines.",
       C("refund_id", STR, True),
       C("order_id", STR, True),
       C("created_at", TS, True, doc="refund date (returns count on this date)"),
       C("shipping_amount", MONEY, check=NONNEGATIVE, doc="refunded shipping"),
       C("tax_amount", MONEY, check=NONNEGATIVE, doc="refunded tax"),
       C("reason", STR),
       C("note", STR)),
    _t("refund_lines", ("refund_id", "line_id"), "Refunded line items.",
       C("refund_id", STR, True),
       C("line_id", STR, True),
       C("quantity", INT, True, check=NONNEGATIVE),
       C("amount", MONEY, True, check=NONNEGATIVE, doc="value of the returned items, after discounts, before tax"),
       C("restock", BOOL)),
    _t("transactions", ("transaction_id",), "Payment transactions.",
       C("transaction_id", STR, True),
       C("order_id", STR, True),
       C("created_at", TS, True),
       C("kind", STR, True, choices=TRANSACTION_KIND),
       C("status", STR, True, choices=TRANSACTION_STATUS),
       C("gateway", STR),
       C("payment_method", STR),
       C("amount", MONEY, True, check=NONNEGATIVE),
       C("currency", STR, True, check=CURRENCY),
       C("error_code", STR),
       C("message", STR)),
    _t("shipments", ("shipment_id",), "Shipments (fulfilments); lines in shipment_lines.",
       C("shipment_id", STR, True),
       C("order_id", STR, True),
       C("created_at", TS, True, doc="shipped at"),
       C("carrier", STR),
       C("service", STR),
       C("tracking_number", STR),
       C("status", STR, choices=SHIPMENT_STATUS),
       C("delivered_at", TS),
       C("shipping_cost", MONEY, check=NONNEGATIVE, doc="what we paid the carrier"),
       C("provider", STR, doc="manual, shipstation, shipwire, ...")),
    _t("shipment_lines", ("shipment_id", "line_id"), "Which order lines (and how many) each shipment carried.",
       C("shipment_id", STR, True),
       C("line_id", STR, True),
       C("quantity", INT, True, check=NONNEGATIVE)),
    # ---- suppliers -----------------------------------------------------------------------------
    _t("suppliers", ("supplier_id",), "Suppliers and their payment terms.",
       C("supplier_id", STR, True),
       C("name", STR, True),
       C("email", STR),
       C("phone", STR),
       C("country_code", STR, check=COUNTRY),
       C("currency", STR, True, check=CURRENCY),
       C("payment_terms_days", INT, True, check=NONNEGATIVE, doc="days after fulfilment the bill is due"),
       C("lead_time_days", INT, check=NONNEGATIVE),
       C("iban", STR),
       C("address", STR)),
    _t("supplier_products", ("supplier_id", "variant_id"), "Cost and lead time per variant and supplier.",
       C("supplier_id", STR, True),
       C("variant_id", STR, True),
       C("supplier_sku", STR),
       C("unit_cost", MONEY, True, check=NONNEGATIVE),
       C("currency", STR, True, check=CURRENCY),
       C("lead_time_days", INT, check=NONNEGATIVE),
       C("min_order_qty", INT, check=NONNEGATIVE),
       C("is_primary", BOOL)),
    _t("supplier_payments", ("payment_id",), "Payments made to suppliers.",
       C("payment_id", STR, True),
       C("supplier_id", STR, True),
       C("paid_at", DATE, True),
       C("amount", MONEY, True, check=NONNEGATIVE),
       C("currency", STR, True, check=CURRENCY),
       C("reference", STR),
       C("method", STR)),
    # ---- marketing and storefront --------------------------------------------------------------
    _t("reviews", ("review_id",), "Product reviews and ratings.",
       C("review_id", STR, True),
       C("product_id", STR, True),
       C("variant_id", STR),
       C("customer_id", STR),
       C("rating", INT, True, check=RATING),
       C("title", STR),
       C("body", STR),
       C("author", STR),
       C("created_at", TS, True),
       C("status", STR, choices=REVIEW_STATUS),
       C("verified_buyer", BOOL),
       C("source", STR)),
    _t("ad_stats", ("date", "campaign_id"), "Daily ad results per campaign (Meta Ads Insights fields).",
       C("date", DATE, True),
       C("platform", STR, True, doc="facebook, instagram, google, ..."),
       C("campaign_id", STR, True),
       C("campaign_name", STR),
       C("spend", MONEY, True, check=NONNEGATIVE),
       C("currency", STR, True, check=CURRENCY),
       C("impressions", INT, check=NONNEGATIVE),
       C("clicks", INT, check=NONNEGATIVE),
       C("purchases", INT, check=NONNEGATIVE),
       C("purchase_value", MONEY, check=NONNEGATIVE, doc="platform-reported purchase value")),
    _t("sessions", ("date", "device"), "Daily online-store sessions, for conversion rate.",
       C("date", DATE, True),
       C("device", STR, True, choices=("desktop", "mobile", "tablet", "other")),
       C("sessions", INT, True, check=NONNEGATIVE),
       C("added_to_cart", INT, check=NONNEGATIVE),
       C("reached_checkout", INT, check=NONNEGATIVE),
       C("converted", INT, True, check=NONNEGATIVE, doc="sessions that placed an order")),
]

TABLES: dict[str, Table] = {t.name: t for t in _TABLES}


def table(name: str) -> Table:
    """The table definition called ``name``; a clear error for an unknown name."""
    try:
        return TABLES[name]
    except KeyError:
        raise SchemaError(name, _failures([(name, None, None, None, "unknown_table",
                                            f"there is no table '{name}'; known: {', '.join(TABLES)}")])) from None


@lru_cache(maxsize=None)
def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of a table, in column order."""
    return pa.schema([pa.field(c.name, c.type, nullable=not c.required) for c in table(name).columns])


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame of the table's exact types."""
    return to_frame(arrow_schema(name).empty_table())


def to_frame(tbl: pa.Table) -> pd.DataFrame:
    """An Arrow table as an Arrow-backed DataFrame (decimals stay decimals)."""
    return tbl.to_pandas(types_mapper=pd.ArrowDtype)


# ---- validation --------------------------------------------------------------------------------

_FAILURE_COLUMNS = ["table", "column", "row", "value", "check", "reason"]


def _failures(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=_FAILURE_COLUMNS).astype({"row": "object"})


@lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    import pycountry
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    import pycountry
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    import zoneinfo
    return frozenset(zoneinfo.available_timezones())


_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_QUANT = decimal.Decimal(1).scaleb(-4)


def _cast_money(values: pd.Series | pa.Array, col: Column) -> tuple[pa.Array, list[tuple[int, object, str, str]]]:
    """Exact decimal conversion; floats are accepted only when they round-trip at 4 places."""
    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else None
    if arr is not None and pa.types.is_decimal(arr.type):
        try:
            return arr.cast(col.type), []
        except pa.ArrowInvalid:
            pass
    if arr is not None and pa.types.is_integer(arr.type):
        return arr.cast(col.type), []
    if arr is None and isinstance(values, pd.Series) and values.dtype.kind in "OUT" or (
            arr is not None and pa.types.is_string(arr.type)):
        try:  # fast path: clean decimal strings; anything odd falls through to the row-by-row check
            a = arr if arr is not None else pa.array(values, type=pa.string(), from_pandas=True)
            return a.cast(col.type), []
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
            pass
    py = values.to_pylist() if arr is not None else values.tolist()
    out, bad = [], []
    for i, v in enumerate(py):
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT:
            out.append(None)
            continue
        try:
            if isinstance(v, float):
                d = decimal.Decimal(repr(v))
            elif isinstance(v, str):
                s = v.strip().replace(",", "") if v.count(",") and "." in v else v.strip()
                if s == "":
                    out.append(None)
                    continue
                d = decimal.Decimal(s)
            else:
                d = decimal.Decimal(v)
            if not d.is_finite():
                raise decimal.InvalidOperation
        except (decimal.InvalidOperation, TypeError, ValueError):
            bad.append((i, v, "not_a_number", "is not a number"))
            out.append(None)
            continue
        if d and d.adjusted() >= 14:  # checked first: quantizing a longer number overflows
            bad.append((i, v, "out_of_range", "is too large for an amount"))
            out.append(None)
            continue
        q = d.quantize(_QUANT)
        if q != d:
            bad.append((i, v, "inexact_money", "has more than 4 decimal places; money must be exact"))
            out.append(None)
            continue
        out.append(q)
    return pa.array(out, type=col.type), bad


def _cast_generic(values: pd.Series, col: Column) -> tuple[pa.Array, list[tuple[int, object, str, str]]]:
    """Cast to the column's type; on failure, find the rows that do not convert."""
    t = col.type
    arr = None
    try:
        arr = pa.array(values, from_pandas=True) if not isinstance(values, (pa.Array, pa.ChunkedArray)) else values
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        arr = None
    if arr is not None:
        arr = one_chunk(arr)
        if arr.type == t:
            return arr, []
        if pa.types.is_null(arr.type):
            return pa.nulls(len(arr), t), []
        try:
            if pa.types.is_timestamp(t) and pa.types.is_timestamp(arr.type) and arr.type.tz is None:
                return pc.assume_timezone(arr.cast(pa.timestamp("us")), "UTC").cast(t), []
            if pa.types.is_boolean(t) and pa.types.is_string(arr.type):
                raise pa.ArrowInvalid("strings to booleans go row by row")
            if pa.types.is_string(t) and not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
                                              or pa.types.is_dictionary(arr.type)):
                if pa.types.is_floating(arr.type):
                    raise pa.ArrowInvalid("floats to strings go row by row")
            return arr.cast(t), []
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            pass
    # row by row, collecting what does not convert
    py = values.to_pylist() if isinstance(values, (pa.Array, pa.ChunkedArray)) else list(values)
    out, bad = [], []
    for i, v in enumerate(py):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            out.append(None)
            continue
        try:
            out.append(_convert_one(v, t))
        except (ValueError, TypeError, OverflowError, decimal.InvalidOperation):
            bad.append((i, v, "wrong_type", f"cannot be read as {_type_name(t)}"))
            out.append(None)
    return pa.array(out, type=t), bad


def _convert_one(v, t: pa.DataType):
    if pa.types.is_string(t):
        if isinstance(v, float):
            return repr(int(v)) if v.is_integer() else repr(v)
        return str(v)
    if pa.types.is_boolean(t):
        if isinstance(v, bool):
            return v
        s = str(v).strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        if s == "":
            return None
        raise ValueError(v)
    if pa.types.is_integer(t):
        if isinstance(v, bool):
            raise TypeError(v)
        if isinstance(v, str):
            v = v.strip()
            if v == "":
                return None
            d = decimal.Decimal(v)
        else:
            d = decimal.Decimal(repr(v)) if isinstance(v, float) else decimal.Decimal(v)
        if d != d.to_integral_value():
            raise ValueError(v)
        return int(d)
    if pa.types.is_floating(t):
        if isinstance(v, str) and v.strip() == "":
            return None
        return float(v)
    if pa.types.is_timestamp(t):
        ts = pd.Timestamp(v)
        if ts is pd.NaT:
            return None
        if ts.tzinfo is None:
            ts = ts.tz_localize("UTC")
        return ts.tz_convert("UTC").to_pydatetime()
    if pa.types.is_date(t):
        ts = pd.Timestamp(v)
        return None if ts is pd.NaT else ts.date()
    raise TypeError(f"unsupported type {t}")


def _type_name(t: pa.DataType) -> str:
    if pa.types.is_decimal(t):
        return "an amount"
    if pa.types.is_integer(t):
        return "a whole number"
    if pa.types.is_floating(t):
        return "a number"
    if pa.types.is_boolean(t):
        return "true/false"
    if pa.types.is_timestamp(t):
        return "a date and time"
    if pa.types.is_date(t):
        return "a date"
    return "text"


def _empty_rows(arr: pa.Array, col: Column) -> list[int]:
    """Rows that are null (or NaN), or text that is empty or only white space."""
    nulls = pc.is_null(arr, nan_is_null=True) if pa.types.is_floating(arr.type) else arr.is_null()
    rows = np.flatnonzero(nulls.to_numpy(zero_copy_only=False)) if arr.null_count or \
        pa.types.is_floating(arr.type) else np.zeros(0, dtype=np.int64)
    if pa.types.is_string(col.type) and (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        rows = np.union1d(rows, _blank_rows(arr))
    return rows.tolist()


def _blank_rows(arr: pa.Array) -> np.ndarray:
    """Positions of the non-null cells that are empty or only white space (``utf8_is_space``).

    A cell whose first byte is a printable ASCII character (0x21-0x7E) cannot be white space, so
    ``utf8_is_space`` only runs on the few other cells: no pass over all the text."""
    if not len(arr):
        return np.zeros(0, dtype=np.int64)
    off, data = string_buffers(arr)
    off = off.astype(np.int64)
    starts = off[:-1]
    empty = off[1:] == starts
    first = data[np.minimum(starts, max(len(data) - 1, 0))] if len(data) else np.zeros(len(arr), dtype=np.uint8)
    maybe = ~empty & ((first <= 0x20) | (first >= 0x7F))
    if arr.null_count:
        valid = arr.is_valid().to_numpy(zero_copy_only=False)
        empty &= valid
        maybe &= valid
    out = np.flatnonzero(empty)
    cand = np.flatnonzero(maybe)
    if len(cand):
        space = pc.utf8_is_space(arr.take(pa.array(cand, type=pa.int64()))).to_numpy(zero_copy_only=False)
        out = np.union1d(out, cand[space])
    return out


def _check_values(arr: pa.Array, col: Column) -> list[tuple[int, object, str, str]]:
    bad: list[tuple[int, object, str, str]] = []
    if col.required:
        for i in _empty_rows(arr, col):
            bad.append((i, None, "not_nullable", "is required but empty"))
    if col.choices:
        ok = pc.or_kleene(pc.is_in(arr, value_set=pa.array(col.choices, type=col.type)), pc.is_null(arr))
        for i in pc.indices_nonzero(pc.invert(ok)).to_pylist():
            bad.append((i, arr[i].as_py(), "not_in_choices", f"must be one of {', '.join(col.choices)}"))
    if col.check == NONNEGATIVE:
        neg = pc.fill_null(pc.less(arr, pa.scalar(0, type=col.type) if not pa.types.is_decimal(col.type)
                                   else pa.scalar(decimal.Decimal(0), type=col.type)), False)
        for i in pc.indices_nonzero(neg).to_pylist():
            bad.append((i, arr[i].as_py(), "negative", "must not be negative"))
    elif col.check == RATING:
        out = pc.fill_null(pc.or_(pc.less(arr, 1), pc.greater(arr, 5)), False)
        for i in pc.indices_nonzero(out).to_pylist():
            bad.append((i, arr[i].as_py(), "out_of_range", "must be a rating from 1 to 5"))
    elif col.check in (CURRENCY, COUNTRY, TIMEZONE):
        allowed = {CURRENCY: _currency_codes, COUNTRY: _country_codes, TIMEZONE: _timezones}[col.check]()
        what = {CURRENCY: "an ISO 4217 currency code (e.g. EUR)", COUNTRY: "an ISO 3166 country code (e.g. DE)",
                TIMEZONE: "an IANA time zone (e.g. Europe/Berlin)"}[col.check]
        uniq = pc.unique(arr.drop_null()).to_pylist()
        wrong = [u for u in uniq if u not in allowed]
        if wrong:
            mask = pc.is_in(arr, value_set=pa.array(wrong, type=col.type))
            for i in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()[:1000]:
                bad.append((i, arr[i].as_py(), f"invalid_{col.check}", f"must be {what}"))
    return bad


def conform_arrow(name: str, frame: pd.DataFrame | pa.Table) -> pa.Table:
    """Check ``frame`` against table ``name`` and return it as an Arrow table of the exact schema.

    Missing optional columns are added empty; missing required columns, unknown columns, values of
    the wrong type, inexact money, empty required values, values outside their choices, invalid
    currency/country codes and duplicate keys are all collected and raised together as one
    :class:`SchemaError` (nothing is half-accepted).
    """
    spec = table(name)
    cols = list(frame.column_names) if isinstance(frame, pa.Table) else [str(c) for c in frame.columns]
    n = frame.num_rows if isinstance(frame, pa.Table) else len(frame)
    problems: list[tuple] = []
    for c in cols:
        if c not in spec.names:
            problems.append((name, c, None, None, "column_not_in_schema",
                             f"is not a column of '{name}' (expected some of: {', '.join(spec.names)})"))
    if len(set(cols)) != len(cols):
        dup = sorted({c for c in cols if cols.count(c) > 1})
        problems.append((name, ", ".join(dup), None, None, "duplicate_column", "appears more than once"))
    arrays = []
    for col in spec.columns:
        if col.name not in cols:
            if col.required:
                problems.append((name, col.name, None, None, "column_not_in_dataframe", "is required but missing"))
            arrays.append(pa.nulls(n, col.type))
            continue
        values = frame.column(col.name) if isinstance(frame, pa.Table) else frame[col.name]
        if isinstance(values, pd.DataFrame):  # duplicated column name
            values = values.iloc[:, 0]
        if isinstance(values, pd.Series) and isinstance(values.dtype, pd.ArrowDtype):
            values = pa.chunked_array([one_chunk(values.array._pa_array)]) if n else pa.array([], values.dtype.pyarrow_dtype)
        if pa.types.is_decimal(col.type):
            arr, bad = _cast_money(values, col)
        else:
            arr, bad = _cast_generic(values, col)
        arr = one_chunk(arr)
        bad += _check_values(arr, col)
        problems += [(name, col.name, i, v, chk, f"'{col.name}' {why}") for i, v, chk, why in bad]
        arrays.append(arr)
    if n and not any(p[4] == "column_not_in_dataframe" and p[1] in spec.key for p in problems):
        problems += _duplicate_keys(name, spec, arrays)
    if problems:
        raise SchemaError(name, _failures(problems))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(name))


def _duplicate_keys(name: str, spec: Table, arrays: list[pa.Array]) -> list[tuple]:
    """Rows whose key appears more than once (nulls equal nulls), at most 1,000."""
    keys = [arrays[spec.names.index(k)] for k in spec.key]
    codes, size = _key_codes(keys)
    if not _has_repeats(codes, size):
        return []
    mask = _repeated_mask(codes, size)
    rows = np.flatnonzero(mask)
    keyed = pa.table({k: a for k, a in zip(spec.key, keys)})
    key_vals = keyed.take(pa.array(rows[:1000], type=pa.int64())).to_pylist()
    return [(name, ", ".join(spec.key), int(i), tuple(kv.values()) if len(kv) > 1 else next(iter(kv.values())),
             "duplicate_key", f"the key ({', '.join(spec.key)}) appears more than once")
            for i, kv in zip(rows, key_vals)]


def _column_codes(arr: pa.Array) -> tuple[np.ndarray, int]:
    """Int64 codes of one key column (equal values, nulls included, share a code) and their range."""
    if pa.types.is_integer(arr.type) and not arr.null_count and len(arr):
        v = arr.to_numpy()
        lo, hi = int(v.min()), int(v.max())
        if hi - lo < (1 << 31):
            return v.astype(np.int64) - lo, hi - lo + 1
    try:
        return _run_codes(arr)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
        codes, uniq = pd.factorize(np.asarray(arr.to_pandas()), use_na_sentinel=False)
        return codes.astype(np.int64), max(len(uniq), 1)


def _run_codes(arr: pa.Array) -> tuple[np.ndarray, int]:
    """Dictionary codes of ``arr`` (:func:`workbench._arrow.dictionary_codes`) and their range."""
    codes, dictionary = dictionary_codes(arr)
    return codes, max(len(dictionary), 1)


def _key_codes(keys: list[pa.Array]) -> tuple[np.ndarray, int]:
    """One int64 code per row for the key tuple (equal tuples, equal codes) and the codes' range."""
    code, size = _column_codes(keys[0])
    for arr in keys[1:]:
        c, n = _column_codes(arr)
        if size >= (1 << 62) // n:  # would overflow: renumber the codes so far densely
            code, uniq = pd.factorize(code)
            code, size = code.astype(np.int64), max(len(uniq), 1)
        code = code * n + c
        size *= n
    return code, size


def _has_repeats(codes: np.ndarray, size: int) -> bool:
    """Whether any code occurs twice: a neighbour compare when sorted, else a count or a hash."""
    if len(codes) < 2:
        return False
    if bool((codes[1:] > codes[:-1]).all()):
        return False
    if size <= 8 * len(codes):
        return bool(np.bincount(codes, minlength=size).max() > 1)
    return not pd.Index(codes).is_unique


def _repeated_mask(codes: np.ndarray, size: int) -> np.ndarray:
    """Mask of the rows whose code occurs more than once."""
    if size <= 8 * len(codes):
        return np.bincount(codes, minlength=size)[codes] > 1
    return pd.Index(codes).duplicated(keep=False)


def conform(name: str, frame: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """:func:`conform_arrow`, returned as an Arrow-backed DataFrame."""
    return to_frame(conform_arrow(name, frame))
