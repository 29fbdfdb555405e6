"""Write the survey workbook a department fills in Excel.

One sheet of instructions, one data sheet with protected headers, list
dropdowns, number formats, an example row and the answers already given (with
their row ids in a hidden column), plus a very hidden sheet that says which
town, year, round and department the file belongs to.
"""

import io
import zipfile

import xlsxwriter

from banso.core.fiscal import FiscalYear
from banso.core.uploads import column_letter, safe_cell, safe_filename
from banso.survey import sheet
from banso.survey.models import SurveyTask


def _fmt(workbook):
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "note": workbook.add_format({"font_color": "#4d4d4d", "font_size": 9}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#d9e6ff", "border": 1, "text_wrap": True, "valign": "top", "locked": True}
        ),
        "required": workbook.add_format(
            {"bold": True, "bg_color": "#ffdada", "border": 1, "text_wrap": True, "valign": "top", "locked": True}
        ),
        "example": workbook.add_format(
            {"italic": True, "font_color": "#666666", "bg_color": "#f2f2f2", "locked": True}
        ),
        "text": workbook.add_format({"locked": False, "valign": "top"}),
        "wrap": workbook.add_format({"locked": False, "text_wrap": True, "valign": "top"}),
        "int": workbook.add_format({"locked": False, "num_format": "#,##0"}),
        "decimal": workbook.add_format({"locked": False, "num_format": "#,##0.0#"}),
        "id": workbook.add_format({"locked": True, "font_color": "#999999"}),
        "bold": workbook.add_format({"bold": True}),
        "wrap_plain": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "input": workbook.add_format({"locked": False, "bg_color": "#fff0b3", "border": 1}),
    }


def _cell_value(task: SurveyTask | dict, column: sheet.Column):
    value = task.get(column.key) if isinstance(task, dict) else getattr(task, column.key)
    if column.kind == "bool":
        return "" if value is None else ("有" if value else "無")
    if column.kind == "id":
        return str(value) if value else ""
    if value is None:
        return ""
    if column.kind in ("int", "decimal"):
        return float(value)
    return safe_cell(str(value))


def write_department_workbook(target, survey_round, department, options: dict[str, list[str]], tasks) -> None:
    """Write the workbook to a path or file object."""
    workbook = xlsxwriter.Workbook(
        target, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    fmt = _fmt(workbook)
    fy = FiscalYear(survey_round.fiscal_year)
    _write_guide(workbook, fmt, survey_round, department, fy)
    lists_ranges = _write_lists(workbook, options)
    data = workbook.add_worksheet(sheet.DATA_SHEET)
    _write_data(workbook, data, fmt, survey_round, department, fy, lists_ranges, tasks)
    _write_meta(workbook, survey_round, department, fy)
    data.activate()
    workbook.close()


def _write_guide(workbook, fmt, survey_round, department, fy):
    guide = workbook.add_worksheet(sheet.GUIDE_SHEET)
    guide.set_column(0, 0, 26)
    guide.set_column(1, 1, 90)
    guide.write(0, 0, f"{fy.era_label} {survey_round.title}", fmt["title"])
    asked = sheet.asked_columns(survey_round.column_set, survey_round.custom_columns)
    lines = [
        ("自治体・部署", f"{survey_round.municipality.name}　{department.name}"),
        (
            "提出期限",
            f"{survey_round.deadline.year}年{survey_round.deadline.month}月{survey_round.deadline.day}日",
        ),
        (
            "記入するシート",
            f"「{sheet.DATA_SHEET}」シートの{sheet.FIRST_DATA_ROW + 1}行目から、1行に1つの業務を書いてください。",
        ),
        ("記入例", f"{sheet.EXAMPLE_ROW + 1}行目（灰色）は記入例です。消さずにそのままにしてください。"),
        ("必須の列", "見出しが赤い列は必ず入力してください。空欄のままだと取り込めません。"),
        (
            "時間の書き方",
            "「年間件数」と「1件あたり処理時間（分）」を書きます。件数で数えにくい業務は「FTE」に常勤換算の人数（例：0.5）を書きます。"
            if "minutes_per_case" in asked
            else f"「{sheet.header_of(sheet.COLUMN_BY_KEY['fte'], survey_round.column_set)}」に、この業務に携わる職員を常勤換算の人数で書きます（例：0.5）。",
        ),
        (
            "選択肢の列",
            "大分類・職員区分・処理媒体・デジタル化状況などは、セルを選ぶと出る一覧から選んでください。",
        ),
        ("有無の列", "押印・対面・外部委託は「有」または「無」を書きます。"),
        ("数式", "数式は使わず、値を入力してください（計算した場合は「値として貼り付け」）。"),
        (
            "前回の回答",
            "前回提出した回答が入っている場合は、直すところだけ直してください。A列の行IDは変更・削除しないでください。",
        ),
        (
            "提出",
            "保存したファイルを Banso の調査画面からアップロードしてください。問題があれば、シート・行・列ごとに理由が表示されます。",
        ),
    ]
    for i, (label, text) in enumerate(lines, start=2):
        guide.write(i, 0, label, fmt["bold"])
        guide.write(i, 1, text, fmt["wrap_plain"])
    row = len(lines) + 4
    guide.write(row, 0, "列", fmt["bold"])
    guide.write(row, 1, "説明", fmt["bold"])
    for i, column in enumerate(c for c in sheet.COLUMNS if c.kind != "id" and c.key in asked):
        need = "必須" if asked[column.key] else "任意"
        guide.write(row + 1 + i, 0, sheet.header_of(column, survey_round.column_set))
        guide.write(row + 1 + i, 1, f"{need}　{column.note}".rstrip(), fmt["wrap_plain"])


def _write_lists(workbook, options):
    lists = workbook.add_worksheet(sheet.LISTS_SHEET)
    ranges = {}
    for col, (kind, values) in enumerate(options.items()):
        lists.write(0, col, kind)
        for row, value in enumerate(values, start=1):
            lists.write_string(row, col, value)
        letter = column_letter(col)
        ranges[kind] = f"='{sheet.LISTS_SHEET}'!${letter}$2:${letter}${max(len(values), 1) + 1}"
    lists.hide()
    return ranges


def _write_data(workbook, data, fmt, survey_round, department, fy, lists_ranges, tasks):
    tasks = list(tasks)
    data.write(
        sheet.TITLE_ROW,
        1,
        f"{fy.era_label} 業務量調査票　{survey_round.municipality.name}　{department.name}",
        fmt["title"],
    )
    data.write(
        1,
        1,
        "赤い見出しの列は必須です。選択肢の列はセルを選ぶと一覧が出ます。記入例（灰色の行）は消さないでください。",
        fmt["note"],
    )
    last_row = sheet.FIRST_DATA_ROW + len(tasks) + sheet.BLANK_ROWS
    asked = sheet.asked_columns(survey_round.column_set, survey_round.custom_columns)
    columns = [c for c in sheet.COLUMNS if c.key in asked]  # only what the round asks for, in the sheet's order
    for col, column in enumerate(columns):
        cell_format = {
            "int": fmt["int"],
            "decimal": fmt["decimal"],
            "long_text": fmt["wrap"],
            "id": fmt["id"],
        }.get(column.kind, fmt["text"])
        data.set_column(col, col, column.width, cell_format, {"hidden": column.kind == "id"})
        header = sheet.header_of(column, survey_round.column_set)
        data.write(sheet.HEADER_ROW, col, header, fmt["required"] if asked[column.key] else fmt["header"])
        data.write(
            sheet.EXAMPLE_ROW,
            col,
            sheet.EXAMPLE_MARK if column.kind == "id" else _cell_value(sheet.EXAMPLE, column),
            fmt["example"],
        )
        _validate_column(data, col, column, lists_ranges, last_row)
    # The town's own columns its answers brought (備考 …), after Banso's, under their own headers.
    extras = list(dict.fromkeys(h for task in tasks for h in _extra_of(task)))
    for offset, header in enumerate(extras):
        col = len(columns) + offset
        data.set_column(col, col, 16, fmt["text"])
        data.write_string(sheet.HEADER_ROW, col, safe_cell(header), fmt["header"])
    for row, task in enumerate(tasks, start=sheet.FIRST_DATA_ROW):
        for col, column in enumerate(columns):
            value = _cell_value(task, column)
            if value != "":
                if isinstance(value, float):
                    data.write_number(row, col, value)
                else:
                    data.write_string(row, col, value)
        for offset, header in enumerate(extras):
            if _extra_of(task).get(header):
                data.write_string(row, len(columns) + offset, safe_cell(str(_extra_of(task)[header])))
    data.set_row(sheet.HEADER_ROW, 42)
    data.freeze_panes(sheet.FIRST_DATA_ROW, 2)
    data.autofilter(sheet.HEADER_ROW, 1, last_row, len(columns) + len(extras) - 1)
    # Headers, the example and the ids are locked; answer cells are not.
    data.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "autofilter": True,
            "sort": True,
            "insert_rows": True,
            "delete_rows": True,
        },
    )


