"""The embedded store: idempotent upserts, atomic writes, clear errors, two processes at once."""
import multiprocessing as mp
import time
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from workbench import schema
from workbench.errors import SchemaError, StoreBusyError, StoreCorruptError, StoreNotFoundError
from workbench.store import Store


def frame(ids, amount="9.99"):
    return pd.DataFrame({"payment_id": ids, "supplier_id": "s1", "paid_at": "2025-03-01",
                         "amount": amount, "currency": "EUR"})


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "shop.duckdb").init()


def test_init_records_schema_version_and_creates_every_table(store):
    assert store.schema_version() == schema.SCHEMA_VERSION
    assert set(store.counts()) == set(schema.TABLES)


def test_upsert_is_idempotent_and_replaces_by_key(store):
    store.write("supplier_payments", frame(["p1", "p2"]))
    store.write("supplier_payments", frame(["p1", "p2"]))
    assert store.counts()["supplier_payments"] == 2
    store.write("supplier_payments", frame(["p2"], amount="1.01"))
    got = store.read("supplier_payments").set_index("payment_id")["amount"]
    assert got.to_dict() == {"p1": Decimal("9.99"), "p2": Decimal("1.01")}


def test_money_comes_back_exact(store):
    store.write("supplier_payments", frame([f"p{i}" for i in range(10)], amount="0.10"))
    total = store.query("SELECT sum(amount) AS total FROM supplier_payments")["total"][0]
    assert total == Decimal("1.00")


def test_bad_frame_writes_nothing_even_in_a_multi_table_write(store):
    good = frame(["p1"])
    bad = pd.DataFrame({"supplier_id": ["s1"], "name": ["Acme"], "currency": ["EUR"],
                        "payment_terms_days": ["thirty"]})
    with pytest.raises(SchemaError):
        store.write_many({"supplier_payments": good, "suppliers": bad})
    assert store.counts()["supplier_payments"] == 0


def test_append_refuses_existing_keys(store):
    store.write("supplier_payments", frame(["p1"]))
    with pytest.raises(SchemaError, match="already exist"):
        store.write("supplier_payments", frame(["p1"]), mode="append")


def test_missing_and_corrupt_files_get_clear_errors(tmp_path):
    with pytest.raises(StoreNotFoundError, match="workbench demo"):
        Store(tmp_path / "nope.duckdb").read("orders")
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 500)
    with pytest.raises(StoreCorruptError, match="not a readable workbench store"):
        Store(junk).read("orders")
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(StoreCorruptError, match="not a workbench store"):
        Store(other).read("orders")


def _hold_store(path, seconds, ready):
    con = duckdb.connect(path)
    ready.set()
    time.sleep(seconds)
    con.close()


def _write_from_child(path, ids, result):
    try:
        Store(path, timeout=30).write("supplier_payments", frame(ids))
        result.put("ok")
    except Exception as exc:  # pragma: no cover - reported to the parent
        result.put(repr(exc))


def test_a_busy_store_is_waited_for_then_reported(store):
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_store, args=(str(store.path), 2.0, ready))
    holder.start()
    assert ready.wait(30)
    with pytest.raises(StoreBusyError, match="busy"):
        Store(store.path, timeout=0.3).read("orders")
    # a patient caller gets in once the other process lets go
    assert Store(store.path, timeout=30).counts()["orders"] == 0
    holder.join(10)


def test_two_processes_writing_at_once_both_land(store):
    ctx = mp.get_context("spawn")
    result = ctx.Queue()
    procs = [ctx.Process(target=_write_from_child, args=(str(store.path), [f"a{i}" for i in range(50)], result)),
             ctx.Process(target=_write_from_child, args=(str(store.path), [f"b{i}" for i in range(50)], result))]
    for p in procs:
        p.start()
    outcomes = [result.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(10)
    assert outcomes == ["ok", "ok"]
    assert store.counts()["supplier_payments"] == 100


def test_reads_share_a_lingering_connection_that_is_closed_after_use(store):
    from workbench import store as store_mod
    quick = Store(store.path, linger=0.2)
    assert quick.counts()["orders"] == 0
    assert store.path in store_mod._READERS._open          # kept warm for the next read
    quick.write("supplier_payments", frame(["p1"]))        # a write in the same process closes it first
    assert quick.read("supplier_payments")["payment_id"].tolist() == ["p1"]
    time.sleep(0.6)
    assert store.path not in store_mod._READERS._open      # and it goes once idle: writers elsewhere get in


def _write_one(path, result):
    try:
        Store(path, timeout=30).write("supplier_payments", frame(["late"]))
        result.put("ok")
    except Exception as exc:  # pragma: no cover
        result.put(repr(exc))


def test_a_writer_in_another_process_gets_in_after_the_linger(store):
    Store(store.path, linger=1.0).counts()
    ctx = mp.get_context("spawn")
    result = ctx.Queue()
    p = ctx.Process(target=_write_one, args=(str(store.path), result))
    p.start()
    assert result.get(timeout=60) == "ok"
    p.join(10)
    assert "late" in Store(store.path, linger=0).read("supplier_payments")["payment_id"].tolist()


def test_an_older_store_is_migrated_in_place(store):
    from workbench.errors import StoreError
    store.write("order_lines", pd.DataFrame({"line_id": ["l1"], "order_id": ["o1"], "quantity": [2],
                                             "price": ["9.50"]}))
    with duckdb.connect(str(store.path)) as con:   # make it look like a schema-1 file
        con.execute('ALTER TABLE order_lines DROP COLUMN supplier_unit_cost')
        con.execute('ALTER TABLE order_lines DROP COLUMN supplier_currency')
        con.execute("UPDATE _workbench_meta SET value = '1' WHERE key = 'schema_version'")
    old = Store(store.path, linger=0)
    assert old.schema_version() == 1
    with pytest.raises(StoreError, match="workbench init"):
        old.read("order_lines")
    old.init()
    assert old.schema_version() == schema.SCHEMA_VERSION == 2
    lines = old.read("order_lines")
    assert lines["price"].tolist() == [Decimal("9.5")] and lines["supplier_currency"].isna().all()


def test_a_store_from_a_newer_workbench_is_refused(store):
    from workbench.errors import StoreError
    with duckdb.connect(str(store.path)) as con:
        con.execute("UPDATE _workbench_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer workbench"):
        Store(store.path, linger=0).init()
