"""Fit test: 金山町's whole plan goes in, and every measure, step and goal comes out in each document format."""

import io
import re
import unicodedata

import pytest
from python_calamine import CalamineWorkbook

from banso.core.documents import docx_bytes, pdf_bytes
from banso.core.fiscal import FiscalYear
from banso.plans.documents import plan_document
from banso.plans.selectors import plan_snapshot
from banso.plans.tests.kaneyama import MEASURES, PHASES, PLAN, enter_kaneyama_plan
from banso.plans.workbook import export_workbook


def expected_texts() -> list[str]:
    texts = [PLAN["title"], PLAN["concept"], PLAN["vision"], PLAN["background"], "令和5年度", "令和9年度"]
    for _order, name, start, end, goal in PHASES:
        texts += [name, goal, f"{FiscalYear(start).era_label}〜{FiscalYear(end).era_label}"]
    for number, title, purpose, audience, content, steps, goal, kpis in MEASURES:
        texts += [f"{number} {title}", purpose, audience, content, *steps.values()]
        texts += [goal] if goal else []
        for name, unit, year, value, _baseline in kpis:
            texts += [name, f"{value}{unit}（{FiscalYear(year).short_label}）"]
    texts.append("28件（2025年05月）")  # the baseline of the online procedures KPI
    return texts


def squeeze(text: str) -> str:
    """Without spaces or line breaks, width-folded: documents wrap lines anywhere, and PDF text extraction may
    return a full-width parenthesis as either form."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture
def document(db):
    plan = enter_kaneyama_plan()
    return plan_document(plan_snapshot(plan), versions=[])


def test_it_prints_every_measure_step_and_goal_of_kaneyamas_plan_in_the_pdf(document):
    import pypdfium2

    data = pdf_bytes(document)
    pdf = pypdfium2.PdfDocument(data)
    text = squeeze("".join(page.get_textpage().get_text_range() for page in pdf))
    missing = [t for t in expected_texts() if squeeze(t) not in text]
    assert not missing
    # Both faces travel inside the file (as embedded CFF subsets), so it prints the same without Japanese fonts.
    assert data.count(b"/FontFile3") == 2
    assert b"+NotoSansJP" in data
    assert b"+NotoSerifJP" in data


def test_it_writes_every_measure_step_and_goal_of_kaneyamas_plan_into_the_word_document(document):
    from docx import Document

    word = Document(io.BytesIO(docx_bytes(document)))
    parts = [p.text for p in word.paragraphs]
    parts += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    text = squeeze("\n".join(parts))
    missing = [t for t in expected_texts() if squeeze(t) not in text]
    assert not missing


def test_it_lists_every_measure_step_and_kpi_of_kaneyamas_plan_in_the_workbook(db):
    plan = enter_kaneyama_plan()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(export_workbook(plan_snapshot(plan))))
    cells = {
        name: {str(c) for row in workbook.get_sheet_by_name(name).to_python() for c in row}
        for name in workbook.sheet_names
    }
    for number, title, purpose, _audience, content, steps, _goal, kpis in MEASURES:
        assert {number, title, purpose, content} <= cells["施策"]  # titles as the town typed them
        assert set(steps.values()) <= cells["ステップ"]
        assert {k[0] for k in kpis} <= cells["KPI"]
    assert {"R5", "R6", "R7"} <= cells["ステップ"]
