"""Customer imports: every row checked (the customers rules, duplicates in the file and in
the database), then every row created in one transaction, or none.

- Cells: kit.xlsx reads the workbook with the parsers of columns.IMPORT_COLUMNS (the
  customers rules), collecting every error.
- Rows: `rules.new_profile` (a phone or an ID number), then duplicates: a phone or ID number
  used by an earlier row of the file, or by a customer already stored (named by its id, as
  the 409 of POST /v1/customers names it). With `on_duplicate="claim"` a row that duplicates a
  stored customer becomes an ownership claim on it instead (claims.claim, as CreateCustomer
  does), never a second record.
- Creation: `records.create` row after row inside one savepoint; a row that fails there (a
  concurrent create took its phone) rolls every row back and is reported.
- A rejected import keeps its error report (the rows plus an error column) for the uploader
  for REPORT_TTL.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from kit import xlsx
from kit.caller import Caller
from kit.errors import AlreadyExists, DomainError, InvalidArgument, NotFound
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..customers import claims, records, rules
from ..models import Customer, CustomerImportReport, CustomerPhone, utcnow
from . import columns

REPORT_TTL = dt.timedelta(days=7)
ON_DUPLICATE = ("", "refuse", "claim")
_IN_CHUNK = 500


@dataclasses.dataclass
class Outcome:
    imported: bool
    row_count: int
    customer_ids: list[str] = dataclasses.field(default_factory=list)
    claims: list[tuple[int, str, str, str]] = dataclasses.field(default_factory=list)
    errors: list[xlsx.RowError] = dataclasses.field(default_factory=list)
    report_id: str = ""


@dataclasses.dataclass
class _Row:
    number: int
    profile: rules.Profile
    existing_id: str | None = None


def check_file(content: bytes, max_bytes: int) -> None:
    if not content:
        raise InvalidArgument("the file is empty", reason="import.unreadable",
                              message_zh="文件为空")
    if len(content) > max_bytes:
        raise InvalidArgument(f"the file is larger than {max_bytes} bytes",
                              reason="import.too_large", message_zh=f"文件超过 {max_bytes} 字节")


def _chunks(values: list[str]):
    for i in range(0, len(values), _IN_CHUNK):
        yield values[i:i + _IN_CHUNK]


def _stored(s: Session, rows: list[_Row]) -> tuple[dict[str, str], dict[str, str]]:
    """Customers already stored under the rows' phones / ID numbers: key -> customer id."""
    phones = sorted({p for r in rows for p in r.profile.phones})
    cards = sorted({r.profile.id_card for r in rows if r.profile.id_card})
    by_phone: dict[str, str] = {}
    by_card: dict[str, str] = {}
    for part in _chunks(phones):
        by_phone.update(s.execute(select(CustomerPhone.phone, CustomerPhone.customer_id)
                                  .where(CustomerPhone.phone.in_(part))).tuples().all())
    for part in _chunks(cards):
        by_card.update(s.execute(select(Customer.id_card, Customer.id)
                                 .where(Customer.id_card.in_(part))).tuples().all())
    return by_phone, by_card


def check_rows(s: Session, result: xlsx.ReadResult, *, claim_duplicates: bool) -> list[_Row]:
    """The rows whose cells parsed, as profiles, with the row-level and duplicate errors
    added to `result`."""
    rows: list[_Row] = []
    failed = {e.row for e in result.errors}
    for parsed in result.rows:
        if parsed.row in failed:
            continue
        try:
            profile = rules.new_profile(parsed.values)
        except DomainError as error:
            column = error.reason.removeprefix("invalid.") if error.reason else ""
            column = "phones" if column == "phone" else column
            result.add_error(parsed.row, column, error.message, error.message_zh)
            continue
        rows.append(_Row(parsed.row, profile))
    # duplicates within the file: the first row keeps the key
    first_phone: dict[str, int] = {}
    first_card: dict[str, int] = {}
    unique: list[_Row] = []
    for row in rows:
        clash = None
        for phone in row.profile.phones:
            if phone in first_phone:
                clash = ("phones", first_phone[phone])
                break
        if clash is None and row.profile.id_card and row.profile.id_card in first_card:
            clash = ("id_card", first_card[row.profile.id_card])
        if clash is not None:
            column, earlier = clash
            what_en, what_zh = ("phone", "手机号") if column == "phones" else ("ID number",
                                                                            "身份证号")
            result.add_error(row.number, column,
                             f"the same {what_en} as row {earlier} of this file",
                             f"与本文件第 {earlier} 行的{what_zh}重复")
            continue
        for phone in row.profile.phones:
            first_phone[phone] = row.number
        if row.profile.id_card:
            first_card[row.profile.id_card] = row.number
        unique.append(row)
    # duplicates of stored customers
    by_phone, by_card = _stored(s, unique)
    for row in unique:
        card_owner = by_card.get(row.profile.id_card) if row.profile.id_card else None
        phone_owner = next((by_phone[p] for p in row.profile.phones if p in by_phone), None)
        existing = card_owner or phone_owner
        if existing is None:
            continue
        if claim_duplicates:
            row.existing_id = existing
            continue
        column = "id_card" if card_owner else "phones"
        result.add_error(row.number, column,
                         f"a customer with this phone or ID card number exists ({existing})",
                         f"已存在相同手机号或身份证号的客户（{existing}）")
    return unique


