"""`python -m busdemo.worker`: the demo worker (outbox relay + an inbox-guarded consumer)."""
from kit.eventlet_patching import patch_once

patch_once()

import os  # noqa: E402

import eventlet  # noqa: E402
from kit.db import Database  # noqa: E402
from kit.events import (  # noqa: E402
    Envelope,
    OutboxRelay,
    claim_event,
    event_consumer,
    nameko_config,
    run_worker,
)
from nameko.extensions import DependencyProvider  # noqa: E402

from busdemo import catalogue  # noqa: E402
from busdemo.models import AppliedWidget  # noqa: E402


def database_url() -> str:
    return os.environ["BUSDEMO_DATABASE_URL"]


class DatabaseProvider(DependencyProvider):
    """Small DB dependency (nameko-sqlalchemy breaks on SQLAlchemy 2)."""

    def setup(self):
        self.database = Database(database_url())

    def stop(self):
        self.database.dispose()

    def get_dependency(self, worker_ctx):
        return self.database


class BusDemo:
    name = "busdemo"

    db = DatabaseProvider()
    relay = OutboxRelay(database_url)

    @event_consumer(catalogue.WIDGET_MADE)
    def apply_widget(self, event: Envelope) -> None:
        delay = float(os.environ.get("BUSDEMO_HANDLER_DELAY", "0"))
        with self.db.session() as session:
            if not claim_event(session, event):
                return
            session.add(AppliedWidget(event_id=event.id, n=event.data["n"]))
            if delay:
                eventlet.sleep(delay)  # widen the window for a SIGKILL mid-handling


if __name__ == "__main__":
    run_worker(BusDemo, nameko_config(EDUCRM_RETRY_BACKOFF=0.1, EDUCRM_RETRY_BACKOFF_MAX=1.0),
               metrics_port=int(os.environ.get("BUSDEMO_METRICS_PORT", "0")) or None)
