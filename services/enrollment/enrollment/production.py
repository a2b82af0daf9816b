"""Enrollment's part of the production check (kit.production_check): what its api and worker
refuse to start with when EDUCRM_ENV=production. Enrollment accepts no internal-token method,
but its api presents the token to identity to read the revocations it enforces."""
from __future__ import annotations

from collections.abc import Mapping

from kit import production_check as check
from kit.grpc_tls import load_tls

from .demo_seed import CAMPUS_IDS as DEMO_CAMPUS_IDS
from .settings import DEVELOPMENT_DIGEST_KEY, SERVICE, load


def findings(environ: Mapping[str, str], *,
             starting: bool = False) -> dict[str, list[check.Finding]]:
    settings = load(environ)
    north, south = DEMO_CAMPUS_IDS
    shared = [*check.demo_findings(environ),
              *check.database_findings(settings.database_url, SERVICE),
              *check.demo_rows_findings(
                  settings.database_url, SERVICE,
                  "SELECT count(*) FROM campuses WHERE id IN (:north, :south)",
                  {"north": north, "south": south},
                  "the demo campuses", unreachable_is_finding=not starting),
              *check.amqp_findings(settings.amqp_uri, SERVICE)]
    digest_key = [] if settings.id_card_digest_key != DEVELOPMENT_DIGEST_KEY else [
        check.Finding("EDUCRM_ENROLLMENT_ID_CARD_DIGEST_KEY",
                      "the development key of the ID card digests",
                      "a long random secret, kept like a password (a k8s Secret)")]
    api = [*shared, *digest_key, *check.internal_token_findings("", environ),
           *check.tls_findings(load_tls(SERVICE, environ), SERVICE, serves=True, dials=True)]
    return {"enrollment-api": api, "enrollment-worker": shared}


def enforce(process: str, environ: Mapping[str, str]) -> None:
    check.enforce(process, findings(environ, starting=True)[process],
                  production=load(environ).production)
