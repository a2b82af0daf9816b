"""Finance's nameko worker: `python -m finance.worker`.

- keeps the orders read model (order.placed / order.cancelled);
- credits lesson hours on enrollment.confirmed, deducts them on attendance.recorded;
- relays finance's outbox to RabbitMQ.
Eventlet patching comes first, before anything else is imported.
"""
from kit.eventlet_patching import patch_once

patch_once()

import os  # noqa: E402

from kit.events import Envelope, OutboxRelay, event_consumer, nameko_config, run_worker  # noqa: E402
from kit.logs import configure_logging  # noqa: E402
from kit.nameko_database import DatabaseProvider  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402

from . import enrollment_handlers, events, production  # noqa: E402
from .settings import load  # noqa: E402


class SettingsProvider(DependencyProvider):
    def setup(self) -> None:
        self.settings = load()

    def get_dependency(self, worker_ctx):
        return self.settings


def _database_url() -> str:
    return load().database_url


class FinanceWorker:
    name = "finance"

    db = DatabaseProvider(_database_url)
    settings = SettingsProvider()
    relay = OutboxRelay(_database_url)

    @event_consumer(events.ORDER_PLACED)
    def on_order_placed(self, event: Envelope) -> None:
        enrollment_handlers.on_order_placed(self.db, event)

    @event_consumer(events.ORDER_CANCELLED)
    def on_order_cancelled(self, event: Envelope) -> None:
        enrollment_handlers.on_order_cancelled(self.db, event)

    @event_consumer(events.ENROLLMENT_CONFIRMED)
    def on_enrollment_confirmed(self, event: Envelope) -> None:
        enrollment_handlers.on_enrollment_confirmed(self.db, event)

    @event_consumer(events.ATTENDANCE_RECORDED)
    def on_attendance_recorded(self, event: Envelope) -> None:
        enrollment_handlers.on_attendance_recorded(
            self.db, event, low_balance_hours=self.settings.low_balance_hours)


def main() -> None:
    configure_logging("finance_worker")
    production.enforce("finance-worker", os.environ)
    settings = load()
    run_worker(FinanceWorker, nameko_config(service="finance"),
               metrics_port=settings.worker_metrics_port)


if __name__ == "__main__":
    main()
