"""Serve the app in Reflex prod mode: pages, websocket and the JSON API on ONE port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from closient_app.config import PROJECT_ROOT, get_settings
from closient_app.ops.reflex_env import reflex_environment


def reflex_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "reflex",
        "run",
        "--env",
        "prod",
        "--frontend-port",
        str(port),
        "--backend-port",
        str(port),
        "--backend-host",
        "0.0.0.0",  # noqa: S104  (the one port serves the whole app)
        "--loglevel",
        "warning",
    ]


def serve() -> None:
    settings = get_settings()
    port = settings.port
    print(f"\nClosient is starting on {settings.base_url}/ (first build takes a minute)")
    print(f"  demo login: {settings.demo_email} / {settings.demo_password}")
    print(f"  API health: {settings.base_url}/healthz")
    print("  stop with Ctrl+C\n", flush=True)
    # Its own process group, stopped with SIGINT, so the frontend never keeps holding the port.
    proc = subprocess.Popen(
        reflex_command(port), cwd=PROJECT_ROOT, env=reflex_environment(port), start_new_session=True
    )
    try:
        sys.exit(proc.wait())
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        sys.exit(130)
