"""The council document: a table of contents, the roadmap with its phase bands, Japanese line breaking."""

import pypdfium2
import pytest

from banso.core.documents import Table, pdf_bytes
from banso.core.linebreak import NO_START
from banso.plans.documents import plan_document
from banso.plans.models import Plan
from banso.plans.selectors import plan_snapshot


@pytest.fixture
def document(town):
    return plan_document(
        plan_snapshot(Plan.objects.get(municipality=town, title="サンプル町DX推進計画")), versions=[]
    )


def test_it_draws_a_band_for_each_phase_over_its_years_on_the_roadmap(document):
    roadmap = next(b for b in document.blocks if isinstance(b, Table) and b.bands)
    assert roadmap.bands == 3
    first = roadmap.rows[0]
    assert first[0] == "1. 役場の中のデジタイゼーション"
    assert first[1:] == ["役場の中のデジタイゼーション", "役場の中のデジタイゼーション", "", "", ""]  # R7, R8 only


def test_it_prints_contents_with_page_numbers_and_no_line_starting_with_punctuation(document):
    pdf = pypdfium2.PdfDocument(pdf_bytes(document))
    pages = [page.get_textpage().get_text_range() for page in pdf]
    pdf.close()
    assert "目次" in pages[1]
    assert "4 施策" in pages[1]
    lines = [line.strip() for page in pages for line in page.replace("\r", "").split("\n") if line.strip()]
    assert not [line for line in lines if line[0] in NO_START - {"・"}]  # a bullet may start its own line
