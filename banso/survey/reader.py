"""Read a returned survey workbook and validate every row before anything is written.

The result lists each problem with its sheet, row and column as Excel shows
them, and a Japanese message that says what to do. Nothing here touches the
database: services.apply_import() writes only what this accepted.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import operator
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear
from banso.core.uploads import Problem, XlsxInfo, column_letter, open_xlsx, rows_with_cells, scan_sheet
from banso.survey import sheet
from banso.text.normalize import fold, normalize_for_matching, normalize_many

MAX_DATA_ROWS = 100_000
HEADER_SEARCH_ROWS = 15  # rows searched for a header below a title, a date or a note
LONGEST_SHEET = MAX_DATA_ROWS + HEADER_SEARCH_ROWS + 2  # rows with cells a sheet may have: answers, title, header
LONG_TEXT_LIMIT = 4000  # characters of a description or a note
SAMPLE_ROWS = 30  # answers read under each header of another layout, to guess its columns by their values


@dataclass(slots=True)
class ParsedRow:
    excel_row: int
    department_id: int
    values: dict
    errors: int = 0
    missing_answers: int = 0
    match_name: str = ""  # the name as duplicates are matched (normalize_for_matching), worked out once for all


@dataclass
class ReadResult:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    department_ids: set[int] = field(default_factory=set)
    refused_rows: set[int] = field(default_factory=set)  # rows refused before their cells were read (department)
    unknown_values: dict[str, set[str]] = field(default_factory=dict)  # list -> values not in it, to be read as
    needs_mapping: bool = False
    headers: list[str] = field(default_factory=list)  # for the mapping step
    header_row: int = 0
    header_rows: int = 1  # two when a group row (業務規模) stands over the columns' own headers (年間総計 …)
    sheet_name: str = ""
    total_rows: int = 0
    samples: dict[str, list[str]] = field(default_factory=dict)  # header -> the first answers under it
    new_sections: set[tuple[int, str]] = field(default_factory=set)  # (department, 係) the import will add

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def valid_rows(self) -> list[ParsedRow]:
        return [r for r in self.rows if not r.errors]

    def layout(self) -> dict:
        """Where another layout's headers are (sheet, first header row as Excel numbers it, how many rows) and what
        they say: kept on the import for the mapping step, and with a mapping."""
        return {
            "sheet": self.sheet_name,
            "header_row": self.header_row + 1,
            "header_rows": self.header_rows,
            "headers": self.headers,
            "samples": self.samples,
        }

    @property
    def refused_count(self) -> int:
        """Rows with answers that cannot be imported: with the valid rows, every row with answers in the file."""
        return len(self.refused_rows | {r.excel_row for r in self.rows if r.errors})


def header_key(text) -> str:
    return (
        "".join(unicodedata.normalize("NFKC", str(text or "")).split())
        .replace("(", "（")
        .replace(")", "）")
        .lower()
    )


KNOWN_HEADERS = {header_key(alias): c.key for c in sheet.COLUMNS for alias in (c.header, *c.aliases)}


def header_signature(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(header_key(h) for h in headers if h).encode()).hexdigest()


@dataclass
class Context:
    """What validation needs to know about the round, gathered once."""

    round_id: int
    municipality_code: str
    fiscal_year: int
    department_ids: set[int]
    department_by_name: dict[str, int]
    department_names: dict[int, str]
    options: dict[str, list[str]]  # CategoryKind -> allowed values
    annual_hours_per_fte: int
    staff_counts: dict[int, int | None]
    # row_key -> department id of the round's tasks; asked only by a file with Banso's hidden ids (a round of
    # 50,000 tasks need not read them all for a file in another layout).
    row_keys: Callable[[], dict[str, int]] = dict
    sections: dict[int, set[str]] = field(default_factory=dict)  # department id -> its 係 by name
    # {column: required} of what the round asks for (sheet.asked_columns); Banso's full sheet when not given.
    columns: dict[str, bool] = field(default_factory=lambda: sheet.asked_columns(sheet.ColumnSet.FULL))


def read_workbook(
    path, ctx: Context, *, original_name="", default_department_id=None, mapping=None, progress=None
) -> ReadResult:
    """Validate a workbook; raise UploadError when the file cannot be opened at all."""
    info, workbook = open_xlsx(path, original_name=original_name)
    result = ReadResult()
    names = workbook.sheet_names
    if sheet.META_SHEET in names:
        department_id = _check_meta(workbook, ctx, result)
        if result.errors:
            return result
        _read_sheet(workbook, info, ctx, result, sheet.DATA_SHEET, None, {}, department_id, progress)
    else:
        if mapping is None:
            _propose_mapping(workbook, info, result)
            return result
        _read_sheet(
            workbook,
            info,
            ctx,
            result,
            mapping.sheet_name or names[0],
            mapping.header_row - 1,
            mapping.fields,
            default_department_id,
            progress,
            department_header=mapping.department_header,
            header_rows=mapping.header_rows,
            read_as=mapping.values,
        )
    _check_capacity(ctx, result)
    return result


def _check_meta(workbook, ctx: Context, result: ReadResult) -> int | None:
    meta = {str(r[0]): str(r[1]) for r in workbook.get_sheet_by_name(sheet.META_SHEET).to_python() if len(r) >= 2}
    where: dict[str, Any] = {"sheet": sheet.META_SHEET}
    if meta.get("format") != sheet.FORMAT_NAME:
        result.problems.append(
            Problem(
                _("This workbook was not made by Banso's survey. Download the sheet from the survey page."),
                **where,
            )
        )
        return None
    if meta.get("municipality_code") != ctx.municipality_code:
        result.problems.append(
            Problem(
                _("This sheet belongs to another municipality (code %(code)s). Use your municipality's sheet.")
                % {"code": meta.get("municipality_code")},
                **where,
            )
        )
    year = meta.get("fiscal_year", "")
    if year != str(ctx.fiscal_year):
        label = FiscalYear(int(year)).era_label if year.isdigit() and 1989 <= int(year) <= 2200 else year
        result.problems.append(
            Problem(
                _(
                    "This is the sheet for %(year)s, not for %(expected)s. Download this year's sheet and copy your answers into it."
                )
                % {"year": label, "expected": FiscalYear(ctx.fiscal_year).era_label},
                **where,
            )
        )
    department_id = int(meta["department_id"]) if meta.get("department_id", "").isdigit() else None
    if department_id not in ctx.department_ids:
        result.problems.append(
            Problem(
                _(
                    "This sheet is for %(department)s, which is not part of this survey round. Check that you chose the right round."
                )
                % {"department": meta.get("department_name", "?")},
                **where,
            )
        )
    return department_id


def _find_header_row(rows, limit=HEADER_SEARCH_ROWS) -> int | None:
    for index, row in enumerate(rows[:limit]):
        keys = {KNOWN_HEADERS.get(header_key(cell)) for cell in row}
        if "name" in keys and len(keys - {None}) >= 3:
            return index
    return None


def _read_sheet(
    workbook,
    info: XlsxInfo,
    ctx,
    result,
    sheet_name,
    header_row,
    mapped,
    department_id,
    progress,
    department_header="",
    header_rows=1,
    read_as=None,
):
    if sheet_name not in workbook.sheet_names:
        result.problems.append(
            Problem(
                _(
                    "The sheet “%(sheet)s” is missing. Do not rename or delete it; download the sheet again if needed."
                )
                % {"sheet": sheet_name},
                sheet=sheet_name,
            )
        )
        return
    result.sheet_name = sheet_name
    scan = scan_sheet(info, sheet_name, more_than=LONGEST_SHEET)  # the row count and the formulas in one pass
    if scan.rows > LONGEST_SHEET:  # before calamine holds it
        result.problems.append(_too_many_rows(sheet_name))
        return
    found_sheet = workbook.get_sheet_by_name(sheet_name)
    # Rows are read one at a time: the sheet's cells stay in calamine's compact form, never all as Python objects.
    rows = _sheet_rows(found_sheet)
    head = list(itertools.islice(rows, max(HEADER_SEARCH_ROWS, (header_row or 0) + header_rows)))
    if header_row is None:
        header_row = _find_header_row(head)
        if header_row is None:
            result.problems.append(
                Problem(
                    _("The header row (業務名, 年間件数, …) was not found. Do not delete the header row."),
                    sheet=sheet_name,
                )
            )
            return
    header_cells = combined_headers(head, header_row, header_rows) if header_row < len(head) else []
    columns, dept_col, extras = _map_columns(header_cells, mapped, department_header, sheet_name, result, ctx)
    if result.errors:
        return
    first = header_row + header_rows  # 0-based row of the first answer
    total = max(0, _row_count(found_sheet) - first)
    if total > MAX_DATA_ROWS:
        result.problems.append(_too_many_rows(sheet_name))
        return
    validator = RowValidator(
        ctx, result, sheet_name, columns, {k: str(header_cells[i]) for k, i in columns.items()}
    )
    validator.read_as = {kind: {fold(k): v for k, v in pairs.items()} for kind, pairs in (read_as or {}).items()}
    validator.extras = extras
    validator.formulas = _by_row(scan.formulas)
    if dept_col is not None:
        validator.department_column = (dept_col, str(header_cells[dept_col]))
    result.total_rows = total
    data = itertools.chain(head[first:], rows)
    for offset, row in enumerate(data):
        excel_row = first + offset + 1
        found = (
            (department_id, "")
            if dept_col is None
            else validator.department_of(row[dept_col] if dept_col < len(row) else None, excel_row)
        )
        if found is None:
            result.refused_rows.add(excel_row)
        else:
            validator.validate(row, excel_row, found[0], section=found[1])
        if progress and offset % 1000 == 999:
            progress(offset + 1, total)
    validator.same_names_refused()
    if progress:
        progress(total, total)


def _too_many_rows(sheet_name: str) -> Problem:
    return Problem(
        _("The sheet has more than %(max)s rows. Split it into several files.") % {"max": f"{MAX_DATA_ROWS:,}"},
        sheet=sheet_name,
    )


def _sheet_rows(found_sheet) -> Iterator[list]:
    """The sheet's rows from row 1 and column A, as `to_python(skip_empty_area=False)` gives them, one at a time
    (calamine's iter_rows starts at the first used column)."""
    start = found_sheet.start
    if not (start and start[1]):
        return found_sheet.iter_rows()  # calamine's own iterator: no Python step per row
    pad = [""] * start[1]
    return (pad + row for row in found_sheet.iter_rows())


def _row_count(found_sheet) -> int:
    end = found_sheet.end
    return end[0] + 1 if end else 0


def _by_row(cells: set[tuple[int, int]]) -> dict[int, set[int]]:
    rows: dict[int, set[int]] = defaultdict(set)
    for row, column in cells:
        rows[row].add(column)
    return rows


def _map_columns(header_cells, mapped, department_header, sheet_name, result, ctx: Context):
    """field key -> column index, from the sheet's own headers or a saved mapping; only the columns the round
    asks for are read."""
    by_header = {header_key(cell): i for i, cell in enumerate(header_cells) if str(cell or "").strip()}
    columns: dict[str, int] = {}
    if mapped:
        for key, header in mapped.items():
            if header and header_key(header) in by_header and key in ctx.columns:
                columns[key] = by_header[header_key(header)]
    else:
        for key_text, index in by_header.items():
            key = KNOWN_HEADERS.get(key_text)
            if key and key in ctx.columns and key not in columns:
                columns[key] = index
    missing = [
        sheet.COLUMN_BY_KEY[k].header for k, required in ctx.columns.items() if required and k not in columns
    ]
    if not time_columns_found(ctx.columns, columns):
        numbers = [k for k in ("annual_count", "minutes_per_case", "fte") if k in ctx.columns and k not in columns]
        missing.extend(sheet.COLUMN_BY_KEY[k].header for k in numbers)
    if missing:
        result.problems.append(
            Problem(
                _(
                    "These columns are missing: %(columns)s. Put the headers back (download a fresh sheet to see them) and upload again."
                )
                % {"columns": "、".join(missing)},
                sheet=sheet_name,
            )
        )
    dept_col = by_header.get(header_key(department_header)) if department_header else None
    # The town's own columns (備考, 担当者 …) have no field in the survey: kept with each task, never dropped.
    extras = {
        i: " ".join(str(cell).split())
        for i, cell in enumerate(header_cells)
        if str(cell or "").strip() and i not in columns.values() and i != dept_col
    }
    for index, header in extras.items():
        result.problems.append(
            Problem(
                _(
                    "The column “%(header)s” has no field in the survey: its values are kept with each task as they "
                    "are and come back on the department's sheet."
                )
                % {"header": header},
                sheet=sheet_name,
                column=column_letter(index),
                severity="warning",
            )
        )
    return columns, dept_col, extras


class RowValidator:
    def __init__(
        self,
        ctx: Context,
        result: ReadResult,
        sheet_name: str,
        columns: dict[str, int],
        headers: dict[str, str] | None = None,
    ):
        """`headers` are the file's own header texts by column, so messages name the column as the file does."""
        self.ctx, self.result, self.sheet_name, self.columns = ctx, result, sheet_name, columns
        self.headers = {k: " ".join(h.split()) for k, h in (headers or {}).items() if h.strip()}
        self.allowed = {kind: {fold(v): v for v in values} for kind, values in ctx.options.items()}
        self.seen_keys: dict[str, int] = {}
        self.department_names = {fold(normalize_for_matching(n)): i for n, i in ctx.department_by_name.items()}
        self.department_column: tuple[int, str] | None = None  # (index, the file's header) of a department column
        self.departments_found: dict[str, tuple[int, str]] = {}  # a department cell's text -> (department, 係)
        self.new_sections = result.new_sections
        self.known_row_keys = functools.cache(ctx.row_keys)
        self.extras: dict[int, str] = {}  # index -> the file's header, of the columns with no field
        self.read_as: dict[str, dict[str, str]] = {}  # list -> {their value folded: the round's value}
        self.formulas: dict[int, set[int]] = {}  # 0-based row -> columns holding a formula
        asked = ctx.columns
        # (field, column index, converter, whether a blank is simply no answer) in the order of the file's columns.
        self.plan = [
            (key, index, self._converter(sheet.COLUMN_BY_KEY[key]), not asked.get(key))
            for key, index in columns.items()
        ]
        self.row_key_at = next((n for n, entry in enumerate(self.plan) if entry[0] == "row_key"), None)
        self.indices = [index for _key, index, _convert, _optional in self.plan]
        self.last_index = max(self.indices, default=-1)
        self.pick = _cells_at(self.indices)
        self.expected = [c.key for c in sheet.COLUMNS if c.expected and c.key in asked]
        self.counts_fte_alone = "minutes_per_case" not in asked and "fte" in asked
        self.asks_minutes = "minutes_per_case" in asked

    def problem(self, message, row, key="", severity="error", column=""):
        if key:
            index = self.columns.get(key)
            header = self.headers.get(key) or sheet.COLUMN_BY_KEY[key].header
            column = f"{column_letter(index)}（{header}）" if index is not None else header
        self.result.problems.append(Problem(message, self.sheet_name, row, column, key, severity))

    def department_of(self, value, row) -> tuple[int | None, str] | None:
        """(department, 係) a row's department cell names: 「住民課」, 「住民課 戸籍住民係」 or 「住民課／戸籍住民係」.
        None, with the reason, when the cell names a department outside the round or several departments; a
        blank cell gives (None, "") and the row says the department is missing only if it has answers."""
        text = " ".join(str(value or "").split())
        if not text:
            return None, ""
        if text in self.departments_found:  # a department's name repeats on each of its rows
            return self.departments_found[text]
        whole = self.department_names.get(fold(normalize_for_matching(text)))
        if whole is not None:
            self.departments_found[text] = (whole, "")
            return whole, ""
        parts = [p for p in re.split(r"[\s/／]+", text) if p]
        first = self.department_names.get(fold(normalize_for_matching(parts[0])))
        if (
            first is not None
            and len(parts) == 2
            and self.department_names.get(fold(normalize_for_matching(parts[1]))) is None
        ):
            self.departments_found[text] = (first, parts[1][:60])
            return first, parts[1][:60]
        named = [
            p
            for p in re.split(r"[\s/／、,，・]+", text)
            if self.department_names.get(fold(normalize_for_matching(p)))
        ]
        if len(named) >= 2:
            self.problem(
                _(
                    "“%(value)s” names several departments (%(names)s). Write each department's share of the work on "
                    "its own row, or only the department that leads it."
                )
                % {"value": text, "names": "、".join(named)},
                row,
                column=self._department_column(),
            )
            return None
        self.problem(
            _(
                "The department “%(name)s” is not part of this survey round. Write it as the round names it (for "
                "example 住民課, or 住民課 戸籍住民係 with the section after a space), or add it to the round."
            )
            % {"name": text},
            row,
            column=self._department_column(),
        )
        return None

    def note_section(self, department_id: int, section: str, row: int) -> None:
        """A 係 the department does not have yet is created with the import; said once, where it first appears."""
        if (department_id, section) in self.new_sections or section in self.ctx.sections.get(department_id, ()):
            return
        self.new_sections.add((department_id, section))
        self.problem(
            _("%(department)s has no section “%(section)s” yet; it will be added when the file is imported.")
            % {"department": self.ctx.department_names.get(department_id, ""), "section": section},
            row,
            severity="warning",
            column=self._department_column(),
        )

    def _department_column(self) -> str:
        if self.department_column is None:
            return ""
        index, header = self.department_column
        return f"{column_letter(index)}（{header}）"

    def validate(self, row, excel_row, department_id, section="") -> None:
        width = len(row)
        cells = (
            self.pick(row) if width > self.last_index else [row[i] if i < width else None for i in self.indices]
        )
        # A row with no answer at all is skipped (a loop, not a call per cell: most rows are full).
        for value in cells:
            if value is not None and value != "" and (value.__class__ is not str or value.strip()):
                break
        else:
            return
        if self.row_key_at is not None and str(cells[self.row_key_at] or "") == sheet.EXAMPLE_MARK:
            return
        if department_id is None and self.department_column is not None:
            self.problem(_("Write the department of this task."), excel_row, column=self._department_column())
            self.result.refused_rows.add(excel_row)
            return
        if department_id is None:
            self.problem(_("Choose the department this file belongs to."), excel_row)
            self.result.refused_rows.add(excel_row)
            return
        problems = self.result.problems
        before = len(problems)
        values: dict[str, Any] = {}
        formulas = self.formulas.get(excel_row - 1)
        if not formulas:  # nearly every row: the loop below without its question
            for (key, _index, convert, optional), raw in zip(self.plan, cells):  # noqa: B905 (one length by making)
                values[key] = None if optional and (raw is None or raw == "") else convert(raw, excel_row)
        else:
            self._formula_row_read(values, cells, formulas, excel_row)
        # The fields whose cell was refused: every message about a cell names its field.
        failed = (
            {p.field for p in problems[before:] if p.severity == "error"}
            if len(problems) != before
            else _NONE_FAILED
        )
        if self.extras:
            values["extra"] = {
                header: _text(row[i], normalize=False)[:1000]
                for i, header in self.extras.items()
                if i < width and not _blank(row[i])
            }
        if section:
            values["section"] = section
            self.note_section(department_id, section, excel_row)
        self.check_row(values, excel_row, department_id, failed)
        errors = sum(1 for p in problems[before:] if p.severity == "error") if len(problems) != before else 0
        missing = sum([values.get(key) in _NO_ANSWER for key in self.expected])  # converted: stripped text
        if self.counts_fte_alone and values.get("fte") is None:
            missing += 1  # 担当職員数 left blank where the round asks for no minutes: the row has no hours
        self.result.rows.append(ParsedRow(excel_row, department_id, values, errors, missing))
        if not errors:
            self.result.department_ids.add(department_id)

    def _formula_row_read(self, values: dict[str, Any], cells, formulas: set[int], excel_row: int) -> None:
        """A row with formulas: each formula's cell refused (its value would be the last one Excel computed), the
        others read as in any row."""
        for (key, index, convert, optional), raw in zip(self.plan, cells):  # noqa: B905 (one length by making)
            if index in formulas:
                self.problem(
                    _("This cell holds a formula. Enter the value instead (copy, then paste as values)."),
                    excel_row,
                    key,
                )
            else:
                values[key] = None if optional and (raw is None or raw == "") else convert(raw, excel_row)

    def _converter(self, column: sheet.Column) -> Callable[[Any, int], Any]:
        """How one column's cells become values, chosen once per column rather than per cell.

        The few different values of a list, a yes/no, a months or a minutes column are converted once each and
        remembered (a value that gave a message is converted, and says it, every time); whole numbers, the bulk
        of the counts, and text already in normal form skip the general path.
        """
        convert, problems = self.convert, self.result.problems

        def slow(raw: Any, row: int) -> Any:
            return convert(column, raw, row)

        if column.kind in ("choice", "bool", "months", "decimal"):
            known: dict[Any, Any] = {}

            def remembered(raw: Any, row: int) -> Any:
                # Text or a number; never a bool, which as a key would equal the number 1.
                if raw.__class__ not in (str, float, int) or raw == "":
                    return slow(raw, row)
                if raw in known:
                    return known[raw]
                count = len(problems)
                value = convert(column, raw, row)
                if len(problems) == count:
                    known[raw] = value
                return value

            return remembered
        if column.kind == "int":

            def whole(raw: Any, row: int) -> Any:
                if (
                    (raw.__class__ is float and raw.is_integer()) or raw.__class__ is int
                ) and 0 <= raw <= 100_000_000:
                    return int(raw)
                if raw.__class__ is str:  # 「1,234件」 or full-width 「１２３」: digits int() reads as they are
                    digits = raw.strip().replace(",", "").removesuffix("件")
                    if digits.isdecimal() and int(digits) <= 100_000_000:
                        return int(digits)
                return slow(raw, row)

            return whole
        if column.kind == "text":
            limit = column.max_length

            def text(raw: Any, row: int) -> Any:
                if raw.__class__ is str and (stripped := raw.strip()):
                    if not unicodedata.is_normalized("NFKC", stripped):
                        stripped = unicodedata.normalize("NFKC", stripped)
                    if len(stripped) <= limit:
                        return stripped
                return slow(raw, row)

            return text
        if column.kind == "long_text":

            def long_text(raw: Any, row: int) -> Any:
                if raw.__class__ is str and (stripped := raw.strip()) and len(stripped) <= LONG_TEXT_LIMIT:
                    return stripped
                return slow(raw, row)

            return long_text
        return slow

    def convert(self, column, raw, row):
        if _blank(raw):
            if self.ctx.columns.get(column.key):
                self.problem(
                    _("“%(column)s” is required.") % {"column": self.headers.get(column.key) or column.header},
                    row,
                    column.key,
                )
            return None
        if isinstance(raw, dt.date | dt.datetime | dt.time | dt.timedelta) and column.kind in (
            "int",
            "decimal",
            "choice",
            "bool",
            "id",
        ):
            self.problem(
                _(
                    "Excel turned this value into a date or time. Format the cell as a number or text and enter it again."
                ),
                row,
                column.key,
            )
            return None
        converter = getattr(self, f"_to_{column.kind}")
        return converter(column, raw, row)

    def _to_id(self, column, raw, row):
        try:
            return str(uuid.UUID(str(raw).strip()))
        except ValueError:
            self.problem(
                _("The row id is damaged; the row will be imported as a new task."), row, column.key, "warning"
            )
            return None

    def _to_text(self, column, raw, row):
        text = _text(raw, normalize=True)
        if len(text) > column.max_length:
            self.problem(
                _("Too long: at most %(max)s characters (this has %(n)s).")
                % {"max": column.max_length, "n": len(text)},
                row,
                column.key,
            )
        return text

    def _to_long_text(self, column, raw, row):
        text = _text(raw, normalize=False)
        if len(text) > LONG_TEXT_LIMIT:
            self.problem(
                _("Too long: at most %(max)s characters (this has %(n)s).")
                % {"max": LONG_TEXT_LIMIT, "n": len(text)},
                row,
                column.key,
            )
        return text

    def _number(self, column, raw, row):
        if isinstance(raw, bool):
            raw = str(raw)
        if isinstance(raw, int | float):
            value = Decimal(str(raw))
        else:
            text = unicodedata.normalize("NFKC", str(raw)).replace(",", "").replace(" ", "").strip()
            for unit in ("件", "分", "人", "回", "千円", "円"):
                text = text.removesuffix(unit)
            approximate = _approximate(text)
            if approximate is not None:
                self.problem(
                    _(
                        "“%(value)s” is an estimate; it was taken as %(number)s. Write the figure alone to drop this note."
                    )
                    % {"value": raw, "number": f"{approximate:,}"},
                    row,
                    column.key,
                    "warning",
                )
                text = str(approximate)
            if text in ANY_TIME_WORDS:
                self.problem(
                    _(
                        "“%(value)s” says when, not how many. Write an estimate of the cases a year, or leave the "
                        "count empty and write the staff it takes as FTE."
                    )
                    % {"value": raw},
                    row,
                    column.key,
                )
                return None
            try:
                value = Decimal(text)
            except InvalidOperation:
                self.problem(
                    _("“%(value)s” is not a number. Enter digits only, for example 120.") % {"value": raw},
                    row,
                    column.key,
                )
                return None
        if value < 0:
            self.problem(_("A negative number cannot be right here. Enter 0 or more."), row, column.key)
            return None
        return value

    def _to_int(self, column, raw, row):
        value = self._number(column, raw, row)
        if value is None:
            return None
        if value != value.to_integral_value():
            self.problem(_("Enter a whole number (no decimals)."), row, column.key)
            return None
        if value > 100_000_000:
            self.problem(_("This number is too large to be right; check the unit."), row, column.key)
            return None
        return int(value)

    def _to_decimal(self, column, raw, row):
        value = self._number(column, raw, row)
        if value is not None and value > 1_000_000:
            self.problem(_("This number is too large to be right; check the unit."), row, column.key)
            return None
        return value.quantize(Decimal("0.01")) if value is not None else None

    def _to_choice(self, column, raw, row):
        text = _text(raw, normalize=True)
        allowed = self.allowed.get(column.choices, {})
        theirs = self.read_as.get(column.choices, {}).get(fold(text))
        if (
            theirs is not None and fold(theirs) in allowed
        ):  # the town's own word, read as the round's (正職員 → 正規)
            return allowed[fold(theirs)]
        if fold(text) in allowed:
            return allowed[fold(text)]
        self.result.unknown_values.setdefault(column.choices, set()).add(text)
        choices = "、".join(allowed.values())
        self.problem(
            _("“%(value)s” is not in the list. Choose one of: %(choices)s.") % {"value": text, "choices": choices},
            row,
            column.key,
        )
        return None

    def _to_months(self, column, raw, row):
        """Months as towns write them (「3月,4月」「3～4月」「12月-2月」「８月」) as "3,4"; empty when none are named."""
        months = parse_months(_text(raw, normalize=True))
        if months is None:
            self.problem(
                _("Write the months as numbers, for example 3月,4月 or 3～4月."),
                row,
                column.key,
            )
            return None
        return ",".join(str(m) for m in months)

    def _to_bool(self, column, raw, row):
        text = fold(_text(raw, normalize=True))
        if text in sheet.YES_WORDS:
            return True
        if text in sheet.NO_WORDS:
            return False
        self.problem(_("Enter 有 or 無."), row, column.key)
        return None

    def check_seasons(self, values, row, failed) -> None:
        """The annual figure from the seasons (cases a month × their months), checked against 年間総計 or taking its
        place; a month in two seasons, or a season's volume without its months, is refused."""
        volumes = {k: values.get(k) for k in ("volume_normal", "volume_busy", "volume_quiet")}
        if failed & {*volumes, "busy_months", "quiet_months"}:
            return
        busy = [int(m) for m in (values.get("busy_months") or "").split(",") if m]
        quiet = [int(m) for m in (values.get("quiet_months") or "").split(",") if m]
        if set(busy) & set(quiet):
            self.problem(
                _("%(months)s are in both the busy and the quiet season. Put each month in one season.")
                % {"months": "、".join(f"{m}月" for m in sorted(set(busy) & set(quiet)))},
                row,
                "quiet_months",
            )
            return
        stated = values.get("annual_count")
        for key, months, name in (("volume_busy", busy, "busy_months"), ("volume_quiet", quiet, "quiet_months")):
            if volumes[key] is not None and not months:
                if stated is None:  # nothing to count the year by
                    self.problem(
                        _("Write the months of this season next to its cases a month, or the annual total."),
                        row,
                        name,
                    )
                return  # the annual total stands; the seasons are kept as written
        normal = 12 - len(busy) - len(quiet)
        derived = (
            (volumes["volume_normal"] or 0) * normal
            + (volumes["volume_busy"] or 0) * len(busy)
            + (volumes["volume_quiet"] or 0) * len(quiet)
        )
        if stated is None:
            values["annual_count"] = derived
        elif derived and abs(stated - derived) > max(derived, stated) * 0.1:
            self.problem(
                _(
                    "The annual total %(stated)s does not match the seasons (%(derived)s a year from the cases a "
                    "month and their months). Check both; the annual total is used."
                )
                % {"stated": f"{stated:,}", "derived": f"{derived:,}"},
                row,
                "annual_count",
                "warning",
            )

    def check_row(self, values, row, department_id, failed) -> None:
        """Checks across a row's cells and against earlier rows (but for the name: same_names_refused())."""
        if (
            values.get("volume_normal") is not None
            or values.get("volume_busy") is not None
            or values.get("volume_quiet") is not None
        ):
            self.check_seasons(values, row, failed)
        counted = values.get("annual_count") is not None and values.get("minutes_per_case") is not None
        # Only when the time cells are blank (a wrong value already has its own message), and only when the round
        # asks for minutes: a round that asks for 年間総計 and 担当職員数 alone counts a blank as a missing answer.
        if (
            self.asks_minutes
            and not counted
            and values.get("fte") is None
            and not (failed and failed & {"annual_count", "minutes_per_case", "fte"})
        ):
            self.problem(_("Enter the cases a year and the minutes per case, or the FTE."), row, "annual_count")

        row_key = values.get("row_key")
        if row_key:
            if row_key in self.seen_keys:
                self.problem(
                    _(
                        "This row was copied from row %(row)s together with its hidden id. Clear column A of the copy."
                    )
                    % {"row": self.seen_keys[row_key]},
                    row,
                    "row_key",
                )
                values["row_key"] = None
            elif self.known_row_keys().get(row_key, department_id) != department_id:
                self.problem(_("This row belongs to another department's sheet."), row, "row_key")
            self.seen_keys.setdefault(row_key, row)
        values["annual_hours"] = task_hours(values, self.ctx.annual_hours_per_fte)

    def same_names_refused(self) -> None:
        """Every row's name as duplicates are matched, worked out for all the rows at once (one pass over 50,000
        names costs a fraction of a call for each); a task named twice in one department is refused where it
        appears the second time."""
        rows = self.result.rows
        named = [row for row in rows if row.values.get("name")]
        seen: dict[tuple[int, str], int] = {}
        refused = False
        for row, match_name in zip(named, normalize_many([row.values["name"] for row in named]), strict=True):
            row.match_name = match_name
            first = seen.setdefault((row.department_id, match_name), row.excel_row)
            if first != row.excel_row:
                self.problem(
                    _("The same task appears twice (also on row %(row)s). Merge the two rows.") % {"row": first},
                    row.excel_row,
                    "name",
                )
                row.errors += 1
                refused = True
        if refused:
            self.result.department_ids = {row.department_id for row in rows if not row.errors}


def time_columns_found(asked: dict[str, bool], found) -> bool:
    """Whether a file has what the round needs to count hours: cases and minutes or the FTE where it asks for
    minutes, the FTE (担当職員数) where it asks for that alone, nothing where it asks for neither."""
    found = set(found)
    if "minutes_per_case" in asked:
        return "fte" in found or {"annual_count", "minutes_per_case"} <= found
    return "fte" not in asked or "fte" in found


def task_hours(values: dict, annual_hours_per_fte: int) -> Decimal:
    """Hours a year: FTE × working hours, or cases × minutes × staff ÷ 60."""
    if values.get("fte") is not None:
        return (Decimal(values["fte"]) * annual_hours_per_fte).quantize(Decimal("0.1"))
    if values.get("annual_count") is None or values.get("minutes_per_case") is None:
        return Decimal(0)
    staff = values.get("staff_per_case") or Decimal(1)
    return (Decimal(values["annual_count"]) * Decimal(values["minutes_per_case"]) * Decimal(staff) / 60).quantize(
        Decimal("0.1")
    )


def _check_capacity(ctx: Context, result: ReadResult) -> None:
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for row in result.valid_rows:
        hours[row.department_id] += row.values["annual_hours"]
    for department_id, total in hours.items():
        staff = ctx.staff_counts.get(department_id)
        if staff and total > staff * ctx.annual_hours_per_fte:
            result.problems.append(
                Problem(
                    _(
                        "The tasks of %(department)s add up to %(hours)s hours a year, more than its %(staff)s staff can work (%(capacity)s hours). Check the counts and minutes (minutes, not hours)."
                    )
                    % {
                        "department": ctx.department_names.get(department_id, ""),
                        "hours": f"{total:,.0f}",
                        "staff": staff,
                        "capacity": f"{staff * ctx.annual_hours_per_fte:,}",
                    },
                    sheet=result.sheet_name,
                )
            )


def _propose_mapping(workbook, info: XlsxInfo, result: ReadResult) -> None:
    """Another layout: find its header row so a person can map the columns."""
    result.needs_mapping = True
    best = None
    for name in workbook.sheet_names:
        if rows_with_cells(info, name, more_than=LONGEST_SHEET) > LONGEST_SHEET:  # before calamine holds it
            result.problems.append(_too_many_rows(name))
            return
        rows = list(
            itertools.islice(_sheet_rows(workbook.get_sheet_by_name(name)), HEADER_SEARCH_ROWS + 2 + SAMPLE_ROWS)
        )
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):  # below a title, a date or a note
            texts = [str(c).strip() for c in row if isinstance(c, str) and c.strip()]
            if len(texts) >= 3 and (best is None or len(texts) > best[2]):
                best = (name, index, len(texts), rows)
    if best is None:
        result.problems.append(
            Problem(_("No header row was found in this workbook: the first rows need column titles."))
        )
        return
    name, index, _count, rows = best
    result.header_rows = 2 if _names_parts(rows, index) else 1
    result.sheet_name, result.header_row = name, index
    result.headers = combined_headers(rows, index, result.header_rows)
    data = rows[index + result.header_rows : index + result.header_rows + SAMPLE_ROWS]
    result.samples = {
        header: [
            text for row in data if c < len(row) and (text := _text(row[c], normalize=True)) and text != "None"
        ]
        for c, header in enumerate(result.headers)
        if header
    }


