"""`python -m gateway`: serve the gateway with uvicorn (uvloop + httptools; never eventlet)."""
from __future__ import annotations

import os

import uvicorn
from kit import heap
from kit.logs import configure_logging

from . import production
from .app import create_app
from .settings import load_settings


def main() -> None:
    settings = load_settings()
    # kit's JSON lines (personal data masked) for everything, uvicorn's loggers included.
    configure_logging("gateway", settings.log_level.upper())
    production.enforce(os.environ)
    app = create_app(settings)
    # The app (routes, models, protobuf descriptors) is built and lives as long as the
    # process: out of the collector's generations, and a first generation sized for a
    # server (kit.heap).
    heap.settle_for_serving()
    uvicorn.run(app, host=settings.host, port=settings.port,
                loop="uvloop", http="httptools", lifespan="on", access_log=False,
                log_level=settings.log_level, log_config=None, proxy_headers=True)


if __name__ == "__main__":
    main()
