"""Reading measures, steps and KPIs back from the plan's Excel layout: all or nothing, problems placed exactly."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from banso.plans.models import Measure, Plan
from banso.plans.selectors import plan_snapshot
from banso.plans.workbook import export_workbook


@pytest.fixture
def plan(town):
    return Plan.objects.get(municipality=town)


def exported_sheets(plan) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(export_workbook(plan_snapshot(plan))))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def workbook_bytes(sheets: dict[str, list[list]], formula_at=None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if formula_at == (name, r, c):
                    sheet.write_formula(r, c, "=1+1", None, 2)
                else:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def upload(client, plan, data: bytes, name="plan.xlsx"):
    return client.post(
        reverse("plans:import", args=[plan.municipality.code, plan.pk]), {"file": SimpleUploadedFile(name, data)}
    )


def test_it_reads_back_what_it_exported_with_the_changes_staff_made(town_staff, plan):
    sheets = exported_sheets(plan)
    kpi_rows = sheets["KPI"]
    row = next(r for r in kpi_rows if r[1] == "除雪に関する電話の件数")
    row[8] = 500  # the target for R10 goes from 600 to 500
    sheets["ステップ"].append(["3-1", "R11", "要望の傾向を翌年度の除雪計画に反映"])
    sheets["施策"].append(
        [
            "5-1",
            "住民向けスマホ相談会",
            "",
            "企画政策課",
            "住民課、保健福祉課",
            "未着手",
            "",
            "",
            "",
            "高齢者",
            "",
            "",
        ]
    )
    response = upload(town_staff, plan, workbook_bytes(sheets))
    assert response.status_code == 302
    snow = plan.measures.get(number="3-1")
    assert snow.kpis.get().targets.get(fiscal_year=2028).value == 500
    assert snow.steps.get(fiscal_year=2029).description == "要望の傾向を翌年度の除雪計画に反映"
    new = plan.measures.get(number="5-1")
    assert new.owner.name == "企画政策課"
    assert {d.name for d in new.related_departments.all()} == {
        "住民課",
        "保健福祉課",
    }
    assert snow.challenges.exists(), "links the sheet does not carry are kept"


def test_it_refuses_unknown_measure_numbers_and_writes_nothing(town_staff, plan):
    sheets = exported_sheets(plan)
    sheets["KPI"].append(["8-8", "存在しない施策の指標", "件", "", "", "上げる", "", "R9", 10])
    sheets["ステップ"][1][2] = "書き換えたステップ"
    page = upload(town_staff, plan, workbook_bytes(sheets)).content.decode()
    assert "8-8" in page
    assert "KPI" in page
    assert "A（施策番号）" in page
    assert "何も取り込んでいません" in page
    assert not plan.measures.filter(steps__description="書き換えたステップ").exists()


@pytest.mark.parametrize(
    ("sheet", "row", "col", "value", "message"),
    [
        ("KPI", 1, 2, "", "単位"),
        ("KPI", 1, 7, "R3", "計画期間の外"),
        ("KPI", 1, 8, "百", "数値ではありません"),
        ("ステップ", 1, 1, "R3", "計画期間の外"),
        ("施策", 1, 3, "存在しない課", "部署「存在しない課」はありません"),
    ],
)
def test_it_places_each_problem_at_its_sheet_row_and_column(town_staff, plan, sheet, row, col, value, message):
    sheets = exported_sheets(plan)
    sheets[sheet][row][col] = value
    page = upload(town_staff, plan, workbook_bytes(sheets)).content.decode()
    assert message in page
    assert f'<td>{sheet}</td><td class="num">{row + 1}</td>' in page


def test_it_keeps_a_funding_scheme_banso_does_not_list_as_written_and_says_so(town_staff, plan):
    sheets = exported_sheets(plan)
    sheets["施策"][1][7] = "ふるさと納税"
    response = upload(town_staff, plan, workbook_bytes(sheets))
    assert response.status_code == 302
    assert plan.measures.get(number="1-1").funding_other == "ふるさと納税"
    page = town_staff.get(response["Location"]).content.decode()
    assert "ふるさと納税" in page
    assert "そのまま残しました" in page or "書かれたまま" in page


def test_it_matches_a_funding_scheme_named_without_its_type(town_staff, plan):
    sheets = exported_sheets(plan)
    sheets["施策"][1][7] = "デジタル活用推進事業債"
    upload(town_staff, plan, workbook_bytes(sheets))
    assert [f.name for f in plan.measures.get(number="1-1").funding.all()] == ["デジタル活用推進事業債"]


def test_it_refuses_a_formula_in_a_cell(town_staff, plan):
    sheets = exported_sheets(plan)
    page = upload(town_staff, plan, workbook_bytes(sheets, formula_at=("KPI", 1, 8))).content.decode()
    assert "数式" in page


def test_it_explains_a_file_that_is_not_a_workbook(town_staff, plan):
    page = upload(town_staff, plan, b"%PDF-1.7 not a workbook", name="plan.pdf").content.decode()
    assert "Excel" in page
    assert "plan.pdf" in page


def test_it_imports_and_exports_from_the_command_line(plan, tmp_path):
    out = tmp_path / "plan.xlsx"
    call_command("plan_export", municipality=plan.municipality.code, format="xlsx", out=str(out))
    sheets = {name: rows for name, rows in exported_sheets(plan).items()}
    sheets["施策"][1][1] = "書かない・待たない窓口の導入"
    edited = tmp_path / "edited.xlsx"
    edited.write_bytes(workbook_bytes(sheets))
    call_command("plan_import", str(edited), municipality=plan.municipality.code)
    assert Measure.objects.get(plan=plan, number="1-1").title == "書かない・待たない窓口の導入"
    sheets["施策"][1][0] = ""
    edited.write_bytes(workbook_bytes(sheets))
    with pytest.raises(CommandError):
        call_command("plan_import", str(edited), municipality=plan.municipality.code)
    pdf = tmp_path / "plan.pdf"
    call_command("plan_export", municipality=plan.municipality.code, format="pdf", out=str(pdf), edition="1.0")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert out.stat().st_size > 0