def _cells(row) -> list[str]:
    """A row's cells as header text; a number is no header and shows as "#"."""
    return ["#" if isinstance(c, int | float) and not isinstance(c, bool) else str(c or "").strip() for c in row]


def _names_parts(rows, index: int) -> bool:
    """Whether the row below a header row names the parts of groups above it (業務規模 over 年間総計, 通常期 …): text
    only, and text under at least one empty top cell, which is where a merged group cell spans."""
    if index + 1 >= len(rows):
        return False
    top, below = _cells(rows[index]), _cells(rows[index + 1])
    texts = [b for b in below if b]
    spans = [c for c, b in enumerate(below) if b and (c >= len(top) or not top[c])]
    return len(texts) >= 2 and "#" not in below and bool(spans)


def combined_headers(rows, index: int, header_rows: int = 1) -> list[str]:
    """The column headers at rows[index]; with two header rows, a group's name and its part's (「業務規模（年間総計）」),
    a cell merged down both rows keeping its one name (「整理番号」)."""
    top = _cells(rows[index])
    if header_rows == 1 or index + 1 >= len(rows):
        return top
    below = _cells(rows[index + 1])
    headers, group = [], ""
    for c in range(max(len(top), len(below))):
        upper = top[c] if c < len(top) else ""
        lower = below[c] if c < len(below) else ""
        if upper:
            group = upper if lower else ""
        elif not lower:
            group = ""
        headers.append(f"{upper or group}（{lower}）" if lower and (upper or group) else upper or lower)
    return headers


