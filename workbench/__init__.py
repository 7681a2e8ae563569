"""workbench: the back office of an online shop, in Jupyter."""
import os as _os

# pyarrow's allocator (mimalloc) commits its 1 GiB arenas eagerly by default. On the virtual machines
# this runs on (memory handed back to the host when free) a fresh process then pays for every huge
# page it touches: a 100,000-product migration dry run spent 2-3 s of system time in page faults
# against 0.7-1 s with lazy commit (benchmarks/README.md). Only effective when workbench is imported
# before pyarrow/pandas (the CLI, papermill runs, the benchmarks); an explicit setting wins.
_os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")

__version__ = "0.1.0"
