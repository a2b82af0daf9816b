"""Running a service's nameko worker with the kit's configuration.

A service's `worker.py`:

    import eventlet
    eventlet.monkey_patch()  # first, before anything else is imported

    from kit.events import OutboxRelay, event_consumer, nameko_config, run_worker
    ...
    if __name__ == "__main__":
        run_worker(IdentityWorker, nameko_config(), metrics_port=9201)
"""
from __future__ import annotations

import logging
import signal
import sys
from typing import Any

from kit.settings import BusSettings, load

_log = logging.getLogger(__name__)


def nameko_config(settings: BusSettings | None = None, service: str | None = None,
                  **overrides: Any) -> dict[str, Any]:
    """nameko's config dict built from the bus settings (EDUCRM_AMQP_URI, ...)."""
    settings = settings or load(BusSettings, service)
    config = {
        "AMQP_URI": settings.amqp_uri,
        "serializer": "json",
        "PREFETCH_COUNT": settings.prefetch_count,
        # Short heartbeat: a dead broker connection is noticed (and re-established) fast.
        "HEARTBEAT": 15,
        "max_workers": max(10, settings.prefetch_count),
        "EDUCRM_DELIVERY_LIMIT": settings.delivery_limit,
        "EDUCRM_RETRY_BACKOFF": settings.retry_backoff_seconds,
        "EDUCRM_RETRY_BACKOFF_MAX": settings.retry_backoff_max_seconds,
        "EDUCRM_OUTBOX_POLL_INTERVAL": settings.outbox_poll_interval_seconds,
        "EDUCRM_OUTBOX_MAX_ATTEMPTS": settings.outbox_max_attempts,
        "EDUCRM_OUTBOX_RETRY_DELAY": settings.outbox_retry_delay_seconds,
        "EDUCRM_OUTBOX_RETRY_DELAY_MAX": settings.outbox_retry_delay_max_seconds,
        "EDUCRM_BUS_RETENTION": settings.bus_retention_seconds,
        "EDUCRM_BUS_PURGE_INTERVAL": settings.bus_purge_interval_seconds,
        "EDUCRM_DEAD_LETTER_POLL_INTERVAL": settings.dead_letter_poll_interval_seconds,
        "EDUCRM_CONSUMER_STOP_TIMEOUT": settings.consumer_stop_timeout_seconds,
    }
    config.update(overrides)
    return config


def run_worker(service_cls: type, config: dict[str, Any], *, metrics_port: int | None = None,
               metrics_address: str = "127.0.0.1") -> None:
    """Run one nameko service until SIGTERM/SIGINT (graceful stop, exit 0).

    If a container dies (an extension crashed) the process exits 1 so the supervisor
    (Kubernetes, honcho) restarts it: a half-alive worker is worse than a restart.
    """
    import eventlet

    eventlet.monkey_patch()  # idempotent; the entry module should already have done it
    import nameko
    from nameko.runners import ServiceRunner

    nameko.config.setup(config)
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=metrics_address)
    runner = ServiceRunner()
    runner.add_service(service_cls)

    def shutdown(signum, _frame) -> None:
        # Signal handlers run in the main loop and can't use eventlet primitives directly.
        _log.info("signal %s: stopping %s", signum, service_cls.__name__)
        eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    waiter = eventlet.spawn(runner.wait)
    try:
        while True:
            try:
                waiter.wait()
                break
            except OSError as exc:  # EINTR when a signal lands during a hub wait
                if exc.errno != 4:
                    raise
    except Exception:  # noqa: BLE001 - a container died: let the supervisor restart us
        _log.exception("worker %s died", service_cls.__name__)
        try:
            runner.kill()
        finally:
            sys.exit(1)
