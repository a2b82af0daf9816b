"""Leads settings (kit.settings: defaults here, then EDUCRM_CONFIG YAML, then the environment,
`EDUCRM_LEADS_<FIELD>` before `EDUCRM_<FIELD>`)."""
from __future__ import annotations

import dataclasses

from kit import settings as kit_settings

SERVICE = "leads"


@dataclasses.dataclass(frozen=True)
class LeadsSettings:
    env: str = "development"
    database_url: str = dataclasses.field(default_factory=lambda: kit_settings.sqlite_url(SERVICE))
    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50052
    metrics_port: int = 9102
    worker_metrics_port: int = 9202
    identity_address: str = "127.0.0.1:50051"  # for the access-token verification keys

    # Ownership claims (报备): how long an approved claim protects its owner, and what a
    # second claim on a protected customer does: "queue" (a manager arbitrates) or "refuse".
    protection_days: int = 30
    collision_policy: str = "queue"
    # Channel versus direct: "first_wins" (the holder keeps it, the rule above applies) or
    # "channel_wins" (a claim through a channel takes a customer held directly at once).
    channel_rule: str = "first_wins"
    # Roles that see phones and ID numbers in full on any customer in their scope; everyone
    # else sees them masked, except on the customers they own themselves.
    unmasked_roles: tuple[str, ...] = ("admin", "general_manager", "customer_service")
    # Roles that arbitrate claims (within their data scope).
    arbiter_roles: tuple[str, ...] = ("admin", "general_manager", "director",
                                      "department_manager")
    # Public pool (公海): the worker's sweep timer and batch size, who administers the pool
    # policy and the assignment rules, and the policy used until an admin saves one.
    pool_sweep_interval_seconds: float = 300.0
    pool_sweep_batch_size: int = 200
    pool_admin_roles: tuple[str, ...] = ("admin", "general_manager")
    pool_follow_up_days: int = 30
    pool_deal_days: int = 90
    pool_warning_days: int = 3
    # Follow-ups: the days of the to-do list and plan statistics are this zone's; the worker
    # looks for due plans this often.
    follow_up_time_zone: str = "Asia/Shanghai"
    plan_due_sweep_seconds: float = 30.0
    # Excel exchange (leads.exchange): the largest upload, the most rows an import or an
    # export takes (an export matching more is refused: narrow the filters).
    import_max_bytes: int = 2 * 1024 * 1024
    import_max_rows: int = 5000
    export_max_rows: int = 10000

    @property
    def production(self) -> bool:
        return self.env == "production"


def load(environ=None) -> LeadsSettings:
    return kit_settings.load(LeadsSettings, SERVICE, environ)
