"""A whole plan through one workbook: a designated city's plan (区分 → 取組項目 → 目標, milestone, per-year and
cumulative targets, A–D grades) exported, imported into another town as a new plan, and exported again with
nothing lost; and every kind of wrong cell named by sheet, row and column with nothing written.

The facts are of our own making; the shapes are those of real plans."""

import datetime as dt
import io

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from banso import factories
from banso.plans import services
from banso.plans.models import KPI, Plan
from banso.plans.selectors import plan_snapshot
from banso.plans.workbook import export_workbook

DEPARTMENTS = ["デジタル戦略課", "市民課", "子育て支援課", "情報政策課"]


def enter_city_plan(town) -> Plan:
    departments = {name: factories.department(town, name) for name in DEPARTMENTS}
    plan = services.plan_save(
        municipality=town,
        title="試験市デジタル推進プラン（再掲あり）",
        start_year=2022,
        end_year=2024,
        concept="つながる、ひろがる、市民のデジタル",
        vision="手続はいつでもどこでも。\n\n職員はデータで考える。",
        level_names="区分／取組項目",
    )
    services.viewpoint_save(plan=plan, title="誰一人取り残さない", description="窓口と電話も残す", order=1)
    services.phase_save(plan=plan, order=1, name="基盤づくり", start_year=2022, end_year=2023, goal="紙を減らす")
    area1 = services.policy_save(plan=plan, number="1", title="市民サービスのDX")
    area2 = services.policy_save(plan=plan, number="2", title="行政運営のDX")
    item11 = services.policy_save(plan=plan, number="1-1", title="行かない市役所", parent=area1)
    item21 = services.policy_save(plan=plan, number="2-1", title="情報セキュリティ", parent=area2)
    online = services.measure_save(
        plan=plan,
        number="1-1-1",
        title="子育て手続のオンライン化（ぴったりサービス）",
        owner=departments["子育て支援課"],
        related_departments=[departments["市民課"]],
        policy=item11,
        purpose="来庁せずに申請できるようにする。",
        steps={2022: "対象手続の洗い出し", 2023: "20手続をオンライン化"},
        viewpoints=list(plan.viewpoints.all()),
        funding_other="デジタル田園都市国家構想交付金（市の独自枠）",
        budget_thousand_yen=5400,
        co_owners=[departments["市民課"]],
        partner_names=["試験圏域広域連合", "株式会社テスト"],
        budgets={
            2022: {"budget": 1200, "settled": 1100, "funding": [], "funding_other": "ふるさと納税"},
            2023: {"budget": 4200, "settled": None, "funding": [], "funding_other": ""},
        },
    )
    rules = services.measure_save(
        plan=plan, number="2-1-1", title="規程の整備", owner=departments["情報政策課"], policy=item21
    )
    counter = services.kpi_save(
        measure=online,
        name="オンラインで申請できる子育て手続",
        unit="手続",
        kind=KPI.Kind.CUMULATIVE,
        targets={2022: "5手続（累計）", 2023: "20手続（累計）", 2025: "30手続（累計）"},
        listed_again_under=[rules],
    )
    services.kpi_save(
        measure=online,
        name="オンライン申請の件数",
        unit="件",
        kind=KPI.Kind.PER_YEAR,
        targets={2023: "1,000件/年", 2024: "2,000件/年"},
    )
    milestone = services.kpi_save(
        measure=rules,
        name="情報セキュリティの規程",
        kind=KPI.Kind.MILESTONE,
        targets={2022: "行動規範の制定", 2023: "マニュアルの運用"},
    )
    services.assessment_save(kpi=counter, fiscal_year=2022, grade="B", comment="予定どおり", continue_next=True)
    services.assessment_save(kpi=milestone, fiscal_year=2022, grade="C", comment="制定が半年遅れた")
    return plan


