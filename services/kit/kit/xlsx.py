"""Excel (xlsx) exports and imports, written once for every service (openpyxl).

Export: `write_rows(columns, rows, reveal=...)` streams rows into a write-only workbook (rows
are never all held as openpyxl cells) with one bilingual header row ("姓名 Name"), typed
cells, and a masking hook: a column with `mask` (e.g. `MASK_PHONE`) shows its value masked
unless `reveal(column, row)` says the caller may see it in full (the caller's roles, the
row's owner: the service decides, the kit applies it).

Import: `template(columns, ...)` is the file people fill in (the header row, a drop-down list
on columns with fixed choices, an instructions sheet in Chinese and English);
`read_rows(content, columns)` checks every row with the columns' parsers and collects every
error (row number, column, zh + en message) instead of stopping at the first;
`error_report(columns, result)` is the uploaded rows again with an error column, which can be
corrected and uploaded as it is (the reader ignores the report's own columns).

Every user-facing text is bilingual; a cell's value never appears in an error message (it may
be an ID number).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from .errors import DomainError, InvalidArgument
from .personal_data import mask_id_card, mask_phone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The report's own columns (ignored when a corrected report is uploaded again).
ROW_HEADER = "行号 Row"
ERROR_HEADER = "错误 Errors"
# A zip whose members expand beyond this is refused before openpyxl reads it (zip bombs).
MAX_EXPANDED_BYTES = 64 * 1024 * 1024
TEMPLATE_ROWS = 5000  # how far down the template's drop-down lists reach

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ERROR_FILL = PatternFill("solid", fgColor="FCE4D6")
# Text that Excel would take for a formula when typed (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@")


# Masking hooks for `Column.mask` (kit.personal_data's masks).
MASK_PHONE = mask_phone
MASK_ID_CARD = mask_id_card


class CellError(ValueError):
    """A parser's refusal of one cell: the messages say what is wrong, never the value."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message, self.message_zh = message, message_zh


@dataclasses.dataclass(frozen=True)
class Column:
    key: str                     # the row's key/attribute (export) and the parsed key (import)
    zh: str
    en: str
    kind: str = "text"           # text | int | date | datetime | bool
    width: int = 18
    # export: how a value is masked when the reader may not see it in full
    mask: Callable[[Any], Any] | None = None
    # import: cell text -> stored value (raises CellError or a kit DomainError); None: as is
    parse: Callable[[str], Any] | None = None
    required: bool = False
    choices: tuple[str, ...] = ()  # fixed choices: a drop-down list in the template
    example: str = ""
    note_zh: str = ""
    note_en: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"

    def names(self) -> set[str]:
        """Header texts this column is recognised by (either language or both)."""
        return {_norm(self.header), _norm(self.zh), _norm(self.en), _norm(f"{self.zh}{self.en}")}


def _norm(text: str) -> str:
    return "".join(str(text).split()).casefold()


# --- export ------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Export:
    content: bytes
    row_count: int


def _value_of(row: Any, key: str) -> Any:
    return row.get(key) if isinstance(row, Mapping) else getattr(row, key, None)


def _cell_value(column: Column, value: Any, shown_in_full: bool) -> Any:
    if column.mask is not None and not shown_in_full and value not in (None, ""):
        value = ([column.mask(v) for v in value] if isinstance(value, list | tuple)
                 else column.mask(value))
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # Excel has no zones: UTC, said in the header
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if column.kind == "bool" and value is not None:
        return "是 yes" if value else "否 no"
    return value


