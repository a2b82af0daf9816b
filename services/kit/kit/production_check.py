"""Production mode fails closed: the checks every EduCRM process runs before it starts.

With `EDUCRM_ENV=production` a process refuses to start while anything in its configuration is
only fit for a laptop (demo data, generated keys, SQLite, the `guest` broker account, a
missing internal token, gRPC without TLS), and names every problem in one error. Each service
contributes its own findings (`<svc>.production`) from the pieces here and registers them
under the `educrm.production_checks` entry point, so `educrm-doctor` lists them all.
"""
from __future__ import annotations

import dataclasses
import os
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path

from .grpc_tls import GrpcTlsSettings

ENTRY_POINT_GROUP = "educrm.production_checks"
PRODUCTION = "production"


@dataclasses.dataclass(frozen=True)
class Finding:
    setting: str   # what to set: the environment variable(s)
    problem: str   # what is wrong, in one sentence
    fix: str       # what to set it to

    def __str__(self) -> str:
        return f"{self.setting}: {self.problem} → {self.fix}"


class ProductionConfigError(SystemExit):
    """Raised (and so exits non-zero) by a process that refuses to start in production."""

    def __init__(self, process: str, findings: Iterable[Finding]) -> None:
        self.process = process
        self.findings = list(findings)
        lines = [f"{process} refuses to start with EDUCRM_ENV=production: "
                 f"{len(self.findings)} problem(s) in its configuration"]
        lines += [f"  - {finding}" for finding in self.findings]
        super().__init__("\n".join(lines))

    def __str__(self) -> str:
        return str(self.code)