def sheets_of(data: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def content(sheets: dict[str, list[list]]) -> dict[str, list[list]]:
    """Everything but the guide, which names the town."""
    return {name: rows for name, rows in sheets.items() if name != "説明"}


def write(sheets: dict[str, list[list]], path) -> None:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()


@pytest.fixture
def city(db):
    return enter_city_plan(factories.municipality("試験市"))


@pytest.fixture
def other_town(db):
    town = factories.municipality("見本市")
    for name in DEPARTMENTS:
        factories.department(town, name)
    return town


def test_it_takes_a_whole_plan_to_another_town_and_back_without_losing_anything(city, other_town, tmp_path):
    first = export_workbook(plan_snapshot(city))
    exported = content(sheets_of(first))
    assert [len(exported[name]) for name in ("方針", "施策", "KPI", "自己評価", "視点", "フェーズ")] == [
        5,
        3,
        8,
        3,
        2,
        2,
    ]
    path = tmp_path / "plan.xlsx"
    path.write_bytes(first)
    call_command("plan_import", str(path), municipality=other_town.code)
    copy = Plan.objects.get(municipality=other_town)
    assert copy.title == "試験市デジタル推進プラン（再掲あり）"
    assert content(sheets_of(export_workbook(plan_snapshot(copy)))) == content(sheets_of(first))
    # and what the copy holds, checked directly
    assert [(p.number, p.parent.number if p.parent else "") for p in copy.policies.order_by("number")] == [
        ("1", ""),
        ("1-1", "1"),
        ("2", ""),
        ("2-1", "2"),
    ]
    milestone = KPI.objects.get(measure__plan=copy, name="情報セキュリティの規程")
    assert [t.text for t in milestone.targets.all()] == ["行動規範の制定", "マニュアルの運用"]
    assert milestone.assessments.get().grade == "C"
    counted = KPI.objects.get(measure__plan=copy, name="オンラインで申請できる子育て手続")
    assert [m.number for m in counted.listed_again_under.all()] == ["2-1-1"]
    assert counted.targets.get(fiscal_year=2025).text == "30手続（累計）"  # after the plan's end, kept
    online = copy.measures.get(number="1-1-1")
    assert online.funding_other == "デジタル田園都市国家構想交付金（市の独自枠）"
    assert [d.name for d in online.co_owners.all()] == ["市民課"]
    assert sorted(p.name for p in online.partners.all()) == ["株式会社テスト", "試験圏域広域連合"]
    assert [(b.fiscal_year, b.budget_thousand_yen, b.settled_thousand_yen) for b in online.budgets.all()] == [
        (2022, 1200, 1100),
        (2023, 4200, None),
    ]


def test_it_changes_nothing_when_the_same_workbook_comes_back(city, tmp_path):
    before = plan_snapshot(city)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(export_workbook(before))
    call_command("plan_import", str(path), municipality=city.municipality.code)
    assert plan_snapshot(city) == before
    assert Plan.objects.filter(municipality=city.municipality).count() == 1


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "where", "message"),
    [
        ("施策", 1, 2, "9", "C（方針番号）", "方針 9 がありません"),
        ("方針", 1, 1, "1-1", "B（上位の方針番号）", "自分自身の下"),
        ("自己評価", 1, 3, "E", "D（評価）", "評価区分にありません"),
        ("施策", 1, 6, "五千", "G（予算（千円））", "数値ではありません"),
        ("施策", 1, 3, "企画課", "D（担当部署）", "部署「企画課」はありません"),
        ("KPI", 1, 9, "達成", "J（種類）", "種類は"),
        ("予算", 1, 3, "千百", "D（決算額（千円））", "数値ではありません"),
    ],
)
def test_it_names_each_wrong_cell_and_writes_nothing(
    city, other_town, tmp_path, sheet, row, column, value, where, message
):
    sheets = sheets_of(export_workbook(plan_snapshot(city)))
    sheets[sheet][row][column] = value
    path = tmp_path / "plan.xlsx"
    write(sheets, path)
    with pytest.raises(CommandError):
        call_command("plan_import", str(path), municipality=other_town.code)
    assert not Plan.objects.filter(municipality=other_town).exists()
    from banso.plans.workbook import read_plan_workbook

    problems = read_plan_workbook(path, municipality=other_town, original_name="plan.xlsx").errors
    found = [p for p in problems if p.sheet == sheet and p.row == row + 1]
    assert found, [p.as_dict() for p in problems]
    assert found[0].column == where
    assert message in found[0].message


