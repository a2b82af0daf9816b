"""The customer export: every customer in the caller's scope that the filters of the list
select, as an xlsx workbook, phones and ID numbers masked where the caller may not see them.

The rows come from the customers area's own list query (records.list_page, page after page),
so the export selects exactly what GET /v1/customers would, scope included.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from kit import pagination, xlsx
from kit.caller import Caller
from kit.errors import FailedPrecondition, PermissionDenied
from sqlalchemy.orm import Session

from ..customers import records, scope
from . import columns

EXPORT_RIGHT = "export"


def check_may_export(caller: Caller) -> None:
    if not (caller.can(EXPORT_RIGHT) or caller.has_role("admin")):
        raise PermissionDenied("exporting customers needs the export right",
                               reason="export.denied", message_zh="导出客户需要导出权限")


def too_many(limit: int) -> FailedPrecondition:
    return FailedPrecondition(
        f"more than {limit} customers match; narrow the filters",
        reason="export.too_many_rows", message_zh=f"符合条件的客户超过 {limit} 个，请缩小筛选范围",
        details={"max_rows": limit})


def _row(c) -> dict:
    """One customer row of `records.list_page` (a Core row: the phones are on it)."""
    return {
        "_customer": c, "id": c.id, "name": c.name, "phones": list(c.phone_numbers or ()),
        "id_card": c.id_card or "", "gender": columns.GENDER_SHOWN.get(c.gender, ""),
        "birth_date": c.birth_date, "email": c.email, "company": c.company,
        "position": c.position, "industry": c.industry, "region": c.region,
        "education": c.education, "company_size": c.company_size,
        "source_channel_id": c.source_channel_id or "", "campaign_id": c.campaign_id or "",
        "tags": list(c.tags or ()),
        "roles": [columns.ROLE_SHOWN.get(r, r) for r in c.roles or ()],
        "stage": columns.STAGE_SHOWN.get(c.stage, c.stage), "valid": c.valid,
        "owner_name": c.owner_name, "created_at": c.created_at,
    }


def _rows(s: Session, caller: Caller, filters: records.Filters, max_rows: int
          ) -> Iterator[dict]:
    token, count = "", 0
    while True:
        page = records.list_page(s, caller, filters, pagination.MAX_PAGE_SIZE, token)
        for c in page.rows:
            count += 1
            if count > max_rows:
                raise too_many(max_rows)
            yield _row(c)
        token = page.next_token
        if not token:
            return


def export_customers(s: Session, caller: Caller, filters: records.Filters, *,
                     unmasked_roles, max_rows: int) -> xlsx.Export:
    check_may_export(caller)

    def reveal(column: xlsx.Column, row: dict) -> bool:
        return scope.sees_personal_data(caller, row["_customer"], unmasked_roles)

    return xlsx.write_rows(columns.EXPORT_COLUMNS, _rows(s, caller, filters, max_rows),
                           reveal=reveal, sheet_title="客户 Customers")


def file_name(today: dt.date | None = None) -> str:
    return f"customers-{(today or dt.date.today()).isoformat()}.xlsx"
