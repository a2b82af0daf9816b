"""The leads gRPC api process: `python -m leads.api` (plain grpcio, never patched).

Leads serves one gRPC service per area (customers.proto's CustomerService, and the services
other areas add). Each area appends its `Servicer` entry to SERVICERS: how to add it to the
server, its full service name, and how to build it from the database and settings.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from kit import grpc_server
from kit.db import Database

from . import area_hooks  # noqa: F401  (the areas' wiring)
from .customers import servicer as customers
from .exchange import servicer as exchange
from .follow_ups import servicer as follow_ups
from .public_pool import servicer as public_pool
from .sales_targets import servicer as sales_targets
from .settings import LeadsSettings, load
from .statistics import servicer as statistics

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Servicer:
    add_to_server: Callable[[Any, Any], None]   # the generated add_XServicer_to_server
    service_name: str                           # e.g. "crm.leads.v1.CustomerService"
    build: Callable[[Database, LeadsSettings], Any]


# One entry per area; an area adds its line here.
SERVICERS: list[Servicer] = [
    Servicer(customers.ADD_TO_SERVER, customers.SERVICE_NAME, customers.CustomerServicer),
    Servicer(public_pool.ADD_POOL_TO_SERVER, public_pool.POOL_SERVICE_NAME,
             public_pool.PublicPoolServicer),
    Servicer(public_pool.ADD_ASSIGNMENT_TO_SERVER, public_pool.ASSIGNMENT_SERVICE_NAME,
             public_pool.AssignmentServicer),
    Servicer(follow_ups.ADD_TO_SERVER, follow_ups.SERVICE_NAME, follow_ups.FollowUpServicer),
    Servicer(exchange.ADD_TO_SERVER, exchange.SERVICE_NAME, exchange.CustomerExchangeServicer),
    Servicer(statistics.ADD_TO_SERVER, statistics.SERVICE_NAME,
             statistics.LeadStatisticsServicer),
    Servicer(sales_targets.ADD_TO_SERVER, sales_targets.SERVICE_NAME,
             sales_targets.SalesTargetServicer),
]


def servicer_adders(db: Database, settings: LeadsSettings) -> list[tuple[Callable, Any]]:
    return [(entry.add_to_server, entry.build(db, settings)) for entry in SERVICERS]


def service_names() -> list[str]:
    return [entry.service_name for entry in SERVICERS]


def build_server(settings: LeadsSettings, db: Database, *, address: str | None = None,
                 **server_kwargs) -> grpc_server.GrpcServer:
    """The api's server, started (tests: `address="127.0.0.1:0"`, a key set, no follower)."""
    return grpc_server.create_server(
        servicer_adders(db, settings), service_names(),
        address or f"{settings.grpc_host}:{settings.grpc_port}", part="leads", **server_kwargs)


def main() -> None:
    import os

    from kit.grpc_client import channel, identity_key_set
    from kit.grpc_tls import load_tls
    from kit.internal_auth import load_internal_token
    from kit.logs import configure_logging
    from kit.revocation_follower import follow_identity

    from . import production

    configure_logging("leads")
    production.enforce("leads-api", os.environ)
    settings = load()
    db = Database(settings.database_url)
    identity = channel(settings.identity_address, tls=load_tls("leads"))
    # Frozen users and revoked sessions are refused here too, not only at the gateway. The
    # internal token is only presented to identity (ListRevocations): leads lists no
    # internal-token method of its own, so its server takes none.
    revocations = follow_identity(part="leads", amqp_uri=settings.amqp_uri, identity=identity,
                                  internal_token=load_internal_token()).start()
    try:
        grpc_server.serve(
            servicer_adders(db, settings), service_names(),
            f"{settings.grpc_host}:{settings.grpc_port}", part="leads",
            metrics_port=settings.metrics_port, key_set=identity_key_set(identity),
            caller_check=revocations.check, on_started=revocations.follower.attach_health)
    finally:
        revocations.stop()
        db.dispose()


if __name__ == "__main__":
    main()
