"""workbench: the back office of an online shop, in Jupyter."""
import os as _os

# pyarrow's allocator (mimalloc), tuned for big batch jobs on virtual machines that hand free memory
# back to the host (so every page a process touches for the first time costs a fault):
# - arenas committed lazily: eagerly committed 1 GiB arenas cost a fresh 100,000-product migration
#   dry run 2-3 s of system time in page faults, against 0.7-1 s lazily;
# - freed memory kept for ten seconds before it is returned, so later big arrays of the same job
#   reuse it instead of faulting fresh pages (medians of 5 interleaved runs: 2.68 s against 2.92 s
#   with mimalloc's 10 ms; 10 s against 1 s: 10-20% fewer page faults, 0-0.5 s faster in four
#   rounds, never slower; peak RSS +2-10%).
# See benchmarks/README.md. Only effective when workbench is imported before pyarrow/pandas (the
# CLI, papermill runs, the benchmarks); an explicit setting in the environment wins.
_os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")
_os.environ.setdefault("MIMALLOC_PURGE_DELAY", "10000")

__version__ = "0.1.0"