def _store_report(s: Session, caller: Caller, result: xlsx.ReadResult, file_name: str
                  ) -> str:
    now = utcnow()
    s.execute(delete(CustomerImportReport).where(
        CustomerImportReport.created_at < now - REPORT_TTL))
    report = CustomerImportReport(created_by=caller.user_id, created_at=now,
                                  file_name=file_name[:200], row_count=len(result.rows),
                                  error_count=len(result.errors),
                                  content=xlsx.error_report(result))
    s.add(report)
    s.flush()
    return report.id


def _rejected(s: Session, caller: Caller, result: xlsx.ReadResult, file_name: str) -> Outcome:
    return Outcome(False, len(result.rows), errors=result.sorted_errors(),
                   report_id=_store_report(s, caller, result, file_name))


def import_customers(s: Session, caller: Caller, content: bytes, *, file_name: str,
                     on_duplicate: str, channel_id: str | None, claim_rules: claims.ClaimRules,
                     max_rows: int) -> Outcome:
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidArgument("on_duplicate must be refuse or claim",
                              reason="invalid.on_duplicate", message_zh="on_duplicate 无效")
    result = xlsx.read_rows(content, columns.IMPORT_COLUMNS, max_rows=max_rows)
    if not result.rows:
        raise InvalidArgument("the file has no rows", reason="import.empty",
                              message_zh="文件中没有数据行")
    rows = check_rows(s, result, claim_duplicates=on_duplicate == "claim")
    if not result.ok:
        return _rejected(s, caller, result, file_name)
    outcome = Outcome(True, len(result.rows))
    current = 0
    try:
        with s.begin_nested():
            for row in rows:
                current = row.number
                if row.existing_id is not None:
                    existing = s.get(Customer, row.existing_id)
                    claim = claims.claim(s, caller, existing, claim_rules,
                                         channel_id=channel_id, note=f"import row {row.number}")
                    outcome.claims.append((row.number, existing.id, claim.id, claim.status))
                    continue
                c = records.create(s, caller, row.profile, protection=claim_rules.protection)
                outcome.customer_ids.append(c.id)
            s.flush()
    except (AlreadyExists, DomainError) as error:
        # Another writer took a key meanwhile, or a claim was refused: nothing stays.
        column = "phones" if isinstance(error, AlreadyExists) else ""
        result.add_error(current, column, error.message, error.message_zh)
        return _rejected(s, caller, result, file_name)
    return outcome


def report(s: Session, caller: Caller, report_id: str) -> CustomerImportReport:
    """The caller's own report (another's, or an expired one, is NOT_FOUND)."""
    row = s.get(CustomerImportReport, report_id) if report_id else None
    created = row.created_at if row is not None else None
    if created is not None and created.tzinfo is None:  # SQLite gives naive UTC back
        created = created.replace(tzinfo=dt.UTC)
    if row is None or row.created_by != caller.user_id or created < utcnow() - REPORT_TTL:
        raise NotFound(f"import report {report_id!r} not found",
                       reason="import.report_not_found",
                       message_zh=f"导入错误报告不存在: {report_id}")
    return row