# Words towns write in a count cell for work that has no count (「随時」): they get their own explanation.
ANY_TIME_WORDS = {"随時", "適宜", "必要時", "必要に応じて", "不定期", "都度", "その都度", "通年", "常時"}
_ESTIMATE = re.compile(
    r"^(?:約|およそ|概ね|おおむね|大体|だいたい)?(\d+(?:\.\d+)?)(?:件|分|人|回)?(?:程度|くらい|ぐらい|前後|ほど|強|弱)?$"
)


def _approximate(text: str) -> Decimal | None:
    """The number in an estimate (「約500」「500程度」), or None when the text is not one."""
    match = _ESTIMATE.match(text)
    if match is None or match.group(0) == match.group(1):  # a plain number is no estimate
        return None
    return Decimal(match.group(1))


def parse_months(text: str) -> list[int] | None:
    """「3月,4月」「3～4月」「12月-2月」 as [3, 4] or [12, 1, 2]; None when a part is not a month."""
    months: list[int] = []
    text = re.sub(r"月\s*(?=[~～〜\-－ー])", "", text)  # 「12月-2月」: the range stays one part
    for part in re.split(r"[,、，・\s]+", text.replace("月", " ").strip()):
        if not part:
            continue
        ends = re.split(r"[~～〜\-－ー]", part)
        if not all(e.isdigit() and 1 <= int(e) <= 12 for e in ends) or len(ends) > 2:
            return None
        first, last = int(ends[0]), int(ends[-1])
        span = range(first, last + 1) if first <= last else [*range(first, 13), *range(1, last + 1)]
        months.extend(m for m in span if m not in months)
    return months


