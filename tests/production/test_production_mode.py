"""Production mode fails closed: every process (identity, scheduling, leads, enrollment and
finance api and worker, the gateway, the demo seed tool) refuses to start with
EDUCRM_ENV=production while its configuration holds laptop settings, naming every problem at
once; `educrm-doctor` prints the same check; a clean production configuration passes, and
identity's api then serves TLS only."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from finance import demo_seed as finance_demo
from grpc_health.v1 import health_pb2, health_pb2_grpc
from identity import demo_seed as identity_demo
from identity.keys import generate_key_file
from identity.settings import IdentitySettings
from kit import grpc_client, migrate, production_check, testing
from kit.db import Database
from kit.grpc_tls import GrpcTlsSettings
from kit.testing_pki import CertificateAuthority
from scheduling import demo_seed as scheduling_demo
from system_under_test import free_port

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

COMMANDS = {
    "identity-api": [sys.executable, "-m", "identity.api"],
    "identity-worker": [sys.executable, "-m", "identity.worker"],
    "scheduling-api": [sys.executable, "-m", "scheduling.api"],
    "scheduling-worker": [sys.executable, "-m", "scheduling.worker"],
    "leads-api": [sys.executable, "-m", "leads.api"],
    "leads-worker": [sys.executable, "-m", "leads.worker"],
    "enrollment-api": [sys.executable, "-m", "enrollment.api"],
    "enrollment-worker": [sys.executable, "-m", "enrollment.worker"],
    "finance-api": [sys.executable, "-m", "finance.api"],
    "finance-worker": [sys.executable, "-m", "finance.worker"],
    "gateway": [sys.executable, "-m", "gateway"],
    "seed_demo": [sys.executable, "tools/seed_demo.py"],
}

DEMO = "EDUCRM_DEMO"
DB = "EDUCRM_{}_DATABASE_URL"
AMQP = "EDUCRM_{}_AMQP_URI"
# What each process must name when nothing production-grade is set (and EDUCRM_DEMO=1).
EXPECTED = {
    "identity-api": [DEMO, DB.format("IDENTITY"), AMQP.format("IDENTITY"),
                     "EDUCRM_IDENTITY_SIGNING_KEY_PATH", "EDUCRM_IDENTITY_INTERNAL_TOKEN",
                     "EDUCRM_IDENTITY_GRPC_TLS_CERT", "EDUCRM_IDENTITY_GRPC_TLS_KEY"],
    "identity-worker": [DEMO, DB.format("IDENTITY"), AMQP.format("IDENTITY")],
    "scheduling-api": [DEMO, DB.format("SCHEDULING"), AMQP.format("SCHEDULING"),
                       "EDUCRM_INTERNAL_TOKEN", "EDUCRM_SCHEDULING_GRPC_TLS_CERT",
                       "EDUCRM_SCHEDULING_GRPC_TLS_KEY",
                       "EDUCRM_SCHEDULING_GRPC_TLS_CA"],
    "scheduling-worker": [DEMO, DB.format("SCHEDULING"), AMQP.format("SCHEDULING")],
    "leads-api": [DEMO, DB.format("LEADS"), AMQP.format("LEADS"), "EDUCRM_INTERNAL_TOKEN",
                  "EDUCRM_LEADS_GRPC_TLS_CERT", "EDUCRM_LEADS_GRPC_TLS_KEY",
                  "EDUCRM_LEADS_GRPC_TLS_CA"],
    "leads-worker": [DEMO, DB.format("LEADS"), AMQP.format("LEADS")],
    "enrollment-api": [DEMO, DB.format("ENROLLMENT"), AMQP.format("ENROLLMENT"),
                       "EDUCRM_ENROLLMENT_ID_CARD_DIGEST_KEY", "EDUCRM_INTERNAL_TOKEN",
                       "EDUCRM_ENROLLMENT_GRPC_TLS_CERT", "EDUCRM_ENROLLMENT_GRPC_TLS_KEY",
                       "EDUCRM_ENROLLMENT_GRPC_TLS_CA"],
    "enrollment-worker": [DEMO, DB.format("ENROLLMENT"), AMQP.format("ENROLLMENT")],
    "finance-api": [DEMO, DB.format("FINANCE"), AMQP.format("FINANCE"),
                    "EDUCRM_INTERNAL_TOKEN", "EDUCRM_FINANCE_GRPC_TLS_CERT",
                    "EDUCRM_FINANCE_GRPC_TLS_KEY", "EDUCRM_FINANCE_GRPC_TLS_CA"],
    "finance-worker": [DEMO, DB.format("FINANCE"), AMQP.format("FINANCE")],
    "gateway": [DEMO, AMQP.format("GATEWAY"), "EDUCRM_GATEWAY_INTERNAL_TOKEN",
                "EDUCRM_GATEWAY_GRPC_TLS_CA"],
}
# The seed tool names its own problem (demo data in production) and every process's.
EXPECTED["seed_demo"] = ["EDUCRM_ENV"] + [s for v in EXPECTED.values() for s in v]


def base_env(var_dir: Path) -> dict[str, str]:
    """The test runner's environment without any EduCRM setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDUCRM_")}
    env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               EDUCRM_VAR_DIR=str(var_dir), EDUCRM_ENV="production")
    return env


