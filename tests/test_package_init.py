"""workbench/__init__.py: pyarrow's allocator settings, applied before pyarrow loads."""
import os
import subprocess
import sys

PROBE = ("import os, workbench; "
         "print(os.environ['MIMALLOC_ARENA_EAGER_COMMIT'], os.environ['MIMALLOC_PURGE_DELAY'])")


def _run(env_extra: dict) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIMALLOC_")}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_lazy_arenas_and_purge_delay_are_set_when_unset():
    assert _run({}) == ["0", "10000"]


def test_settings_from_the_environment_win():
    assert _run({"MIMALLOC_ARENA_EAGER_COMMIT": "1", "MIMALLOC_PURGE_DELAY": "10"}) == ["1", "10"]
