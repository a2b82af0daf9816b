"""Finance settings (kit.settings: defaults here, then EDUCRM_CONFIG YAML, then the
environment, `EDUCRM_FINANCE_<FIELD>` before `EDUCRM_<FIELD>`)."""
from __future__ import annotations

import dataclasses

from kit import settings as kit_settings

SERVICE = "finance"


@dataclasses.dataclass(frozen=True)
class FinanceSettings:
    env: str = "development"
    database_url: str = dataclasses.field(default_factory=lambda: kit_settings.sqlite_url(SERVICE))
    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50054
    metrics_port: int = 9104
    worker_metrics_port: int = 9204
    identity_address: str = "127.0.0.1:50051"  # for the access-token verification keys
    # A deduction leaving this many hours or fewer on an enrollment raises balance.low.
    low_balance_hours: int = 2
    # Vouchers (payment / refund proofs): accepted content types and the size limit.
    voucher_max_bytes: int = 5 * 1024 * 1024
    voucher_content_types: tuple[str, ...] = ("image/jpeg", "image/png", "application/pdf")

    @property
    def production(self) -> bool:
        return self.env == "production"


def load(environ=None) -> FinanceSettings:
    return kit_settings.load(FinanceSettings, SERVICE, environ)
