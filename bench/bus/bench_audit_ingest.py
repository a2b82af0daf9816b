# ruff: noqa: S603 - a benchmark starting its own local processes
"""Audit ingestion benchmark: records/s the identity worker stores on PostgreSQL, beside the
records/s the gateway's audit path produces, in the same run.

    python bench/bus/bench_audit_ingest.py [--records 30000] [--concurrency 64]

What runs (a PostgreSQL database and a RabbitMQ vhost of its own, dropped after):
- the gateway's side: the gateway's own AuditPublisher (gateway.audit: group commit into
  CloudEvents batched messages, persistent, mandatory, confirmed) driven by `--concurrency`
  concurrent "requests" that each publish one record per call and wait for its confirm, as
  the gateway's middleware does; it runs while identity's worker is stopped, so this is the
  rate the gateway's audit path can sustain and the backlog identity then has to drain;
- identity's side: `python -m identity.worker` (the real process, `educrm-migrate identity`
  schema, `educrm-bus declare` topology) drains that backlog through the kit's batch consumer:
  every delivery already received (up to EDUCRM_CONSUMER_BATCH_MAX_EVENTS records) in one
  handler call and one transaction: one inbox claim and one INSERT, each a single statement
  with the rows as one jsonb parameter (kit.bulk_insert). Its rate is the slope of stored rows
  from 10 % to 100 % of the backlog (start-up excluded).
- the peer: the real gateway's rate. `make bench` runs bench/gateway/bench_gateway.py first,
  which writes its median `/v1/me` requests/s (one audit record per read) to
  var/bench/gateway.json; that rate, from the same `make bench`, is what identity must
  sustain. Run alone, pass `--gateway-rps` or run the gateway bench first.
For reference, issue 6 measured one gateway at 4,700 req/s (one audit record each) while
identity stored about 1,500 records/s. 2 shared cores: compare the lines of one run.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pika
from gateway.audit import AuditPublisher, audit_record
from identity.models import AuditEvent
from kit import testing
from kit.db import Database
from kit.events.catalogue import REGISTRY
from kit.events.topology import build_topology, declare
from kit.migrate import upgrade
from sqlalchemy import func, select

GATEWAY_RESULTS = Path(__file__).resolve().parents[2] / "var" / "bench" / "gateway.json"


async def publish_records(amqp_uri: str, records: int, concurrency: int) -> tuple[float, int]:
    """Publish `records` audit records from `concurrency` concurrent callers; returns
    (seconds, messages used)."""
    publisher = AuditPublisher(amqp_uri)
    await publisher.start()
    remaining = [records]

    async def request() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            await publisher.publish([audit_record(
                action="customer.read", method="GET", path="/v1/customers/c-42",
                outcome="allowed", status_code=200, correlation_id=os.urandom(8).hex(),
                client_address="10.0.0.7", user_agent="bench", actor_user_id="u-1",
                actor_username="bench", target_type="customer", target_id="c-42",
                detail={"rows": 1})])

    started = time.perf_counter()
    await asyncio.gather(*(request() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await publisher.close()
    return elapsed, publisher.messages_published


def stored(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.source == "gateway"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=30000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--gateway-rps", type=float, default=None,
                        help="the gateway's requests/s to compare with (default: the rate "
                             "bench_gateway.py wrote in the last hour)")
    options = parser.parse_args()
    gateway_rps, gateway_source = options.gateway_rps, "--gateway-rps"
    if gateway_rps is None and GATEWAY_RESULTS.exists():
        measured = json.loads(GATEWAY_RESULTS.read_text())
        if time.time() - measured["measured_at"] < 3600:
            gateway_rps = measured["me_rps"]
            gateway_source = "bench_gateway.py, this make bench run"
    n = options.records
    with (testing.postgres_database("educrm_bench") as url,
          testing.amqp_vhost("educrm_bench") as amqp_uri):
        upgrade("identity", url)
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        declare(connection, build_topology(REGISTRY, 5))  # as `educrm-bus declare`
        connection.close()
        db = Database(url)
        publish_seconds, messages = asyncio.run(
            publish_records(amqp_uri, n, options.concurrency))
        env = {**os.environ, "EDUCRM_AMQP_URI": amqp_uri, "EDUCRM_IDENTITY_DATABASE_URL": url,
               "EDUCRM_IDENTITY_WORKER_METRICS_PORT": "0", "EDUCRM_LOG_LEVEL": "WARNING"}
        env.pop("EDUCRM_TEST_EVENTLET", None)
        worker = subprocess.Popen([sys.executable, "-m", "identity.worker"], env=env)
        try:
            deadline = time.monotonic() + 900
            first = last = None
            while time.monotonic() < deadline:
                count = stored(db)
                now = time.perf_counter()
                if first is None and count >= n // 10:
                    first = (now, count)
                if count >= n:
                    last = (now, count)
                    break
                time.sleep(0.05)
            if first is None or last is None:
                raise SystemExit("identity did not store the backlog within 900 s")
            ingest = (last[1] - first[1]) / max(last[0] - first[0], 1e-9)
        finally:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
            db.dispose()
    row = "{:<70} {:>10}"
    print(f"audit ingestion bench: {n} records, {os.cpu_count()} CPUs (shared), PostgreSQL, "
          "RabbitMQ quorum queue", flush=True)
    print(row.format("path", "records/s"), flush=True)
    print("-" * 81, flush=True)
    print(row.format(f"gateway audit path: AuditPublisher, {options.concurrency} concurrent "
                     f"requests ({n / messages:.0f}/msg)", f"{n / publish_seconds:.0f}"),
          flush=True)
    print(row.format("identity worker: stored on PostgreSQL (kit batch consumer)",
                     f"{ingest:.0f}"), flush=True)
    if gateway_rps:
        print(row.format(f"gateway serving GET /v1/me ({gateway_source})",
                         f"{gateway_rps:.0f}"), flush=True)
        print(f"identity keeps up with the gateway: {'yes' if ingest >= gateway_rps else 'NO'} "
              f"({ingest / gateway_rps:.2f}x the records one gateway produces)", flush=True)
    else:
        print("no gateway rate measured in this run (run bench/gateway/bench_gateway.py first "
              "or pass --gateway-rps)", flush=True)
    print(f"identity beside the audit publisher's ceiling (no HTTP, no auth): "
          f"{ingest / (n / publish_seconds):.2f}x", flush=True)


if __name__ == "__main__":
    main()
