"""Tables to .xlsx and CSV for every "export" button.

Cells are written by type (numbers as numbers, text as text) and text that
Excel could run as a formula is neutralised (core.uploads.safe_cell). CSV is
UTF-8 with a BOM so that Excel on Japanese Windows opens it without mojibake.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import HttpResponse

from banso.core.uploads import safe_cell


@dataclass
class Table:
    title: str  # sheet name (31 characters at most in Excel)
    headers: list[str]
    rows: list[list[Any]]
    widths: list[int] = field(default_factory=list)
    note: str = ""


def _write_cell(ws: Any, row: int, col: int, value: Any, fmt: dict[str, Any]) -> None:
    if value is None:
        ws.write_blank(row, col, None)
    elif isinstance(value, bool):
        ws.write_string(row, col, "有" if value else "無")
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, float(value), fmt["number"])
    else:
        ws.write_string(row, col, str(safe_cell(str(value))))


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def worksheet_name(title: str, taken: set[str]) -> str:
    r"""A name Excel accepts for a sheet, from a title a user wrote (「研修 1/2」): at most 31 characters, none of
    []:*?/\ or control characters, not starting or ending with an apostrophe, and unlike the names already
    taken (compared as Excel does, ignoring case); added to `taken`."""
    base = _NOT_IN_SHEET_NAMES.sub("・", title).strip().strip("'")[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f"({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    fmt = {
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#d9e6ff", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "number": workbook.add_format({"num_format": "#,##0.##"}),
        "note": workbook.add_format({"italic": True, "font_color": "#4d4d4d", "text_wrap": True}),
    }
    taken: set[str] = set()
    for table in tables:
        ws = workbook.add_worksheet(worksheet_name(table.title, taken))
        start = 0
        if table.note:
            ws.write_string(0, 0, table.note, fmt["note"])
            start = 2
        for col, header in enumerate(table.headers):
            ws.write_string(start, col, header, fmt["header"])
            ws.set_column(col, col, table.widths[col] if col < len(table.widths) else 16)
        for r, row in enumerate(table.rows, start=start + 1):
            for c, value in enumerate(row):
                _write_cell(ws, r, c, value, fmt)
        ws.freeze_panes(start + 1, 0)
        if table.rows:
            ws.autofilter(start, 0, start + len(table.rows), len(table.headers) - 1)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(
            ["" if v is None else safe_cell(("有" if v else "無") if isinstance(v, bool) else str(v)) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(table: Table, name: str, fmt: str) -> HttpResponse:
    """A table as a download, .xlsx or CSV: what every "Excel" and "CSV" link on a list returns."""
    if fmt == "csv":
        response = HttpResponse(csv_bytes(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes([table]), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename={name}.{'csv' if fmt == 'csv' else 'xlsx'}"
    return response
