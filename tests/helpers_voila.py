"""Start a throw-away Voila server for browser tests.

    from tests.helpers_voila import start_voila   # or: from helpers_voila import start_voila

    with start_voila("notebooks/orders.ipynb", env={"WORKBENCH_DB": str(db)}) as base_url:
        page.goto(base_url)

The server listens on a free 127.0.0.1 port, runs from the project root (so the root
voila.json applies, except that tracebacks are switched on for debugging), inherits
os.environ (WORKBENCH_DB included) plus ``env``, and is terminated on exit.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def start_voila(
    notebook_path: str | os.PathLike,
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
    timeout: float = STARTUP_TIMEOUT,
) -> Iterator[str]:
    """Run ``voila <notebook_path>`` (a notebook or a directory); yield its base URL.

    ``notebook_path`` may be relative to the project root. ``args`` are extra voila
    command-line options. Raises RuntimeError (with the server log) if voila exits or
    does not listen within ``timeout`` seconds.
    """
    path = Path(notebook_path)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    if not path.exists():
        raise FileNotFoundError(path)
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    cmd = [
        sys.executable, "-m", "voila", str(path),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=True",
        *args,
    ]
    with tempfile.TemporaryFile(mode="w+b") as log:
        proc = subprocess.Popen(
            cmd, cwd=PROJECT_ROOT, env=full_env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )

        def server_log() -> str:
            log.flush()
            log.seek(0)
            return log.read().decode(errors="replace")[-5000:]

        try:
            deadline = time.monotonic() + timeout
            while not _port_answers(port):
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"voila exited with {proc.returncode} before listening:\n{server_log()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"voila did not listen on port {port} within {timeout:.0f} s:\n{server_log()}"
                    )
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
