"""The outbox relay: publishes committed outbox rows, in order, with publisher confirms.

`RelayLoop` is plain code (a thread or a greenthread can run it); `OutboxRelay` is the nameko
DependencyProvider that runs it in the worker as a managed greenthread.

Why it is safe:
- it only ever sees committed rows, so nothing is published before commit;
- a row is marked published only after the broker confirmed it (persistent message, durable
  exchange), so a crash between publish and mark re-publishes it: at-least-once, and the
  consumers' inbox makes the duplicate a no-op;
- on PostgreSQL each batch runs under `pg_try_advisory_xact_lock`, so of several worker
  replicas exactly one relays at a time (order kept; a dead replica's lock dies with its
  transaction), and the rows are read `FOR UPDATE SKIP LOCKED` as a second guard. SKIP LOCKED
  alone would let two replicas publish consecutive batches concurrently and reorder them.
- while the broker is down rows simply wait; the loop retries with a capped backoff.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from kombu import Connection, Exchange
from nameko import config
from nameko.extensions import DependencyProvider
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from kit.db import Database, create_db_engine
from kit.events import metrics
from kit.events.envelope import CONTENT_TYPE
from kit.events.outbox import OUTBOX, outbox_committed, utcnow

_log = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock: one relay per service database at a time.
ADVISORY_LOCK_KEY = 0x6564_7563_726D_0001  # "educrm" + 1
DEFAULT_POLL_INTERVAL = 0.05


class RelayLoop:
    def __init__(self, database: Engine | Database | str, amqp_uri: str, part: str, *,
                 batch_size: int = 100, poll_interval: float = DEFAULT_POLL_INTERVAL,
                 metrics_interval: float = 1.0, confirm_timeout: float = 10.0) -> None:
        if isinstance(database, str):
            database = create_db_engine(database)
        self.engine: Engine = database.engine if isinstance(database, Database) else database
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self.amqp_uri = amqp_uri
        self.part = part
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.metrics_interval = metrics_interval
        self.confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._producer = None
        self._declared: set[str] = set()
        self._stop = threading.Event()
        self._metrics_due = 0.0
        self.published = metrics.outbox_published(part)
        self.errors = metrics.outbox_publish_errors(part)
        self.lag = metrics.outbox_lag_seconds(part)
        self.pending = metrics.outbox_pending_rows(part)

    # -- broker ---------------------------------------------------------------------------
    def _get_producer(self):
        if self._producer is None:
            connection = Connection(self.amqp_uri, heartbeat=0, connect_timeout=5,
                                    transport_options={"confirm_publish": True})
            connection.ensure_connection(max_retries=1)
            self._connection = connection
            self._producer = connection.Producer()
            self._declared = set()
        return self._producer

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception as exc:  # noqa: BLE001 - closing a broken connection
                _log.debug("closing relay connection: %r", exc)
        self._connection = self._producer = None

    def _publish(self, row) -> None:
        producer = self._get_producer()
        exchange = Exchange(row.exchange, type="topic", durable=True)
        if row.exchange not in self._declared:
            exchange(producer.channel).declare()
            self._declared.add(row.exchange)
        # With confirm_publish the call returns only once the broker has the message (and,
        # for a durable queue, has persisted it); a nack or a lost connection raises.
        producer.publish(
            row.payload, exchange=exchange, routing_key=row.routing_key,
            content_type=CONTENT_TYPE, content_encoding="utf-8", delivery_mode=2,
            message_id=row.event_id, type=row.event_type, retry=False,
            timeout=self.confirm_timeout,
        )

    # -- one batch ------------------------------------------------------------------------
    def relay_once(self) -> int:
        """Publish up to batch_size unsent rows in id order; return how many were published."""
        published_ids: list[int] = []
        failure: BaseException | None = None
        with self.engine.begin() as conn:
            if self.is_postgres and not conn.execute(
                    select(func.pg_try_advisory_xact_lock(ADVISORY_LOCK_KEY))).scalar():
                return 0  # another replica is relaying right now
            query = (select(OUTBOX.c.id, OUTBOX.c.event_id, OUTBOX.c.event_type,
                            OUTBOX.c.exchange, OUTBOX.c.routing_key, OUTBOX.c.payload)
                     .where(OUTBOX.c.published_at.is_(None))
                     .order_by(OUTBOX.c.id).limit(self.batch_size))
            if self.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = conn.execute(query).all()
            for row in rows:
                try:
                    self._publish(row)
                except Exception as exc:  # noqa: BLE001 - stop at the first failure: order
                    failure = exc
                    conn.execute(update(OUTBOX).where(OUTBOX.c.id == row.id).values(
                        attempts=OUTBOX.c.attempts + 1, last_error=repr(exc)[:2000]))
                    break
                published_ids.append(row.id)
            if published_ids:
                conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(published_ids)).values(
                    published_at=utcnow(), attempts=OUTBOX.c.attempts + 1))
        if published_ids:
            self.published.inc(len(published_ids))
        if failure is not None:
            self.close()
            raise failure
        return len(published_ids)

    def refresh_metrics(self) -> None:
        with self.engine.connect() as conn:
            oldest, count = conn.execute(
                select(func.min(OUTBOX.c.created_at), func.count())
                .where(OUTBOX.c.published_at.is_(None))).one()
        self.pending.set(count)
        if oldest is None:
            self.lag.set(0)
        else:
            if oldest.tzinfo is None:  # SQLite hands back naive UTC
                oldest = oldest.replace(tzinfo=dt.UTC)
            self.lag.set(max(0.0, (utcnow() - oldest).total_seconds()))

    # -- the loop -------------------------------------------------------------------------
    def run(self) -> None:
        """Relay until stop(); survives broker and database outages."""
        backoff = 0.0
        while not self._stop.is_set():
            outbox_committed.clear()
            try:
                count = self.relay_once()
                backoff = 0.0
            except Exception as exc:  # noqa: BLE001 - keep relaying once things are back
                self.errors.inc()
                backoff = min(max(0.25, backoff * 2), 5.0)
                _log.warning("outbox relay (%s): %r; retrying in %.2fs", self.part, exc, backoff)
                self._stop.wait(backoff)
                continue
            now = time.monotonic()
            if now >= self._metrics_due:
                self._metrics_due = now + self.metrics_interval
                try:
                    self.refresh_metrics()
                except Exception as exc:  # noqa: BLE001
                    _log.warning("outbox metrics (%s): %r", self.part, exc)
            if count < self.batch_size:
                # Woken at once by a local commit (kit.events.outbox), else poll.
                outbox_committed.wait(self.poll_interval)
        self.close()

    def stop(self) -> None:
        self._stop.set()
        outbox_committed.set()


class OutboxRelay(DependencyProvider):
    """nameko DependencyProvider running the relay inside the worker (see module doc).

        class IdentityWorker:
            name = "identity"
            relay = OutboxRelay(lambda: load(IdentitySettings, "identity").database_url)

    `database` is a URL, a kit.db.Database, or a callable returning either (resolved at
    container setup, so importing the worker module reads no settings).
    """

    def __init__(self, database: str | Database | Callable[[], str | Database], *,
                 batch_size: int = 100, poll_interval: float | None = None) -> None:
        self.database = database
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.loop: RelayLoop | None = None
        self._thread = None

    def setup(self) -> None:
        database = self.database() if callable(self.database) else self.database
        poll = self.poll_interval or float(
            config.get("EDUCRM_OUTBOX_POLL_INTERVAL", DEFAULT_POLL_INTERVAL))
        self.loop = RelayLoop(database, config["AMQP_URI"], self.container.service_name,
                              batch_size=self.batch_size, poll_interval=poll)

    def start(self) -> None:
        self._thread = self.container.spawn_managed_thread(
            self.loop.run, identifier="kit.outbox_relay")

    def stop(self) -> None:
        if self.loop is not None:
            self.loop.stop()
        if self._thread is not None:
            self._thread.wait()

    def kill(self) -> None:
        if self.loop is not None:
            self.loop.stop()

    def get_dependency(self, worker_ctx) -> RelayLoop:
        return self.loop
