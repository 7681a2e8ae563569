"""The embedded store: one DuckDB file holding the canonical tables.

Connections are short-lived (``with store.connect() as con: ...``) so a JupyterLab kernel, a Voila
kernel and a scheduled run can take turns on one file. DuckDB locks the whole file across processes
(a reader can block a writer too), so whoever finds it busy retries until ``timeout`` seconds and
then fails with :class:`StoreBusyError`. Every write is one transaction: readers never see half of it.

The file is ``--db`` / ``WORKBENCH_DB`` / ``data/workbench.duckdb`` under the project root, in that order.
"""
from __future__ import annotations

import atexit
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
import pyarrow as pa

from . import schema
from .errors import SchemaError, StoreBusyError, StoreCorruptError, StoreError, StoreNotFoundError

__all__ = ["DEFAULT_TIMEOUT", "MIGRATIONS", "Store", "default_path", "project_root"]

DEFAULT_TIMEOUT = float(os.environ.get("WORKBENCH_DB_TIMEOUT", "30"))
#: Seconds a read-only connection stays open after its last use, so reports run back to back
#: (a notebook, a dashboard redraw) reuse DuckDB's warm cache; then it is closed and the file is
#: free for writers again. 0 closes at once.
DEFAULT_LINGER = float(os.environ.get("WORKBENCH_DB_LINGER", "2"))


def _quiet(con: duckdb.DuckDBPyConnection) -> None:
    """No progress bar on stdout: long queries would print it into notebooks and reports."""
    con.execute("SET enable_progress_bar = false")
_META = "_workbench_meta"

#: version -> list of SQL statements that bring a file from ``version - 1`` to ``version``.
MIGRATIONS: dict[int, list[str]] = {
    2: ['ALTER TABLE "order_lines" ADD COLUMN IF NOT EXISTS "supplier_unit_cost" DECIMAL(18,4)',
        'ALTER TABLE "order_lines" ADD COLUMN IF NOT EXISTS "supplier_currency" VARCHAR'],
}


def project_root() -> Path:
    """The folder holding ``data/``, ``reports/`` and ``notebooks/`` (WORKBENCH_HOME overrides)."""
    env = os.environ.get("WORKBENCH_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").exists():
        return here
    return Path.cwd()


def default_path() -> Path:
    """``WORKBENCH_DB`` if set, else ``data/workbench.duckdb`` under the project root."""
    env = os.environ.get("WORKBENCH_DB")
    return Path(env).expanduser().resolve() if env else project_root() / "data" / "workbench.duckdb"


def _sql_type(t: pa.DataType) -> str:
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision},{t.scale})"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    return {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.bool_(): "BOOLEAN",
            pa.float64(): "DOUBLE", pa.date32(): "DATE"}[t]


def create_table_sql(name: str) -> str:
    spec = schema.table(name)
    cols = ", ".join(f'"{c.name}" {_sql_type(c.type)}{" NOT NULL" if c.required else ""}' for c in spec.columns)
    return f'CREATE TABLE IF NOT EXISTS "{name}" ({cols})'


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text or "resource temporarily" in text)


