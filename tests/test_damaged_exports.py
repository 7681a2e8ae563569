"""Damaged exports: whatever a spreadsheet or a hand edit does to a real export (odd cells, a lost
or renamed column, repeated or missing rows, a ragged row, separators inside values, another
encoding, a cut-off file), a dry run either reads it, reporting what it could not use, or stops
with the package's own error; never a bare traceback, and never import files left behind when it
stops.

Property-based (hypothesis): every sample and fixture of tests/test_routes.py plus the customer
fixtures, into every writable target. CI runs a fixed set of examples (profile ``ci``);
``HYPOTHESIS_PROFILE=fuzz`` (with ``--timeout 0``) runs a long random campaign locally. The readers' crashes this found
have their own regression tests beside each adapter's tests.
"""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.migration import run_migration

from helpers_paths import SAMPLES
from test_routes import FIX, SOURCES as ROUTE_SOURCES, TARGETS

settings.register_profile("ci", max_examples=60, derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("fuzz", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample files not found")

SOURCES = dict(ROUTE_SOURCES) | {
    "shopify-customers": ("shopify", [FIX / "shopify/customers_current.csv", FIX / "shopify/legacy_gotchas.csv"]),
    "magento2-customers": ("magento2", [FIX / "magento2/customer.csv", FIX / "magento2/customer_address.csv"]),
    "magento2-composite": ("magento2", [FIX / "magento2/customer_composite.csv", FIX / "magento2/gotchas.csv"]),
    "prestashop-customers": ("prestashop", [FIX / "prestashop" / f for f in (
        "products.csv", "combinations.csv", "customers_import.csv", "addresses_import.csv")]),
    "volusion-customers": ("volusion", [FIX / "volusion/Customers.csv"]),
    "bigcommerce-customers": ("bigcommerce", [FIX / "bigcommerce/customers.csv", FIX / "bigcommerce/products.csv"]),
    "woocommerce-gotchas": ("woocommerce", [FIX / "woocommerce/gotchas.csv", FIX / "woocommerce/orphan_variation.csv"]),
}

#: values people and spreadsheets put in cells
ODD = ["", " ", "=1+1", "@SUM(A1)", "-5", "abc", "1e400", "NaN", "0", "00012", "9" * 40, "12.12345", "ü€\u200b",
       "a\nb", '"', ",", ";", "|", "=", "sku=", "1,2", "2026-13-45", "0000-00-00 00:00:00", "x" * 5000, "\\n",
       "\t", "a=b,c=d", "a=b|c=d", "Color:Red", "http://", "/a.jpg", "Default Category/", "//", "<b>x",
       "TRUE", "-1", "12,50", "€12.50", "1e-5", "١٢", "\x00", "configurable", "simple", "variable", "variation",
       "bundle", "grouped", "99999999999999999999", "de_de", "Not Visible Individually"]
SEPARATORS = [",", "|", "=", "\\,", " > ", ";", ":", "/", "\n", '"', "  "]

position = st.floats(min_value=0, max_value=1, exclude_max=True)
value = st.one_of(st.sampled_from(ODD), st.text(max_size=12))
edit = st.one_of(
    st.tuples(st.just("cell"), position, position, value),
    st.tuples(st.just("blank_column"), position),
    st.tuples(st.just("drop_column"), position),
    st.tuples(st.just("repeat_row"), position),
    st.tuples(st.just("drop_row"), position),
    st.tuples(st.just("rename_header"), position, value),
    st.tuples(st.just("ragged_row"), position, st.integers(-3, 3)),
    st.tuples(st.just("swap_columns"), position, position),
    st.tuples(st.just("separator"), position, position, position, st.sampled_from(SEPARATORS)),
)
damage = st.one_of(
    st.tuples(st.just("edits"), st.lists(edit, min_size=1, max_size=5)),
    st.tuples(st.just("cp1252"), ),
    st.tuples(st.just("bom"), ),
    st.tuples(st.just("cut"), position),
)


def _at(frac: float, n: int) -> int:
    return min(int(frac * n), n - 1)


def _edit_rows(rows: list[list[str]], e: tuple) -> None:
    kind, width, body = e[0], len(rows[0]), len(rows) - 1
    if body < 1 or width < 1:
        return
    row = 1 + _at(e[1], body)
    if kind == "cell":
        r = rows[row]
        if r:
            r[_at(e[2], len(r))] = e[3]
    elif kind in ("blank_column", "drop_column"):
        c = _at(e[1], width)
        for r in rows[1 if kind == "blank_column" else 0:]:
            if c < len(r):
                if kind == "drop_column":
                    del r[c]
                else:
                    r[c] = ""
    elif kind == "repeat_row":
        rows.insert(row, list(rows[row]))
    elif kind == "drop_row":
        del rows[row]
    elif kind == "rename_header":
        rows[0][_at(e[1], width)] = e[2]
    elif kind == "ragged_row":
        r = rows[row]
        rows[row] = r[:max(len(r) + e[2], 0)] if e[2] < 0 else r + ["x"] * e[2]
    elif kind == "swap_columns":
        a, b = _at(e[1], width), _at(e[2], width)
        for r in rows[1:]:
            if a < len(r) and b < len(r):
                r[a], r[b] = r[b], r[a]
    elif kind == "separator":
        r = rows[row]
        if r:
            c = _at(e[2], len(r))
            i = int(e[3] * (len(r[c]) + 1))
            r[c] = r[c][:i] + e[4] + r[c][i:]


def _edit_csv(text: str, edits: list[tuple]) -> str:
    head = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=head.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        return text
    for e in edits:
        _edit_rows(rows, e)
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


_SQL_VALUE = re.compile(r"'(?:[^'\\]|\\.)*'|\b\d+(?:\.\d+)?\b")


def _edit_sql(text: str, edits: list[tuple]) -> str:
    """An OpenCart dump: the edits' positions pick values of the INSERT statements to replace."""
    for e in edits:
        found = list(_SQL_VALUE.finditer(text))
        m = found[_at(e[1], len(found))]
        new = e[-1] if isinstance(e[-1], str) else "x"
        new = "'" + new.replace("\\", "\\\\").replace("'", "\\'") + "'" if e[0] != "drop_row" else "NULL"
        text = text[:m.start()] + new + text[m.end():]
    return text


def _damaged(data: bytes, how: tuple, suffix: str) -> bytes:
    kind = how[0]
    if kind == "cp1252":
        return data.decode("utf-8-sig").encode("cp1252", "replace")
    if kind == "bom":
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + data
    if kind == "cut":
        return data[:int(how[1] * len(data))]
    text = data.decode("utf-8-sig")
    return (_edit_sql(text, how[1]) if suffix == ".sql" else _edit_csv(text, how[1])).encode("utf-8")


@settings(settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci")))
@given(source=st.sampled_from(sorted(SOURCES)), target=st.sampled_from(TARGETS), which=position, how=damage)
def test_a_damaged_export_gives_issues_or_a_clear_error(tmp_path_factory, source, target, which, how):
    platform, files = SOURCES[source]
    tmp = tmp_path_factory.mktemp("damaged")
    victim = _at(which, len(files))
    inputs = []
    for i, f in enumerate(files):
        data = f.read_bytes()
        p = tmp / "in" / f.name
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(_damaged(data, how, f.suffix) if i == victim else data)
        inputs.append(p)
    out = tmp / "out"
    try:
        result = run_migration(platform, target, inputs, out, progress=False, verify=True)
    except WorkbenchError as exc:
        assert str(exc).strip()
        left = sorted(p.name for p in out.glob("*")) if out.exists() else []
        assert left == [], f"files left behind after the error: {left}"
    else:
        assert result.summary is not None
