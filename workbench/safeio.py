"""Safe output: atomic writes and CSV files that a spreadsheet cannot run as formulas.

* :func:`atomic_write` writes to a temporary file beside the target and renames it into place, so a
  crash never leaves half a file.
* :func:`neutralise_formulas` prefixes text cells that a spreadsheet would evaluate (``=``, ``+``,
  ``-``, ``@``, tab, carriage return: OWASP's CSV-injection list) with ``'``, the way WooCommerce's
  exporter does. Plain numbers (``-12.50``, ``+49 30 1234``-style phone numbers) are left alone.
* :func:`write_csv` does both for a DataFrame; it returns the list of cells it changed so reports can
  list them.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

__all__ = ["atomic_write", "csv_text", "is_formula", "neutralise_formulas", "write_csv"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A number (with optional sign, thousands separators, decimals, exponent) or a phone number
# (digits, spaces, dashes, dots, parentheses, optional leading +) is data, not a formula.
_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?%?$")
_PHONE = re.compile(r"^\+?[\d ()./-]{5,}$")


def is_formula(value: object) -> bool:
    """True when a spreadsheet would treat this text cell as a formula."""
    if not isinstance(value, str) or not value or not value.startswith(_TRIGGERS):
        return False
    s = value.strip()
    if s and (_NUMBER.match(s) and any(ch.isdigit() for ch in s) or _PHONE.match(s) and sum(ch.isdigit() for ch in s) >= 5
              and not re.search(r"[-+]{2}", s)):
        return False
    return True


def neutralise_formulas(frame: pd.DataFrame, *, prefix: str = "'") -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """A copy of ``frame`` with formula-like text cells prefixed; also the (row, column, old value) changed."""
    out = frame.copy()
    changed: list[tuple[int, str, str]] = []
    for col in out.columns:
        s = out[col]
        if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
            continue
        text = s.astype("string")
        starts = text.str.startswith(_TRIGGERS).fillna(False)
        if not starts.any():
            continue
        at = np.flatnonzero(starts.to_numpy(dtype=bool))
        hits = [(int(p), v) for p, v in zip(at, s.iloc[at].tolist()) if is_formula(v)]
        if not hits:
            continue
        values = s.to_numpy(dtype=object, copy=True)
        for p, v in hits:
            changed.append((p, str(col), v))
            values[p] = prefix + v
        out[col] = pd.Series(values, index=out.index, dtype=object if isinstance(s.dtype, pd.ArrowDtype) else s.dtype)
    return out, changed


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[io.IOBase]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def csv_text(frame: pd.DataFrame, *, bom: bool = False) -> tuple[str, list[tuple[int, str, str]]]:
    """Formula-safe CSV text of ``frame`` (no index) and the cells changed to make it safe."""
    safe, changed = neutralise_formulas(frame)
    text = safe.to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + text if bom else text), changed


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, bom: bool = False) -> list[tuple[int, str, str]]:
    """Write ``frame`` as a formula-safe CSV, atomically; returns the cells changed."""
    text, changed = csv_text(frame, bom=bom)
    with atomic_write(path, "w", newline="") as fh:
        fh.write(text)
    return changed
