"""Migration dry run to Shopify vs the I/O limit (issue 3, part 6).

Generates (vectorised numpy/pyarrow, cached under ``benchmarks/out/``) a Magento 2 export and a
WooCommerce export of N products with 3 variants each (default 100,000 products, 300,000 variants:
400,000 rows), then times:

* the dry run ``run_migration(<source>, "shopify", file, out)`` in a fresh subprocess (which also
  reports its peak RSS: ``resource.getrusage(RUSAGE_SELF).ru_maxrss``);
* the I/O limit: reading the same file with ``pyarrow.csv.read_csv`` (the parse and read options
  the adapters use: all columns text, ``newlines_in_values``, the same block size) plus writing
  a table the size of the dry run's ``products.csv`` with ``pyarrow.csv.write_csv``, also in a
  fresh subprocess (imports excluded), right after each dry run, to a new file like the dry
  run's: both pay the same first-touch memory and page-cache costs. The same limit measured
  warm, in this process, is logged for comparison.

Targets: dry run <= 3x the I/O limit for both sources, peak RSS < 2 GB. Prints ratios and
products per second; the medians of ``--runs`` runs; ``--check`` exits 1 when a target is missed;
the last line is ``worst ratio vs I/O limit: X.XXx``. ``--products 2000`` for a smoke run.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Bench, median_time, print_table, project_root  # noqa: E402

from workbench.platforms.csvio import BLOCK_SIZE  # noqa: E402  (the I/O limit reads as the package does)

OUT = project_root() / "benchmarks" / "out"
TARGET_RATIO = 3.0
MAX_RSS_BYTES = 2 * 1024 ** 3
VARIANTS_PER_PRODUCT = 3
COLORS = np.array(["Red", "Blue", "Green", "Black", "White", "Grey"], dtype=object)
SIZES = np.array(["XS", "S", "M", "L", "XL", "XXL"], dtype=object)
CATEGORIES = np.array(["Default Category/Men/Tops", "Default Category/Women/Tops", "Default Category/Gear/Bags",
                       "Default Category/Gear/Fitness Equipment", "Default Category/Sale"], dtype=object)
WOO_CATEGORIES = np.array(["Clothing > Tshirts", "Clothing > Hoodies", "Accessories", "Music", "Decor"], dtype=object)
DESCRIPTION = ("<p>Soft cotton tee with a relaxed fit. Machine wash cold, tumble dry low.</p>"
               "<ul><li>100% organic cotton</li><li>Made in Portugal</li></ul>")


def _s(values) -> pa.Array:
    return pa.array(values, type=pa.string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*[p if isinstance(p, (pa.Array, pa.ChunkedArray)) else pa.scalar(p)
                                         for p in parts], "")


def _num(a: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(a), pa.string())


def _money(cents: np.ndarray) -> pa.Array:
    whole = _num(cents // 100)
    frac = pc.utf8_lpad(_num(cents % 100), 2, "0")
    return _join(whole, ".", frac)


def _write(table: pa.Table, path: Path) -> None:
    tmp = path.with_suffix(".part")
    pacsv.write_csv(table, tmp, write_options=pacsv.WriteOptions(quoting_style="needed"))
    os.replace(tmp, path)


def make_magento(n: int, path: Path) -> None:
    """Configurable products: each one's simple children first, then the parent row (Magento's order)."""
    rng = np.random.default_rng(7)
    v = VARIANTS_PER_PRODUCT
    p = np.arange(n)
    rows = n * (v + 1)
    # row layout per product: v child rows, then the parent row
    prod = np.repeat(p, v + 1)
    k = np.tile(np.arange(v + 1), n)
    child = k < v
    color = COLORS[(prod + k) % len(COLORS)]
    size = SIZES[k % len(SIZES)]
    base = _join("MB-", _num(prod))
    sku = pc.if_else(pa.array(child), _join(base, "-", _s(color), "-", _s(size)), base)
    name = _join("Tee ", _num(prod))
    cname = pc.if_else(pa.array(child), _join(name, "-", _s(color), "-", _s(size)), name)
    url_key = pc.if_else(pa.array(child), _join("tee-", _num(prod), "-", pc.utf8_lower(_s(color)), "-",
                                                  pc.utf8_lower(_s(size))), _join("tee-", _num(prod)))
    price = (1999 + (prod % 50) * 100).astype(np.int64)
    empty = pa.array(np.full(rows, "", dtype=object), type=pa.string())
    pcs = np.flatnonzero(~child)
    # configurable_variations of the parent: sku=..,color=..,size=..|...
    base_n = _join("MB-", _num(p))
    recs = [_join("sku=", _join(base_n, "-", _s(COLORS[(p + j) % len(COLORS)]), "-", _s(np.full(n, SIZES[j]))),
                  ",color=", _s(COLORS[(p + j) % len(COLORS)]), ",size=", _s(np.full(n, SIZES[j], dtype=object)))
            for j in range(v)]
    conf = pc.binary_join_element_wise(*recs, "|")
    conf_col = np.full(rows, "", dtype=object)
    conf_col[pcs] = np.asarray(conf.to_numpy(zero_copy_only=False), dtype=object)
    cols = {
        "sku": sku, "store_view_code": empty,
        "attribute_set_code": pa.array(np.full(rows, "Default", dtype=object), type=pa.string()),
        "product_type": _s(np.where(child, "simple", "configurable")),
        "categories": _s(np.where(child, "", CATEGORIES[prod % len(CATEGORIES)])),
        "product_websites": pa.array(np.full(rows, "base", dtype=object), type=pa.string()),
        "name": cname,
        "description": pc.if_else(pa.array(child), "", DESCRIPTION),
        "short_description": empty,
        "weight": _s(np.where(child, "0.5", "")),
        "product_online": pa.array(np.full(rows, "1", dtype=object), type=pa.string()),
        "tax_class_name": pa.array(np.full(rows, "Taxable Goods", dtype=object), type=pa.string()),
        "visibility": _s(np.where(child, "Not Visible Individually", "Catalog, Search")),
        "price": _money(price),
        "url_key": url_key,
        "meta_title": empty, "meta_description": empty,
        "base_image": _join("/m/b/", pc.if_else(pa.array(child), sku, base), ".jpg"),
        "additional_images": pc.if_else(pa.array(child), "", _join("/m/b/", base, "-back.jpg,/m/b/", base,
                                                                    "-side.jpg")),
        "qty": _num(rng.integers(0, 100, rows)),
        "is_in_stock": pa.array(np.full(rows, "1", dtype=object), type=pa.string()),
        "additional_attributes": pc.if_else(pa.array(child), _join("color=", _s(color), ",size=", _s(size)),
                                            "material=Cotton"),
        "configurable_variations": _s(conf_col),
        "configurable_variation_labels": _s(np.where(child, "", "color=Color,size=Size")),
    }
    _write(pa.table(cols), path)


def make_woocommerce(n: int, path: Path) -> None:
    """Variable parents, each followed by its variations (the exporter's order)."""
    rng = np.random.default_rng(11)
    v = VARIANTS_PER_PRODUCT
    rows = n * (v + 1)
    prod = np.repeat(np.arange(n), v + 1)
    k = np.tile(np.arange(v + 1), n)
    parent = k == 0
    j = np.maximum(k - 1, 0)
    ids = (prod * (v + 1) + k + 100).astype(np.int64)
    color = COLORS[(prod + j) % len(COLORS)]
    size = SIZES[j % len(SIZES)]
    psku = _join("WC-", _num(prod))
    sku = pc.if_else(pa.array(parent), psku, _join(psku, "-", _s(color), "-", _s(size)))
    price = (1999 + (prod % 50) * 100).astype(np.int64)
    empty = pa.array(np.full(rows, "", dtype=object), type=pa.string())
    colors_all = [_s(COLORS[(np.arange(n) + jj) % len(COLORS)]) for jj in range(v)]
    color_list = np.full(rows, "", dtype=object)
    color_list[parent] = np.asarray(pc.binary_join_element_wise(*colors_all, ", ").to_numpy(zero_copy_only=False),
                                    dtype=object)
    size_list = ", ".join(SIZES[:v])

    def const(x):
        return pa.array(np.full(rows, x, dtype=object), type=pa.string())

    cols = {
        "ID": _num(ids), "Type": _s(np.where(parent, "variable", "variation")), "SKU": sku,
        "Name": pc.if_else(pa.array(parent), _join("Hoodie ", _num(prod)),
                           _join("Hoodie ", _num(prod), " - ", _s(color), ", ", _s(size))),
        "Published": const("1"), "Is featured?": const("0"), "Visibility in catalog": const("visible"),
        "Short description": empty, "Description": pc.if_else(pa.array(parent), DESCRIPTION, ""),
        "Tax status": const("taxable"), "In stock?": const("1"),
        "Stock": pc.if_else(pa.array(parent), "", _num(rng.integers(0, 100, rows))),
        "Backorders allowed?": const("0"), "Weight (kg)": _s(np.where(parent, "", "0.5")),
        "Sale price": empty, "Regular price": pc.if_else(pa.array(parent), "", _money(price)),
        "Categories": _s(np.where(parent, WOO_CATEGORIES[prod % len(WOO_CATEGORIES)], "")),
        "Tags": empty,
        "Images": pc.if_else(pa.array(parent),
                             _join("https://shop.example.com/img/", psku, ".jpg, https://shop.example.com/img/", psku,
                                   "-back.jpg"),
                             _join("https://shop.example.com/img/", sku, ".jpg")),
        "Parent": pc.if_else(pa.array(parent), "", psku),
        "Position": _num(k),
        "Attribute 1 name": const("Color"), "Attribute 1 value(s)": pc.if_else(pa.array(parent), _s(color_list),
                                                                                _s(color)),
        "Attribute 1 visible": const("1"), "Attribute 1 global": const("1"),
        "Attribute 2 name": const("Size"), "Attribute 2 value(s)": pc.if_else(pa.array(parent), size_list, _s(size)),
        "Attribute 2 visible": const("1"), "Attribute 2 global": const("1"),
    }
    _write(pa.table(cols), path)


GENERATORS = {"magento2": make_magento, "woocommerce": make_woocommerce}
MAPPINGS = {
    "magento2": '[urls]\nproduct_url_pattern = "/{handle}.html"\ncategory_url_pattern = "/{path}.html"\n'
                'image_base_url = "https://shop.example.com/media/catalog/product"\n',
    "woocommerce": '[urls]\nproduct_url_pattern = "/product/{handle}/"\n'
                   'category_url_pattern = "/product-category/{path}/"\n',
}


def dataset(source: str, n: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"migration-{source}-{n}.csv"
    if not path.exists():
        GENERATORS[source](n, path)
    return path


def mapping_file(source: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    p = OUT / f"migration-{source}-mapping.toml"
    p.write_text(MAPPINGS[source], encoding="utf-8")
    return p


CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from workbench.migration import run_migration
from workbench import platforms
platforms.names()  # the adapter modules are imported here, not inside the timed run
t1 = time.perf_counter()
u1 = resource.getrusage(resource.RUSAGE_SELF)
r = run_migration(sys.argv[1], "shopify", [sys.argv[2]], sys.argv[3], mapping=sys.argv[4], progress=False,
                  verify=False)
t2 = time.perf_counter()
u2 = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": t2 - t1, "import_seconds": t1 - t0,
                  "user": u2.ru_utime - u1.ru_utime, "sys": u2.ru_stime - u1.ru_stime,
                  "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "products": int(r.counts.set_index("what").loc["products", "in"]),
                  "variants": int(r.counts.set_index("what").loc["variants", "in"]),
                  "errors": r.summary["errors"], "files": [p.name for p in r.import_files],
                  "steps": r.seconds}))
