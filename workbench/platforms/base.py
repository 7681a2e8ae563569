"""What every platform adapter shares: the canonical :class:`Catalog`, read results and issues.

An adapter turns a platform's export files into a :class:`Catalog` (canonical frames from
:mod:`workbench.schema`) and, where the platform has an import format, writes a Catalog back as that
platform's import files. Platform quirks stay inside the adapter module.

Reading also returns

* ``loss``: one row per source column: ``file, column, became, non_empty, dropped, note`` where
  ``became`` names the canonical field(s) or ``extra:<namespace>.<key>`` it went to, or is empty
  when the column was dropped (``dropped`` = the number of non-empty values lost);
* ``issues``: warnings and errors in the pandera failure-table style, columns :data:`ISSUE_COLUMNS`
  (``severity`` is ``error`` or ``warning``; ``check`` a stable reason code).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from .. import schema

__all__ = ["CATALOG_TABLES", "ISSUE_COLUMNS", "LOSS_COLUMNS", "Adapter", "Catalog", "ReadResult",
           "issues_frame", "loss_frame"]

#: Canonical tables a catalog carries (customers too: platforms export them beside products).
CATALOG_TABLES = ("products", "product_options", "variants", "variant_options", "images",
                  "collections", "collection_products", "extra", "customers")

ISSUE_COLUMNS = ["severity", "file", "line", "column", "product", "sku", "check", "detail", "hint"]
LOSS_COLUMNS = ["file", "column", "became", "non_empty", "dropped", "note"]


def issues_frame(rows: list[dict] | None = None) -> pd.DataFrame:
    """An issues table (possibly empty) with the standard columns."""
    df = pd.DataFrame(rows or [], columns=ISSUE_COLUMNS)
    return df.astype({"line": "Int64"}) if len(df) else df


def loss_frame(rows: list[dict] | None = None) -> pd.DataFrame:
    """A loss table (possibly empty) with the standard columns."""
    return pd.DataFrame(rows or [], columns=LOSS_COLUMNS)


#: conform the tables of a catalog this large (rows in all) in two threads; the checks are mostly
#: Arrow and numpy kernels that release the GIL, so the two cores share the work
PARALLEL_ROWS = 100_000


def _conform_all(frames: dict) -> dict:
    """``schema.conform`` of every frame; big catalogs in two threads. The first table (in the
    given order) that fails raises its SchemaError, as in a sequential run."""
    if sum(len(df) for df in frames.values()) < PARALLEL_ROWS or (os.cpu_count() or 1) < 2:
        return {name: schema.conform(name, df) for name, df in frames.items()}
    # biggest first, so the two threads finish close together
    order = sorted(frames, key=lambda k: -len(frames[k]))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="conform") as pool:
        futures = {name: pool.submit(schema.conform, name, frames[name]) for name in order}
        return {name: futures[name].result() for name in frames}


@dataclass
class Catalog:
    """The canonical catalog: one Arrow-backed frame per table in :data:`CATALOG_TABLES`."""

    products: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("products"))
    product_options: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("product_options"))
    variants: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("variants"))
    variant_options: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("variant_options"))
    images: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("images"))
    collections: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("collections"))
    collection_products: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("collection_products"))
    extra: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("extra"))
    customers: pd.DataFrame = field(default_factory=lambda: schema.empty_frame("customers"))

    @classmethod
    def from_frames(cls, **frames: pd.DataFrame) -> "Catalog":
        """Build a catalog, validating every frame against the schema (refused whole on error)."""
        unknown = set(frames) - set(CATALOG_TABLES)
        if unknown:
            raise TypeError(f"not catalog tables: {sorted(unknown)}")
        return cls(**_conform_all(frames))

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in CATALOG_TABLES}

    def counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.frames().items()}


@dataclass
class ReadResult:
    """What reading a platform's files gives: the catalog, the loss table and the issues."""

    catalog: Catalog
    loss: pd.DataFrame = field(default_factory=loss_frame)
    issues: pd.DataFrame = field(default_factory=issues_frame)
    files: list[str] = field(default_factory=list)


class Adapter:
    """Base class of platform adapters.

    Subclasses set ``name``, ``label``, ``can_write`` and implement :meth:`read` (and
    :meth:`write` where ``can_write``). ``limits`` documents the target's limits that
    :meth:`validate` checks before writing.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    can_write: ClassVar[bool] = False
    #: file kinds the adapter reads, e.g. {"products": "Product CSV", "customers": "Customer CSV"}
    reads: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        #: problems met by the last :meth:`write` (cells neutralised, fields the format cannot
        #: hold, files split), in the :data:`ISSUE_COLUMNS` layout; the migration reports them.
        self.write_issues: pd.DataFrame = issues_frame()
        #: the mapping file's ``[settings]`` (``workbench.mapping.SETTINGS``) for :meth:`validate` and
        #: :meth:`write`; the migration sets it from the run's mapping
        self.settings: dict[str, str] = {}

    def read(self, paths: list[str | Path], *, mapping: "object | None" = None) -> ReadResult:
        raise NotImplementedError(f"{self.label or self.name} cannot read files yet")

    def write(self, catalog: Catalog, out_dir: str | Path, *, dialect: str | None = None) -> list[Path]:
        raise NotImplementedError(f"{self.label or self.name} has no import file format; it is a source only")

    def validate(self, catalog: Catalog) -> pd.DataFrame:
        """Issues that would stop or damage an import into this platform (empty: none)."""
        return issues_frame()
