"""Real worker processes (`python -m closient_app worker`) against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from closient_app.config import PROJECT_ROOT

# Short heartbeats and polls so a killed worker's job is reaped in seconds, not a minute.
FAST = {"JOB_HEARTBEAT_S": "0.3", "JOB_STALE_AFTER_S": "2", "WORKER_POLL_S": "0.2"}


class WorkerProcess:
    def __init__(self, log_path: Path, **env: str) -> None:
        self.log_path = log_path
        environment = {**os.environ, **FAST, **env, "LOG_LEVEL": "info"}
        self._log = log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "closient_app", "worker"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    @property
    def started(self) -> bool:
        return " started with " in self.log

    def kill(self) -> None:
        """kill -9: no cleanup, no goodbye, the job row stays `running`."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()
