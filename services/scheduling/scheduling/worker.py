"""Scheduling's nameko worker: `python -m scheduling.worker`.

- places students of confirmed enrollments (kit quorum-queue consumer + inbox);
- emits class-start reminders from a timer (once per session and offset);
- relays scheduling's outbox to RabbitMQ.
Eventlet patching comes first, before anything else is imported. Solving never runs here:
CPU-bound work would starve the eventlet hub (it runs in the api process).
"""
import eventlet

# A second patch (e.g. under the test session, already patched) walks every live lock and
# can trip over native objects (numba's) loaded in between: patch once.
if not eventlet.patcher.is_monkey_patched("thread"):
    eventlet.monkey_patch()

from kit.db import Database  # noqa: E402
from kit.events import Envelope, OutboxRelay, event_consumer, nameko_config, run_worker  # noqa: E402
from kit.logs import configure_logging  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402
from nameko.timer import timer  # noqa: E402

from . import enrollment_handlers, events  # noqa: E402
from .reminder_dispatch import dispatch_due_reminders  # noqa: E402
from .settings import load  # noqa: E402

# nameko fixes a timer's interval when the class is defined, so it is read at import
REMINDER_INTERVAL_SECONDS = load().reminder_interval_seconds


class DatabaseProvider(DependencyProvider):
    """One kit.db.Database per container (psycopg2 is cooperative under eventlet)."""

    def __init__(self, url_factory) -> None:
        self.url_factory = url_factory
        self.db: Database | None = None

    def setup(self) -> None:
        self.db = Database(self.url_factory())

    def stop(self) -> None:
        if self.db is not None:
            self.db.dispose()

    def get_dependency(self, worker_ctx) -> Database:
        return self.db


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

    @timer(interval=REMINDER_INTERVAL_SECONDS)
    def send_reminders(self) -> None:
        dispatch_due_reminders(self.db, offsets=self.settings.reminder_offsets)


def main() -> None:
    configure_logging("scheduling_worker")
    settings = load()
    run_worker(SchedulingWorker, nameko_config(service="scheduling"),
               metrics_port=settings.worker_metrics_port)


if __name__ == "__main__":
    main()