@pytest.fixture(scope="module")
def databases():
    """Migrated throw-away PostgreSQL databases of every service."""
    with testing.postgres_database("educrm_prod_id") as identity_url, \
            testing.postgres_database("educrm_prod_sched") as scheduling_url, \
            testing.postgres_database("educrm_prod_leads") as leads_url, \
            testing.postgres_database("educrm_prod_enr") as enrollment_url, \
            testing.postgres_database("educrm_prod_fin") as finance_url:
        migrate.upgrade("identity", identity_url)
        migrate.upgrade("scheduling", scheduling_url)
        migrate.upgrade("leads", leads_url)
        migrate.upgrade("enrollment", enrollment_url)
        migrate.upgrade("finance", finance_url)
        yield {"identity": identity_url, "scheduling": scheduling_url, "leads": leads_url,
               "enrollment": enrollment_url, "finance": finance_url}


@pytest.fixture(scope="module")
def clean_production(tmp_path_factory, databases) -> dict[str, str]:
    """A complete production configuration (files made here; the broker is never dialled)."""
    tmp = tmp_path_factory.mktemp("prod")
    ca = CertificateAuthority(tmp)
    server = ca.issue("identity", ips=("127.0.0.1",))
    client = ca.issue("gateway", client=True)
    generate_key_file(tmp / "signing.pem")
    return {**base_env(tmp),
            "EDUCRM_IDENTITY_DATABASE_URL": databases["identity"],
            "EDUCRM_SCHEDULING_DATABASE_URL": databases["scheduling"],
            "EDUCRM_LEADS_DATABASE_URL": databases["leads"],
            "EDUCRM_ENROLLMENT_DATABASE_URL": databases["enrollment"],
            "EDUCRM_ENROLLMENT_ID_CARD_DIGEST_KEY": "another-long-random-secret",
            "EDUCRM_FINANCE_DATABASE_URL": databases["finance"],
            "EDUCRM_AMQP_URI": "amqps://educrm:pw@mq.internal:5671/educrm",
            "EDUCRM_INTERNAL_TOKEN": "a-long-random-shared-secret",
            "EDUCRM_IDENTITY_SIGNING_KEY_PATH": str(tmp / "signing.pem"),
            "EDUCRM_GRPC_TLS_CERT": str(server.cert), "EDUCRM_GRPC_TLS_KEY": str(server.key),
            "EDUCRM_GRPC_TLS_CLIENT_CA": str(ca.cert_path),
            "EDUCRM_GRPC_TLS_CA": str(ca.cert_path),
            "EDUCRM_GRPC_TLS_CLIENT_CERT": str(client.cert),
            "EDUCRM_GRPC_TLS_CLIENT_KEY": str(client.key)}


