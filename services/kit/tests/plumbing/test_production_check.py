"""kit.production_check: each finding, and one error that names every finding."""
from __future__ import annotations

import pytest
from kit import production_check as check
from kit.grpc_tls import GrpcTlsSettings


def settings_named(findings):
    return [f.setting for f in findings]


def test_sqlite_database_is_a_finding_postgresql_is_not():
    assert settings_named(check.database_findings("sqlite:////srv/var/identity.db", "identity")) \
        == ["EDUCRM_IDENTITY_DATABASE_URL (or EDUCRM_DATABASE_URL)"]
    assert check.database_findings("postgresql+psycopg2://educrm:pw@db:5432/identity",
                                   "identity") == []


@pytest.mark.parametrize("uri, bad", [
    ("amqp://guest:guest@127.0.0.1:5672/", True),
    ("amqp://127.0.0.1:5672/", True),          # no user: the broker's default guest
    ("amqps://gu%65st:pw@mq:5671/educrm", True),
    ("amqps://educrm:pw@mq:5671/educrm", False),
])
def test_guest_broker_account(uri, bad):
    assert bool(check.amqp_findings(uri, "gateway")) is bad


def test_internal_token_must_be_configured():
    assert settings_named(check.internal_token_findings("", {}, "identity")) == [
        "EDUCRM_IDENTITY_INTERNAL_TOKEN (or EDUCRM_INTERNAL_TOKEN)"]
    assert check.internal_token_findings("", {"EDUCRM_INTERNAL_TOKEN": "s3cret"}) == []
    assert check.internal_token_findings("s3cret", {}) == []


def test_demo_flag():
    assert settings_named(check.demo_findings({"EDUCRM_DEMO": "1"})) == ["EDUCRM_DEMO"]
    assert check.demo_findings({}) == [] and check.demo_findings({"EDUCRM_DEMO": "0"}) == []


def test_tls_findings(tmp_path):
    none = GrpcTlsSettings(env="production")
    assert settings_named(check.tls_findings(none, "scheduling", serves=True, dials=True)) == [
        "EDUCRM_SCHEDULING_GRPC_TLS_CERT (or EDUCRM_GRPC_TLS_CERT)",
        "EDUCRM_SCHEDULING_GRPC_TLS_KEY (or EDUCRM_GRPC_TLS_KEY)",
        "EDUCRM_SCHEDULING_GRPC_TLS_CA (or EDUCRM_GRPC_TLS_CA)"]
    assert check.tls_findings(none, "scheduling", serves=False, dials=False) == []
    meshed = GrpcTlsSettings(env="production", grpc_tls_provided_by_mesh=True)
    assert check.tls_findings(meshed, "scheduling", serves=True, dials=True) == []
    pem = tmp_path / "x.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n")
    complete = GrpcTlsSettings(grpc_tls_cert=str(pem), grpc_tls_key=str(pem),
                               grpc_tls_ca=str(pem), grpc_tls_client_cert=str(pem),
                               grpc_tls_client_key=str(pem), grpc_tls_client_ca=str(pem))
    assert check.tls_findings(complete, None, serves=True, dials=True) == []
    missing = GrpcTlsSettings(grpc_tls_cert=str(tmp_path / "gone.crt"), grpc_tls_key=str(pem),
                              grpc_tls_ca=str(pem), grpc_tls_client_cert=str(pem))
    found = check.tls_findings(missing, None, serves=True, dials=True)
    assert settings_named(found) == ["EDUCRM_GRPC_TLS_CERT",
                                     "EDUCRM_GRPC_TLS_CLIENT_CERT/_KEY"]
    assert "gone.crt is not a readable file" in found[0].problem


def test_enforce_names_every_finding_in_one_error():
    findings = [*check.demo_findings({"EDUCRM_DEMO": "1"}),
                *check.database_findings("sqlite:///x.db", "identity"),
                *check.amqp_findings("amqp://guest:guest@h/", "identity")]
    check.enforce("identity-api", findings, production=False)  # development: starts anyway
    check.enforce("identity-api", [], production=True)
    with pytest.raises(check.ProductionConfigError) as refused:
        check.enforce("identity-api", findings, production=True)
    message = str(refused.value)
    assert message.startswith("identity-api refuses to start with EDUCRM_ENV=production: "
                              "3 problem(s)")
    for finding in findings:
        assert f"  - {finding.setting}: {finding.problem}" in message
    assert refused.value.findings == findings
    assert isinstance(refused.value, SystemExit) and refused.value.code == message
