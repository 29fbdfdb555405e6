"""The 新旧対照表: field by field with labels a council reads, added measures in full, steps and targets by 年度,
on the page and as Word and PDF."""

import datetime as dt
import io
from decimal import Decimal

import pypdfium2
import pytest
from django.urls import reverse
from docx import Document as WordDocument

from banso.plans import services
from banso.plans.models import Measure, Plan


@pytest.fixture
def plan(town):
    return Plan.objects.get(municipality=town, title="サンプル町DX推進計画")


def compare_url(plan, **params):
    url = reverse("plans:version_diff", args=[plan.municipality.code, plan.pk])
    latest = plan.versions.first()
    query = "&".join(f"{k}={v}" for k, v in {"a": latest.pk, "b": "", **params}.items())
    return f"{url}?{query}"


def row_of(page: str, label: str) -> str:
    start = page.index(label)
    return page[start : page.index("</tr>", start)]


def test_it_names_a_status_change_by_its_labels_not_its_codes(town_staff, plan):
    Measure.objects.filter(plan=plan, number="2-2").update(status=Measure.Status.STOPPED)
    page = town_staff.get(compare_url(plan)).content.decode()
    row = row_of(page, "2-2 状況")
    assert "<del>未着手</del>" in row  # as 第1.1版 was issued, before any report
    assert "<ins>中止</ins>" in row
    assert "in_progress" not in page
    assert "stopped" not in page


def test_it_compares_steps_and_targets_year_by_year(town_staff, plan):
    measure = plan.measures.get(number="1-1")
    kpi = measure.kpis.get()
    services.kpi_save(
        measure=measure,
        kpi=kpi,
        name=kpi.name,
        unit=kpi.unit,
        baseline_value=kpi.baseline_value,
        baseline_date=kpi.baseline_date,
        direction=kpi.direction,
        targets={2027: Decimal("2"), 2029: Decimal("1")},
    )
    services.measure_save(
        plan=plan,
        measure=measure,
        number="1-1",
        title=measure.title,
        owner=measure.owner,
        steps={
            2025: "窓口の様式の棚卸し",
            2026: "書かない窓口システムの導入（住民課・税務課）",
            2027: "全窓口へ拡大",
        },
    )
    page = town_staff.get(compare_url(plan)).content.decode()
    target = row_of(page, "1-1 KPI「転入1件あたりの記入枚数」 目標値（令和9年度）")
    assert "1枚" in target
    assert "2枚" in target
    assert "（なし）" in row_of(page, "1-1 KPI「転入1件あたりの記入枚数」 目標値（令和11年度）")
    step = row_of(page, "1-1 ステップ（令和8年度）")
    assert "<ins>・税務課</ins>" in step


def test_it_shows_an_added_measure_in_full(town_staff, plan, town):
    measure = services.measure_save(
        plan=plan,
        number="5-1",
        title="庁内チャットの導入",
        owner=town.departments.get(name="総務課"),
        purpose="電話と紙のメモによる伝言をなくす。",
        steps={2027: "全課で試行"},
    )
    services.kpi_save(measure=measure, name="伝言メモの枚数", unit="枚", targets={2028: Decimal("0")})
    page = town_staff.get(compare_url(plan)).content.decode()
    row = row_of(page, "5-1 庁内チャットの導入")
    assert "追加" in row
    for text in ("電話と紙のメモによる伝言をなくす。", "全課で試行", "伝言メモの枚数", "令和10年度 0枚"):
        assert text in row


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_it_hands_the_council_the_table_of_changes_as_word_and_pdf(town_staff, plan, fmt):
    Measure.objects.filter(plan=plan, number="2-2").update(status=Measure.Status.STOPPED)
    response = town_staff.get(compare_url(plan, format=fmt))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    if fmt == "pdf":
        pdf = pypdfium2.PdfDocument(response.content)
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
        pdf.close()
    else:
        word = WordDocument(io.BytesIO(response.content))
        text = "\n".join(cell.text for table in word.tables for row in table.rows for cell in row.cells)
        text += "\n".join(p.text for p in word.paragraphs)
    assert "新旧対照表" in text
    assert "中止" in text
    assert "第1.1版" in text


def test_it_says_so_when_nothing_changed_since_the_last_edition(town_staff, plan):
    services.version_issue(plan=plan, issued_on=dt.date(2026, 11, 25), note="予算の修正")
    page = town_staff.get(compare_url(plan)).content.decode()
    assert "違いはありません" in page or "変更はありません" in page
