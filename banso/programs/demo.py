"""サンプル県's programme: its three towns with themes and providers, a meeting, the advisor's support log and
status snapshots, and a measure 見本町 adopted from サンプル町 (横展開)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from banso.core.fiscal import FiscalYear
from banso.orgs.models import AdvisorAssignment, Municipality, Prefecture, SupportProvider, User
from banso.programs import services
from banso.programs.models import Dispatch, Programme

TOWNS = [
    (
        "999997",
        "「窓口DX」で雪の日も来なくていい役場に",
        "冬の来庁負担と窓口の書類の多さが課題。書かない窓口とオンライン申請から始める。",
    ),
    ("999989", "「農業DX」で担い手を支える", "農家の高齢化が進む。申請の電子化と販路づくりをデジタルで支える。"),
    ("999971", "「保健福祉DX」で見守りを続ける", "小さな町で見守りの担い手が減っている。記録の共有から始める。"),
]
ACTIVITIES = [
    (-150, "hearing", "vision", "課長ヒアリング（12課）", "各課の困りごとと業務量調査の結果を突き合わせた。", ""),
    (
        -120,
        "workshop",
        "people",
        "業務フロー図の作り方ワークショップ",
        "住民課・税務課の職員10人が転入手続の流れを描いた。",
        "最初は紙の様式から離れられなかったが、実物の申請書を並べると議論が進んだ。",
    ),
    (
        -90,
        "deliverable",
        "implementation",
        "DX推進計画（案）の作成支援",
        "施策・KPI・ロードマップの案をまとめ、第1.0版として発行した。",
        "",
    ),
    (
        -40,
        "visit",
        "implementation",
        "書かない窓口の試行に立ち会い",
        "住民課で試行初日の運用を確認し、改善点を整理した。",
        "窓口職員が自分たちで改善案を出し始めたことが一番の成果。",
    ),
]


# One transaction: the town's progress summary is computed once, after it (tracking.summaries).
@transaction.atomic
def create_sample_programme(*, today: dt.date | None = None):
    """Idempotent: the programme is made once."""
    today = today or timezone.localdate()
    prefecture = Prefecture.objects.get(code="990001")
    if Programme.objects.filter(owner_prefecture=prefecture).exists():
        return None
    fy = FiscalYear.of(today)
    lead = SupportProvider.objects.get(name="サンプル伴走支援株式会社")  # the advisor's company
    on_site = SupportProvider.objects.filter(name="みほんデジタル合同会社").first()
    programme = services.programme_save(
        title=f"サンプル県 地域DX推進事業（{fy.era_label}）",
        owner_prefecture=prefecture,
        starts_on=fy.start,
        ends_on=(fy + 1).end,
        funding="国の地域DX推進体制構築支援（サンプル）",
        description="県内の3町がそれぞれのテーマで地域DXのモデルをつくり、県内の他の市町村へ広げる。",
    )
    for code, theme, summary in TOWNS:
        town = Municipality.objects.get(code=code)
        chosen = [(lead, "representative")] + ([(on_site, "resident")] if code == "999989" and on_site else [])
        services.participant_save(
            programme=programme, municipality=town, theme=theme, summary=summary, providers=chosen
        )
    for assignment in AdvisorAssignment.objects.filter(
        advisor__username="advisor", starts_on__gte=programme.starts_on
    ):
        Dispatch.objects.get_or_create(programme=programme, assignment=assignment)
    services.meeting_save(
        programme=programme,
        held_on=min(today, fy.start + dt.timedelta(days=80)),
        title="第1回 サンプル県地域DX推進検討会",
        attendees="県デジタル推進課、サンプル町・見本町・手本町のDX担当、伴走支援事業者",
        agenda="各町のテーマと進め方の共有",
        decisions="四半期ごとに進捗を共有し、成果のある施策は県内に横展開する。",
    )
    _support_log(programme, today)
    _adoption()
    return programme


def _support_log(programme, today):
    town = Municipality.objects.get(code="999997")
    advisor = User.objects.get(username="advisor")
    for days, kind, category, title, description, lessons in ACTIVITIES:
        services.activity_save(
            municipality=town,
            programme=programme,
            advisor=advisor,
            held_on=today + dt.timedelta(days=days),
            kind=kind,
            category=category,
            title=title,
            description=description,
            lessons=lessons,
        )
    services.snapshot_save(
        municipality=town,
        programme=programme,
        user=advisor,
        as_of=today - dt.timedelta(days=100),
        vision="庁内の推進体制（DX推進担当と各課の窓口）が決まった。",
        people="業務フロー図を描ける職員が増え始めた。",
        implementation="計画案を作成中。",
        next_steps="計画の第1.0版を発行し、書かない窓口の試行を準備する。",
    )
    services.snapshot_save(
        municipality=town,
        programme=programme,
        user=advisor,
        as_of=today - dt.timedelta(days=20),
        vision="計画（第1.1版）に沿って各課が動き始めた。",
        people="DX推進リーダー研修の第1期を実施中。",
        implementation="書かない窓口を住民課で試行。除雪情報と電子決裁は遅れている。",
        next_steps="書かない窓口を税務課・保健福祉課へ広げる。遅れている2施策の原因を課長と確認する。",
    )


def _adoption():
    """見本町 takes サンプル町's published 「書かない窓口の導入」 into its own plan."""
    from banso.plans import services as plan_services
    from banso.plans.models import Measure

    source = Measure.objects.filter(plan__municipality__code="999997", number="1-1").first()
    town = Municipality.objects.get(code="999989")
    if source is None or town.plans.exists():
        return
    plan = plan_services.plan_save(
        municipality=town,
        title="見本町DX推進計画",
        start_year=source.plan.start_year,
        end_year=source.plan.end_year,
    )
    services.measure_adopt(source=source, plan=plan, user=User.objects.filter(username="other-dx").first())
