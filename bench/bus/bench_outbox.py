# ruff: noqa: S603 - a benchmark starting its own local processes
"""Event bus benchmark: events/s from one service's outbox to another service's inbox, beside
raw pika publishing the same messages with publisher confirms, in the same run.

    python bench/bus/bench_outbox.py [--events 20000] [--rounds 2]

What runs (all local; PostgreSQL databases and a RabbitMQ vhost of its own, dropped after):
- `benchsrc`: a nameko worker running the kit's outbox relay (kit.events.relay: batches,
  mandatory, confirms awaited per batch) on its own PostgreSQL database;
- `benchdst`: a nameko worker with a kit batch event consumer (`event_consumer(...,
  batch=True)`: quorum queue declared as `educrm-bus declare` does, settings from BusSettings;
  every delivery received so far in one handler call) that claims the events in its inbox and
  writes one row per event, one transaction per call, on another PostgreSQL database;
- the bench commits N events to benchsrc's outbox in one transaction (distinct aggregates)
  and times (a) until the relay has marked all of them published (outbox -> broker, confirmed)
  and (b) until benchdst's inbox holds all of them (outbox -> inbox, end to end);
- the peers: raw pika sending the same N bodies, persistent, mandatory, to a quorum queue of
  the same kind: (1) BlockingConnection with confirm_delivery, one confirm awaited per message;
  (2) SelectConnection publishing a batch of the relay's size back to back and then awaiting
  its confirms together (the fair peer of the relay's batch confirms).
The machine's 2 cores are shared with PostgreSQL, RabbitMQ and other work: compare the lines
of one run, not runs with each other.
"""
from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pika
from kit import testing
from kit.db import Database
from kit.events import add_event
from kit.events.outbox import OUTBOX
from kit.events.topology import build_topology, declare
from sqlalchemy import func, select

HERE = Path(__file__).resolve().parent
RELAY_BATCH = 100  # kit.events.relay's default batch size
sys.path.insert(0, str(HERE))

import bus_bench_services as services  # noqa: E402


def count_unsent(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(OUTBOX)
                        .where(OUTBOX.c.published_at.is_(None)))


def count_applied(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(services.AppliedItem))


def start(role: str, database_url: str, amqp_uri: str) -> subprocess.Popen:
    env = {**os.environ, "BENCH_DATABASE_URL": database_url, "EDUCRM_AMQP_URI": amqp_uri,
           "EDUCRM_LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, str(HERE / "bus_bench_services.py"), role],
                            env=env)


def outbox_to_inbox(src: Database, dst: Database, events: int) -> tuple[float, float]:
    """Commit `events` rows to the outbox at once; seconds until all published, all applied."""
    applied_before = count_applied(dst)
    with src.session() as s:
        for n in range(events):
            add_event(s, services.ITEM_MADE, f"item-{uuid.uuid4().hex[:12]}", {"n": n})
        committed = time.perf_counter()
    published = applied = None
    deadline = committed + 600
    while applied is None and time.perf_counter() < deadline:
        if published is None and count_unsent(src) == 0:
            published = time.perf_counter() - committed
        if count_applied(dst) >= applied_before + events:
            applied = time.perf_counter() - committed
        time.sleep(0.02)
    if applied is None:
        raise SystemExit("the events did not all arrive within 600 s")
    return published or applied, applied