def test_it_refuses_a_share_over_100_in_the_workbook(city, other_town, tmp_path):
    sheets = sheets_of(export_workbook(plan_snapshot(city)))
    kpi_header = sheets["KPI"][0]
    sheets["KPI"].append(["1-1-1", "電子申請の割合", "%", "", "", "上げる", "", "R6", "120%", "割合", ""])
    assert kpi_header[9] == "種類"
    path = tmp_path / "plan.xlsx"
    write(sheets, path)
    with pytest.raises(CommandError):
        call_command("plan_import", str(path), municipality=other_town.code)
    assert not Plan.objects.filter(municipality=other_town).exists()


def test_it_reads_headers_as_the_file_spells_them_and_names_them_so(city, other_town, tmp_path):
    sheets = sheets_of(export_workbook(plan_snapshot(city)))
    sheets["施策"][0][3] = "担当　部署"  # a full-width space, as colleagues type
    sheets["施策"][1][3] = "企画課"
    path = tmp_path / "plan.xlsx"
    write(sheets, path)
    from banso.plans.workbook import read_plan_workbook

    problem = read_plan_workbook(path, municipality=other_town, original_name="plan.xlsx").errors[0]
    assert problem.column == "D（担当　部署）"  # the header as the file spells it


def test_it_brings_a_plan_in_through_the_page_as_a_new_plan(city, other_town):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from banso.orgs.models import Role

    client = Client()
    client.force_login(factories.person("other-city-dx", Role.DX_STAFF, other_town))
    url = reverse("plans:plan_import_new", args=[other_town.code])
    data = export_workbook(plan_snapshot(city))
    response = client.post(url, {"file": SimpleUploadedFile("試験市の計画.xlsx", data)})
    copy = Plan.objects.get(municipality=other_town)
    assert response["Location"] == reverse("plans:plan", args=[other_town.code, copy.pk])
    page = client.get(response["Location"]).content.decode()
    assert "取組項目</span> 1-1 行かない市役所" in page
    # a workbook without its 計画 sheet cannot make a plan: said, and nothing written
    sheets = sheets_of(data)
    del sheets["計画"]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
    page = client.post(url, {"file": SimpleUploadedFile("no-header.xlsx", buffer.getvalue())}).content.decode()
    assert "シート「計画」が見つかりません" in page
    assert Plan.objects.filter(municipality=other_town).count() == 1


def test_it_keeps_a_plan_period_that_starts_mid_year(other_town, tmp_path):
    plan = factories.plan(other_town, 2022, 2024, title="年の途中から始まる計画")
    services.plan_save(
        municipality=other_town,
        plan=plan,
        title=plan.title,
        start_year=2022,
        end_year=2024,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2025, 3, 1),
    )
    snapshot = plan_snapshot(plan)
    assert (snapshot["plan"]["starts_on"], snapshot["plan"]["ends_on"]) == ("2023-01", "2025-03")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(export_workbook(snapshot))
    third = factories.municipality("手本市")
    call_command("plan_import", str(path), municipality=third.code)
    copy = Plan.objects.get(municipality=third)
    assert (copy.starts_on, copy.ends_on) == (dt.date(2023, 1, 1), dt.date(2025, 3, 1))


def test_it_refuses_a_first_month_outside_the_first_fiscal_year(other_town):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.plan_save(
            municipality=other_town,
            title="合わない計画",
            start_year=2022,
            end_year=2024,
            starts_on=dt.date(2023, 4, 1),
        )
    assert "令和5年度" in str(err.value)


