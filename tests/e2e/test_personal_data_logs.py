"""Personal data never reaches the logs: identity (api + worker) and the gateway run as `make
run` runs them, with every process's output captured; failed logins, a user created with a
phone, validation errors at the gateway, in identity and in an event consumer (jsonschema) —
then every seeded or submitted phone and ID-card number is looked for in every log."""
from __future__ import annotations

import json
import uuid

import httpx
import pytest
from identity.demo_seed import USERS
from kit import testing
from kit.events import make_envelope
from system_under_test import running_system

PASSWORD = "educrm-demo"  # noqa: S105 - the documented demo password
AUDIT_RECORDED = "crm.gateway.audit.recorded.v1"

CREATED_PHONE = "13912340001"
OVERLONG_PHONE = "13912340002"
INVALID_PHONE = "12012345678"           # 11 digits but no mainland mobile: identity refuses it
LOGIN_PHONE = "13700001111"             # people type their phone as a username
LOGIN_ID_NUMBER = "11010119900307123X"
EVENT_PHONE = "13600003333"
EVENT_ID_NUMBER = "440106198001011234"
LOGIN_NAME = "li.private-person"
SEEDED_PHONES = [phone for *_rest, phone in USERS]


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("pii"), scheduling=False) as running:
        yield running


def all_logs(system) -> dict[str, str]:
    return {path.name: path.read_text(errors="replace")
            for path in sorted(system.var_dir.glob("*.log"))}


def test_no_phone_or_id_number_in_any_log(system):
    with httpx.Client(base_url=system.gateway_url, timeout=15) as http:
        # failed logins: a phone, an ID number and a name typed as the username
        for username in (LOGIN_PHONE, LOGIN_ID_NUMBER, LOGIN_NAME):
            failed = http.post("/v1/auth/login", json={"username": username,
                                                       "password": "wrong-password"})
            assert failed.status_code == 401, failed.text
        ok = http.post("/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        admin = {"authorization": f"Bearer {ok.json()['access_token']}"}
        units = {u["code"]: u["id"] for u in http.get("/v1/org-units", headers=admin).json()[
            "items"]}
        body = {"username": "pii.probe", "display_name": "隐私探针", "password": "Good-pass-123",
                "roles": ["sales"], "org_unit_id": units["north-bj-sales"]}
        created = http.post("/v1/users", headers=admin, json={**body, "phone": CREATED_PHONE})
        assert created.status_code == 201, created.text
        # validation errors: refused by the gateway's schema, and by identity's rules
        overlong = http.post("/v1/users", headers=admin,
                             json={**body, "username": "pii.probe2",
                                   "phone": OVERLONG_PHONE * 3})
        assert overlong.status_code == 422, overlong.text
        invalid = http.post("/v1/users", headers=admin,
                            json={**body, "username": "pii.probe3", "phone": INVALID_PHONE})
        assert invalid.status_code in (400, 422), invalid.text
        # the users list returns phones (masked or not) to an administrator: never logged
        assert http.get("/v1/users", headers=admin, params={"limit": 50}).status_code == 200

    # an event that breaks its schema with personal data in the offending fields
    record_id = str(uuid.uuid4())
    data = {"id": record_id, "occurred_at": "2025-09-01T09:29:59Z", "actor_user_id": "u-1",
            "actor_username": "sales1", "action": "customer.read", "method": "GET",
            "path": "/v1/customers/c-42", "target_type": "customer",
            "target_id": [EVENT_ID_NUMBER], "outcome": "allowed", "status_code": EVENT_PHONE,
            "correlation_id": "corr-pii-1", "source": "gateway"}
    envelope = make_envelope(AUDIT_RECORDED, record_id, data)
    testing.publish_event(system.env["EDUCRM_AMQP_URI"], "gateway.events", AUDIT_RECORDED,
                          json.dumps(envelope.to_dict()), message_id=envelope.id,
                          mandatory=True)
    try:
        testing.wait_for(lambda: "dead-lettering malformed message" in
                         system.log("identity-worker"), timeout=60)
    except testing.WaitTimeout:
        raise AssertionError("the invalid event was never rejected:\n"
                             + system.log("identity-worker")[-4000:]) from None

    logs = all_logs(system)
    assert {"identity-api.log", "identity-worker.log", "gateway.log"} <= set(logs)
    # the runs above did reach the logs (the scan below looks at real output)
    assert '"grpc_method": "/crm.identity.v1.IdentityService/CreateUser"' in \
        logs["identity-api.log"]
    rejected = [line for line in logs["identity-worker.log"].splitlines()
                if "dead-lettering malformed message" in line]
    assert "status_code" in rejected[0] and "target_id" in rejected[0]
    secrets = [*SEEDED_PHONES, CREATED_PHONE, OVERLONG_PHONE, INVALID_PHONE, LOGIN_PHONE,
               LOGIN_ID_NUMBER, EVENT_PHONE, EVENT_ID_NUMBER, LOGIN_NAME]
    for name, text in logs.items():
        for secret in secrets:
            assert secret not in text, f"{secret} in {name}"
            assert secret[-8:] not in text, f"{secret} (its last 8) in {name}"