@pytest.mark.parametrize("process", sorted(COMMANDS))
def test_each_process_refuses_and_names_every_problem(tmp_path, process):
    env = {**base_env(tmp_path), DEMO: "1"}
    result = subprocess.run(COMMANDS[process], env=env, cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0, result.stdout + result.stderr
    assert f"{process} refuses to start with EDUCRM_ENV=production" in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    for setting in EXPECTED[process]:
        assert any(setting in line for line in problems), (setting, result.stderr)
    assert len(problems) == len(EXPECTED[process]), result.stderr
    # It refused before doing anything: no generated secrets, no SQLite file.
    assert not (tmp_path / "internal-token").exists()
    assert not (tmp_path / "keys").exists()
    assert not list(tmp_path.glob("*.db"))


def test_doctor_lists_every_finding_with_what_to_set(tmp_path):
    result = subprocess.run([str(BIN / "educrm-doctor")], env={**base_env(tmp_path), DEMO: "1"},
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    sections = {}
    for line in result.stdout.splitlines():
        if not line.startswith("  - ") and ": " in line:
            current = line.split(":")[0]
            sections[current] = []
        elif line.startswith("  - "):
            assert " → " in line  # every finding says what to set
            sections[current].append(line)
    for process, settings in EXPECTED.items():
        if process == "seed_demo":
            continue
        assert len(sections[process]) == len(settings), result.stdout
        for setting in settings:
            assert any(setting in line for line in sections[process]), (setting, result.stdout)
    assert result.stdout.rstrip().endswith(
        f"{sum(len(v) for k, v in EXPECTED.items() if k != 'seed_demo')} problem(s)")


def test_clean_production_configuration_passes(clean_production):
    findings = production_check.all_findings(clean_production)
    assert set(findings) == set(EXPECTED) - {"seed_demo"}
    assert all(found == [] for found in findings.values()), findings
    result = subprocess.run([str(BIN / "educrm-doctor")], env=clean_production, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "ready for production" in result.stdout, result.stdout
    # A mesh that provides mutual TLS replaces every TLS file.
    meshed = {k: v for k, v in clean_production.items() if "_GRPC_TLS_" not in k}
    assert any(production_check.all_findings(meshed).values())
    meshed["EDUCRM_GRPC_TLS_PROVIDED_BY_MESH"] = "1"
    assert not any(production_check.all_findings(meshed).values())


def test_demo_data_in_a_production_database_is_refused(clean_production, tmp_path):
    with testing.postgres_database("educrm_prod_demo_id") as identity_url, \
            testing.postgres_database("educrm_prod_demo_sched") as scheduling_url, \
            testing.postgres_database("educrm_prod_demo_fin") as finance_url:
        migrate.upgrade("identity", identity_url)
        migrate.upgrade("scheduling", scheduling_url)
        migrate.upgrade("finance", finance_url)
        settings = IdentitySettings(database_url=identity_url, argon2_time_cost=1,
                                    argon2_memory_kib=1024,
                                    signing_key_path=clean_production[
                                        "EDUCRM_IDENTITY_SIGNING_KEY_PATH"])
        db = Database(identity_url)
        identity_demo.seed(settings, db, var_dir=tmp_path)
        db.dispose()
        db = Database(scheduling_url)
        scheduling_demo.seed(db)
        db.dispose()
        db = Database(finance_url)
        finance_demo.seed(db, ("sales1", None, None))
        db.dispose()
        env = {**clean_production, "EDUCRM_IDENTITY_DATABASE_URL": identity_url,
               "EDUCRM_SCHEDULING_DATABASE_URL": scheduling_url,
               "EDUCRM_FINANCE_DATABASE_URL": finance_url}
        for process, expected in (("identity-api", "the database holds the demo accounts"),
                                  ("identity-worker", "the database holds the demo accounts"),
                                  ("scheduling-api", "the database holds the demo campus"),
                                  ("finance-worker", "the database holds the demo orders")):
            result = subprocess.run(COMMANDS[process], env=env, cwd=REPO, capture_output=True,
                                    text=True, timeout=120)
            assert result.returncode != 0, result.stdout + result.stderr
            assert f"{process} refuses to start" in result.stderr
            assert "1 problem(s)" in result.stderr and expected in result.stderr, result.stderr
        doctor = subprocess.run([str(BIN / "educrm-doctor")], env=env, cwd=REPO,
                                capture_output=True, text=True, timeout=120)
        assert doctor.returncode == 1
        assert doctor.stdout.count("the database holds the demo") == 6, doctor.stdout


def test_doctor_reports_an_unreadable_database(clean_production):
    env = {**clean_production,
           "EDUCRM_SCHEDULING_DATABASE_URL": "postgresql+psycopg2://nobody@127.0.0.1:1/none"}
    found = production_check.all_findings(env)
    assert [f.problem for f in found["scheduling-api"]] == [
        "cannot read the database to look for demo data (OperationalError)"]
    assert found["identity-api"] == []


def test_identity_api_starts_in_clean_production_and_serves_tls_only(clean_production, tmp_path):
    port = free_port()
    env = {**clean_production,
           "EDUCRM_IDENTITY_GRPC_ADDRESS": f"127.0.0.1:{port}",
           "EDUCRM_IDENTITY_METRICS_PORT": str(free_port())}
    log = open(tmp_path / "identity-api.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(COMMANDS["identity-api"], env=env, cwd=REPO, stdout=log,
                               stderr=subprocess.STDOUT)
    mutual = GrpcTlsSettings(grpc_tls_ca=env["EDUCRM_GRPC_TLS_CA"],
                             grpc_tls_client_cert=env["EDUCRM_GRPC_TLS_CLIENT_CERT"],
                             grpc_tls_client_key=env["EDUCRM_GRPC_TLS_CLIENT_KEY"])

    def serving(tls: GrpcTlsSettings) -> bool:
        assert process.poll() is None, (tmp_path / "identity-api.log").read_text()
        channel = grpc_client.channel(f"127.0.0.1:{port}", retry=False, tls=tls)
        try:
            return health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=2).status == \
                health_pb2.HealthCheckResponse.SERVING
        except grpc.RpcError:
            return False
        finally:
            channel.close()

    try:
        testing.wait_for(lambda: serving(mutual), timeout=60, interval=0.2,
                         message="identity api never served over mutual TLS")
        assert not serving(GrpcTlsSettings())  # plaintext
        assert not serving(GrpcTlsSettings(grpc_tls_ca=env["EDUCRM_GRPC_TLS_CA"]))  # no cert
    finally:
        process.terminate()
        process.wait(30)
        log.close()
