"""safeio: formula-safe cells for spreadsheets, atomic writes."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.safeio import atomic_write, is_formula, neutralise_formulas


@pytest.mark.parametrize("value, formula", [
    ("=SUM(A1:A3)", True), ("+cmd|' /C calc'!A0", True), ("@foo", True), ("-2+3", True), ("\t=1", True),
    ("-12.50", False), ("+49 30 1234567", False), ("1.5e3", False), ("plain", False), ("", False), (None, False),
])
def test_is_formula(value, formula):
    assert is_formula(value) is formula


@pytest.mark.parametrize("dtype", [object, "str"])
def test_neutralise_formulas_prefixes_only_formulas_and_lists_them(dtype):
    index = [10, 11, 12, 13, 14]
    frame = pd.DataFrame({"name": pd.Series(["=HYPERLINK(\"x\")", "Tee", "-5", "@x", None], dtype=dtype, index=index),
                          "qty": [1, 2, 3, 4, 5]}, index=index)
    out, changed = neutralise_formulas(frame)
    assert out["name"].tolist()[:4] == ["'=HYPERLINK(\"x\")", "Tee", "-5", "'@x"]
    assert pd.isna(out["name"].iat[4])
    assert changed == [(0, "name", "=HYPERLINK(\"x\")"), (3, "name", "@x")]   # positions, not labels
    assert list(out.index) == [10, 11, 12, 13, 14] and out["name"].dtype == frame["name"].dtype
    assert frame["name"].iat[0] == "=HYPERLINK(\"x\")"                        # the input is not changed
    assert out["qty"].tolist() == [1, 2, 3, 4, 5]


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
