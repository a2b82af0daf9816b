"""The gateway's part of the production check (kit.production_check): what it refuses to
start with when EDUCRM_ENV=production."""
from __future__ import annotations

from collections.abc import Mapping

from kit import production_check as check
from kit.grpc_tls import load_tls

from .settings import load_settings

PART = "gateway"


def findings(environ: Mapping[str, str], *,
             starting: bool = False) -> dict[str, list[check.Finding]]:
    settings = load_settings(environ)
    return {"gateway": [
        *check.demo_findings(environ),
        *check.amqp_findings(settings.amqp_uri, PART),
        *check.internal_token_findings(settings.internal_token, environ, PART),
        # The gateway dials identity and scheduling.
        *check.tls_findings(load_tls(PART, environ), PART, serves=False, dials=True)]}


def enforce(environ: Mapping[str, str]) -> None:
    check.enforce(PART, findings(environ)[PART],
                  production=load_settings(environ).env == check.PRODUCTION)
