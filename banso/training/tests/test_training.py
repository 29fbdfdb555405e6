"""Trainings, completion by department, privacy of staff records, the help desk, and the KPIs they feed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from banso.plans.models import KPI
from banso.tracking.actual_sources import reading_for
from banso.training import selectors, services
from banso.training.models import Consultation, Course, StaffMember


def test_it_records_attendance_and_shows_completion_by_department_with_who_is_missing(town_staff, town):
    course = Course.objects.get(municipality=town, title="情報セキュリティ研修")
    session = course.sessions.first()
    missing = StaffMember.objects.filter(municipality=town).exclude(attendances__attended=True).first()
    page = town_staff.get(reverse("training:course", args=[town.code, course.pk])).content.decode()
    assert "部署別の受講状況" in page
    assert missing.name in page
    town_staff.post(
        reverse("training:session", args=[town.code, session.pk]),
        {f"enrolled_{missing.pk}": "on", f"attended_{missing.pk}": "on"}
        | {f"attended_{a.staff_id}": "on" for a in session.attendances.filter(attended=True)}
        | {f"enrolled_{a.staff_id}": "on" for a in session.attendances.all()},
    )
    rows = {r.department.pk: r for r in selectors.completion(course)}
    assert missing not in rows[missing.department_id].missing


def test_it_shows_only_counts_to_readers_outside_the_dx_office(executive, town):
    course = Course.objects.get(municipality=town, title="情報セキュリティ研修")
    missing = next(m for r in selectors.completion(course) for m in r.missing)
    page = executive.get(reverse("training:course", args=[town.code, course.pk])).content.decode()
    assert "受講率" in page
    assert missing.name not in page
    assert executive.get(reverse("training:staff", args=[town.code])).status_code == 403


def test_it_lets_a_staff_member_read_their_own_record_only(dept_staff, town):
    own = StaffMember.objects.get(municipality=town, user__username="dept-staff")
    assert dept_staff.get(reverse("training:staff_detail", args=[town.code, own.pk])).status_code == 200
    colleague = StaffMember.objects.filter(department=own.department).exclude(pk=own.pk).first()
    assert dept_staff.get(reverse("training:staff_detail", args=[town.code, colleague.pk])).status_code == 403


def test_it_counts_residents_by_age_band_only(town_staff, town):
    session = Course.objects.get(municipality=town, audience="residents").sessions.first()
    town_staff.post(reverse("training:session", args=[town.code, session.pk]), {"70_79": "12", "80_plus": "3"})
    assert dict(session.resident_counts.values_list("age_band", "count")) == {"70_79": 12, "80_plus": 3}


def test_a_topic_written_two_ways_is_offered_for_merging_and_merged(town_staff, town):
    from django.core.exceptions import ValidationError

    for topic in ("マイナンバーカード・マイナポータル", "マイナンバーカード・マイナポータル", "マイナポータル"):
        services.consultation_save(
            municipality=town, received_on=timezone.localdate(), topic=topic, question="ログインできない"
        )
    url = reverse("training:helpdesk", args=[town.code])
    page = town_staff.get(url).content.decode()
    assert "「マイナポータル」（" in page and "と同じ分類のようです" in page
    # The topic box suggests the town's own topics too, not only Banso's starting list.
    datalist = page[page.index('<datalist id="topics">') : page.index("</datalist>")]
    assert '<option value="マイナポータル">' in datalist
    merge = reverse("training:helpdesk_topics", args=[town.code])
    same = town_staff.post(merge, {"merge": "マイナポータル", "keep": "マイナポータル"}, follow=True)
    assert "別々の分類を選んでください" in same.content.decode()
    assert Consultation.objects.filter(municipality=town, topic="マイナポータル").count() == 1
    done = town_staff.post(
        merge, {"merge": "マイナポータル", "keep": "マイナンバーカード・マイナポータル"}, follow=True
    )
    assert "相談 1 件を" in done.content.decode()
    assert not Consultation.objects.filter(municipality=town, topic="マイナポータル").exists()
    assert "と同じ分類のようです" not in done.content.decode()
    with pytest.raises(ValidationError):
        services.topics_merge(municipality=town, merge="マイナポータル", keep="マイナンバーカード・マイナポータル")


def test_it_logs_a_consultation_without_names_and_suggests_class_topics(town_staff, town):
    response = town_staff.post(
        reverse("training:helpdesk", args=[town.code]),
        {
            "received_on": "2026-11-20",
            "channel": "desk",
            "requester": "resident",
            "age_band": "70_79",
            "topic": "ＬＩＮＥ・アプリ",
            "question": "LINEで写真を送りたい",
            "answer": "一緒に操作した",
            "status": "answered",
            "minutes": 15,
        },
    )
    assert response.status_code == 302
    assert Consultation.objects.filter(
        municipality=town, topic="LINE・アプリ", question="LINEで写真を送りたい"
    ).exists()
    page = town_staff.get(reverse("training:helpdesk", args=[town.code])).content.decode()
    assert "次の講座のテーマの候補" in page
    assert "スマートフォンの基本操作" in page
    csv = town_staff.get(reverse("training:helpdesk", args=[town.code]), {"export": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert "LINEで写真を送りたい" in csv


def test_it_feeds_the_plans_kpis_without_typing_a_number_twice(town):
    leaders = KPI.objects.get(measure__plan__municipality=town, name="DX推進リーダーの人数")
    security = KPI.objects.get(measure__plan__municipality=town, name="情報セキュリティ研修の受講率")
    today = timezone.localdate()
    before = reading_for(leaders, today).value
    member = StaffMember.objects.filter(municipality=town, designations__isnull=True).first()
    services.designation_save(staff=member, kind="leader", starts_on=today - dt.timedelta(days=1))
    assert reading_for(leaders, today).value == before + 1
    course = Course.objects.get(municipality=town, title="情報セキュリティ研修")
    expected = Decimal(str(round(selectors.completion_rate(course) * 100, 1)))
    assert reading_for(security, today).value == expected
    assert "情報セキュリティ研修" in reading_for(security, today).source


def test_it_binds_a_kpi_to_training_data_and_refuses_a_name_that_reads_nothing(town_staff, town):
    kpi = KPI.objects.get(measure__plan__municipality=town, name="情報セキュリティ研修の受講率")
    url = reverse("tracking:automatic", args=[town.code, kpi.pk])
    page = town_staff.post(
        url, {"source_key": "training_completion", "parameter": "情報セキュリティ研集"}
    ).content.decode()
    assert "情報セキュリティ研集" in page
    assert "見つかりません" in page
    assert town_staff.post(url, {"source_key": "consultations", "parameter": ""}).status_code == 302
    kpi.refresh_from_db()
    assert kpi.automatic.source_key == "consultations"


def test_it_exports_completion_with_names_only_for_the_dx_office(town_staff, executive, town):
    course = Course.objects.get(municipality=town, title="情報セキュリティ研修")
    url = reverse("training:course", args=[town.code, course.pk])
    office = town_staff.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    mayor = executive.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert "未受講" in office.splitlines()[0]
    assert "未受講" not in mayor.splitlines()[0]
    assert len(office.splitlines()) == len(mayor.splitlines()) > 2


def test_a_course_whose_title_has_a_slash_exports_to_excel(town_staff, town):
    import io

    from python_calamine import CalamineWorkbook

    course = Course.objects.get(municipality=town, title="情報セキュリティ研修")
    Course.objects.filter(pk=course.pk).update(title="情報セキュリティ研修 1/2 [基礎]")
    response = town_staff.get(reverse("training:course", args=[town.code, course.pk]), {"export": "xlsx"})
    assert response.status_code == 200
    assert (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .sheet_names[0]
        .startswith("情報セキュリティ研修 1・2")
    )


def test_topics_said_in_other_words_of_the_shared_vocabulary_are_offered_for_merging():
    # スマホ and スマートフォン, 電子申請 and オンライン申請, 手続き and 手続: the words every matching feature shares.
    used = [
        {"topic": "スマートフォン教室", "n": 5},
        {"topic": "スマホ教室", "n": 2},
        {"topic": "電子申請の手続き", "n": 1},
        {"topic": "オンライン申請の手続", "n": 1},
    ]
    pairs = selectors.similar_topics(used)
    assert {"keep": "スマートフォン教室", "keep_n": 5, "merge": "スマホ教室", "merge_n": 2} in pairs
    assert any(p["merge"] == "オンライン申請の手続" for p in pairs)
