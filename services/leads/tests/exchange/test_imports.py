"""Customer imports through the real api (SQLite and PostgreSQL): every row checked with the
customers rules, duplicates in the file and in the database, nothing half-imported, the
row-by-row error report, duplicates turned into claims on request."""
from __future__ import annotations

import grpc
import pytest
from contracts.leads import customer_exchange_pb2 as xpb
from contracts.leads import customers_pb2 as pb
from kit import grpc_errors, xlsx
from leads import models as m
from sqlalchemy import func, select

from ..support import as_, error_of, id_number, new_customer, phone
from .support import HEADER, running, workbook


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url) as running_api:
        yield running_api


def _count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.Customer))


def test_a_good_file_creates_every_row_owned_by_the_importer(api):
    card = id_number("11010119850101002")
    content = workbook(HEADER,
                       ("导入甲", f"{phone(9001)}, 139 0000 9002", "", "男", "星辰科技", "北京",
                        "VIP、公开课", "学员, 家长"),
                       ("导入乙", "", card.lower(), "女", "", "上海", "", ""))
    before = _count(api.db)
    answer = api.exchange.ImportCustomers(xpb.ImportCustomersRequest(
        content=content, file_name="good.xlsx"), metadata=as_("sales1"))
    assert (answer.imported, answer.row_count, list(answer.errors)) == (True, 2, [])
    assert len(answer.customer_ids) == 2 and _count(api.db) == before + 2
    first = api.customers.GetCustomer(pb.GetCustomerRequest(customer_id=answer.customer_ids[0]),
                                      metadata=as_("sales1")).customer
    assert [p.number for p in first.phones] == [f"+86{phone(9001)}", f"+86{phone(9002)}"]
    assert (first.gender, first.company, first.region, list(first.tags), list(first.roles),
            first.owner.user_id) == ("male", "星辰科技", "北京", ["VIP", "公开课"],
                                     ["student", "payer"], "sales1")
    second = api.customers.GetCustomer(pb.GetCustomerRequest(customer_id=answer.customer_ids[1]),
                                       metadata=as_("sales1")).customer
    assert (second.id_card, second.birth_date) == (card, "1985-01-01")


def test_one_bad_row_imports_nothing_and_reports_every_error(api):
    stored = api.customers.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        "已有客户", phones=[phone(9101)])), metadata=as_("sales3")).customer
    content = workbook(HEADER,
                       ("好行", phone(9102), "", "", "", "", "", ""),            # row 2: fine
                       ("坏手机", "12345", "", "", "", "", "", ""),             # 3: bad phone
                       ("坏证件", "", "110101199003071230", "", "", "", "", ""),  # 4: bad check
                       ("", phone(9103), "", "不详", "", "", "", ""),           # 5: name, gender
                       ("无联系", "", "", "", "", "", "", ""),                  # 6: no key
                       ("文件内重复", phone(9102), "", "", "", "", "", ""),       # 7: = row 2
                       ("库内重复", phone(9101), "", "", "", "", "", ""))         # 8: stored
    before = _count(api.db)
    answer = api.exchange.ImportCustomers(xpb.ImportCustomersRequest(
        content=content, file_name="bad.xlsx"), metadata=as_("sales1"))
    assert (answer.imported, answer.row_count, list(answer.customer_ids)) == (False, 7, [])
    assert _count(api.db) == before
    assert [(e.row, e.column) for e in answer.errors] == [
        (3, "phones"), (4, "id_card"), (5, "name"), (5, "gender"), (6, "phones"),
        (7, "phones"), (8, "phones")]
    by_row = {e.row: e for e in answer.errors}
    assert (by_row[7].message, by_row[7].message_zh) == (
        "the same phone as row 2 of this file", "与本文件第 2 行的手机号重复")
    assert stored.id in by_row[8].message and stored.id in by_row[8].message_zh
    assert by_row[4].message_zh == "身份证号码无效（校验未通过）"
    assert "12345" not in by_row[3].message
    # the report: every row, its errors, downloadable by the importer only
    report = api.exchange.GetCustomerImportReport(xpb.GetCustomerImportReportRequest(
        report_id=answer.report_id), metadata=as_("sales1"))
    assert report.content_type == xlsx.XLSX_CONTENT_TYPE
    rows = xlsx.sheet_rows(report.content)
    assert rows[0][:3] == ("行号 Row", "错误 Errors", "姓名 Name")
    assert [(r[0], r[2]) for r in rows[1:]] == [
        (2, "好行"), (3, "坏手机"), (4, "坏证件"), (5, None), (6, "无联系"), (7, "文件内重复"),
        (8, "库内重复")]
    assert rows[1][1] is None
    assert rows[6][1] == "手机号 Mobile phones: 与本文件第 2 行的手机号重复 / the same phone as " \
                         "row 2 of this file"
    error = error_of(lambda: api.exchange.GetCustomerImportReport(
        xpb.GetCustomerImportReportRequest(report_id=answer.report_id), metadata=as_("sales2")))
    assert grpc_errors.error_info(error).reason == "import.report_not_found"


