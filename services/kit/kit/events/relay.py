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

Housekeeping rides on the same loop, so every worker with a relay gets it:
- every `purge_interval` seconds, published outbox rows and inbox ids older than `retention`
  (default 7 days) are deleted, in bounded batches, and so are stored idempotent results
  (kit.idempotency) when the service's database has that table;
- every `dead_letter_interval` seconds the depth of the service's dead-letter queues
  (`<service>.<handler>.dlq`, from the catalogue) is read with a passive declare on a
  short-lived channel and exported as the gauge `educrm_<part>_dead_letters{queue}`.
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
from sqlalchemy import delete, func, inspect, select, tuple_, update
from sqlalchemy.engine import Engine

from kit.db import Database, create_db_engine
from kit.events import metrics
from kit.events.catalogue import REGISTRY, queue_name
from kit.events.envelope import CONTENT_TYPE
from kit.events.inbox import INBOX, INBOX_TABLE
from kit.events.outbox import OUTBOX, outbox_committed, utcnow
from kit.events.topology import dead_letter_queue
from kit.idempotency import IDEMPOTENCY, IDEMPOTENCY_TABLE

_log = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock: one relay per service database at a time.
ADVISORY_LOCK_KEY = 0x6564_7563_726D_0001  # "educrm" + 1
DEFAULT_POLL_INTERVAL = 0.05
DEFAULT_RETENTION = 7 * 24 * 3600.0
DEFAULT_PURGE_INTERVAL = 3600.0
DEFAULT_DEAD_LETTER_INTERVAL = 30.0
PURGE_BATCH = 5000
# nameko config keys (kit.events.worker.nameko_config fills them from BusSettings).
POLL_INTERVAL_KEY = "EDUCRM_OUTBOX_POLL_INTERVAL"
RETENTION_KEY = "EDUCRM_BUS_RETENTION"
PURGE_INTERVAL_KEY = "EDUCRM_BUS_PURGE_INTERVAL"
DEAD_LETTER_INTERVAL_KEY = "EDUCRM_DEAD_LETTER_POLL_INTERVAL"


def service_dead_letter_queues(service: str) -> list[str]:
    """The DLQs of a service's consumers, from the catalogue."""
    return sorted({dead_letter_queue(queue_name(s.service, s.handler))
                   for s in REGISTRY.subscriptions(service=service)})


