"""The package's own exceptions.

Every error a shop person can meet is a :class:`WorkbenchError`; its message says what went wrong
and what to do, in plain words. The tree::

    WorkbenchError
     ├── InputError            a file we were given is unreadable or wrong (file, row, column)
     ├── SchemaError           a frame does not fit the canonical model (failure table)
     ├── ParameterError        a report or job was asked for something impossible (empty period, ...)
     ├── StoreError            the embedded store cannot be used
     │    ├── StoreNotFoundError   no store file where we looked
     │    ├── StoreBusyError       another program held the store longer than the timeout
     │    └── StoreCorruptError    the file is not a readable workbench store
     ├── RunError              a notebook run (report, schedule) failed
     └── PlatformError         a store platform or service (Shopify, ShipStation, ...) refused a request
"""
from __future__ import annotations

from typing import Any

__all__ = [
    "InputError",
    "ParameterError",
    "PlatformError",
    "RunError",
    "SchemaError",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "StoreNotFoundError",
    "WorkbenchError",
]


class WorkbenchError(Exception):
    """Root of every error the workbench raises on purpose."""


class InputError(WorkbenchError):
    """A file we were given cannot be used; names the file, row (1-based line) and column."""

    def __init__(self, message: str, *, file: Any = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        where = []
        if self.file:
            where.append(self.file)
        if row is not None:
            where.append(f"line {row}")
        if column:
            where.append(f"column '{column}'")
        self.reason = message
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class SchemaError(WorkbenchError):
    """A frame was refused whole; ``failure_cases`` lists every problem.

    ``failure_cases`` is a DataFrame with columns ``table, column, row, value, check, reason``
    (pandera's failure-table style): ``row`` is the 0-based position in the frame (empty for
    column-level problems), ``check`` a machine-readable reason code.
    """

    def __init__(self, table: str, failure_cases: Any) -> None:
        self.table = table
        self.failure_cases = failure_cases
        n = len(failure_cases)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the data for table '{table}'; nothing was written:"]
        for rec in failure_cases.head(20).to_dict("records"):
            row = "" if rec["row"] is None or rec["row"] != rec["row"] else f" row {int(rec['row'])}"
            val = "" if rec["value"] is None else f" (value {rec['value']!r})"
            lines.append(f"  - column '{rec['column']}'{row}: {rec['reason']} [{rec['check']}]{val}")
        if n > 20:
            lines.append(f"  ... and {n - 20} more (see .failure_cases)")
        super().__init__("\n".join(lines))


class ParameterError(WorkbenchError):
    """A job was asked for something it cannot do (empty period, unknown channel, ...)."""


class StoreError(WorkbenchError):
    """The embedded store cannot be used."""


class StoreNotFoundError(StoreError):
    """There is no store file where we looked."""


class StoreBusyError(StoreError):
    """Another program kept the store busy for longer than the timeout."""


class StoreCorruptError(StoreError):
    """The file exists but is not a readable workbench store."""


class RunError(WorkbenchError):
    """A notebook run failed; ``error_file`` is where the details were written."""

    def __init__(self, message: str, *, error_file: Any = None) -> None:
        self.error_file = None if error_file is None else str(error_file)
        super().__init__(message)


class PlatformError(WorkbenchError):
    """A platform or service refused a request; carries the HTTP status and the body's message."""

    def __init__(self, message: str, *, status: int | None = None, platform: str | None = None) -> None:
        self.status = status
        self.platform = platform
        super().__init__(message)
