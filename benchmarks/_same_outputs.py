"""Do the migration outputs of the working tree equal those of a commit, byte for byte?

For speed work on the adapters: a rewrite must not change a single output byte. This runs every
migration route of ``tests/test_routes.py`` (every sample file and fixture to every writable
target) and, when cached, the 20,000-product benchmark exports (``benchmarks/out/``), once with
the package of ``REV`` (checked out into a temporary git worktree) and once with the working tree,
then compares the two output folders file by file.

    .venv/bin/python benchmarks/_same_outputs.py            # against HEAD
    .venv/bin/python benchmarks/_same_outputs.py main~3     # against another commit

Prints ``same outputs`` and exits 0, or lists the files that differ and exits 1. Not part of
``make bench`` (the leading underscore); takes one to two minutes.
"""
from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_OUT = ROOT / "benchmarks" / "out"

#: runs in a child process with PYTHONPATH=<tree>: writes every route's outputs under argv[2]
CHILD = r"""
import sys
from pathlib import Path
tree, out, bench_out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
sys.path.insert(0, str(tree / "tests"))
from test_routes import SOURCES, TARGETS
from workbench.migration import run_migration
for sid, (src, files) in SOURCES.items():
    for tgt in TARGETS:
        run_migration(src, tgt, files, out / f"{sid}--{tgt}", progress=False)
for src in ("magento2", "woocommerce"):
    f, mp = bench_out / f"migration-{src}-20000.csv", bench_out / f"migration-{src}-mapping.toml"
    if f.exists() and mp.exists():
        for tgt in TARGETS:
            run_migration(src, tgt, [f], out / f"bench20k-{src}--{tgt}", mapping=mp, progress=False)
"""


def run_routes(tree: Path, out: Path) -> None:
    """Every route's outputs with the package found in ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(out), str(BENCH_OUT)], cwd=tree, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"the routes failed with the package in {tree}:\n{proc.stderr[-3000:]}")


def differences(a: Path, b: Path) -> list[str]:
    """Relative paths that are only on one side or whose bytes differ."""
    out = []

    def walk(cmp: filecmp.dircmp, rel: str) -> None:
        out.extend(f"{rel}{name} (only in {side})" for side, names in (("the commit", cmp.left_only),
                                                                         ("the working tree", cmp.right_only))
                   for name in names)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out.extend(f"{rel}{name}" for name in [*mismatch, *errors])
        for name, sub in sorted(cmp.subdirs.items()):
            walk(sub, f"{rel}{name}/")
    walk(filecmp.dircmp(a, b), "")
    return sorted(out)


def main() -> int:
    rev = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    with tempfile.TemporaryDirectory(prefix="same-outputs-") as tmp:
        tmp = Path(tmp)
        worktree = tmp / "rev"
        (tmp / "shared").symlink_to(ROOT.parent / "shared")   # the tests find ../shared beside the tree
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(worktree), rev], cwd=ROOT, check=True)
        try:
            run_routes(worktree, tmp / "before")
            run_routes(ROOT, tmp / "after")
            diff = differences(tmp / "before", tmp / "after")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)
    if diff:
        print(f"{len(diff)} output file(s) differ from {rev}:")
        print("\n".join(f"  {d}" for d in diff[:200]))
        return 1
    print(f"same outputs as {rev}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
