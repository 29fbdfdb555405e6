"""Questionnaire exports from Forms: any of the usual encodings or .xlsx, columns chosen once, all-or-nothing."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banso.training.models import FormMapping, Question, Questionnaire, Session

HEADER = ["タイムスタンプ", "研修は分かりやすかったですか", "業務に活かせそうですか", "ご意見"]
ROWS = [
    ["2026/05/20 10:00:00", "とてもそう思う", "５", "説明が分かりやすかった"],
    ["2026/05/20 10:01:00", "そう思う", "4", "時間が短く感じた"],
    ["2026/05/20 10:02:00", "どちらともいえない", "3", "次回も続きを受けたい"],
]


def csv_bytes(encoding, rows=ROWS):
    text = "\r\n".join(",".join(r) for r in [HEADER, *rows]) + "\r\n"
    return text.encode(encoding)


def xlsx_file():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate([HEADER, *ROWS]):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


@pytest.fixture
def session(town):
    return Session.objects.filter(course__municipality=town, course__title="DX推進リーダー育成研修").first()


def upload(client, town, session, name, content):
    response = client.post(
        reverse("training:questionnaire_upload", args=[town.code, session.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    return response["Location"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("utf8.csv", csv_bytes("utf-8")),
        ("bom.csv", csv_bytes("utf-8-sig")),
        ("sjis.csv", csv_bytes("cp932")),
        ("forms.xlsx", xlsx_file()),
    ],
)
def test_it_reads_every_usual_export_and_guesses_the_columns(town_staff, town, session, name, content):
    mapping_url = upload(town_staff, town, session, name, content)
    page = town_staff.get(mapping_url).content.decode()
    assert "研修は分かりやすかったですか" in page
    assert "とてもそう思う" in page
    data = {"kind_0": "ignore", "kind_1": "scale", "kind_2": "scale", "kind_3": "text"}
    assert town_staff.post(mapping_url, data).status_code == 302
    questionnaire = Questionnaire.objects.get(session=session)
    scales = questionnaire.questions.filter(kind=Question.Kind.SCALE)
    assert questionnaire.respondents == 3
    assert scales.count() == 2
    assert sorted(scales.get(order=1).answers.values_list("score", flat=True)) == [3, 4, 5]


def test_it_summarises_scales_and_groups_comments_by_theme(town_staff, town, session):
    mapping_url = upload(town_staff, town, session, "utf8.csv", csv_bytes("utf-8"))
    town_staff.post(mapping_url, {"kind_0": "ignore", "kind_1": "scale", "kind_2": "scale", "kind_3": "text"})
    page = town_staff.get(reverse("training:session", args=[town.code, session.pk])).content.decode()
    assert "4.00" in page  # (5 + 4 + 3) ÷ 3
    assert "分かりやすさ（1）" in page
    assert "時間・進め方（1）" in page
    assert "次回への要望（1）" in page


def test_it_reports_an_unknown_scale_by_row_and_column_and_writes_nothing(town_staff, town, session):
    rows = [*ROWS, ["2026/05/20 10:03:00", "まあまあ", "9", "特になし"]]
    mapping_url = upload(town_staff, town, session, "odd.csv", csv_bytes("utf-8", rows))
    page = town_staff.post(
        mapping_url, {"kind_0": "ignore", "kind_1": "scale", "kind_2": "scale", "kind_3": "text"}
    ).content.decode()
    assert "5 行目・B（研修は分かりやすかったですか） 列" in page
    assert "まあまあ" in page
    assert not Questionnaire.objects.filter(session=session).exists()


def test_it_remembers_the_columns_for_the_next_file_with_the_same_questions(town_staff, town, session):
    mapping_url = upload(town_staff, town, session, "first.csv", csv_bytes("utf-8"))
    town_staff.post(mapping_url, {"kind_0": "ignore", "kind_1": "scale", "kind_2": "text", "kind_3": "text"})
    assert FormMapping.objects.filter(municipality=town).exists()
    page = town_staff.get(upload(town_staff, town, session, "second.csv", csv_bytes("cp932"))).content.decode()
    third_column = page[page.index('name="kind_2"') :]
    assert third_column.index('value="text" selected') < third_column.index("</select>")


def test_it_explains_a_file_that_cannot_be_read(town_staff, town, session):
    mapping_url = upload(
        town_staff, town, session, "mixed.csv", "見出し,質問\n".encode() + "回答,そう思う\n".encode("cp932")
    )
    page = town_staff.get(mapping_url, follow=True).content.decode()
    assert "文字コードが混在" in page
