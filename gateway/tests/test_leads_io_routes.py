"""The leads io routes (customer export/import, lead statistics, sales targets) through the
gateway in front of the REAL leads api (in-process, a throw-away SQLite database) whose
tokens come from the fake identity: the export right, masking and scope, every exported
row counted as a personal-data read, xlsx uploads, the import's row-by-row 422, the
statistics and the targets' split rule as problem documents."""
from __future__ import annotations

import io
import json

import pytest
from fakes import assert_problem
from kit import migrate, testing, xlsx
from kit.access_token import KeySet
from kit.db import Database
from leads import api as leads_api
from leads.settings import LeadsSettings
from openpyxl import Workbook

pytestmark = pytest.mark.anyio

XLSX = xlsx.XLSX_CONTENT_TYPE
HEADER = ("姓名 Name", "手机号 Mobile phones", "身份证号 ID card number", "地区 Region")


@pytest.fixture(scope="module")
def leads_server(identity_server):
    fake, _ = identity_server
    with testing.sqlite_database() as url:
        migrate.upgrade("leads", url)
        db = Database(url)
        server = leads_api.build_server(
            LeadsSettings(database_url=url), db, address="127.0.0.1:0",
            key_set=KeySet(lambda: json.loads(fake.minter.jwks())))
        try:
            yield f"127.0.0.1:{server.port}"
        finally:
            server.stop(0)
            db.dispose()


@pytest.fixture
async def lgw(harness, leads_server):
    async with harness(leads_target=leads_server) as gw:
        yield gw


