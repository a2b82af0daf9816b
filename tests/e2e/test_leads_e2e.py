"""Leads end to end over HTTP: the real gateway, identity and leads processes (api and
worker) on PostgreSQL with the demo data. A salesperson creates a customer, a colleague's
duplicate is refused naming it, a claim is queued and approved by the manager, scopes hold
(demo customers per demo user), and identity's real `user.left` event hands a leaver's
customers to the successor it names, or else to the department manager, through the leads
worker's inbox."""
from __future__ import annotations

import grpc
import httpx
import pytest
from contracts.identity import identity_pb2, identity_pb2_grpc
from kit import testing
from system_under_test import running_system

PASSWORD = "educrm-demo"  # noqa: S105 - the demo seed's documented password
USERS = ("admin", "sales1", "sales2", "sales3", "manager1", "director1", "director2", "cs1")
# leads.demo_seed: demo customers per owner
DEMO = {"sales1": 3, "sales2": 2, "sales3": 2}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("e2e_leads"), scheduling=False,
                        leads=True) as running:
        yield running


@pytest.fixture(scope="module")
def http(system):
    with httpx.Client(base_url=system.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def users(http) -> dict[str, dict]:
    """username -> {"id", "headers"} of a logged-in demo user."""
    found = {}
    for username in USERS:
        response = http.post("/v1/auth/login", json={"username": username,
                                                     "password": PASSWORD})
        assert response.status_code == 200, response.text
        headers = {"authorization": f"Bearer {response.json()['access_token']}"}
        me = http.get("/v1/me", headers=headers)
        assert me.status_code == 200, me.text
        found[username] = {"id": me.json()["user"]["id"], "headers": headers}
    return found


def owners(http, user: dict, **params) -> list[str]:
    response = http.get("/v1/customers", params={"limit": 200, **params},
                        headers=user["headers"])
    assert response.status_code == 200, response.text
    return [c["owner"]["user_id"] for c in response.json()["items"]]


def test_demo_customers_follow_the_scopes(http, users):
    ids = {name: users[name]["id"] for name in DEMO}
    for name, count in DEMO.items():
        assert owners(http, users[name], q="") == [ids[name]] * count
    north = sorted(owners(http, users["manager1"]))
    assert north == sorted([ids["sales1"]] * 3 + [ids["sales2"]] * 2)
    assert sorted(owners(http, users["director1"])) == north
    assert owners(http, users["director2"]) == [ids["sales3"]] * 2
    assert len(owners(http, users["cs1"])) == 7


def test_create_duplicate_claim_and_arbitration(http, users):
    created = http.post("/v1/customers", headers=users["sales1"]["headers"],
                        json={"name": "端到端", "phone": "13766660001", "company": "E2E 公司"})
    assert created.status_code == 201, created.text
    customer = created.json()
    duplicate = http.post("/v1/customers", headers=users["sales3"]["headers"],
                          json={"name": "端到端", "phone": "+86 137 6666 0001"})
    assert duplicate.status_code == 409, duplicate.text
    assert duplicate.headers["content-type"].startswith("application/problem+json")
    assert duplicate.json()["existing_customer_id"] == customer["id"]
    assert duplicate.json()["owner"]["masked"] is True
    claim = http.post(f"/v1/customers/{customer['id']}/claims",
                      headers=users["sales2"]["headers"], json={"note": "客户来电"})
    assert claim.status_code == 201 and claim.json()["status"] == "requested", claim.text
    approved = http.post(f"/v1/customers/{customer['id']}/claims/{claim.json()['id']}/approve",
                         headers=users["manager1"]["headers"])
    assert approved.status_code == 200, approved.text
    view = http.get(f"/v1/customers/{customer['id']}", headers=users["sales2"]["headers"])
    assert view.json()["ownership"]["owner"]["user_id"] == users["sales2"]["id"]
    gone = http.get(f"/v1/customers/{customer['id']}", headers=users["sales1"]["headers"])
    assert gone.status_code == 404


def _mark_left(system, users, username: str, successor: str = "") -> None:
    target = system.env["EDUCRM_IDENTITY_GRPC_ADDRESS"]
    with grpc.insecure_channel(target) as channel:
        identity_pb2_grpc.IdentityServiceStub(channel).MarkUserLeft(
            identity_pb2.MarkUserLeftRequest(user_id=users[username]["id"],
                                             successor_user_id=successor),
            metadata=tuple(users["admin"]["headers"].items()), timeout=10)


def test_a_leavers_customers_go_to_the_successor_then_to_the_manager(system, http, users):
    ids = {name: users[name]["id"] for name in ("sales1", "sales2", "manager1")}
    cs = users["cs1"]
    before = {name: owners(http, cs, owner_id=ids[name]) for name in ("sales1", "sales2")}
    assert len(before["sales1"]) == 3  # its demo customers (the e2e one went to sales2)
    _mark_left(system, users, "sales1", successor=ids["sales2"])
    expected = len(before["sales1"]) + len(before["sales2"])
    testing.wait_for(lambda: len(owners(http, cs, owner_id=ids["sales2"])) == expected,
                     timeout=60, message="sales1's customers did not reach sales2")
    assert owners(http, cs, owner_id=ids["sales1"]) == []
    # sales2 leaves naming nobody: their department's manager takes everything
    _mark_left(system, users, "sales2")
    testing.wait_for(lambda: len(owners(http, cs, owner_id=ids["manager1"])) == expected,
                     timeout=60, message="sales2's customers did not reach manager1")
    manager = owners(http, users["manager1"], owner_id=ids["manager1"])
    assert manager == [ids["manager1"]] * expected


def test_no_process_logs_a_full_phone_or_id_number(system, http, users):
    """Lookups put the numbers in query strings and bodies; no log line may hold them whole
    (the JSON formatter masks stand-alone numbers, the services never log bodies)."""
    phone, card = "13766660099", "11010519491231002X"
    # (sales1 and sales2 have left by now: their tokens are refused)
    created = http.post("/v1/customers", headers=users["sales3"]["headers"],
                        json={"name": "日志", "phone": phone, "id_card": card})
    assert created.status_code in (201, 409), created.text
    for params in ({"phone": f"+86{phone}"}, {"phone": phone}, {"id_card": card},
                   {"q": phone[-6:]}):
        assert http.get("/v1/customers", params=params,
                        headers=users["cs1"]["headers"]).status_code == 200
    bad = http.post("/v1/customers", headers=users["sales3"]["headers"],
                    json={"name": "日志", "phone": "10012345678", "id_card": card[:-1] + "0"})
    assert bad.status_code == 422
    for name in ("gateway", "leads-api", "leads-worker"):
        text = system.log(name)
        for secret in (phone, card, card[:-1] + "0", "10012345678"):
            assert secret not in text, (name, secret)