def _extra_of(task) -> dict:
    return (task.get("extra") if isinstance(task, dict) else task.extra) or {}


def _validate_column(data, col, column, lists_ranges, last_row):
    first, last = sheet.FIRST_DATA_ROW, last_row
    if column.kind == "choice":
        data.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "list",
                "source": lists_ranges[column.choices],
                "error_title": column.header,
                "error_message": "一覧から選んでください。",
            },
        )
    elif column.kind == "bool":
        data.data_validation(
            first,
            col,
            last,
            col,
            {"validate": "list", "source": ["有", "無"], "error_message": "「有」か「無」を選んでください。"},
        )
    elif column.kind in ("int", "decimal"):
        data.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "integer" if column.kind == "int" else "decimal",
                "criteria": ">=",
                "value": 0,
                "error_title": column.header,
                "error_message": "0以上の数値を入力してください。",
            },
        )


def _write_meta(workbook, survey_round, department, fy):
    meta = workbook.add_worksheet(sheet.META_SHEET)
    rows = [
        ("format", sheet.FORMAT_NAME),
        ("version", sheet.FORMAT_VERSION),
        ("round_id", str(survey_round.pk)),
        ("municipality_code", survey_round.municipality.code),
        ("fiscal_year", str(fy.year)),
        ("department_id", str(department.pk)),
        ("department_name", department.name),
    ]
    for row, (key, value) in enumerate(rows):
        meta.write_string(row, 0, key)
        meta.write_string(row, 1, value)
    meta.very_hidden()


def department_workbook_bytes(survey_round, department, options, tasks) -> bytes:
    buffer = io.BytesIO()
    write_department_workbook(buffer, survey_round, department, options, tasks)
    return buffer.getvalue()


def workbook_filename(survey_round, department) -> str:
    """The department's sheet's file name, also its name inside the zip of every department's sheets."""
    return safe_filename(
        f"{FiscalYear(survey_round.fiscal_year).short_label}_業務量調査_{survey_round.municipality.name}_{department.name}.xlsx"
    )


def all_departments_zip(survey_round, departments_with_tasks, options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for department, tasks in departments_with_tasks:
            archive.writestr(
                workbook_filename(survey_round, department),
                department_workbook_bytes(survey_round, department, options, tasks),
            )
    return buffer.getvalue()
