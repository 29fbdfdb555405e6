"""The period grid as an Excel sheet and back: the owner downloads the KPIs they report on, fills 今期の値 in Excel
(or pastes from their own sheet) and uploads it; the values then go through the same checks as the grid.

Rows are matched by KPI番号, never by position, so a sorted or filtered sheet comes back right. Nothing is written
while the file has a problem, and each problem names the sheet, the row and the column as Excel shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from banso.core.uploads import Problem, UploadError, column_letter, formula_cells, open_xlsx, rows_with_cells
from banso.core.xlsx import Table

SHEET_TITLE = "KPIの値"
ID_HEADER = "KPI番号"
VALUE_HEADER = "今期の値"
HEADERS = [ID_HEADER, "施策", "KPI", "単位", "前回の報告", "今日の期待値", "目標値", VALUE_HEADER]
HEADER_SEARCH_ROWS = 5
LONGEST_SHEET = 5_000  # a town's KPIs are in the hundreds; more rows than this is not this sheet


def grid_table(rows, period_label: str) -> Table:
    """The sheet of the grid's rows that may still be changed (approved ones are left out)."""
    lines = []
    for row in rows:
        if row.locked:
            continue
        target = row.final_target
        lines.append(
            [
                row.kpi.pk,
                f"{row.measure.number} {row.measure.title}",
                row.kpi.name,
                row.kpi.unit,
                row.guide.previous.value if row.guide.previous else None,
                row.guide.expected,
                target.value if target else None,
                row.actual.value if row.actual else None,
            ]
        )
    return Table(
        title=SHEET_TITLE,
        headers=HEADERS,
        rows=lines,
        widths=[10, 36, 36, 8, 12, 12, 12, 12],
        note=_("%(period)s: enter the values in the column 今期の値 and upload this file on the grid page.")
        % {"period": period_label},
    )


@dataclass
class SheetValues:
    """What an uploaded sheet holds: the value text of each KPI given one, where each KPI's row is, and the
    problems found (any problem: nothing is saved)."""

    sheet: str
    values: dict[int, str] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)  # KPI id -> row as Excel numbers it
    value_column: str = ""  # letter and header, as messages name it
    problems: list[Problem] = field(default_factory=list)

    def problem_at(self, kpi_id: int, message: str) -> Problem:
        return Problem(message, sheet=self.sheet, row=self.rows.get(kpi_id), column=self.value_column)


def read_grid_sheet(path: Path, original_name: str, kpi_ids: set[int]) -> SheetValues:
    """The values of an uploaded sheet, matched by KPI番号; UploadError when the file cannot be read at all."""
    info, workbook = open_xlsx(path, original_name=original_name)
    name = SHEET_TITLE if SHEET_TITLE in workbook.sheet_names else workbook.sheet_names[0]
    found = SheetValues(sheet=name)
    problems, values, where = found.problems, found.values, found.rows
    if rows_with_cells(info, name, more_than=LONGEST_SHEET) > LONGEST_SHEET:  # before calamine holds it
        raise UploadError(
            _("The sheet has more than %(max)s rows. Upload the sheet downloaded from this page.")
            % {"max": f"{LONGEST_SHEET:,}"}
        )
    rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    header_at = next(
        (
            i
            for i, row in enumerate(rows[:HEADER_SEARCH_ROWS])
            if {ID_HEADER, VALUE_HEADER} <= {str(cell).strip() for cell in row}
        ),
        None,
    )
    if header_at is None:
        problems.append(
            Problem(
                _("The headers %(id)s and %(value)s were not found. Download the sheet from this page again.")
                % {"id": ID_HEADER, "value": VALUE_HEADER},
                sheet=name,
            )
        )
        return found
    headers = [str(cell).strip() for cell in rows[header_at]]
    id_at, value_at = headers.index(ID_HEADER), headers.index(VALUE_HEADER)
    id_column = f"{column_letter(id_at)}（{ID_HEADER}）"
    value_column = found.value_column = f"{column_letter(value_at)}（{VALUE_HEADER}）"
    formulas = {r for r, c in formula_cells(info, name) if c == value_at}
    for index in range(header_at + 1, len(rows)):
        row, excel_row = rows[index], index + 1
        raw_id = row[id_at] if id_at < len(row) else ""
        raw_value = row[value_at] if value_at < len(row) else ""
        if _blank(raw_id) and _blank(raw_value):
            continue
        kpi_id = _whole_number(raw_id)
        if kpi_id is None or kpi_id not in kpi_ids:
            problems.append(
                Problem(
                    _(
                        "This KPI number is not one you report on for this period. Keep the numbers of the "
                        "downloaded sheet as they are."
                    ),
                    sheet=name,
                    row=excel_row,
                    column=id_column,
                )
            )
            continue
        if kpi_id in where:
            problems.append(
                Problem(
                    _("This KPI is also on row %(row)s. Keep one of the two rows.") % {"row": where[kpi_id]},
                    sheet=name,
                    row=excel_row,
                    column=id_column,
                )
            )
            continue
        where[kpi_id] = excel_row
        if index in formulas:
            problems.append(
                Problem(
                    _("This cell holds a formula. Enter the value instead (copy, then paste as values)."),
                    sheet=name,
                    row=excel_row,
                    column=value_column,
                )
            )
        elif isinstance(raw_value, dt.date | dt.datetime | dt.time | dt.timedelta):
            problems.append(
                Problem(
                    _("This cell holds a date. Enter the number (set the cell's format to 標準 or 数値)."),
                    sheet=name,
                    row=excel_row,
                    column=value_column,
                )
            )
        elif not _blank(raw_value):
            values[kpi_id] = _plain(raw_value)
    return found


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None


def _plain(value: Any) -> str:
    """A cell as the grid's box would hold it: 12.0 → 12, text as typed."""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()