def write_rows(columns: Sequence[Column], rows: Iterable[Any], *,
               reveal: Callable[[Column, Any], bool] | None = None,
               sheet_title: str = "Data", value_of: Callable[[Any, str], Any] = _value_of
               ) -> Export:
    """`rows` (mappings or objects, consumed once) as one worksheet. A column with `mask`
    is masked unless `reveal(column, row)`; without `reveal` nothing is shown in full."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header + (" (UTC)" if column.kind == "datetime"
                                                        else ""))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    ws.append(header)
    count = 0
    try:
        for row in rows:
            out = []
            for column in columns:
                full = column.mask is None or (reveal is not None and reveal(column, row))
                value = _cell_value(column, value_of(row, column.key), full)
                if isinstance(value, str) and value.startswith(_FORMULA_START):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"  # text, never a formula
                    out.append(cell)
                else:
                    out.append(value)
            ws.append(out)
            count += 1
    except BaseException:
        # The rows failed (a limit, the database): let openpyxl close its sheet writer and
        # remove its temporary file, then propagate.
        with contextlib.suppress(Exception):
            wb.save(io.BytesIO())
        raise
    buffer = io.BytesIO()
    wb.save(buffer)
    return Export(buffer.getvalue(), count)


# --- import: the template ---------------------------------------------------------------------

def template(columns: Sequence[Column], *, title_zh: str, title_en: str,
             instructions: Sequence[tuple[str, str]] = ()) -> bytes:
    """The file to fill in: a data sheet with the header row (drop-down lists where a column
    has choices) and an instructions sheet: general lines (zh, en), then one line per column
    (required or not, choices, example, notes)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "数据 Data"
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        ws.column_dimensions[get_column_letter(i)].width = column.width
        letter = get_column_letter(i)
        if column.choices:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True,
                showErrorMessage=True, errorTitle="无效取值 Invalid value",
                error="请从列表中选择 Choose a value from the list")
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        if column.kind == "text":  # keep long digit strings (phones, ID numbers) as text
            for row in range(2, 200):
                ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"
    info = wb.create_sheet("说明 Instructions")
    info.column_dimensions["A"].width = 28
    for letter in "BCDEF":
        info.column_dimensions[letter].width = 30
    info.append([title_zh, title_en])
    info["A1"].font = info["B1"].font = Font(bold=True, size=13)
    for zh, en in instructions:
        info.append([zh, en])
    info.append([])
    heads = ["列 Column", "必填 Required", "可选值 Choices", "示例 Example", "说明", "Notes"]
    info.append(heads)
    for cell in info[info.max_row]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for column in columns:
        info.append([column.header, "是 yes" if column.required else "否 no",
                     " / ".join(column.choices), column.example, column.note_zh,
                     column.note_en])
    for row in info.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- import: reading ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class RowError:
    row: int                     # the spreadsheet's row number (the header is row 1)
    column: str                  # a column key, or "" for the whole row
    message: str
    message_zh: str


@dataclasses.dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]       # column key -> parsed value (non-empty cells that parsed)
    raw: dict[str, str]          # column key -> the cell as text (for the error report)


@dataclasses.dataclass
class ReadResult:
    columns: Sequence[Column]
    rows: list[ParsedRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, row: int, column: str, message: str, message_zh: str) -> None:
        self.errors.append(RowError(row, column, message, message_zh))

    def sorted_errors(self) -> list[RowError]:
        order = {c.key: i for i, c in enumerate(self.columns)}
        return sorted(self.errors, key=lambda e: (e.row, order.get(e.column, -1)))


def unreadable(message: str, message_zh: str) -> InvalidArgument:
    return InvalidArgument(message, reason="import.unreadable", message_zh=message_zh)