def test_it_refuses_a_partner_the_file_does_not_list_and_writes_nothing(city, tmp_path):
    from banso.plans.models import Partner
    from banso.plans.workbook import read_plan_workbook

    sheets = sheets_of(export_workbook(plan_snapshot(city)))
    sheets["施策"][1][15] = "試験圏域広域連合、新しい一部事務組合"
    path = tmp_path / "plan.xlsx"
    write(sheets, path)
    result = read_plan_workbook(path, city, original_name="plan.xlsx")
    [problem] = result.errors
    assert (
        problem.sheet,
        problem.row,
        "新しい一部事務組合" in problem.message,
        "町外の主体" in problem.message,
    ) == (
        "施策",
        2,
        True,
        True,
    )
    assert not Partner.objects.filter(name="新しい一部事務組合").exists()


def test_partners_keep_their_kind_when_the_plan_moves_to_another_installation(city, other_town, tmp_path):
    from banso.plans.models import Partner

    Partner.objects.filter(name="試験圏域広域連合").update(kind=Partner.Kind.REGIONAL_UNION)
    Partner.objects.filter(name="株式会社テスト").update(kind=Partner.Kind.PRIVATE)
    data = export_workbook(plan_snapshot(city))
    assert sheets_of(data)["町外の主体"][1:] == [["株式会社テスト", "民間"], ["試験圏域広域連合", "広域連合"]]
    Partner.objects.all().delete()  # the other installation has never heard of them
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    call_command("plan_import", str(path), municipality=other_town.code)
    assert sorted(Partner.objects.values_list("name", "kind")) == [
        ("株式会社テスト", Partner.Kind.PRIVATE),
        ("試験圏域広域連合", Partner.Kind.REGIONAL_UNION),
    ]


def test_it_refuses_a_partner_kind_it_does_not_know_and_writes_nothing(city, other_town, tmp_path):
    from banso.plans.workbook import read_plan_workbook

    sheets = sheets_of(export_workbook(plan_snapshot(city)))
    sheets["町外の主体"][1][1] = "第三セクター"
    path = tmp_path / "plan.xlsx"
    write(sheets, path)
    result = read_plan_workbook(path, municipality=other_town, original_name="plan.xlsx")
    [problem] = result.errors
    assert (problem.sheet, problem.row, "第三セクター" in problem.message, "広域連合" in problem.message) == (
        "町外の主体",
        2,
        True,
        True,
    )
    assert not Plan.objects.filter(municipality=other_town).exists()


def test_a_new_plan_costs_the_same_statements_however_many_kpis_and_targets_it_has(city, other_town, tmp_path):
    """KPIs, targets, steps and budgets of a workbook are written together: a plan of 180 KPIs comes in within
    seconds on PostgreSQL, and the history still has each row (benchmarks/plan_bench.py gives the times)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from banso.core.models import AuditEntry

    def imported_into(town) -> int:
        path = tmp_path / f"{town.code}.xlsx"
        path.write_bytes(export_workbook(plan_snapshot(city)))
        with CaptureQueriesContext(connection) as queries:
            call_command("plan_import", str(path), municipality=town.code)
        return len(queries)

    few = imported_into(other_town)
    for measure in city.measures.all():
        for n in range(3):
            services.kpi_save(
                measure=measure, name=f"追加の指標{n}", unit="件", targets={2022: 1, 2023: 2, 2024: 3}
            )
    third = factories.municipality("三番町")
    for name in DEPARTMENTS:
        factories.department(third, name)
    assert imported_into(third) == few
    copy = Plan.objects.get(municipality=third)
    kpis = KPI.objects.filter(measure__plan=copy)
    assert kpis.count() == 9
    created = AuditEntry.objects.filter(action="create", municipality_id=third.pk)
    assert created.filter(content_type__model="kpi").count() == 9
    assert created.filter(content_type__model="kpitarget").count() == sum(k.targets.count() for k in kpis)
