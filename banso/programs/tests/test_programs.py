"""Programmes, dispatches, the support log and snapshots, reports, the prefecture's view, and 横展開."""

import datetime as dt
import io
import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from banso.core.documents import docx_bytes, pdf_bytes
from banso.orgs.models import AdvisorAssignment, SupportProvider, User
from banso.plans.models import Measure
from banso.programs import services
from banso.programs.models import Adoption, Programme
from banso.programs.reports import programme_overview, programme_workbook
from banso.programs.tests.hyogo import AS_OF, TOWNS, enter_hyogo_programme


def squeeze(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture
def programme(db):
    return Programme.objects.get(owner_prefecture__code="990001")


def test_it_puts_all_of_hyogos_programme_into_the_overview(db):
    import pypdfium2
    from docx import Document

    programme = enter_hyogo_programme()
    document = programme_overview(programme, AS_OF)
    pages = [p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf_bytes(document))]
    # A paragraph may run on to the next page: the page number in the footer comes between its lines.
    pdf = squeeze(re.sub(r"- \d+ -", "", "".join(pages)))
    word = Document(io.BytesIO(docx_bytes(document)))
    docx = squeeze(
        "".join([p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells])
    )
    expected = ["令和6年10月"]
    for name, _code, _kind, theme, providers, vision, people, implementation, next_steps in TOWNS:
        expected += [name, theme, vision, people, implementation, next_steps, *(p for p, _role in providers)]
    for text in (pdf, docx):
        assert not [e for e in expected if squeeze(e) not in text]
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(programme_workbook(programme, AS_OF)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [row[0] for row in sheet[1:]] == ["282022", "282049", "282090", "282201", "283657", "284815"]


def test_it_refuses_an_assignment_outside_the_programme_or_from_another_provider(programme, town):
    advisor = User.objects.get(username="advisor")
    provider = programme.participants.first().providers.first().provider
    with pytest.raises(ValidationError) as err:
        services.dispatch_save(
            programme=programme,
            advisor=advisor,
            provider=provider,
            municipality=town,
            title="DX推進アドバイザー",
            starts_on=programme.starts_on - dt.timedelta(days=1),
            ends_on=programme.ends_on,
        )
    assert "期間" in err.value.messages[0]
    stranger = SupportProvider.objects.create(name="関係のない株式会社")
    with pytest.raises(ValidationError) as err:
        services.dispatch_save(
            programme=programme,
            advisor=advisor,
            provider=stranger,
            municipality=town,
            title="DX推進アドバイザー",
            starts_on=programme.starts_on,
            ends_on=programme.ends_on,
        )
    assert "関係のない株式会社" in err.value.messages[0]
    assert not AdvisorAssignment.objects.filter(provider=stranger).exists()


def test_it_refuses_a_snapshot_dated_in_the_future_and_keeps_the_history(town):
    with pytest.raises(ValidationError) as err:
        services.snapshot_save(
            municipality=town, as_of=timezone.localdate() + dt.timedelta(days=3), next_steps="先の話"
        )
    assert "未来" in err.value.messages[0]
    before = town.status_snapshots.count()
    services.snapshot_save(municipality=town, as_of=timezone.localdate(), next_steps="次の一歩")
    assert town.status_snapshots.count() == before + 1


def test_it_shows_the_prefecture_every_town_side_by_side(pref_staff, programme):
    page = pref_staff.get(reverse("programs:programme", args=[programme.pk])).content.decode()
    for name in ("サンプル町", "見本町"):
        assert name in page
    assert "窓口DX" in page
    assert "農業DX" in page
    csv = pref_staff.get(reverse("programs:programme", args=[programme.pk]), {"export": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert csv.splitlines()[0].startswith("団体コード")
    assert "999997" in csv


def test_it_shows_a_participating_town_only_itself_among_the_towns(other_town_staff, programme):
    page = other_town_staff.get(reverse("programs:programme", args=[programme.pk])).content.decode()
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "見本町" in table
    assert "サンプル町" not in table
    assert other_town_staff.get(reverse("programs:programme_report", args=[programme.pk])).status_code == 403


def test_it_lets_the_advisor_log_support_and_write_the_report(advisor, town):
    url = reverse("programs:support", args=[town.code])
    response = advisor.post(
        url,
        {
            "activity": "1",
            "a-held_on": str(timezone.localdate()),
            "a-kind": "workshop",
            "a-category": "people",
            "a-title": "ノーコード研修",
            "a-description": "申請フォームを作った",
            "a-lessons": "",
        },
    )
    assert response.status_code == 302
    assignment = AdvisorAssignment.objects.filter(municipality=town, advisor__username="advisor").first()
    report = advisor.get(reverse("programs:advisor_report", args=[town.code, assignment.pk]), {"format": "pdf"})
    import pypdfium2

    text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(report.content))
    for section in ("派遣先の概要", "課題", "取組", "苦労・成功体験", "今後の展開", "ノーコード研修", "人口"):
        assert section in text
    # Five short sections laid out densely: the title heads the first page, no chapter starts a page of its own
    # (issue 18 found six pages each a fifth full).
    pages = pypdfium2.PdfDocument(report.content)
    assert len(pages) <= 3
    assert "活動報告" in pages[0].get_textpage().get_text_range()
    assert "派遣先の概要" in pages[0].get_textpage().get_text_range()


def test_it_adopts_a_published_measure_as_a_draft_with_its_kpis_and_lineage(
    town_staff, other_town_staff, town, other_town
):
    source = Measure.objects.get(plan__municipality=town, number="1-2")
    url = reverse("programs:adopt", args=[other_town.code, source.pk])
    policies = list(other_town.plans.first().policies.all())
    response = other_town_staff.post(url, {"policy": policies[0].pk if policies else ""})
    adopted = Adoption.objects.get(source=source).adopted
    assert response.status_code == 302
    assert adopted.plan.municipality == other_town
    assert adopted.status == "not_started" and adopted.is_draft
    assert adopted.purpose == "" and source.purpose[:10] in adopted.adopted_from.reference
    assert adopted.kpis.get().name == "オンラインで申請できる手続の数"
    assert adopted.steps.count() == source.steps.count()
    again = other_town_staff.post(reverse("programs:adopt", args=[other_town.code, source.pk]), follow=True)
    assert again.redirect_chain[-1][0].endswith(f"/measures/{adopted.pk}/")
    assert "すでに" in again.content.decode() and Adoption.objects.filter(source=source).count() == 1
    hidden = Measure.objects.get(plan__municipality=town, number="2-2")  # not published: its text is not shown
    page = other_town_staff.post(reverse("programs:adopt", args=[other_town.code, hidden.pk]), follow=True)
    assert hidden.purpose[:10] not in page.content.decode()
    assert not Adoption.objects.filter(source=hidden).exists()


def test_a_meetings_attachment_must_be_a_document_and_the_minutes_are_kept(pref_staff, programme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("programs:meeting_create", args=[programme.pk])
    data = {"held_on": "2026-11-20", "title": "第2回連絡会議", "minutes": "各町の進み具合を共有した"}
    page = pref_staff.post(
        url, {**data, "attachment": SimpleUploadedFile("資料.html", b"<html><script></script>")}
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "添付できません" in content and "各町の進み具合を共有した" in content
    assert not programme.meetings.filter(title="第2回連絡会議").exists()
    pdf = SimpleUploadedFile("資料.pdf", b"%PDF-1.7 minutes")
    assert pref_staff.post(url, {**data, "attachment": pdf}).status_code == 302
    assert programme.meetings.get(title="第2回連絡会議").attachment