"""


LIMIT_CHILD = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import pyarrow.csv as pacsv
import migration as bench
t0 = time.perf_counter()
bench.read_limit(Path(sys.argv[2]))
t1 = time.perf_counter()
table = bench.output_table(Path(sys.argv[3]))  # not timed: the text the writer has to produce
t2 = time.perf_counter()
pacsv.write_csv(table, sys.argv[4])
t3 = time.perf_counter()
print(json.dumps({"read": t1 - t0, "write": t3 - t2}))
"""


def io_limit(path: Path, dry_run_out: Path, sink: Path) -> dict:
    """The I/O limit in a fresh interpreter, as the dry run is timed: read ``path``, write a table
    of the dry run's product files to ``sink`` (a new file)."""
    proc = subprocess.run([sys.executable, "-c", LIMIT_CHILD, str(Path(__file__).resolve().parent), str(path),
                           str(dry_run_out), str(sink)], capture_output=True, text=True, cwd=project_root())
    if proc.returncode != 0:
        raise SystemExit(f"I/O limit run failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def dry_run(source: str, path: Path, out: Path, mapping: Path) -> dict:
    """One dry run in a fresh interpreter; its own timing (imports, adapter modules included,
    excluded) and peak RSS."""
    proc = subprocess.run([sys.executable, "-c", CHILD, source, str(path), str(out), str(mapping)],
                          capture_output=True, text=True, cwd=project_root())
    if proc.returncode != 0:
        raise SystemExit(f"dry run {source} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def read_limit(path: Path) -> pa.Table:
    with open(path, "rb") as fh:
        head = fh.readline().decode("utf-8-sig")
    ncols = len(next(iter(__import__("csv").reader([head]))))
    names = [f"f{i}" for i in range(ncols)]
    return pacsv.read_csv(
        path, read_options=pacsv.ReadOptions(column_names=names, block_size=BLOCK_SIZE),
        parse_options=pacsv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                         newlines_in_values=True, ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))


def output_table(out: Path) -> pa.Table:
    """The dry run's Shopify product files as one string table (what the writer had to produce)."""
    tables = []
    for f in sorted(out.glob("products*.csv")):
        t = pacsv.read_csv(f, convert_options=pacsv.ConvertOptions(column_types=None, strings_can_be_null=False),
                           parse_options=pacsv.ParseOptions(newlines_in_values=True))
        tables.append(t.cast(pa.schema([pa.field(n, pa.string()) for n in t.column_names])))
    return pa.concat_tables(tables)


def main() -> None:
    def extra(p):
        p.add_argument("--products", type=int, default=100_000, help="products per export (3 variants each)")
        p.add_argument("--sources", default="magento2,woocommerce", help="comma-separated sources")

    bench = Bench.from_argv(__doc__.splitlines()[0], runs=3, add_arguments=extra)
    n = bench.args.products
    rows = []
    worst = 0.0
    for source in [s.strip() for s in bench.args.sources.split(",") if s.strip()]:
        t = time.perf_counter()
        path = dataset(source, n)
        bench.log(f"{source}: {path.name} ({path.stat().st_size / 1e6:,.0f} MB) ready in {time.perf_counter() - t:.1f}s")
        mp = mapping_file(source)
        with tempfile.TemporaryDirectory(prefix="bench-migration-") as tmp:
            runs, limits = [], []
            for i in range(bench.args.runs):
                # dry run and I/O limit alternate (same minutes), taking turns to go first: a process
                # that starts right after a big one reuses memory the host has not taken back yet
                # (run 0 goes first: the limit writes a table of its products files)
                limit_first = i % 2 == 1
                if limit_first:
                    lim = io_limit(path, Path(tmp) / "run0", Path(tmp) / f"limit{i}.csv")
                res = dry_run(source, path, Path(tmp) / f"run{i}", mp)
                if not limit_first:
                    lim = io_limit(path, Path(tmp) / f"run{i}", Path(tmp) / f"limit{i}.csv")
                runs.append(res)
                limits.append(lim)
                bench.log(f"  dry run {i + 1}: {res['seconds']:.2f}s (CPU user {res['user']:.2f}s, system "
                          f"{res['sys']:.2f}s), peak RSS {res['maxrss'] / 2**20:,.0f} MiB; I/O limit "
                          f"{lim['read'] + lim['write']:.2f}s (read {lim['read']:.2f}s, write {lim['write']:.2f}s)")
            t_dry = statistics.median(r["seconds"] for r in runs)
            t_user = statistics.median(r["user"] for r in runs)
            t_sys = statistics.median(r["sys"] for r in runs)
            steps = {k: statistics.median(r["steps"][k] for r in runs) for k in runs[0]["steps"]}
            bench.log("  steps (medians): " + ", ".join(f"{k} {v:.2f}s" for k, v in steps.items()))
            rss = max(r["maxrss"] for r in runs)
            t_read = statistics.median(x["read"] for x in limits)
            t_write = statistics.median(x["write"] for x in limits)
            out_tbl = output_table(Path(tmp) / "run0")
            warm_read = median_time(lambda: read_limit(path), runs=bench.args.runs).median
            sink = Path(tmp) / "limit-warm.csv"
            warm_write = median_time(lambda: pacsv.write_csv(out_tbl, sink), runs=bench.args.runs).median
            del out_tbl
            bench.log(f"  I/O limit warm, in this process (the same file rewritten): read {warm_read:.2f}s + "
                      f"write {warm_write:.2f}s = {warm_read + warm_write:.2f}s; dry run / warm limit "
                      f"{t_dry / (warm_read + warm_write):.2f}x")
        limit = t_read + t_write
        ratio = t_dry / limit
        worst = max(worst, ratio)
        products = runs[0]["products"]
        rows.append([source, f"{products:,}", f"{runs[0]['variants']:,}", f"{t_read:.2f}", f"{t_write:.2f}",
                     f"{limit:.2f}", f"{t_dry:.2f}", f"{t_user:.2f} / {t_sys:.2f}", f"{ratio:.2f}x",
                     f"{products / t_dry:,.0f}", f"{rss / 2**20:,.0f}"])
        bench.target(f"{source} dry run vs I/O limit", ratio, le=TARGET_RATIO)
        if rss >= MAX_RSS_BYTES:
            bench.fail(f"target missed: {source} peak RSS {rss / 2**30:.2f} GiB (target < 2 GiB)")
    print_table(["source", "products", "variants", "read s", "write s", "I/O limit s", "dry run s",
                 "CPU user / sys s", "ratio", "products/s", "peak RSS MiB"], rows)
    bench.finish(f"worst ratio vs I/O limit: {worst:.2f}x")


if __name__ == "__main__":
    main()
