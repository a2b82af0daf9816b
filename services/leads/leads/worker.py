"""Leads' nameko worker: `python -m leads.worker`.

- keeps the staff read model from identity's user.created events;
- hands a leaver's work over on identity's user.left (leads.handover: every area's steps);
- sweeps the public pool on a timer (public_pool.sweep: returns and warnings);
- writes each due follow-up plan's event once (a timer: follow_ups.due);
- relays leads' outbox to RabbitMQ.
Eventlet patching comes first, before anything else is imported.
"""
from kit.eventlet_patching import patch_once

patch_once()

import os  # noqa: E402

from kit.events import Envelope, OutboxRelay, event_consumer, nameko_config, run_worker  # noqa: E402
from kit.logs import configure_logging  # noqa: E402
from kit.nameko_database import DatabaseProvider  # noqa: E402
from kit.nameko_timer import SettingsTimer  # noqa: E402

from . import area_hooks, handover, production  # noqa: E402, F401  (area_hooks: wiring)
from .customers import events  # noqa: E402
from .customers import handover as customers_handover  # noqa: E402, F401  (its step)
from .follow_ups import due as plans_due  # noqa: E402
from .follow_ups import handover as follow_ups_handover  # noqa: E402, F401  (its step)
from .public_pool import sweep as pool_sweep  # noqa: E402
from .sales_targets import handover as sales_targets_handover  # noqa: E402, F401  (its step)
from .settings import load  # noqa: E402


def _database_url() -> str:
    return load().database_url


class LeadsWorker:
    name = "leads"

    db = DatabaseProvider(_database_url)
    relay = OutboxRelay(_database_url)

    @event_consumer(events.USER_CREATED)
    def record_staff_member(self, event: Envelope) -> None:
        handover.record_staff_member(self.db, event)

    @event_consumer(events.USER_LEFT)
    def hand_over(self, event: Envelope) -> None:
        handover.hand_over(self.db, event)

    @SettingsTimer.decorator(load, "pool_sweep_interval_seconds")
    def sweep_public_pool(self) -> None:
        pool_sweep.sweep(self.db, load())

    @SettingsTimer.decorator(load, "plan_due_sweep_seconds")
    def notify_due_plans(self) -> None:
        plans_due.sweep(self.db)


def main() -> None:
    configure_logging("leads_worker")
    production.enforce("leads-worker", os.environ)
    settings = load()
    run_worker(LeadsWorker, nameko_config(service="leads"),
               metrics_port=settings.worker_metrics_port)


if __name__ == "__main__":
    main()