def is_production(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("EDUCRM_ENV", "development") == PRODUCTION


def names(service: str | None, field: str) -> str:
    """The environment variables kit.settings reads for a field, most specific first."""
    shared = f"EDUCRM_{field.upper()}"
    return f"EDUCRM_{service.upper()}_{field.upper()} (or {shared})" if service else shared


# -- the pieces services combine -------------------------------------------------------------

def database_findings(url: str, service: str) -> list[Finding]:
    if url.startswith("sqlite"):
        return [Finding(names(service, "database_url"), "a SQLite database (single machine, "
                        "development only)", "a PostgreSQL URL, postgresql+psycopg2://USER:"
                        "PASSWORD@HOST:5432/DB")]
    return []


def amqp_findings(uri: str, service: str | None) -> list[Finding]:
    parsed = urllib.parse.urlsplit(uri)
    user = urllib.parse.unquote(parsed.username or "guest")  # AMQP's default account is guest
    if user == "guest":
        return [Finding(names(service, "amqp_uri"), "the broker's default `guest` account",
                        "amqp://USER:PASSWORD@HOST:5672/VHOST with a dedicated account")]
    return []


def internal_token_findings(configured: str, environ: Mapping[str, str],
                            service: str | None = None) -> list[Finding]:
    """The shared secret of system calls (kit.internal_auth) must come from the environment
    (a secret), never the generated development file."""
    if configured or environ.get("EDUCRM_INTERNAL_TOKEN", "").strip():
        return []
    setting = names(service, "internal_token") if service else "EDUCRM_INTERNAL_TOKEN"
    return [Finding(setting, "missing (development generates var/internal-token)",
                    "one random secret shared by the gateway and the service apis, e.g. "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")]


def demo_findings(environ: Mapping[str, str]) -> list[Finding]:
    if environ.get("EDUCRM_DEMO", "").strip().lower() in ("1", "true", "yes", "on"):
        return [Finding("EDUCRM_DEMO", "demo data requested (demo accounts share a published "
                        "password)", "unset EDUCRM_DEMO; never run tools/seed_demo.py")]
    return []


def demo_rows_findings(url: str, service: str, count_sql: str, params: Mapping[str, str],
                       what: str, *, unreachable_is_finding: bool) -> list[Finding]:
    """Demo data already in a production database (`count_sql` with bound `params` counts
    it). A database that
    cannot be read is a finding for the doctor; a starting process leaves that to its own
    database errors (it may start before the database does)."""
    if url.startswith("sqlite"):
        return []  # already a finding; connecting would create the file
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 5}
                                      if url.startswith("postgresql") else {})
    try:
        with engine.connect() as connection:
            count = connection.execute(sqlalchemy.text(count_sql), dict(params)).scalar() or 0
    except sqlalchemy.exc.SQLAlchemyError as error:
        if not unreachable_is_finding:
            return []
        return [Finding(names(service, "database_url"), f"cannot read the database to look "
                        f"for demo data ({type(error).__name__})", "a reachable, migrated "
                        f"database (`educrm-migrate {service}`)")]
    finally:
        engine.dispose()
    if count:
        return [Finding(names(service, "database_url"), f"the database holds {what}",
                        "remove them, or point at the production database")]
    return []


def _file_findings(path: str, setting: str) -> list[Finding]:
    if path and not Path(path).is_file():
        return [Finding(setting, f"{path} is not a readable file", "the path of the PEM file")]
    return []


def tls_findings(tls: GrpcTlsSettings, service: str | None, *, serves: bool,
                 dials: bool) -> list[Finding]:
    """gRPC must be TLS (kit.grpc_tls) unless EDUCRM_GRPC_TLS_PROVIDED_BY_MESH=1 says a service
    mesh provides it."""
    if tls.grpc_tls_provided_by_mesh:
        return []
    mesh = "or EDUCRM_GRPC_TLS_PROVIDED_BY_MESH=1 when a service mesh provides mutual TLS"
    found: list[Finding] = []
    if serves:
        if not tls.grpc_tls_cert:
            found.append(Finding(names(service, "grpc_tls_cert"), "the gRPC server has no TLS "
                                 "certificate", f"the server certificate chain (PEM), {mesh}"))
        if not tls.grpc_tls_key:
            found.append(Finding(names(service, "grpc_tls_key"), "the gRPC server has no TLS "
                                 "key", f"the server private key (PEM), {mesh}"))
        found += _file_findings(tls.grpc_tls_cert, names(service, "grpc_tls_cert"))
        found += _file_findings(tls.grpc_tls_key, names(service, "grpc_tls_key"))
        found += _file_findings(tls.grpc_tls_client_ca, names(service, "grpc_tls_client_ca"))
    if dials:
        if not tls.grpc_tls_ca:
            found.append(Finding(names(service, "grpc_tls_ca"), "gRPC calls to other services "
                                 "would be plaintext", f"the CA bundle of the services' "
                                 f"certificates (PEM), {mesh}"))
        found += _file_findings(tls.grpc_tls_ca, names(service, "grpc_tls_ca"))
        found += _file_findings(tls.grpc_tls_client_cert, names(service, "grpc_tls_client_cert"))
        found += _file_findings(tls.grpc_tls_client_key, names(service, "grpc_tls_client_key"))
        if bool(tls.grpc_tls_client_cert) != bool(tls.grpc_tls_client_key):
            found.append(Finding(names(service, "grpc_tls_client_cert/_key"), "only one of the "
                                 "client certificate and key is set", "both, or neither"))
    return found


# -- enforcing and listing -------------------------------------------------------------------

def enforce(process: str, findings: Iterable[Finding], *, production: bool) -> None:
    """In production, refuse to start (ProductionConfigError, naming every finding)."""
    found = list(findings)
    if production and found:
        raise ProductionConfigError(process, found)


# (environment, *, starting) → process name → findings; `starting`: a process checks itself.
ProcessChecks = Callable[..., dict[str, list[Finding]]]


def registered_checks() -> dict[str, ProcessChecks]:
    """Every installed service's checks (entry point group `educrm.production_checks`)."""
    return {ep.name: ep.load() for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def all_findings(environ: Mapping[str, str] | None = None) -> dict[str, list[Finding]]:
    """process name → its findings, for every installed service."""
    env = dict(os.environ if environ is None else environ)
    result: dict[str, list[Finding]] = {}
    for _name, checks in sorted(registered_checks().items()):
        result.update(checks(env))
    return result