def _as_text(value: Any) -> str:
    """A cell as the text a person typed: whole numbers without `.0`, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time()
                else value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _check_zip(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise unreadable("the file is not an xlsx workbook", "文件不是 xlsx 工作簿") from None
    if expanded > MAX_EXPANDED_BYTES:
        raise unreadable("the workbook is too large once unpacked", "工作簿解压后过大")


def read_rows(content: bytes, columns: Sequence[Column], *, max_rows: int) -> ReadResult:
    """Every data row of the first worksheet, parsed by `columns`; raises InvalidArgument
    (`import.unreadable`, `import.columns`, `import.too_many_rows`) for a file it cannot
    take at all, and otherwise reports cell errors row by row in the result."""
    _check_zip(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile):
        raise unreadable("the file is not an xlsx workbook", "文件不是 xlsx 工作簿") from None
    try:
        ws = wb.worksheets[0]
        lines = ws.iter_rows(values_only=True)
        header = next(lines, None) or ()
        by_name = {}
        for column in columns:
            for name in column.names():
                by_name[name] = column
        ignored = {_norm(ROW_HEADER), _norm(ERROR_HEADER)}
        positions: list[tuple[int, Column]] = []
        unknown: list[str] = []
        seen: set[str] = set()
        for i, title in enumerate(header):
            text = _norm(_as_text(title))
            if not text or text in ignored:
                continue
            column = by_name.get(text)
            if column is None:
                unknown.append(_as_text(title)[:40])
            elif column.key in seen:
                raise InvalidArgument(f"column {column.en} appears twice",
                                      reason="import.columns",
                                      message_zh=f"列「{column.zh}」重复")
            else:
                seen.add(column.key)
                positions.append((i, column))
        missing = [c for c in columns if c.required and c.key not in seen]
        if unknown or missing:
            parts_en, parts_zh = [], []
            if unknown:
                parts_en.append("unknown columns: " + ", ".join(unknown))
                parts_zh.append("未知列：" + "、".join(unknown))
            if missing:
                parts_en.append("missing columns: " + ", ".join(c.en for c in missing))
                parts_zh.append("缺少列：" + "、".join(c.zh for c in missing))
            raise InvalidArgument("; ".join(parts_en) + " (use the import template)",
                                  reason="import.columns",
                                  message_zh="；".join(parts_zh) + "（请使用导入模板）")
        result = ReadResult(columns, [], [])
        for number, line in enumerate(lines, start=2):
            raw = {column.key: _as_text(line[i]) if i < len(line) else ""
                   for i, column in positions}
            if not any(raw.values()):
                continue  # blank lines are not rows
            if len(result.rows) >= max_rows:
                raise InvalidArgument(f"the file has more than {max_rows} rows",
                                      reason="import.too_many_rows",
                                      message_zh=f"文件超过 {max_rows} 行")
            values: dict[str, Any] = {}
            for column in columns:
                text = raw.get(column.key, "")
                if not text:  # an empty optional cell is left out, not parsed
                    if column.required:
                        result.add_error(number, column.key, f"{column.en} is required",
                                         f"「{column.zh}」为必填项")
                    continue
                try:
                    values[column.key] = column.parse(text) if column.parse else text
                except CellError as error:
                    result.add_error(number, column.key, error.message, error.message_zh)
                except DomainError as error:
                    result.add_error(number, column.key, error.message, error.message_zh)
            result.rows.append(ParsedRow(number, values, raw))
        return result
    finally:
        wb.close()


def error_report(result: ReadResult) -> bytes:
    """The uploaded rows with their row number and an error column (rows with errors
    highlighted); correct it and upload it again as it is."""
    columns = result.columns
    by_row: dict[int, list[RowError]] = {}
    for error in result.sorted_errors():
        by_row.setdefault(error.row, []).append(error)
    names = {c.key: c for c in columns}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误报告 Errors")
    widths = [10, 60, *(c.width for c in columns)]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C2"
    header = []
    for title in (ROW_HEADER, ERROR_HEADER, *(c.header for c in columns)):
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    ws.append(header)
    raws = {r.row: r.raw for r in result.rows}
    for number in sorted(set(raws) | set(by_row)):
        errors = by_row.get(number, [])
        text = "\n".join(
            (f"{names[e.column].zh} {names[e.column].en}: " if e.column in names else "")
            + f"{e.message_zh} / {e.message}" for e in errors)
        cells = []
        for value in (number, text, *(raws.get(number, {}).get(c.key, "") for c in columns)):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if errors:
                cell.fill = _ERROR_FILL
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_rows(content: bytes, sheet: int = 0) -> list[tuple]:
    """Every row of a worksheet as values (tests and tools reading an export back)."""
    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [tuple(row) for row in wb.worksheets[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