def test_duplicates_become_claims_when_asked(api):
    held = api.customers.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
        "被报备", phones=[phone(9201)])), metadata=as_("sales3")).customer
    content = workbook(HEADER, ("新客户", phone(9202), "", "", "", "", "", ""),
                       ("被报备", phone(9201), "", "", "", "", "", ""))
    answer = api.exchange.ImportCustomers(xpb.ImportCustomersRequest(
        content=content, on_duplicate="claim"), metadata=as_("sales1"))
    assert (answer.imported, len(answer.customer_ids), list(answer.errors)) == (True, 1, [])
    [claim] = answer.claims
    # sales3 holds it under protection: the claim waits for a manager (collision policy)
    assert (claim.row, claim.existing_customer_id, claim.status) == (3, held.id, "requested")


def test_an_import_replayed_under_its_key_creates_nothing_more(api):
    content = workbook(HEADER, ("幂等", phone(9301), "", "", "", "", "", ""))
    request = xpb.ImportCustomersRequest(content=content, idempotency_key="import-key-1")
    first = api.exchange.ImportCustomers(request, metadata=as_("sales1"))
    before = _count(api.db)
    again = api.exchange.ImportCustomers(request, metadata=as_("sales1"))
    assert (again.imported, list(again.customer_ids)) == (True, list(first.customer_ids))
    assert _count(api.db) == before


@pytest.mark.parametrize(("content", "reason"), [
    (b"PK\x03\x04 not really", "import.unreadable"),
    (workbook(("姓名 Name", "微信 WeChat"), ("甲", "x")), "import.columns"),
    (workbook(HEADER), "import.empty"),
])
def test_files_it_cannot_read_are_invalid_argument(api, content, reason):
    error = error_of(lambda: api.exchange.ImportCustomers(xpb.ImportCustomersRequest(
        content=content), metadata=as_("sales1")))
    info = grpc_errors.error_info(error)
    assert (info.code, info.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)


def test_size_and_row_limits(database_url):
    with running(database_url, import_max_bytes=4000, import_max_rows=2) as small:
        rows = [(f"人{i}", phone(9400 + i), "", "", "", "", "", "") for i in range(3)]
        error = error_of(lambda: small.exchange.ImportCustomers(xpb.ImportCustomersRequest(
            content=workbook(HEADER, *rows)), metadata=as_("sales1")))
        assert grpc_errors.error_info(error).reason == "import.too_large"
        error = error_of(lambda: small.exchange.ImportCustomers(xpb.ImportCustomersRequest(
            content=b"x" * 10), metadata=as_("sales1")))
        assert grpc_errors.error_info(error).reason == "import.unreadable"
    with running(database_url, import_max_rows=2) as few:
        error = error_of(lambda: few.exchange.ImportCustomers(xpb.ImportCustomersRequest(
            content=workbook(HEADER, *rows)), metadata=as_("sales1")))
        assert grpc_errors.error_info(error).reason == "import.too_many_rows"


def test_roles_that_may_not_write_customers_cannot_import(api):
    error = error_of(lambda: api.exchange.ImportCustomers(xpb.ImportCustomersRequest(
        content=workbook(HEADER, ("甲", phone(9501), "", "", "", "", "", ""))),
        metadata=as_("teacher1")))
    info = grpc_errors.error_info(error)
    assert (info.code, info.reason) == (grpc.StatusCode.PERMISSION_DENIED,
                                        "customer.write_denied")


def test_the_template_reads_back_with_the_import_columns(api):
    template = api.exchange.GetCustomerImportTemplate(xpb.GetCustomerImportTemplateRequest(),
                                                      metadata=as_("sales1"))
    rows = xlsx.sheet_rows(template.content)
    assert rows[0][:3] == ("姓名 Name", "手机号 Mobile phones", "身份证号 ID card number")
    error = error_of(lambda: api.exchange.ImportCustomers(xpb.ImportCustomersRequest(
        content=template.content), metadata=as_("sales1")))
    assert grpc_errors.error_info(error).reason == "import.empty"
