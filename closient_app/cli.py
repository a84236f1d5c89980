"""The project's command: `python -m closient_app <command>`.

setup      secrets, database (local cluster unless DATABASE_URL), extensions, migrations, demo
serve      the app in Reflex prod mode on $PORT (one port: pages, websocket, API)
test       ruff, then the pytest suites (API/unit, then browser)
db-up      start the project-local cluster only
db-stop    stop it (the data stays)
create-user, create-org, create-api-key    accounts for operators (secrets printed once)
worker     sync jobs and webhook receipts; run more of them to scale out
"""

from __future__ import annotations

import argparse
import os
import sys

from closient_app.config import get_settings
from closient_app.ops.account_commands import add_account_commands


def cmd_db_up(_: argparse.Namespace) -> None:
    from closient_app.ops import localdb
    from closient_app.ops.database import libpq_dsn

    settings = get_settings()
    if settings.database_url:
        print("DATABASE_URL is set: using that database, no local cluster.")
        return
    localdb.ensure_running(settings.local_pg_port)
    localdb.wait_until_accepting(libpq_dsn(settings.effective_database_url, database="postgres"))


def cmd_db_stop(_: argparse.Namespace) -> None:
    from closient_app.ops import localdb

    localdb.stop()


def cmd_setup(args: argparse.Namespace) -> None:
    from closient_app.ops.database import ensure_database, migrate_to_head
    from closient_app.ops.secrets import ensure_generated_secrets

    ensure_generated_secrets()
    get_settings.cache_clear()
    cmd_db_up(args)
    url = get_settings().effective_database_url
    ensure_database(url)
    migrate_to_head(url)
    print("Database ready and migrated to head.")
    if args.seed:
        from closient_app.ops.seed import seed_demo

        seed_demo()


def cmd_serve(_: argparse.Namespace) -> None:
    from closient_app.ops.serve import serve

    serve()


def cmd_test(args: argparse.Namespace) -> None:
    from closient_app.ops.testrun import run_all

    sys.exit(run_all(args.pytest_args))


def cmd_worker(args: argparse.Namespace) -> None:
    import asyncio
    import logging

    from closient_app.jobs.worker import run_worker

    logging.basicConfig(level=get_settings().log_level.upper(), format="%(asctime)s %(message)s")
    asyncio.run(run_worker(concurrency=args.concurrency))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m closient_app",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    setup = sub.add_parser("setup", help="prepare the database and demo data")
    setup.add_argument("--no-seed", dest="seed", action="store_false")
    setup.set_defaults(func=cmd_setup)
    sub.add_parser("serve", help="serve the app").set_defaults(func=cmd_serve)
    test = sub.add_parser("test", help="ruff + the whole pytest suite")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    test.set_defaults(func=cmd_test)
    sub.add_parser("db-up", help="start the local cluster").set_defaults(func=cmd_db_up)
    sub.add_parser("db-stop", help="stop the local cluster").set_defaults(func=cmd_db_stop)
    worker = sub.add_parser("worker", help="run sync jobs and webhook receipts")
    worker.add_argument("--concurrency", type=int, default=None, help="job slots (default 1)")
    worker.set_defaults(func=cmd_worker)
    add_account_commands(sub)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
