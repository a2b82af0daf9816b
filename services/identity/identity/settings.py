"""Identity's settings (kit.settings.load: code defaults < EDUCRM_CONFIG YAML < environment)."""
from __future__ import annotations

import dataclasses

from kit import settings as kit_settings


@dataclasses.dataclass(frozen=True)
class IdentitySettings:
    database_url: str = dataclasses.field(
        default_factory=lambda: kit_settings.sqlite_url("identity"))
    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    env: str = "development"
    grpc_address: str = "127.0.0.1:50051"
    metrics_port: int = 9101
    worker_metrics_port: int = 9201
    # kit.grpc_server's default (why: there): `EDUCRM_IDENTITY_GRPC_MAX_WORKERS`.
    grpc_max_workers: int = 8

    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 14 * 24 * 3600
    # PEM (PKCS#8) Ed25519 private key that signs access tokens. Empty: in development a key is
    # generated once under var/keys/; in production it is required.
    signing_key_path: str = ""
    # PEM keys (public or private) of retired signers still published in the JWKS during a
    # rotation, so tokens they signed keep verifying until they expire.
    verification_key_paths: tuple[str, ...] = ()
    # A key directory managed by `educrm-admin keys` (identity-signing.pem signs,
    # identity-published-<kid>.pem are still published); development default var/keys/.
    signing_keys_dir: str = ""

    # OWASP password-storage cheat sheet: argon2id m=19 MiB, t=2, p=1. Tests lower them.
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    argon2_parallelism: int = 1

    # Shared secret of gateway→service system calls (kit.internal_auth); empty: load it.
    internal_token: str = ""
    # The documented password of the demo seed; demo seeding refuses to run in production.
    demo_password: str = "educrm-demo"  # noqa: S105 - public demo data, not a secret

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_settings(environ=None) -> IdentitySettings:
    return kit_settings.load(IdentitySettings, "identity", environ)
