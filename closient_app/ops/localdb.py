"""The project-local PostGIS cluster under `.local/pg` (used unless DATABASE_URL is set).

PostgreSQL refuses to run as root, so when we are root its tools run as the `postgres` OS user,
which then needs to traverse every parent directory of the data folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg

from closient_app.config import LOCAL_DIR

PG_DIR = LOCAL_DIR / "pg"
DATA_DIR = PG_DIR / "data"
SOCKET_DIR = PG_DIR / "run"
LOG_FILE = PG_DIR / "server.log"


def pg_bindir() -> Path:
    """The newest installed server's bin directory (Debian layout)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4])
    )
    if not candidates:
        raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
    return Path(candidates[-1]).parent


def _as_postgres_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def _make_traversable_for_postgres(path: Path) -> None:
    """Give `others` execute on each parent that lacks it (root-only clones, mktemp dirs)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            print(f"  allowing the postgres user to traverse {parent} (chmod o+x)")
            parent.chmod(mode | 0o001)


def _prepare_dirs() -> None:
    PG_DIR.mkdir(parents=True, exist_ok=True)
    SOCKET_DIR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        _make_traversable_for_postgres(PG_DIR)
        shutil.chown(PG_DIR, "postgres", "postgres")
        shutil.chown(SOCKET_DIR, "postgres", "postgres")


def server_settings() -> dict[str, str]:
    """Settings for the project-local server beyond PostgreSQL's defaults, which size shared
    buffers for a small machine (128 MB). With 2M offers (3.3 GB of table and indexes), new
    offers then evict a dirty page per index insert and write full-page images: 14,000
    inserts/s; with these, 23,000 (docs/benchmarks.md). The same advice holds for production
    servers (docs/operations.md)."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    mb = 1024 * 1024
    return {
        "listen_addresses": "127.0.0.1",
        "max_connections": "200",
        # A quarter of memory, at most 2 GB (a development machine runs other things too).
        "shared_buffers": f"{max(128, min(2048, ram // 4 // mb))}MB",
        "effective_cache_size": f"{max(512, ram // 2 // mb)}MB",
        # Fewer checkpoints: each one makes the next write of every page log a full image.
        "max_wal_size": "4GB",
        "checkpoint_timeout": "15min",
        # Short OLTP queries only; JIT compilation would add 50-180 ms to a mis-estimated one.
        "jit": "off",
    }


def is_running() -> bool:
    status = subprocess.run(
        _as_postgres_user([str(pg_bindir() / "pg_ctl"), "-D", str(DATA_DIR), "status"]),
        capture_output=True,
        check=False,
    )
    return status.returncode == 0


def ensure_running(port: int) -> None:
    """initdb once, then start the server if it is not already up (safe to call every run)."""
    bindir = pg_bindir()
    _prepare_dirs()
    if not (DATA_DIR / "PG_VERSION").exists():
        print(f"Creating the project-local PostgreSQL cluster in {DATA_DIR}")
        DATA_DIR.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(DATA_DIR, "postgres", "postgres")
        subprocess.run(
            _as_postgres_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(DATA_DIR),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if is_running():
        return
    # A server killed hard leaves postmaster.pid behind; pg_ctl start copes with a stale one.
    print(f"Starting PostgreSQL on 127.0.0.1:{port}")
    settings = " ".join(f"-c {name}={value}" for name, value in server_settings().items())
    options = f"-p {port} -k {SOCKET_DIR} {settings}"
    subprocess.run(
        _as_postgres_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(DATA_DIR),
                "-l",
                str(LOG_FILE),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def stop() -> None:
    if DATA_DIR.exists() and is_running():
        subprocess.run(
            _as_postgres_user(
                [str(pg_bindir() / "pg_ctl"), "-D", str(DATA_DIR), "-m", "fast", "stop"]
            ),
            check=True,
        )


def wait_until_accepting(dsn: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
