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

Batches, order and rows that keep failing (kit.events.publisher does the publishing):
- a batch is published back to back on one confirm-mode channel and its confirms are awaited
  together (one wait per batch, not per row);
- order is kept per aggregate (the row's `subject`), which is what consumers rely on: a batch
  holds at most one row of a subject (the oldest unsent one), so a failure can never let a
  later event of its aggregate overtake it. Events of different aggregates may overtake a
  failing one: that is what keeps one bad row from stalling everyone;
- a row the broker refuses (nack, channel error) or that no queue receives (returned, see
  below) is retried after a growing delay (`next_attempt_at`); its aggregate's later rows wait
  behind it. After `max_attempts` attempts it is PARKED (`parked_at`): kept, counted in the
  gauge `educrm_<part>_outbox_parked`, listed and replayed with `educrm-bus outbox ...`
  (kit.events.parking), and the relay goes on. A later row of a parked row's aggregate is
  parked behind it (it may not overtake), and a replay releases the aggregate's parked rows
  together, in order. A broker or database outage counts against no row;
- every message is `mandatory`. `educrm-bus declare` declares every catalogued consumer
  queue ahead, so a returned message of an event type that has a catalogued subscriber means
  the topology is missing or broken: that is a failure (counted in
  `educrm_<part>_outbox_returned`, retried, parked at last), never a silent drop. An event type
  that nobody subscribes to (yet) is returned by design: it counts as published (the outbox's
  job is done, a future subscriber cannot want the past) and is counted in
  `educrm_<part>_outbox_unrouted`, so an operator sees it.

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

from nameko import config
from nameko.extensions import DependencyProvider
from sqlalchemy import delete, func, inspect, select, tuple_, update
from sqlalchemy.engine import Engine

from kit.db import Database, create_db_engine
from kit.events import metrics
from kit.events.catalogue import REGISTRY, queue_name
from kit.events.inbox import INBOX, INBOX_TABLE
from kit.events.outbox import OUTBOX, outbox_committed, utcnow
from kit.events.publisher import BatchPublisher, Outcome, Outgoing
from kit.events.topology import dead_letter_queue
from kit.idempotency import IDEMPOTENCY, IDEMPOTENCY_TABLE

_log = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock: one relay per service database at a time.
ADVISORY_LOCK_KEY = 0x6564_7563_726D_0001  # "educrm" + 1
DEFAULT_POLL_INTERVAL = 0.05
DEFAULT_RETENTION = 7 * 24 * 3600.0
DEFAULT_PURGE_INTERVAL = 3600.0
DEFAULT_DEAD_LETTER_INTERVAL = 30.0
DEFAULT_MAX_ATTEMPTS = 10
DEFAULT_RETRY_DELAY = 0.5
DEFAULT_RETRY_DELAY_MAX = 30.0
# Rows read per batch beyond the batch size: rows of aggregates already in the batch (or
# waiting for a retry) are passed over, the window lets other aggregates fill the batch.
READ_AHEAD = 4
PURGE_BATCH = 5000
# nameko config keys (kit.events.worker.nameko_config fills them from BusSettings).
POLL_INTERVAL_KEY = "EDUCRM_OUTBOX_POLL_INTERVAL"
RETENTION_KEY = "EDUCRM_BUS_RETENTION"
PURGE_INTERVAL_KEY = "EDUCRM_BUS_PURGE_INTERVAL"
DEAD_LETTER_INTERVAL_KEY = "EDUCRM_DEAD_LETTER_POLL_INTERVAL"
MAX_ATTEMPTS_KEY = "EDUCRM_OUTBOX_MAX_ATTEMPTS"
RETRY_DELAY_KEY = "EDUCRM_OUTBOX_RETRY_DELAY"
RETRY_DELAY_MAX_KEY = "EDUCRM_OUTBOX_RETRY_DELAY_MAX"


class RelayInterrupted(Exception):
    """A batch stopped part way (broker connection lost, confirms late): the rows confirmed
    so far are marked, the rest go out again once the broker is back."""


def subscribed_event_types() -> frozenset[str]:
    """Event types with at least one catalogued consumer: their queues exist (declared ahead
    by `educrm-bus declare`), so a returned message of one of them is a failure."""
    return frozenset(s.event_type for s in REGISTRY.subscriptions())


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
                 dead_letter_queues: list[str] | None = None,
                 max_attempts: int = DEFAULT_MAX_ATTEMPTS,
                 retry_delay: float = DEFAULT_RETRY_DELAY,
                 retry_delay_max: float = DEFAULT_RETRY_DELAY_MAX,
                 subscribed_types: frozenset[str] | None = None) -> None:
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
        self.max_attempts = max(1, max_attempts)
        self.retry_delay = retry_delay
        self.retry_delay_max = retry_delay_max
        self._subscribed_types = subscribed_types
        self.publisher = BatchPublisher(amqp_uri, confirm_timeout=confirm_timeout)
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
        self.parked = metrics.outbox_parked(part)
        self.returned = metrics.outbox_returned(part)
        self.unrouted = metrics.outbox_unrouted(part)
        self.row_failures = metrics.outbox_row_failures(part)

    @property
    def subscribed_types(self) -> frozenset[str]:
        if self._subscribed_types is None:  # read late: catalogue modules register on import
            self._subscribed_types = subscribed_event_types()
        return self._subscribed_types

    def close(self) -> None:
        self.publisher.close()

    def _retry_delay(self, attempts: int) -> float:
        """After the n-th failed attempt: base, 2*base, 4*base ... capped."""
        return min(self.retry_delay_max, self.retry_delay * (2 ** max(0, attempts - 1)))

    # -- one batch ------------------------------------------------------------------------
    def _pick(self, conn, now: dt.datetime) -> tuple[list, list]:
        """(rows to publish, rows to park behind a parked row of their aggregate), in id
        order: at most one row per subject, the oldest unsent one, and none of an aggregate
        whose oldest unsent row waits for its retry."""
        query = (select(OUTBOX.c.id, OUTBOX.c.event_id, OUTBOX.c.event_type, OUTBOX.c.subject,
                        OUTBOX.c.exchange, OUTBOX.c.routing_key, OUTBOX.c.payload,
                        OUTBOX.c.attempts, OUTBOX.c.next_attempt_at)
                 .where(OUTBOX.c.published_at.is_(None), OUTBOX.c.parked_at.is_(None))
                 .order_by(OUTBOX.c.id).limit(self.batch_size * READ_AHEAD))
        if self.is_postgres:
            query = query.with_for_update(skip_locked=True)
        rows = conn.execute(query).all()
        subjects = {row.subject for row in rows if row.subject is not None}
        parked_subjects: dict[str, str] = {}
        if subjects:
            parked_subjects = dict(conn.execute(
                select(OUTBOX.c.subject, func.min(OUTBOX.c.event_id))
                .where(OUTBOX.c.parked_at.is_not(None), OUTBOX.c.published_at.is_(None),
                       OUTBOX.c.subject.in_(subjects))
                .group_by(OUTBOX.c.subject)).all())
        batch, behind, seen = [], [], set()
        for row in rows:
            if row.subject is not None and row.subject in parked_subjects:
                behind.append(row)
                continue
            if row.subject is not None:
                if row.subject in seen:
                    continue  # a later event of an aggregate already in this batch (or waiting)
                seen.add(row.subject)
            due = row.next_attempt_at
            if due is not None:
                if due.tzinfo is None:  # SQLite hands back naive UTC
                    due = due.replace(tzinfo=dt.UTC)
                if due > now:
                    continue
            batch.append(row)
            if len(batch) >= self.batch_size:
                break
        return batch, behind

    def _failure(self, outcome: Outcome, event_type: str) -> str | None:
        """Why a row's publish failed, or None if it counts as published."""
        if outcome.error is not None:
            return outcome.error
        if outcome.nacked:
            return "nacked by the broker"
        if outcome.returned is not None:
            self.returned.inc()
            if event_type in self.subscribed_types:
                return (f"returned by the broker ({outcome.returned}): no queue is bound for "
                        "a subscribed event type; run `educrm-bus declare`")
            self.unrouted.inc()  # nobody subscribes to this type (yet): see the module doc
            return None
        return None if outcome.acked else "not confirmed"

    def relay_once(self) -> int:
        """Publish one batch of unsent rows; return how many were published."""
        now = utcnow()
        interrupted: BaseException | None = None
        published_ids: list[int] = []
        parked = 0
        with self.engine.begin() as conn:
            if self.is_postgres and not conn.execute(
                    select(func.pg_try_advisory_xact_lock(ADVISORY_LOCK_KEY))).scalar():
                return 0  # another replica is relaying right now
            batch, behind = self._pick(conn, now)
            for row in behind:
                conn.execute(update(OUTBOX).where(OUTBOX.c.id == row.id).values(
                    parked_at=now, last_error="parked behind an earlier parked event of "
                                              f"subject {row.subject!r}"))
            parked += len(behind)
            if batch:
                messages = [Outgoing(row.event_id, row.event_type, row.exchange,
                                     row.routing_key, row.payload) for row in batch]
                try:
                    outcomes = self.publisher.publish_batch(messages)
                except Exception as exc:  # noqa: BLE001 - broker trouble: count no row
                    interrupted = exc
                    outcomes = getattr(self.publisher, "last_outcomes", [])
                failed_first = False
                for row, outcome in zip(batch, outcomes, strict=False):
                    if interrupted is not None and not outcome.confirmed:
                        continue  # the broker went away: not this row's fault
                    reason = self._failure(outcome, row.event_type)
                    if reason is None:
                        published_ids.append(row.id)
                        continue
                    if outcome.error is not None and failed_first:
                        continue  # after a channel error: only the first row is to blame
                    failed_first = failed_first or outcome.error is not None
                    attempts = row.attempts + 1
                    values = dict(attempts=attempts, last_error=reason[:2000])
                    if attempts >= self.max_attempts:
                        values["parked_at"] = now
                        parked += 1
                        _log.error("outbox (%s): parked event %s (%s) after %d attempts: %s",
                                   self.part, row.event_id, row.event_type, attempts, reason)
                    else:
                        values["next_attempt_at"] = now + dt.timedelta(
                            seconds=self._retry_delay(attempts))
                        _log.warning("outbox (%s): event %s (%s) failed (attempt %d of %d): %s",
                                     self.part, row.event_id, row.event_type, attempts,
                                     self.max_attempts, reason)
                    self.row_failures.inc()
                    conn.execute(update(OUTBOX).where(OUTBOX.c.id == row.id).values(**values))
            if published_ids:
                conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(published_ids)).values(
                    published_at=utcnow(), attempts=OUTBOX.c.attempts + 1,
                    next_attempt_at=None))
        if published_ids:
            self.published.inc(len(published_ids))
        if parked:
            self._metrics_due = 0.0  # show the parked gauge at once
        if interrupted is not None:
            raise RelayInterrupted(repr(interrupted)) from interrupted
        return len(published_ids)

    def refresh_metrics(self) -> None:
        with self.engine.connect() as conn:
            oldest, count = conn.execute(
                select(func.min(OUTBOX.c.created_at), func.count())
                .where(OUTBOX.c.published_at.is_(None), OUTBOX.c.parked_at.is_(None))).one()
            parked = conn.execute(select(func.count()).where(
                OUTBOX.c.published_at.is_(None), OUTBOX.c.parked_at.is_not(None))).scalar()
        self.pending.set(count)
        self.parked.set(parked)
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
        connection = self.publisher.connection
        for dlq in self.dead_letter_queues:
            channel = connection.channel()
            try:
                depths[dlq] = channel.queue_declare(dlq, passive=True).message_count
            except connection.channel_errors:  # 404: not declared yet
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
                # Woken at once by a local commit (kit.events.outbox), else poll (which also
                # picks up rows whose retry delay has passed).
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
                                                  DEFAULT_DEAD_LETTER_INTERVAL)),
            max_attempts=int(config.get(MAX_ATTEMPTS_KEY, DEFAULT_MAX_ATTEMPTS)),
            retry_delay=float(config.get(RETRY_DELAY_KEY, DEFAULT_RETRY_DELAY)),
            retry_delay_max=float(config.get(RETRY_DELAY_MAX_KEY, DEFAULT_RETRY_DELAY_MAX)))

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
