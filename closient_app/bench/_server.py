"""The app under measurement: one uvicorn worker in its own process, started and awaited."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from closient_app.config import PROJECT_ROOT


def start_server(
    factory: str, port: int, *, env: dict[str, str], ready_path: str
) -> subprocess.Popen:
    """`uvicorn --factory <factory>` on 127.0.0.1:`port` with `env` over this environment, in
    its own process group (stop it with SIGINT to the group); returns once `ready_path`
    answers 200."""
    command = [sys.executable, "-m", "uvicorn", "--factory", factory,
               "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
               "--no-access-log", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(  # noqa: S603  (a fixed command)
        command, cwd=PROJECT_ROOT, env={**os.environ, **env}, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the benchmark server ({factory}) did not start")
