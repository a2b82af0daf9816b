"""Fixtures of the leads tests: a migrated database per backend (SQLite and PostgreSQL)."""
from __future__ import annotations

import leads.area_hooks  # noqa: F401  (every test runs with the processes' wiring)
import pytest
from kit import migrate, testing


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database_url(request):
    manager = testing.sqlite_database() if request.param == "sqlite" \
        else testing.postgres_database("leads_test")
    with manager as url:
        migrate.upgrade("leads", url)
        yield url
