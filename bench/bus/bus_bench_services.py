"""Two tiny services for bench_outbox.py, wired exactly as real services wire the kit:
`benchsrc` (an outbox and the kit's relay in its nameko worker) and `benchdst` (an
inbox-guarded batch consumer in its nameko worker: `event_consumer(..., batch=True)`, one
inbox claim and one INSERT per handler call, as identity stores audit records), each with its
own PostgreSQL database.

    python bench/bus/bus_bench_services.py producer|consumer   (env: BENCH_DATABASE_URL,
                                                                EDUCRM_AMQP_URI)
"""
from kit.eventlet_patching import patch_once

patch_once()

import os  # noqa: E402
import sys  # noqa: E402

from kit.db import Database, make_base  # noqa: E402
from kit.events import (  # noqa: E402
    Envelope,
    OutboxRelay,
    catalogue,
    claim_events,
    event_consumer,
    inbox_table,
    nameko_config,
    outbox_table,
    run_worker,
)
from nameko.extensions import DependencyProvider  # noqa: E402
from sqlalchemy import Column, Integer, String, insert  # noqa: E402

ITEM_MADE = "crm.benchsrc.item.made.v1"
catalogue.register(catalogue.EventType(
    type=ITEM_MADE, description="Bench-only: an item was made.",
    schema=catalogue.object_schema("ItemMade", {"n": {"type": "integer"}}, ["n"]),
    example={"n": 1}))
catalogue.subscribe("benchdst", "apply_item", ITEM_MADE)

Base = make_base()
outbox_table(Base.metadata)
inbox_table(Base.metadata)


class AppliedItem(Base):
    __tablename__ = "applied_items"
    id = Column(Integer, primary_key=True)
    event_id = Column(String(64), nullable=False)
    n = Column(Integer, nullable=False)


def database_url() -> str:
    return os.environ["BENCH_DATABASE_URL"]


class DatabaseProvider(DependencyProvider):
    def setup(self):
        self.database = Database(database_url())

    def stop(self):
        self.database.dispose()

    def get_dependency(self, worker_ctx):
        return self.database


class BenchSource:
    name = "benchsrc"
    relay = OutboxRelay(database_url)


class BenchDestination:
    name = "benchdst"
    db = DatabaseProvider()

    @event_consumer(ITEM_MADE, batch=True)
    def apply_item(self, events: list[Envelope]) -> None:
        with self.db.session() as session:
            fresh = claim_events(session, events)
            rows = [{"event_id": e.id, "n": e.data["n"]} for e in events if e.id in fresh]
            if rows:
                session.execute(insert(AppliedItem), rows)


if __name__ == "__main__":
    service = {"producer": BenchSource, "consumer": BenchDestination}[sys.argv[1]]
    run_worker(service, nameko_config())
