"""kit.nameko_database.DatabaseProvider hosted in a nameko container (eventlet session):
the engine is made at container setup (not import), its pool serves more concurrent
greenthreads than it has connections (the "cannot wait on un-acquired lock" case), and it is
disposed when the container stops."""
from __future__ import annotations

import eventlet
import pytest
from kit import testing
from kit.db import Database
from kit.nameko_database import DatabaseProvider
from nameko.containers import ServiceContainer
from nameko.testing.services import dummy, entrypoint_hook, worker_factory
from sqlalchemy import text

pytestmark = pytest.mark.eventlet

URLS: list[str] = []


def _url() -> str:
    URLS.append("asked")
    return CURRENT_URL[0]


CURRENT_URL = [""]


class Demo:
    name = "kit_db_demo"

    # a pool smaller than the number of concurrent workers: greenthreads must wait in the pool
    db = DatabaseProvider(_url, pool_size=2, max_overflow=0, pool_timeout=30)

    @dummy
    def slow_query(self, seconds: float) -> int:
        with self.db.session() as s:
            if self.db.is_sqlite:
                eventlet.sleep(seconds)  # hold the pooled connection, cooperatively
                return s.execute(text("SELECT 1")).scalar()
            return s.execute(text("SELECT 1 FROM pg_sleep(:s)"), {"s": seconds}).scalar()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request):
    factory = testing.sqlite_database if request.param == "sqlite" else testing.postgres_database
    with factory() as value:
        CURRENT_URL[0] = value
        URLS.clear()
        yield value


def test_engine_is_made_at_setup_and_disposed_at_stop(url):
    assert URLS == []  # defining the service read no settings and built no engine
    container = ServiceContainer(Demo)
    container.start()
    try:
        provider = next(e for e in container.extensions if isinstance(e, DatabaseProvider))
        assert URLS == ["asked"] and provider.db is not None and provider.db.url == url
        with entrypoint_hook(container, "slow_query") as call:
            assert call(0) == 1
    finally:
        container.stop()
    assert provider.db is None


def test_more_concurrent_workers_than_pooled_connections(url):
    container = ServiceContainer(Demo)
    container.start()
    try:
        def one(_):
            with entrypoint_hook(container, "slow_query") as call:
                return call(0.05)

        pool = eventlet.GreenPool(12)
        assert list(pool.imap(one, range(12))) == [1] * 12
    finally:
        container.stop()


def test_setup_refuses_an_unpatched_process(monkeypatch):
    provider = DatabaseProvider("sqlite:///unused.db")
    monkeypatch.setattr("eventlet.patcher.is_monkey_patched", lambda module: False)
    with pytest.raises(RuntimeError, match="monkey patch"):
        provider.setup()
    assert provider.db is None


def test_worker_factory_replaces_the_provider(url):
    database = Database(url)
    try:
        worker = worker_factory(Demo, db=database)
        assert worker.slow_query(0) == 1
    finally:
        database.dispose()
