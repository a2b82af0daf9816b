"""`DatabaseProvider`: a nameko dependency giving a worker's entrypoints a `kit.db.Database`.

    from kit.nameko_database import DatabaseProvider

    class SchedulingWorker:
        name = "scheduling"
        db = DatabaseProvider(lambda: load().database_url)

        @event_consumer(...)
        def place_student(self, event):
            with self.db.session() as s:
                ...

One Database (engine + session factory) per container, shared by its worker greenthreads
(psycopg2 is cooperative under eventlet; SQLAlchemy's pool hands each greenthread its own
connection).

When the engine is made matters. SQLAlchemy's QueuePool waits on a `threading.Condition`:
built before `eventlet.monkey_patch()` it holds a native lock, which eventlet's late patching
tries (and can fail) to swap, and the first greenthread that has to wait for a pooled
connection dies with "RuntimeError: cannot wait on un-acquired lock" (or "cannot notify on
un-acquired lock"). So:
- the engine is created in `setup()`, inside the started container, never at import or class
  definition; `url` may be a callable so settings are read then too;
- `setup()` refuses to run in a process whose threading is not monkey patched, naming the cause
  instead of failing later in the pool. (A test session must patch first: the root
  conftest.py does, when `EDUCRM_TEST_EVENTLET=1` and pytest's rootdir is the repository.)

Tests that call entrypoints directly use nameko's `worker_factory(Service, db=database)`,
which replaces the provider and never calls `setup()`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import eventlet.patcher
from nameko.extensions import DependencyProvider

from kit.db import Database

NOT_PATCHED = (
    "kit.nameko_database.DatabaseProvider: threading is not monkey patched. Call "
    "eventlet.monkey_patch() first thing in the worker's entry module (or the test session's "
    "root conftest.py, EDUCRM_TEST_EVENTLET=1): an engine built with native locks breaks "
    "SQLAlchemy's pool under eventlet ('cannot wait on un-acquired lock')."
)


class DatabaseProvider(DependencyProvider):
    """One `kit.db.Database` per container, built in `setup()`, disposed on stop/kill."""

    def __init__(self, url: str | Callable[[], str], **engine_kwargs: Any) -> None:
        self.url = url
        self.engine_kwargs = engine_kwargs
        self.db: Database | None = None

    def setup(self) -> None:
        if not eventlet.patcher.is_monkey_patched("thread"):
            raise RuntimeError(NOT_PATCHED)
        url = self.url() if callable(self.url) else self.url
        self.db = Database(url, **self.engine_kwargs)

    def stop(self) -> None:
        self._dispose()

    def kill(self) -> None:
        self._dispose()

    def _dispose(self) -> None:
        if self.db is not None:
            self.db.dispose()
            self.db = None

    def get_dependency(self, worker_ctx) -> Database:
        if self.db is None:  # pragma: no cover - nameko never runs a worker before setup
            raise RuntimeError("DatabaseProvider used before its container was set up")
        return self.db