class RelayLoop:
    def __init__(self, database: Engine | Database | str, amqp_uri: str, part: str, *,
                 batch_size: int = 100, poll_interval: float = DEFAULT_POLL_INTERVAL,
                 metrics_interval: float = 1.0, confirm_timeout: float = 10.0,
                 retention: float = DEFAULT_RETENTION,
                 purge_interval: float = DEFAULT_PURGE_INTERVAL,
                 dead_letter_interval: float = DEFAULT_DEAD_LETTER_INTERVAL,
                 dead_letter_queues: list[str] | None = None) -> None:
        self._owns_engine = isinstance(database, str)
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
        self.retention = retention
        self.purge_interval = purge_interval
        self.dead_letter_interval = dead_letter_interval
        self.dead_letter_queues = (service_dead_letter_queues(part) if dead_letter_queues is None
                                   else list(dead_letter_queues))
        self._purge_due = 0.0
        self._dead_letters_due = 0.0
        self._has_inbox: bool | None = None
        self._has_idempotency: bool | None = None
        self.dead_letters = metrics.dead_letters(part)
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

    # -- housekeeping ---------------------------------------------------------------------
    def _delete_batched(self, table, key_columns, condition) -> int:
        """DELETE in batches of PURGE_BATCH rows (short transactions, bounded locks)."""
        key = key_columns[0] if len(key_columns) == 1 else tuple_(*key_columns)
        total = 0
        while not self._stop.is_set():
            batch = select(*key_columns).where(condition).limit(PURGE_BATCH)
            with self.engine.begin() as conn:
                deleted = conn.execute(delete(table).where(key.in_(batch))).rowcount
            total += deleted
            if deleted < PURGE_BATCH:
                break
        return total

    def purge(self, older_than: float | None = None) -> tuple[int, int]:
        """Delete published outbox rows, inbox ids and idempotency keys older than the
        retention.

        Returns (outbox rows, inbox rows) deleted (idempotency keys are logged). Unpublished
        rows are never touched.
        """
        cutoff = utcnow() - dt.timedelta(seconds=self.retention if older_than is None
                                         else older_than)
        outbox = self._delete_batched(OUTBOX, (OUTBOX.c.id,), OUTBOX.c.published_at < cutoff)
        if self._has_inbox is None:  # a producer-only service may have no inbox table
            self._has_inbox = inspect(self.engine).has_table(INBOX_TABLE)
        inbox = (self._delete_batched(INBOX, (INBOX.c.consumer, INBOX.c.event_id),
                                      INBOX.c.processed_at < cutoff)
                 if self._has_inbox else 0)
        if self._has_idempotency is None:  # only services with idempotent commands have it
            self._has_idempotency = inspect(self.engine).has_table(IDEMPOTENCY_TABLE)
        idempotency = (self._delete_batched(IDEMPOTENCY, (IDEMPOTENCY.c.key,
                                                          IDEMPOTENCY.c.operation),
                                            IDEMPOTENCY.c.created_at < cutoff)
                       if self._has_idempotency else 0)
        if outbox or inbox or idempotency:
            _log.info("bus housekeeping (%s): purged %d outbox rows, %d inbox ids, "
                      "%d idempotency keys", self.part, outbox, inbox, idempotency)
        return outbox, inbox

    def refresh_dead_letters(self) -> dict[str, int]:
        """Read each DLQ's depth with a passive declare (a missing queue reads as 0)."""
        depths: dict[str, int] = {}
        if not self.dead_letter_queues:
            return depths
        self._get_producer()
        for dlq in self.dead_letter_queues:
            channel = self._connection.channel()
            try:
                depths[dlq] = channel.queue_declare(dlq, passive=True).message_count
            except self._connection.channel_errors:  # 404: not declared yet
                depths[dlq] = 0
            finally:
                try:
                    channel.close()
                except Exception as exc:  # noqa: BLE001 - already closed by the broker
                    _log.debug("closing DLQ probe channel: %r", exc)
            self.dead_letters.labels(dlq).set(depths[dlq])
        return depths

    def _housekeeping(self, now: float) -> None:
        if self.purge_interval > 0 and now >= self._purge_due:
            self._purge_due = now + self.purge_interval
            try:
                self.purge()
            except Exception as exc:  # noqa: BLE001 - retried at the next interval
                _log.warning("bus purge (%s): %r", self.part, exc)
        if self.dead_letter_interval > 0 and now >= self._dead_letters_due:
            self._dead_letters_due = now + self.dead_letter_interval
            try:
                self.refresh_dead_letters()
            except Exception as exc:  # noqa: BLE001 - broker down: the relay reconnects
                _log.warning("dead-letter depth (%s): %r", self.part, exc)
                self.close()

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
                except Exception as exc:  # noqa: BLE001 - metrics must not stop relaying
                    _log.warning("outbox metrics (%s): %r", self.part, exc)
            self._housekeeping(now)
            if count < self.batch_size:
                # Woken at once by a local commit (kit.events.outbox), else poll.
                outbox_committed.wait(self.poll_interval)
        self.close()
        if self._owns_engine:
            self.engine.dispose()

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
        poll = self.poll_interval or float(config.get(POLL_INTERVAL_KEY, DEFAULT_POLL_INTERVAL))
        self.loop = RelayLoop(
            database, config["AMQP_URI"], self.container.service_name,
            batch_size=self.batch_size, poll_interval=poll,
            retention=float(config.get(RETENTION_KEY, DEFAULT_RETENTION)),
            purge_interval=float(config.get(PURGE_INTERVAL_KEY, DEFAULT_PURGE_INTERVAL)),
            dead_letter_interval=float(config.get(DEAD_LETTER_INTERVAL_KEY,
                                                  DEFAULT_DEAD_LETTER_INTERVAL)))

    def start(self) -> None:
        self._thread = self.container.spawn_managed_thread(
            self.loop.run, identifier="kit.outbox_relay")

    def stop(self) -> None:
        """Graceful: the loop finishes its batch (a publish waits at most confirm_timeout),
        sees the stop flag and returns, so the container never has to kill it."""
        if self.loop is not None:
            self.loop.stop()
        if self._thread is not None:
            self._thread.wait()
            self._thread = None

    def kill(self) -> None:
        if self.loop is not None:
            self.loop.stop()
        if self._thread is not None:
            self._thread.kill()
            self._thread = None
        if self.loop is not None:
            self.loop.close()

    def get_dependency(self, worker_ctx) -> RelayLoop:
        return self.loop