class Store:
    """A workbench store file.

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; see :func:`default_path`.
    timeout : float
        Seconds to wait for a busy file before giving up.
    linger : float
        Seconds a read-only connection stays open after use (see :data:`DEFAULT_LINGER`).
    """

    def __init__(self, path: str | os.PathLike | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 linger: float = DEFAULT_LINGER) -> None:
        self.path = Path(path).expanduser().resolve() if path else default_path()
        self.timeout = timeout
        self.linger = linger

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ---- connections --------------------------------------------------------------------------
    @contextmanager
    def connect(self, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection; waits for a busy file up to ``timeout`` seconds."""
        if not self.path.exists():
            if read_only:
                raise StoreNotFoundError(
                    f"No workbench store at {self.path}. Run `workbench demo` to create the demo shop, "
                    f"or point WORKBENCH_DB / --db at your store file.")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if read_only and self.linger > 0:
            with _READERS.borrow(self) as con:
                yield con
            return
        if not read_only:
            _READERS.close(self.path)  # one process cannot hold the file read-only and read-write
        con = self._open(read_only)
        try:
            yield con
        finally:
            con.close()

    def release(self) -> None:
        """Close this process's lingering read connection now (frees the file for writers)."""
        _READERS.close(self.path)

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.timeout
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                _quiet(con)
                return con
            except duckdb.IOException as exc:
                if _is_lock_error(exc):
                    if time.monotonic() >= deadline:
                        raise StoreBusyError(
                            f"The store {self.path} has been busy for {self.timeout:.0f} s (another program "
                            f"- a notebook, dashboard or scheduled report - is using it). Try again when "
                            f"it has finished, or raise WORKBENCH_DB_TIMEOUT.") from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.5)
                    continue
                raise StoreCorruptError(f"The file {self.path} is not a readable workbench store: {exc}") from None
            except (duckdb.SerializationException, duckdb.InvalidInputException, duckdb.InternalException) as exc:
                raise StoreCorruptError(f"The file {self.path} is not a readable workbench store: {exc}") from None
            except duckdb.Error as exc:
                if "not a valid duckdb" in str(exc).lower() or "corrupt" in str(exc).lower():
                    raise StoreCorruptError(f"The file {self.path} is not a readable workbench store: {exc}") from None
                raise StoreError(f"Cannot open the store {self.path}: {exc}") from None

    # ---- schema -------------------------------------------------------------------------------
    def init(self) -> "Store":
        """Create missing tables and bring an older file up to :data:`schema.SCHEMA_VERSION`."""
        with self.connect(read_only=False) as con:
            con.execute(f'CREATE TABLE IF NOT EXISTS "{_META}" (key VARCHAR PRIMARY KEY, value VARCHAR)')
            row = con.execute(f"SELECT value FROM \"{_META}\" WHERE key = 'schema_version'").fetchall()
            version = int(row[0][0]) if row else None
            con.execute("BEGIN TRANSACTION")
            try:
                if version is not None:
                    if version > schema.SCHEMA_VERSION:
                        raise StoreError(f"The store {self.path} was written by a newer workbench "
                                         f"(schema {version}); update the workbench package.")
                    for v in range(version + 1, schema.SCHEMA_VERSION + 1):
                        for stmt in MIGRATIONS.get(v, []):
                            con.execute(stmt)
                for name in schema.TABLES:
                    con.execute(create_table_sql(name))
                con.execute(f"INSERT OR REPLACE INTO \"{_META}\" VALUES ('schema_version', ?)",
                            [str(schema.SCHEMA_VERSION)])
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return self

    def schema_version(self) -> int | None:
        with self.connect() as con:
            try:
                row = con.execute(f"SELECT value FROM \"{_META}\" WHERE key = 'schema_version'").fetchall()
            except duckdb.CatalogException:
                return None
        return int(row[0][0]) if row else None

    def require_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        """Fail clearly when the open file is not a workbench store of this version."""
        try:
            row = con.execute(f"SELECT value FROM \"{_META}\" WHERE key = 'schema_version'").fetchall()
        except duckdb.CatalogException:
            raise StoreCorruptError(f"The file {self.path} is a DuckDB file but not a workbench store "
                                    f"(no schema version). Run `workbench demo` or `workbench init`.") from None
        version = int(row[0][0]) if row else 0
        if version < schema.SCHEMA_VERSION:
            raise StoreError(f"The store {self.path} was made by an older workbench (schema {version}). "
                             f"Run `workbench init` once to update it (nothing is lost).")
        if version > schema.SCHEMA_VERSION:
            raise StoreError(f"The store {self.path} was written by a newer workbench (schema {version}); "
                             f"update the workbench package.")

    # ---- writing ------------------------------------------------------------------------------
    def write(self, name: str, frame: pd.DataFrame | pa.Table, *, mode: str = "upsert") -> int:
        """Validate ``frame`` and write it in one transaction; returns the number of rows written.

        ``mode="upsert"`` replaces rows with the same natural key (re-importing is idempotent),
        ``"append"`` only adds (duplicate keys are refused), ``"replace"`` empties the table first.
        A frame that fails validation is refused whole (:class:`SchemaError`) and nothing is written.
        """
        return self.write_many({name: frame}, mode=mode)[name]

    def write_many(self, frames: dict[str, pd.DataFrame | pa.Table], *, mode: str = "upsert") -> dict[str, int]:
        """Write several tables in one transaction (all or nothing)."""
        if mode not in ("upsert", "append", "replace"):
            raise ValueError(f"unknown write mode {mode!r}")
        tables = {name: schema.conform_arrow(name, frame) for name, frame in frames.items()}
        if not self.path.exists():
            self.init()
        counts = {}
        with self.connect(read_only=False) as con:
            self.require_schema(con)
            con.execute("BEGIN TRANSACTION")
            try:
                for name, tbl in tables.items():
                    counts[name] = self._write_one(con, name, tbl, mode)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return counts

    @staticmethod
    def _write_one(con: duckdb.DuckDBPyConnection, name: str, tbl: pa.Table, mode: str) -> int:
        spec = schema.table(name)
        view = f"_incoming_{name}"
        con.register(view, tbl)
        try:
            cols = ", ".join(f'"{c}"' for c in spec.names)
            keys = ", ".join(f'"{k}"' for k in spec.key)
            if mode == "replace":
                con.execute(f'DELETE FROM "{name}"')
            elif mode == "upsert":
                con.execute(f'DELETE FROM "{name}" WHERE ({keys}) IN (SELECT ({keys}) FROM "{view}")'
                            if len(spec.key) > 1 else
                            f'DELETE FROM "{name}" WHERE {keys} IN (SELECT {keys} FROM "{view}")')
            else:
                clash = con.execute(f'SELECT count(*) FROM "{name}" t SEMI JOIN "{view}" v USING ({keys})').fetchall()[0][0]
                if clash:
                    failures = schema._failures([(name, ", ".join(spec.key), None, None, "duplicate_key",
                                                 f"{clash} row(s) already exist in the store with the same key")])
                    raise SchemaError(name, failures)
            con.execute(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM "{view}"')
        finally:
            con.unregister(view)
        return tbl.num_rows

    def delete(self, name: str, where: str, params: list | None = None) -> int:
        """Delete rows matching a SQL condition in one transaction; returns how many."""
        schema.table(name)
        with self.connect(read_only=False) as con:
            n = con.execute(f'SELECT count(*) FROM "{name}" WHERE {where}', params or []).fetchall()[0][0]
            con.execute(f'DELETE FROM "{name}" WHERE {where}', params or [])
        return n

    # ---- reading ------------------------------------------------------------------------------
    def read(self, name: str, *, where: str | None = None, params: list | None = None) -> pd.DataFrame:
        """A whole table (or the rows matching ``where``) as an Arrow-backed frame of exact types."""
        schema.table(name)
        sql = f'SELECT * FROM "{name}"' + (f" WHERE {where}" if where else "")
        return schema.to_frame(self.query_arrow(sql, params).cast(schema.arrow_schema(name)))

    def read_catalog(self):
        """The shop's catalog tables as one canonical :class:`~workbench.platforms.base.Catalog` (the
        form every platform adapter writes)."""
        from .platforms.base import CATALOG_TABLES, Catalog
        return Catalog.from_frames(**{name: self.read(name) for name in CATALOG_TABLES})

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run read-only SQL; the result is an Arrow-backed frame (DECIMAL stays exact)."""
        return schema.to_frame(self.query_arrow(sql, params))

    def query_arrow(self, sql: str, params: list | dict | None = None) -> pa.Table:
        with self.connect() as con:
            self.require_schema(con)
            return con.sql(sql, params=params or None).to_arrow_table()

    def counts(self) -> dict[str, int]:
        """Rows per table, for a quick look at what the store holds."""
        with self.connect() as con:
            self.require_schema(con)
            return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in schema.TABLES}


class _LingeringReaders:
    """One read-only DuckDB connection per file and process, closed ``linger`` seconds after last use.

    Each use gets its own cursor (temporary tables and registered views die with it); the parent
    connection keeps DuckDB's buffer cache warm between uses. Connections are closed under the
    lock, and all of them at interpreter exit from the main thread: a daemon timer thread must
    never be inside DuckDB while Python shuts down (that aborts the process).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[Path, dict] = {}
        atexit.register(self.close_all)

    @contextmanager
    def borrow(self, store: "Store") -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            entry = self._open.get(store.path)
            if entry is None:
                entry = self._open[store.path] = {"con": store._open(True), "users": 0, "last": 0.0,
                                                  "linger": store.linger, "timer": None}
            entry["users"] += 1
            cur = entry["con"].cursor()
        try:
            _quiet(cur)
            yield cur
        finally:
            cur.close()
            with self._lock:
                entry["users"] -= 1
                entry["last"] = time.monotonic()
                if entry["timer"] is not None:
                    entry["timer"].cancel()
                timer = threading.Timer(entry["linger"] + 0.05, self._close_idle, args=(store.path,))
                timer.daemon = True
                entry["timer"] = timer
                timer.start()

    def _close_idle(self, path: Path) -> None:
        with self._lock:
            entry = self._open.get(path)
            if entry and entry["users"] == 0 and time.monotonic() - entry["last"] >= entry["linger"]:
                del self._open[path]
                entry["con"].close()

    def close(self, path: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Close the lingering connection to ``path`` (waits for current users to finish)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                entry = self._open.get(path)
                if entry is None:
                    return
                if entry["users"] == 0:
                    del self._open[path]
                    if entry["timer"] is not None:
                        entry["timer"].cancel()
                    entry["con"].close()
                    return
            if time.monotonic() > deadline:
                raise StoreBusyError(f"The store {path} is still being read by this program; "
                                     f"finish reading before writing to it.")
            time.sleep(0.01)

    def close_all(self) -> None:
        """Close every lingering connection now (runs at interpreter exit)."""
        with self._lock:
            entries, self._open = list(self._open.values()), {}
            for entry in entries:
                if entry["timer"] is not None:
                    entry["timer"].cancel()
                entry["con"].close()


_READERS = _LingeringReaders()
