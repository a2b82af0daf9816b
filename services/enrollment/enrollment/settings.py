"""Enrollment settings (kit.settings: defaults here, then EDUCRM_CONFIG YAML, then the
environment, `EDUCRM_ENROLLMENT_<FIELD>` before `EDUCRM_<FIELD>`)."""
from __future__ import annotations

import dataclasses

from kit import settings as kit_settings

SERVICE = "enrollment"
DEVELOPMENT_DIGEST_KEY = "educrm-development-id-card-digest-key"


@dataclasses.dataclass(frozen=True)
class EnrollmentSettings:
    env: str = "development"
    database_url: str = dataclasses.field(default_factory=lambda: kit_settings.sqlite_url(SERVICE))
    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 50053
    metrics_port: int = 9103
    worker_metrics_port: int = 9203
    identity_address: str = "127.0.0.1:50051"  # for the access-token verification keys
    # Who manages the catalogue (courses, terms, classes) of the campuses in their scope.
    catalogue_roles: tuple[str, ...] = ("admin", "general_manager", "director",
                                        "department_manager")
    # Who sells (places orders): the seller is the caller.
    seller_roles: tuple[str, ...] = ("admin", "general_manager", "director",
                                     "department_manager", "sales")
    # Who decides a discount beyond the limit (one level, kit.approval_chain).
    discount_approver_roles: tuple[str, ...] = ("general_manager", "director",
                                                "department_manager")
    # A discount above this share of the list price (basis points) needs approval.
    discount_limit_bp: int = 1000
    # Who changes enrollments (transfer, suspend, resume, withdraw) besides their seller.
    enrollment_staff_roles: tuple[str, ...] = ("admin", "general_manager", "director",
                                               "department_manager", "customer_service")

    # The secret of the ID card digests sign-in looks customers up by (personal_ids.py).
    id_card_digest_key: str = DEVELOPMENT_DIGEST_KEY

    @property
    def production(self) -> bool:
        return self.env == "production"


def load(environ=None) -> EnrollmentSettings:
    return kit_settings.load(EnrollmentSettings, SERVICE, environ)
