"""Customer exports through the real api: the export right, the caller's scope only, the
list's filters, phones and ID numbers masked by role (in full for the owner)."""
from __future__ import annotations

import grpc
import pytest
from contracts.leads import customer_exchange_pb2 as xpb
from contracts.leads import customers_pb2 as pb
from kit import grpc_errors, xlsx

from ..support import as_, error_of, id_number, new_customer, phone
from .support import as_user, running

CARD = id_number("11010119920202003")


@pytest.fixture(scope="module")
def api(database_url):
    with running(database_url, export_max_rows=5) as running_api:
        mine = running_api.customers.CreateCustomer(pb.CreateCustomerRequest(
            customer=new_customer("出口甲", phones=[phone(8001)], id_card=CARD, region="北京")),
            metadata=as_("sales1")).customer
        teammate = running_api.customers.CreateCustomer(pb.CreateCustomerRequest(
            customer=new_customer("出口乙", phones=[phone(8002)], region="北京")),
            metadata=as_("sales2")).customer
        south = running_api.customers.CreateCustomer(pb.CreateCustomerRequest(
            customer=new_customer("出口丙", phones=[phone(8003)], region="广州")),
            metadata=as_("sales3")).customer
        yield running_api, {"mine": mine.id, "teammate": teammate.id, "south": south.id}


def _export(stub, metadata, **filters) -> tuple[int, list[tuple]]:
    chunks = list(stub.ExportCustomers(xpb.ExportCustomersRequest(
        filters=xpb.CustomerFilters(**filters)), metadata=metadata))
    assert chunks[0].content_type == xlsx.XLSX_CONTENT_TYPE
    assert chunks[0].file_name.startswith("customers-") and chunks[0].file_name.endswith(".xlsx")
    content = b"".join(c.content for c in chunks)
    return chunks[0].row_count, xlsx.sheet_rows(content)


def test_without_the_export_right_the_export_is_refused(api):
    running_api, _ = api
    for who in ("sales1", "manager1", "director1"):
        error = error_of(lambda w=who: list(running_api.exchange.ExportCustomers(
            xpb.ExportCustomersRequest(), metadata=as_user(w))))
        info = grpc_errors.error_info(error)
        assert (info.code, info.reason) == (grpc.StatusCode.PERMISSION_DENIED, "export.denied")


def test_a_manager_exports_the_department_masked_except_own_customers(api):
    running_api, ids = api
    count, rows = _export(running_api.exchange, as_user("manager1", "export"), q="出口")
    assert rows[0][:4] == ("客户编号 Customer id", "姓名 Name", "手机号 Mobile phones",
                           "身份证号 ID card number")
    by_id = {r[0]: r for r in rows[1:]}
    assert count == 2 and set(by_id) == {ids["mine"], ids["teammate"]}  # never the south's
    assert by_id[ids["mine"]][2:4] == ("139****8001", "110*************" + CARD[-2:])
    # the owner sees their own customers in full (customers.scope.sees_personal_data)
    count, rows = _export(running_api.exchange, as_user("sales1", "export"), q="出口")
    assert count == 1 and rows[1][:4] == (ids["mine"], "出口甲", f"+86{phone(8001)}", CARD)


def test_unmasked_roles_see_everything_in_scope_and_the_filters_apply(api):
    running_api, ids = api
    count, rows = _export(running_api.exchange, as_user("cs1", "export"), q="出口", region="广州")
    assert count == 1 and rows[1][:3] == (ids["south"], "出口丙", f"+86{phone(8003)}")
    count, rows = _export(running_api.exchange, as_user("director2", "export"), q="出口")
    assert count == 1 and rows[1][0] == ids["south"] and rows[1][2] == "139****8003"


def test_more_rows_than_the_limit_is_refused(api):
    running_api, _ = api
    for n in range(4):
        running_api.customers.CreateCustomer(pb.CreateCustomerRequest(customer=new_customer(
            f"出口多{n}", phones=[phone(8100 + n)])), metadata=as_("admin"))
    error = error_of(lambda: list(running_api.exchange.ExportCustomers(
        xpb.ExportCustomersRequest(filters=xpb.CustomerFilters(q="出口")),
        metadata=as_user("admin"))))
    info = grpc_errors.error_info(error)
    assert (info.code, info.reason) == (grpc.StatusCode.FAILED_PRECONDITION,
                                        "export.too_many_rows")
