"""Scheduling's nameko worker: `python -m scheduling.worker`.

- places students of confirmed enrollments (kit quorum-queue consumer + inbox);
- emits class-start reminders from a timer (once per session and offset);
- relays scheduling's outbox to RabbitMQ.
Eventlet patching comes first, before anything else is imported. Solving never runs here:
CPU-bound work would starve the eventlet hub (it runs in the api process).
"""
from kit.eventlet_patching import patch_once

patch_once()

import os  # noqa: E402

from kit.events import Envelope, OutboxRelay, event_consumer, nameko_config, run_worker  # noqa: E402
from kit.logs import configure_logging  # noqa: E402
from kit.nameko_database import DatabaseProvider  # noqa: E402
from kit.nameko_timer import SettingsTimer  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402

from . import enrollment_handlers, events, production  # noqa: E402
from .reminder_dispatch import dispatch_due_reminders  # noqa: E402
from .settings import load  # noqa: E402


class SettingsProvider(DependencyProvider):
    def setup(self) -> None:
        self.settings = load()

    def get_dependency(self, worker_ctx):
        return self.settings


def _database_url() -> str:
    return load().database_url


class SchedulingWorker:
    name = "scheduling"

    db = DatabaseProvider(_database_url)
    settings = SettingsProvider()
    relay = OutboxRelay(_database_url)

    @event_consumer(events.ENROLLMENT_CONFIRMED)
    def place_student(self, event: Envelope) -> None:
        enrollment_handlers.on_enrollment_confirmed(self.db, event)

    @SettingsTimer.decorator(load, "reminder_interval_seconds")
    def send_reminders(self) -> None:
        dispatch_due_reminders(self.db, offsets=self.settings.reminder_offsets)


def main() -> None:
    configure_logging("scheduling_worker")
    production.enforce("scheduling-worker", os.environ)
    settings = load()
    run_worker(SchedulingWorker, nameko_config(service="scheduling"),
               metrics_port=settings.worker_metrics_port)


if __name__ == "__main__":
    main()
