"""`python -m closient_app test`: ruff, then the API/unit suite, then the browser suite.

Browser tests run in their own pytest process: Playwright's sync API and the asyncio tests
would otherwise fight over one event loop. The last line sums both runs for CI.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from closient_app.config import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _pytest(name: str, extra: list[str]) -> tuple[int, dict[str, int]]:
    report = ARTIFACTS / f"{name}.xml"
    cmd = [sys.executable, "-m", "pytest", f"--junitxml={report}", *extra]
    print(f"\n=== {name}: {' '.join(cmd[2:])}", flush=True)
    code = subprocess.call(cmd, cwd=PROJECT_ROOT)
    return code, _counts(report)


def _counts(report: Path) -> dict[str, int]:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not report.exists():
        return totals
    root = ET.parse(report).getroot()  # noqa: S314  (our own pytest's report)
    for suite in root.iter("testsuite"):
        for key in totals:
            totals[key] += int(suite.get(key, 0))
    return totals


def run_all(pytest_args: list[str]) -> int:
    ARTIFACTS.mkdir(exist_ok=True)
    print("=== ruff check .", flush=True)
    lint = subprocess.call([sys.executable, "-m", "ruff", "check", "."], cwd=PROJECT_ROOT)
    api_code, api = _pytest("suite", ["-m", "not browser", *pytest_args])
    web_code, web = _pytest("browser", ["-m", "browser", "tests/e2e", *pytest_args])
    tests = api["tests"] + web["tests"]
    failed = sum(r["failures"] + r["errors"] for r in (api, web))
    skipped = api["skipped"] + web["skipped"]
    passed = tests - failed - skipped
    ok = lint == 0 and api_code == 0 and web_code == 0 and tests > 0
    print(f"\nruff: {'clean' if lint == 0 else 'FAILED'}")
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if ok else 1
