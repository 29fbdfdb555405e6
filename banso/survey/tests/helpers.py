"""Build survey workbooks for tests: Banso's own sheets filled in, and hand-made bad ones."""

import io
import zipfile
from pathlib import Path

import xlsxwriter
from django.core.files.base import File

from banso.survey import services, sheet
from banso.survey.models import SurveyRound
from banso.survey.workbook import write_department_workbook


def row(name="窓口の証明書交付", **values):
    base = {
        "row_key": None,
        "name": name,
        "description": "窓口で交付する",
        "legal_basis": "",
        "category_major": "住民サービス・窓口",
        "category_middle": "証明書交付",
        "category_minor": "定型",
        "target": "住民",
        "period": "通年",
        "annual_count": 1200,
        "minutes_per_case": 10,
        "staff_per_case": 1,
        "fte": None,
        "staff_type": "正規",
        "medium": "紙",
        "has_seal": True,
        "has_in_person": True,
        "systems": "",
        "outsourced": False,
        "digital_status": "未",
        "issues": "",
    }
    return {**base, **values}


def own_workbook(path: Path, survey_round, department, rows) -> Path:
    write_department_workbook(str(path), survey_round, department, services.options_of(survey_round), rows)
    return path


def raw_workbook(
    path: Path,
    *,
    meta: dict | None,
    header: list[str],
    rows: list[list],
    formulas=(),
    sheet_name=sheet.DATA_SHEET,
    header_row=sheet.HEADER_ROW,
    dates=(),
):
    """A workbook cell by cell: `formulas` are (row index, col) written as =1+1, `dates` as Excel dates."""
    import datetime as dt

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    ws = workbook.add_worksheet(sheet_name)
    for c, text in enumerate(header):
        ws.write_string(header_row, c, text)
    date_format = workbook.add_format({"num_format": "yyyy/mm/dd"})
    for r, values in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(values):
            if (r - header_row - 1, c) in formulas:
                ws.write_formula(r, c, "=1+1", None, 2)
            elif (r - header_row - 1, c) in dates:
                ws.write_datetime(r, c, dt.datetime(2025, 4, 1), date_format)  # noqa: DTZ001 (Excel dates have no zone)
            elif value is None:
                continue
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    if meta is not None:
        m = workbook.add_worksheet(sheet.META_SHEET)
        for i, (k, v) in enumerate(meta.items()):
            m.write_string(i, 0, k)
            m.write_string(i, 1, str(v))
    workbook.close()
    return path


def meta_for(survey_round, department, **changes) -> dict:
    return {
        "format": sheet.FORMAT_NAME,
        "version": "1",
        "round_id": survey_round.pk,
        "municipality_code": survey_round.municipality.code,
        "fiscal_year": survey_round.fiscal_year,
        "department_id": department.pk,
        "department_name": department.name,
        **changes,
    }


HEADERS = [c.header for c in sheet.COLUMNS]


def as_list(values: dict) -> list:
    out = []
    for c in sheet.COLUMNS:
        v = values.get(c.key)
        if c.kind == "bool" and isinstance(v, bool):
            v = "有" if v else "無"
        out.append(v)
    return out


def run_import(path: Path, survey_round: SurveyRound, *, department=None, user=None, **options):
    with path.open("rb") as fh:
        batch = services.import_create(
            survey_round=survey_round, file=File(fh), original_name=path.name, user=user, department=department
        )
    return services.import_run(batch, **options)


def zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    return path


def read_cells(content: bytes, sheet_name: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(sheet_name).to_python()


def lists_form_data(survey_round) -> dict[str, str]:
    """What the answer-lists page posts for the round's lists as they stand: one box per list, and for the lists the
    analysis reads one box per meaning."""
    from banso.survey.models import MEANINGS_OF_KIND
    from banso.survey.selectors import meanings_of
    from banso.survey.services import options_of

    meanings = meanings_of(survey_round)
    data = {}
    for kind, values in options_of(survey_round).items():
        if kind not in MEANINGS_OF_KIND:
            data[kind] = "\n".join(values)
            continue
        for meaning in MEANINGS_OF_KIND[kind]:
            data[f"{kind}__{meaning}"] = "\n".join(v for v in values if meanings.get(kind, {}).get(v) == meaning)
    return data
