"""Identity's nameko worker: `python -m identity.worker`.

Stores the gateway's audit records (through the inbox: once per event) and relays identity's
outbox to RabbitMQ. Eventlet patching comes first, before anything else is imported.
"""
from kit.eventlet_patching import patch_once

patch_once()

import os  # noqa: E402

from kit.events import Envelope, OutboxRelay, event_consumer, nameko_config, run_worker  # noqa: E402
from kit.logs import configure_logging  # noqa: E402
from kit.nameko_database import DatabaseProvider  # noqa: E402

from . import production  # noqa: E402
from .audit_consumer import AUDIT_RECORDED, apply_gateway_audit_batch  # noqa: E402
from .settings import load_settings  # noqa: E402


def _database_url() -> str:
    return load_settings().database_url


class IdentityWorker:
    name = "identity"

    db = DatabaseProvider(_database_url)
    relay = OutboxRelay(_database_url)

    @event_consumer(AUDIT_RECORDED, batch=True)
    def record_audit_event(self, events: list[Envelope]) -> None:
        """One delivery (a batch of the gateway's records) in one transaction."""
        apply_gateway_audit_batch(self.db, events)


def main() -> None:
    configure_logging("identity_worker")
    production.enforce("identity-worker", os.environ)
    settings = load_settings()
    run_worker(IdentityWorker, nameko_config(service="identity"),
               metrics_port=settings.worker_metrics_port)


if __name__ == "__main__":
    main()
