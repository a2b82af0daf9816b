"""Timetable exporters, independent of where the timetable comes from.

- `week_grid_xlsx`: one worksheet per grid, days as columns, periods as rows (with their
  times), bilingual headers ("周一 Mon"), several entries in a cell on separate lines.
- `calendar_ics`: an iCalendar (RFC 5545) document, one VEVENT per event, optionally
  recurring weekly until a date (RRULE), with the VTIMEZONE of the events' zone included so
  any client shows the right local times.

The grid is a styled layout (merged-looking period headers, cells of several lines), not a
stream of typed rows, so it keeps its own openpyxl code; the content type is kit.xlsx's.

Callers build `WeekGrid`s / `CalendarEvent`s from their own data; nothing here knows about
scheduling's tables.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

import icalendar
from kit.xlsx import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # one content type
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
DEFAULT_TIME_ZONE = "Asia/Shanghai"

DAY_HEADERS = {1: "周一 Mon", 2: "周二 Tue", 3: "周三 Wed", 4: "周四 Thu", 5: "周五 Fri",
               6: "周六 Sat", 7: "周日 Sun"}
PERIOD_HEADER = "节次 Period"


@dataclasses.dataclass(frozen=True)
class GridRow:
    period: int
    start_time: str = ""
    end_time: str = ""

    @property
    def header(self) -> str:
        times = f"\n{self.start_time}–{self.end_time}" if self.start_time else ""
        return f"第{self.period}节 P{self.period}{times}"


@dataclasses.dataclass(frozen=True)
class WeekGrid:
    title: str                               # the worksheet name (max 31 chars in Excel)
    days: Sequence[int]                      # ISO weekdays, in column order
    rows: Sequence[GridRow]
    cells: Mapping[tuple[int, int], Sequence[str]]  # (day, period) -> entries
    heading: str = ""                        # a line above the grid


_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = clean[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def week_grid_xlsx(grids: Iterable[WeekGrid]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for grid in grids:
        ws = wb.create_sheet(_sheet_title(grid.title, used))
        top = 1
        if grid.heading:
            ws.cell(row=1, column=1, value=grid.heading).font = Font(bold=True, size=13)
            top = 3
        corner = ws.cell(row=top, column=1, value=PERIOD_HEADER)
        for col, day in enumerate(grid.days, start=2):
            ws.cell(row=top, column=col, value=DAY_HEADERS.get(day, str(day)))
        for col in range(1, len(grid.days) + 2):
            c = ws.cell(row=top, column=col)
            c.font, c.fill, c.border = Font(bold=True), _HEADER_FILL, _BORDER
            c.alignment = Alignment(horizontal="center", vertical="center")
        corner.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, row in enumerate(grid.rows, start=top + 1):
            head = ws.cell(row=r, column=1, value=row.header)
            head.font, head.fill, head.border = Font(bold=True), _HEADER_FILL, _BORDER
            head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            lines_in_row = 2
            for col, day in enumerate(grid.days, start=2):
                entries = list(grid.cells.get((day, row.period), ()))
                c = ws.cell(row=r, column=col, value="\n".join(entries) or None)
                c.border = _BORDER
                c.alignment = Alignment(vertical="top", wrap_text=True)
                lines_in_row = max(lines_in_row, sum(e.count("\n") + 1 for e in entries))
            ws.row_dimensions[r].height = 15 * lines_in_row
        ws.column_dimensions["A"].width = 16
        for col in range(2, len(grid.days) + 2):
            ws.column_dimensions[get_column_letter(col)].width = 24
        ws.freeze_panes = ws.cell(row=top + 1, column=2)
    if not wb.sheetnames:
        wb.create_sheet("Empty")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclasses.dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: dt.datetime   # timezone-aware
    end: dt.datetime
    location: str = ""
    description: str = ""
    weekly_until: dt.date | None = None  # recur weekly through this date (inclusive)
    sequence: int = 0                    # bump when the event changes, so clients update


def calendar_ics(events: Iterable[CalendarEvent], *, name: str,
                 time_zone: str = DEFAULT_TIME_ZONE, product: str = "-//EduCRM//scheduling//ZH",
                 stamp: dt.datetime | None = None) -> bytes:
    zone = ZoneInfo(time_zone)
    cal = icalendar.Calendar()
    cal.add("prodid", product)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", time_zone)
    stamp = stamp or dt.datetime.now(dt.UTC)
    for e in events:
        ev = icalendar.Event()
        ev.add("uid", e.uid)
        ev.add("dtstamp", stamp)
        ev.add("summary", e.summary)
        ev.add("dtstart", e.start.astimezone(zone))
        ev.add("dtend", e.end.astimezone(zone))
        if e.location:
            ev.add("location", e.location)
        if e.description:
            ev.add("description", e.description)
        if e.sequence:
            ev.add("sequence", e.sequence)
        if e.weekly_until is not None:
            # UNTIL in UTC (RFC 5545 requires UTC when DTSTART has a zone): end of that day
            last = dt.datetime.combine(e.weekly_until, dt.time(23, 59, 59), zone)
            ev.add("rrule", {"freq": "weekly", "until": last.astimezone(dt.UTC)})
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
