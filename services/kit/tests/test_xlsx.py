"""kit.xlsx: exports (typed, bilingual headers, masking by the caller's hook, no formulas),
the import template (drop-down lists, instructions) and the reader (every error of every row,
in both languages, and a report that can be uploaded again)."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from kit import xlsx
from kit.errors import InvalidArgument
from kit.xlsx import CellError, Column
from openpyxl import Workbook, load_workbook

PHONE = Column("phone", "手机号", "Mobile", mask=xlsx.MASK_PHONE)
CARD = Column("card", "身份证号", "ID card number", mask=xlsx.MASK_ID_CARD)
COLUMNS = (Column("name", "姓名", "Name"), PHONE, CARD,
           Column("joined", "加入时间", "Joined", kind="datetime"),
           Column("active", "有效", "Active", kind="bool"))


def _rows():
    yield {"name": "张三", "phone": "+8613812345678", "card": "11010519491231002X",
           "joined": dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC), "active": True, "mine": True}
    yield {"name": "李四", "phone": ["+8613912345678", "+8613712345678"],
           "card": "110105194912310021", "joined": None, "active": False, "mine": False}
    yield {"name": "=HYPERLINK(\"http://x\")", "phone": "", "card": "", "joined": None,
           "active": True, "mine": False}


def test_export_masks_what_the_hook_does_not_reveal_and_writes_typed_cells():
    export = xlsx.write_rows(COLUMNS, _rows(), reveal=lambda column, row: row["mine"])
    assert export.row_count == 3
    rows = xlsx.sheet_rows(export.content)
    assert rows[0] == ("姓名 Name", "手机号 Mobile", "身份证号 ID card number",
                       "加入时间 Joined (UTC)", "有效 Active")
    assert rows[1] == ("张三", "+8613812345678", "11010519491231002X",
                       dt.datetime(2026, 3, 1, 8, 0), "是 yes")
    assert rows[2] == ("李四", "139****5678, 137****5678", "110*************21", None, "否 no")
    # a formula-looking text stays text
    wb = load_workbook(io.BytesIO(export.content))
    cell = wb.active["A4"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_export_without_a_reveal_hook_masks_every_masked_column():
    export = xlsx.write_rows(COLUMNS, _rows())
    rows = xlsx.sheet_rows(export.content)
    assert rows[1][1:3] == ("138****5678", "110*************2X")


def _parse_age(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 150:
        raise CellError("age must be 1-149", "年龄须为 1–149")
    return int(text)


def _parse_name(text: str) -> str:
    if len(text) > 4:
        raise InvalidArgument("name too long", reason="invalid.name", message_zh="姓名过长")
    return text


IMPORT = (Column("name", "姓名", "Name", required=True, parse=_parse_name),
          Column("age", "年龄", "Age", kind="int", parse=_parse_age),
          Column("level", "级别", "Level", choices=("初级", "高级")))


def _workbook(header, *rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_has_headers_choice_lists_and_bilingual_instructions():
    content = xlsx.template(IMPORT, title_zh="导入模板", title_en="Import template",
                            instructions=[("每行一人", "One person per row")])
    wb = load_workbook(io.BytesIO(content))
    data, info = wb.worksheets
    assert [c.value for c in data[1]] == ["姓名 Name", "年龄 Age", "级别 Level"]
    [validation] = data.data_validations.dataValidation
    assert (validation.type, validation.formula1, str(validation.sqref)) == (
        "list", '"初级,高级"', f"C2:C{xlsx.TEMPLATE_ROWS + 1}")
    lines = [tuple(c.value for c in row) for row in info.iter_rows()]
    assert lines[0][:2] == ("导入模板", "Import template")
    assert lines[1][:2] == ("每行一人", "One person per row")
    assert ("姓名 Name", "是 yes", None, None, None, None) in lines
    assert ("级别 Level", "否 no", "初级 / 高级", None, None, None) in lines
    # the template itself reads back as a file without rows
    assert xlsx.read_rows(content, IMPORT, max_rows=10).rows == []


def test_reader_reports_every_error_of_every_row_in_both_languages():
    content = _workbook(("Name", "年龄", "级别 Level"),
                        ("张三", 30, "初级"), ("", "abc", None), (None, None, None),
                        ("王五五五五", 200, "高级"), ("赵六", 40.0, None))
    result = xlsx.read_rows(content, IMPORT, max_rows=10)
    assert [(r.row, r.values) for r in result.rows] == [
        (2, {"name": "张三", "age": 30, "level": "初级"}), (3, {}),
        (5, {"level": "高级"}), (6, {"name": "赵六", "age": 40})]
    assert [(e.row, e.column, e.message, e.message_zh) for e in result.sorted_errors()] == [
        (3, "name", "Name is required", "「姓名」为必填项"),
        (3, "age", "age must be 1-149", "年龄须为 1–149"),
        (5, "name", "name too long", "姓名过长"),
        (5, "age", "age must be 1-149", "年龄须为 1–149")]
    assert not result.ok


def test_error_report_lists_rows_with_their_errors_and_reads_back_as_an_import():
    content = _workbook(("姓名", "年龄"), ("张三", 30), ("李四", "x"))
    result = xlsx.read_rows(content, IMPORT, max_rows=10)
    result.add_error(2, "", "duplicate of a stored person", "与已有人员重复")
    report = xlsx.error_report(result)
    rows = xlsx.sheet_rows(report)
    assert rows[0] == ("行号 Row", "错误 Errors", "姓名 Name", "年龄 Age", "级别 Level")
    assert rows[1] == (2, "与已有人员重复 / duplicate of a stored person", "张三", "30", None)
    assert rows[2] == (3, "年龄 Age: 年龄须为 1–149 / age must be 1-149", "李四", "x", None)
    again = xlsx.read_rows(report, IMPORT, max_rows=10)
    assert [(r.row, r.raw["name"]) for r in again.rows] == [(2, "张三"), (3, "李四")]


@pytest.mark.parametrize(("content", "reason"), [
    (b"not a zip", "import.unreadable"),
    (_workbook(("姓名", "电话")), "import.columns"),
    (_workbook(("年龄",)), "import.columns"),
    (_workbook(("姓名", "姓名 Name")), "import.columns"),
    (_workbook(("姓名",), *[(f"人{i}",) for i in range(4)]), "import.too_many_rows"),
])
def test_files_that_cannot_be_taken_at_all_are_refused_whole(content, reason):
    with pytest.raises(InvalidArgument) as caught:
        xlsx.read_rows(content, IMPORT, max_rows=3)
    assert caught.value.reason == reason
    assert caught.value.message_zh != caught.value.message