def _workbook(*rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADER))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _create(gw, user: str, name: str, phone: str, region: str = "北京") -> str:
    response = await gw.client.post("/v1/customers", headers=gw.auth(user), json={
        "name": name, "phone": phone, "region": region})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_export_needs_the_right_and_returns_the_scope_masked(lgw):
    gw = lgw
    mine = await _create(gw, "u-alice", "导出甲", "13900006001")
    await _create(gw, "u-sales3", "导出乙", "13900006002", "广州")
    response = await gw.client.get("/v1/customers/export", headers=gw.auth("u-alice"))
    assert_problem(response, 403, "forbidden")
    response = await gw.client.get("/v1/customers/export", params={"q": "导出"},
                                   headers=gw.auth("u-manager1"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith('attachment; filename="customers-')
    rows = xlsx.sheet_rows(response.content)
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(mine, "导出甲", "139****6001")]


async def test_every_exported_row_counts_toward_the_read_limit(harness, leads_server):
    async with harness(leads_target=leads_server, freeze_read_limits=(
            "staff:*=1000", "customer:*=200", "customer:department_manager=3")) as gw:
        for n in range(4):
            await _create(gw, "u-bob", f"限额{n}", f"1390000610{n}")
        response = await gw.client.get("/v1/customers/export", params={"q": "限额"},
                                       headers=gw.auth("u-manager1"))
        assert_problem(response, 403, "account-frozen")
        assert response.content.find(b"PK\x03\x04") == -1  # no workbook was sent


async def test_import_template_upload_and_the_row_by_row_rejection(lgw):
    gw = lgw
    response = await gw.client.get("/v1/customers/import-template", headers=gw.auth("u-alice"))
    assert (response.status_code, response.headers["content-type"]) == (200, XLSX)
    assert xlsx.sheet_rows(response.content)[0][:2] == ("姓名 Name", "手机号 Mobile phones")
    good = _workbook(("导入一", "13900006201", "", "北京"), ("导入二", "13900006202", "", ""))
    response = await gw.client.post("/v1/customers/import", content=good,
                                    headers={**gw.auth("u-alice"), "content-type": XLSX,
                                             "idempotency-key": "imp-1"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["imported"], body["row_count"], len(body["customer_ids"]), body["claims"]) == (
        True, 2, 2, [])
    bad = _workbook(("坏一", "12345", "", ""), ("重复", "13900006201", "", ""),
                    ("好", "13900006203", "", ""))
    response = await gw.client.post("/v1/customers/import", content=bad,
                                    headers={**gw.auth("u-alice"), "content-type": XLSX})
    problem = assert_problem(response, 422, "import-rejected")
    assert problem["error_count"] == 2
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [(2, "phones"), (3, "phones")]
    assert problem["errors"][0]["message_zh"] == "手机号须为有效的中国大陆手机号码"
    listed = await gw.client.get("/v1/customers", params={"q": "好"},
                                 headers=gw.auth("u-alice"))
    assert listed.json()["items"] == []  # nothing half-imported
    report = await gw.client.get(problem["report_url"], headers=gw.auth("u-alice"))
    assert (report.status_code, report.headers["content-type"]) == (200, XLSX)
    assert [r[0] for r in xlsx.sheet_rows(report.content)[1:]] == [2, 3, 4]
    other = await gw.client.get(problem["report_url"], headers=gw.auth("u-bob"))
    assert_problem(other, 404, "import-report-not-found")


async def test_an_import_must_be_an_xlsx_body(lgw):
    gw = lgw
    response = await gw.client.post("/v1/customers/import", content=b"a,b\n",
                                    headers={**gw.auth("u-alice"), "content-type": "text/csv"})
    assert_problem(response, 415, "unsupported-media-type")
    response = await gw.client.post("/v1/customers/import", content=b"not a workbook",
                                    headers={**gw.auth("u-alice"), "content-type": XLSX})
    assert_problem(response, 422, "import-unreadable")


async def test_statistics_per_dimension_within_scope(lgw):
    gw = lgw
    await _create(gw, "u-bob", "统计甲", "13900006301", "深圳")
    response = await gw.client.get("/v1/leads/statistics", params={"dimension": "region"},
                                   headers=gw.auth("u-bob"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dimension"] == "region"
    assert {"value": "深圳", "count": 1} in body["counts"]
    assert [f["stage"] for f in body["funnel"]] == ["lead", "prospect", "enrolled", "alumni"]
    assert body["total"] == sum(c["count"] for c in body["counts"])
    response = await gw.client.get("/v1/leads/statistics", params={"dimension": "colour"},
                                   headers=gw.auth("u-bob"))
    assert_problem(response, 422, "validation-failed")


async def test_sales_targets_split_rule_and_scope(lgw):
    gw = lgw
    base = {"period_start": "2026-11-01", "period_end": "2026-11-30",
            "department_id": "ou-north-bj-sales", "amount_fen": 100_000, "deals": 2}
    response = await gw.client.post("/v1/sales-targets", headers=gw.auth("u-manager1"), json={
        **base, "splits": [{"user_id": "u-alice", "amount_fen": 60_000, "deals": 1},
                           {"user_id": "u-bob", "amount_fen": 30_000, "deals": 1}]})
    assert_problem(response, 422, "invalid-splits")
    response = await gw.client.post("/v1/sales-targets", headers=gw.auth("u-manager1"), json={
        **base, "splits": [{"user_id": "u-alice", "amount_fen": 60_000, "deals": 1},
                           {"user_id": "u-bob", "amount_fen": 40_000, "deals": 1}]})
    assert response.status_code == 201, response.text
    target = response.json()
    assert (target["region_id"], target["attained_amount_fen"], target["version"]) == (
        "ou-north", 0, 1)
    got = await gw.client.get(f"/v1/sales-targets/{target['id']}", headers=gw.auth("u-alice"))
    assert got.status_code == 200 and got.json()["splits"][0]["user_id"] == "u-alice"
    hidden = await gw.client.get(f"/v1/sales-targets/{target['id']}",
                                 headers=gw.auth("u-sales3"))
    assert_problem(hidden, 404, "sales-target-not-found")
    response = await gw.client.put(f"/v1/sales-targets/{target['id']}/splits",
                                   headers=gw.auth("u-alice"), json={"splits": []})
    assert_problem(response, 403, "sales-target-write-denied")
    listed = await gw.client.get("/v1/sales-targets", params={"on_date": "2026-11-11"},
                                 headers=gw.auth("u-director1"))
    assert target["id"] in [t["id"] for t in listed.json()["items"]]
