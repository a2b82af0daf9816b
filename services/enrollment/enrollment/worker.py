"""Enrollment's nameko worker: `python -m enrollment.worker`.

- confirms enrollments when finance reports an order paid in full (kit quorum-queue
  consumer + inbox: once per event);
- relays enrollment's outbox to RabbitMQ.
Eventlet patching comes first, before anything else is imported.
"""
from kit.eventlet_patching import patch_once

patch_once()

import os  # noqa: E402

from kit.events import Envelope, OutboxRelay, event_consumer, nameko_config, run_worker  # noqa: E402
from kit.logs import configure_logging  # noqa: E402
from kit.nameko_database import DatabaseProvider  # noqa: E402

from . import events, payment_handlers, production  # noqa: E402
from .settings import load  # noqa: E402


def _database_url() -> str:
    return load().database_url


class EnrollmentWorker:
    name = "enrollment"

    db = DatabaseProvider(_database_url)
    relay = OutboxRelay(_database_url)

    @event_consumer(events.ORDER_PAID_IN_FULL)
    def confirm_paid_order(self, event: Envelope) -> None:
        payment_handlers.on_order_paid_in_full(self.db, event)


def main() -> None:
    configure_logging("enrollment_worker")
    production.enforce("enrollment-worker", os.environ)
    settings = load()
    run_worker(EnrollmentWorker, nameko_config(service="enrollment"),
               metrics_port=settings.worker_metrics_port)


if __name__ == "__main__":
    main()
