"""Identity's part of the production check (kit.production_check): what its api and worker
refuse to start with when EDUCRM_ENV=production."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kit import production_check as check
from kit.grpc_tls import load_tls

from .demo_seed import DEMO_EMAIL_DOMAIN
from .keys import DEV_KEY_FILE
from .settings import load_settings

SERVICE = "identity"


def _signing_key_findings(settings) -> list[check.Finding]:
    setting = check.names(SERVICE, "signing_key_path")
    if not settings.signing_key_path and not settings.signing_keys_dir:
        return [check.Finding(setting, "missing: a signing key would be generated on the fly "
                              "(development only)", "the path of the Ed25519 private key (PKCS#8 "
                              "PEM) from your secret store, or a key directory managed by "
                              f"`educrm-admin keys` in {check.names(SERVICE, 'signing_keys_dir')}"
                              "; see docs/production.md and docs/key-rotation.md")]
    found = []
    if not settings.signing_key_path:  # the key directory's active key
        active = Path(settings.signing_keys_dir) / DEV_KEY_FILE
        if not active.is_file():
            found.append(check.Finding(check.names(SERVICE, "signing_keys_dir"),
                                       f"{active} is not a readable file",
                                       "run `educrm-admin keys rotate` to create the first key"))
    for path in filter(None, (settings.signing_key_path, *settings.verification_key_paths)):
        if not Path(path).is_file():
            found.append(check.Finding(setting if path == settings.signing_key_path
                                       else check.names(SERVICE, "verification_key_paths"),
                                       f"{path} is not a readable file", "the PEM file's path"))
    return found


def findings(environ: Mapping[str, str], *,
             starting: bool = False) -> dict[str, list[check.Finding]]:
    settings = load_settings(environ)
    shared = [*check.demo_findings(environ),
              *check.database_findings(settings.database_url, SERVICE),
              *check.demo_rows_findings(
                  settings.database_url, SERVICE,
                  "SELECT count(*) FROM users WHERE email LIKE :pattern",
                  {"pattern": f"%{DEMO_EMAIL_DOMAIN}"},
                  "the demo accounts (their password is published)",
                  unreachable_is_finding=not starting),
              *check.amqp_findings(settings.amqp_uri, SERVICE)]
    api = [*shared, *_signing_key_findings(settings),
           *check.internal_token_findings(settings.internal_token, environ, SERVICE),
           *check.tls_findings(load_tls(SERVICE, environ), SERVICE, serves=True, dials=False)]
    return {"identity-api": api, "identity-worker": shared}


def enforce(process: str, environ: Mapping[str, str]) -> None:
    """Refuse to start `process` in production while anything is wrong (every finding)."""
    check.enforce(process, findings(environ, starting=True)[process],
                  production=load_settings(environ).is_production)
