"""Fixtures for connector tests (async tests run on asyncio through anyio's pytest plugin)."""

from __future__ import annotations

import pytest

from .fakes import FakeTime


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Connectors touch no database: replace the suite-wide truncation (and its DB setup)."""
    return None