_NO_ANSWER = (None, "")
_NONE_FAILED: frozenset[str] = frozenset()


def _cells_at(indices: list[int]) -> Callable[[list], Sequence[Any]]:
    """The cells at these indices of a row, picked in C (itemgetter) rather than one by one."""
    if len(indices) == 1:
        only = indices[0]
        return lambda row: (row[only],)
    if not indices:
        return lambda row: ()
    return operator.itemgetter(*indices)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(raw, *, normalize: bool) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return unicodedata.normalize("NFKC", text) if normalize else text


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Best guess by name alone of which of their headers is which survey column (a person confirms it)."""
    return {key: header for key, (header, _score) in guess_columns(headers).items()}


# How sure a guess must be for `banso survey import --mapping auto` to go ahead without a person: the header is
# one of the column's known spellings, or nearly so.
SURE = 90


def guess_columns(
    headers: list[str], samples: dict[str, list[str]] | None = None, options: dict[str, list[str]] | None = None
) -> dict[str, tuple[str, int]]:
    """{column: (their header, confidence 0–100)}: each column's best match among the file's headers, each header
    used once.

    First by name (the column's own header and known spellings, 「業務規模（年間総計）」 included). Then, for the
    columns still open, by the answers under the remaining headers (`samples`, {header: values}): a list column
    where the answers are the round's values (`options`), a yes/no or a months column where they read as such
    and the header says which one (「押印」, 「繁忙」). A guess from answers alone is never sure enough for a command
    to go ahead without a person (below SURE) unless the header also names the column in part; a guess by a
    header only like the column's own becomes sure when the answers under it agree."""
    from rapidfuzz import fuzz, process

    keyed = {header_key(h): h for h in headers if h}
    guesses: dict[str, tuple[str, int]] = {}
    taken: set[str] = set()
    for column in sheet.COLUMNS:
        if column.kind == "id":
            continue
        candidates = [k for k in keyed if k not in taken]
        best = None
        for alias in (column.header, *column.aliases):
            match = process.extractOne(header_key(alias), candidates, scorer=fuzz.ratio)
            if match and match[1] >= 75 and (best is None or match[1] > best[1]):
                best = match
        if best:
            guesses[column.key] = (keyed[best[0]], round(best[1]))
            taken.add(best[0])
    if samples:
        _guess_from_answers(guesses, {k: h for k, h in keyed.items() if k not in taken}, samples, options or {})
    return guesses


def _guess_from_answers(guesses, open_headers: dict[str, str], samples, options) -> None:
    from rapidfuzz import fuzz

    def named(column, key: str) -> int:
        """How far the header names the column in part (「押印欄」 for 押印の有無): 0–100."""
        return max(round(fuzz.partial_ratio(header_key(alias), key)) for alias in (column.header, *column.aliases))

    def share(column, header: str) -> float:
        values = samples.get(header) or []
        return sum(_reads_as(column, value, options) for value in values) / len(values) if len(values) >= 3 else 0

    for column in sheet.COLUMNS:
        if column.kind not in ("choice", "bool", "months"):
            continue
        if column.key in guesses:  # found by a header like its own (「押印欄」): sure when the answers agree
            header, score = guesses[column.key]
            if score < SURE and share(column, header) >= 0.8:
                guesses[column.key] = (header, SURE)
            continue
        best: tuple[int, str] | None = None
        for key, header in open_headers.items():
            found = share(column, header)
            if found < 0.8:
                continue
            hint = named(column, key)
            if column.kind != "choice" and hint < 50:
                continue  # 有/無 or months alone do not say which column (押印・対面・委託; 繁忙・閑散)
            score = min(SURE - 1, round(60 + 25 * found)) + (SURE - 80 if hint >= 50 else 0)
            if best is None or score > best[0]:
                best = (score, key)
        if best:
            guesses[column.key] = (open_headers.pop(best[1]), min(best[0], 95))


def _reads_as(column, value: str, options) -> bool:
    if column.kind == "choice":
        return fold(value) in {fold(v) for v in options.get(column.choices or "", [])}
    if column.kind == "bool":
        return fold(value) in sheet.YES_WORDS | sheet.NO_WORDS
    return bool(parse_months(value))


def sure_of(guesses: dict[str, tuple[str, int]]) -> dict[str, str]:
    """The guessed columns a command may use without a person: {column: header} of those found with confidence."""
    return {key: header for key, (header, score) in guesses.items() if score >= SURE}


# Headers a file uses for the department of each row.
DEPARTMENT_HEADERS = ("所管部署", "所管課", "担当課", "部署", "部署名", "課名", "所属", "担当部署")


def guess_department_header(
    headers: list[str], samples: dict[str, list[str]] | None = None, department_names: list[str] | None = None
) -> str:
    """The header of the column naming each row's department: by its name (所管部署, 担当課 …), or else the
    column whose answers mostly start with one of the round's departments (「住民課 戸籍係」)."""
    keyed = {header_key(h): h for h in headers if h}
    by_name = next((keyed[header_key(h)] for h in DEPARTMENT_HEADERS if header_key(h) in keyed), "")
    if by_name or not samples or not department_names:
        return by_name
    names = sorted({fold(normalize_for_matching(n)) for n in department_names}, key=len, reverse=True)
    for header in headers:
        values = (samples or {}).get(header) or []
        hits = sum(any(fold(normalize_for_matching(v)).startswith(n) for n in names) for v in values)
        if len(values) >= 3 and hits / len(values) >= 0.8:
            return header
    return ""


def read_layout(path, *, original_name="") -> ReadResult:
    """Another layout's sheet, header row(s) and headers, for a mapping to be made (nothing is validated)."""
    info, workbook = open_xlsx(path, original_name=original_name)
    result = ReadResult()
    if sheet.META_SHEET not in workbook.sheet_names:  # Banso's own sheet needs no mapping
        _propose_mapping(workbook, info, result)
    return result