def raw_pika(amqp_uri: str, bodies: list[bytes]) -> float:
    """Seconds for raw pika to publish `bodies` persistently with one confirm per message."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.exchange_declare("bench.raw", "topic", durable=True)
    channel.queue_declare("bench.raw", durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind("bench.raw", "bench.raw", "#")
    channel.confirm_delivery()
    properties = pika.BasicProperties(delivery_mode=2,
                                      content_type="application/cloudevents+json")
    started = time.perf_counter()
    for body in bodies:
        channel.basic_publish("bench.raw", services.ITEM_MADE, body, properties,
                              mandatory=True)
    elapsed = time.perf_counter() - started
    channel.queue_purge("bench.raw")
    connection.close()
    return elapsed


def raw_pika_batches(amqp_uri: str, bodies: list[bytes], batch: int) -> float:
    """Seconds for raw pika to publish `bodies` persistently, `batch` at a time back to back,
    awaiting each batch's confirms together before the next."""
    properties = pika.BasicProperties(delivery_mode=2,
                                      content_type="application/cloudevents+json")
    state = {"next": 0, "unconfirmed": 0, "tag": 0, "started": 0.0, "elapsed": 0.0}

    def publish_batch(channel) -> None:
        if state["next"] >= len(bodies):
            state["elapsed"] = time.perf_counter() - state["started"]
            channel.queue_purge("bench.raw", callback=lambda _: channel.connection.close())
            return
        chunk = bodies[state["next"]:state["next"] + batch]
        state["next"] += len(chunk)
        state["unconfirmed"] = len(chunk)
        for body in chunk:
            channel.basic_publish("bench.raw", services.ITEM_MADE, body, properties,
                                  mandatory=True)

    def on_confirm(channel, frame) -> None:
        if not isinstance(frame.method, pika.spec.Basic.Ack):
            raise SystemExit("raw pika: a publish was nacked")
        tag = frame.method.delivery_tag
        confirmed = tag - state["tag"] if frame.method.multiple else 1
        state["tag"] = max(state["tag"], tag)
        state["unconfirmed"] -= confirmed
        if state["unconfirmed"] <= 0:
            publish_batch(channel)

    def on_channel(channel) -> None:
        def on_queue(_frame) -> None:
            channel.confirm_delivery(functools.partial(on_confirm, channel))
            state["started"] = time.perf_counter()
            publish_batch(channel)

        channel.exchange_declare("bench.raw", "topic", durable=True, callback=lambda _: (
            channel.queue_declare("bench.raw", durable=True,
                                  arguments={"x-queue-type": "quorum"}, callback=lambda _: (
                channel.queue_bind("bench.raw", "bench.raw", "#", callback=on_queue)))))

    connection = pika.SelectConnection(
        pika.URLParameters(amqp_uri),
        on_open_callback=lambda c: c.channel(on_open_callback=on_channel),
        on_close_callback=lambda c, _reason: c.ioloop.stop())
    connection.ioloop.start()
    return state["elapsed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    n = options.events
    with (testing.postgres_database("educrm_bench") as src_url,
          testing.postgres_database("educrm_bench") as dst_url,
          testing.amqp_vhost("educrm_bench") as amqp_uri):
        src, dst = Database(src_url), Database(dst_url)
        services.Base.metadata.create_all(src.engine)
        services.Base.metadata.create_all(dst.engine)
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        declare(connection, build_topology(services.catalogue.REGISTRY, 5))  # as educrm-bus
        connection.close()
        workers = [start("consumer", dst_url, amqp_uri), start("producer", src_url, amqp_uri)]
        try:
            # Warm up: both workers up, queue consumed.
            outbox_to_inbox(src, dst, 200)
            with src.session() as s:
                bodies = [row.encode() for row in s.scalars(
                    select(OUTBOX.c.payload).limit(1))] * n
            print(f"event bus bench: {n} events per round, {os.cpu_count()} CPUs (shared), "
                  "PostgreSQL, RabbitMQ quorum queues, persistent messages", flush=True)
            row = "{:<62} {:>10} {:>9}"
            print(row.format("path", "events/s", "seconds"), flush=True)
            print("-" * 83, flush=True)
            for _ in range(options.rounds):
                published, applied = outbox_to_inbox(src, dst, n)
                print(row.format("kit relay: outbox -> broker (batch confirms, mandatory)",
                                 f"{n / published:.0f}", f"{published:.2f}"), flush=True)
                print(row.format("kit relay + consumer: outbox -> other service's inbox",
                                 f"{n / applied:.0f}", f"{applied:.2f}"), flush=True)
                elapsed = raw_pika(amqp_uri, bodies)
                print(row.format("raw pika: publish + confirm each message (peer)",
                                 f"{n / elapsed:.0f}", f"{elapsed:.2f}"), flush=True)
                elapsed = raw_pika_batches(amqp_uri, bodies, RELAY_BATCH)
                print(row.format(f"raw pika: {RELAY_BATCH} published, then their confirms (peer)",
                                 f"{n / elapsed:.0f}", f"{elapsed:.2f}"), flush=True)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(30)
                except subprocess.TimeoutExpired:
                    worker.kill()
            src.dispose()
            dst.dispose()


if __name__ == "__main__":
    main()
