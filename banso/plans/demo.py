"""サンプル町's DX plan, built from the challenges its hearings raised (banso.hearings.demo)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from banso.plans import services
from banso.plans.models import FundingScheme, Plan

PLAN = {
    "title": "サンプル町DX推進計画",
    "start_year": 2025,
    "end_year": 2029,
    "concept": "雪の日も、役場に来なくていい町へ",
    "vision": "手続は家から、役場の仕事は紙から離れ、生まれた時間を町民と向き合うことに使う。\n\n職員が2割減っても住民サービスの質を落とさない役場を、5年で形にする。",
    "background": "町の人口は減り続け、高齢化率は4割に近づいている。冬は雪道で来庁が難しい町民が多い。\n\n令和6年度の業務量調査では、証明書の交付や要介護認定の調査、文書の回付に多くの時間がかかっていた。12の課と町長へのヒアリングでも、窓口の書類の多さ、紙での転記、除雪の問い合わせの集中が挙がった。",
}

PHASES = [
    (1, "役場の中のデジタイゼーション", 2025, 2026, "紙と転記を減らす"),
    (2, "町民サービスのデジタライゼーション", 2026, 2028, "来なくていい・書かなくていい手続"),
    (3, "雪国の暮らしのDX", 2027, 2029, "冬も安心して暮らせる町"),
]

# 視点: perspectives the plan applies across every 方針, and the measures that serve each.
VIEWPOINTS = [
    ("誰一人取り残さない", "スマートフォンを使わない町民にも、窓口と電話で同じサービスを届ける。", ["1-1", "3-2"]),
    ("データで確かめる", "業務量調査と実績値で効果を確かめ、毎年やり方を見直す。", ["2-1", "2-2", "4-1"]),
]

POLICIES = [
    ("1", "行かない・書かない窓口"),
    ("2", "職員の時間を生む業務改革"),
    ("3", "雪国の暮らしを支えるデジタル"),
    ("4", "人と体制づくり"),
]

ISSUED_ON = dt.date(2025, 3, 24)

GRANT = "新しい地方経済・生活環境創生交付金（デジタル実装型）"
BOND = "デジタル活用推進事業債"
GENERAL = "一般財源"

# number, policy, title, owner, related, purpose, audience, content, goal, steps, budget, funding, challenges, KPIs
MEASURES = [
    (
        "1-1",
        "1",
        "書かない窓口の導入",
        "住民課",
        [],
        "転入などの手続で同じ内容を何枚も書く負担をなくす。",
        "窓口に来る町民",
        "マイナンバーカードの読み取りと聞き取りで申請書を作り、署名だけで済む窓口にする。",
        "転入の手続で町民が書くのは署名1か所だけにする。",
        {
            2025: "窓口の様式の棚卸しと業務フローの見直し",
            2026: "書かない窓口システムの導入（住民課）",
            2027: "税務課・保健福祉課の窓口へ拡大",
        },
        12000,
        [GRANT],
        ["窓口で同じことを何度も書かせている"],
        [("転入1件あたりの記入枚数", "枚", "5", dt.date(2025, 4, 1), "down", {2027: "1"})],
    ),
    (
        "1-2",
        "1",
        "オンライン申請とコンビニ交付の拡充",
        "住民課",
        ["税務課"],
        "証明書や届出のためだけに来庁しなくてよいようにする。",
        "全町民",
        "よく使われる手続からオンライン申請を増やし、住民票の写しなどのコンビニ交付を始める。口座振替の申込もオンラインで受け付ける。",
        "",
        {
            2025: "手続の利用件数を調べ、オンライン化する順番を決める",
            2026: "コンビニ交付の開始、オンライン手続20件",
            2027: "オンライン手続40件",
            2028: "オンライン手続60件",
        },
        8000,
        [GRANT, GENERAL],
        ["証明書のためだけに来庁する高齢者が多い", "口座振替の申込に届出印が必要で手間がかかる"],
        [("オンラインで申請できる手続の数", "件", "12", dt.date(2025, 4, 1), "up", {2027: "40", 2029: "100"})],
    ),
    (
        "2-1",
        "2",
        "要介護認定調査のタブレット化",
        "保健福祉課",
        [],
        "訪問調査の紙の記録と転記をなくし、調査員の時間を生む。",
        "介護保険係の職員と調査員",
        "訪問先でタブレットに入力し、AI-OCRで過去の紙の調査票も取り込む。",
        "",
        {
            2025: "調査票の電子化の方法を比較する",
            2026: "タブレットとAI-OCRの導入",
            2027: "委託先の調査員にも広げる",
        },
        6000,
        [GRANT],
        ["要介護認定の訪問調査が紙で、転記に時間がかかる"],
        [("認定調査の転記にかかる時間", "時間/年", "700", dt.date(2025, 4, 1), "down", {2027: "200"})],
    ),
    (
        "2-2",
        "2",
        "文書の電子決裁化",
        "総務課",
        ["企画政策課"],
        "紙の文書の受付と回付にかかる時間を減らす。",
        "全職員",
        "文書管理・電子決裁システムを導入し、収受から決裁まで紙を回さない。",
        "",
        {
            2025: "文書管理・電子決裁システムの選定",
            2026: "総務課・企画政策課で運用開始",
            2027: "全課で運用",
            2028: "紙の回付を原則廃止",
        },
        15000,
        [BOND],
        ["紙の文書の受付と回付に毎日時間を取られている", "文書の受付と回付に時間がかかる"],
        [("電子決裁の割合", "%", "0", dt.date(2025, 4, 1), "up", {2026: "30", 2028: "80"})],
    ),
    (
        "3-1",
        "3",
        "除雪情報のデジタル発信",
        "建設課",
        ["企画政策課"],
        "大雪の朝に電話が集中して配車の判断が遅れることをなくす。",
        "全町民",
        "除雪車の位置と除雪の進み具合を地図で公開し、要望はLINEで受け付ける。",
        "",
        {
            2026: "除雪車にGPSを付け、位置情報を集める",
            2027: "除雪状況の地図公開とLINEでの要望受付",
            2028: "要望の集計を配車計画に使う",
        },
        9000,
        [GRANT],
        ["除雪の要望や苦情の電話が朝に集中する", "除雪車がどこを走っているか住民に伝わらない"],
        [("除雪に関する電話の件数", "件/年", "1200", dt.date(2025, 3, 31), "down", {2028: "600"})],
    ),
    (
        "3-2",
        "3",
        "見守り記録の共有",
        "保健福祉課",
        ["子育て支援課"],
        "独居高齢者の状況を担当が休んでも分かるようにする。",
        "独居高齢者と見守りに関わる職員",
        "訪問記録をタブレットで入力し、担当の間で共有する。",
        "",
        {2027: "見守り記録の項目を決め、試行する", 2028: "全地区で運用"},
        None,
        [GENERAL],
        ["独居高齢者の見守り記録が共有されていない"],
        [],
    ),
    (
        "4-1",
        "4",
        "DX推進リーダーの育成",
        "総務課",
        ["企画政策課"],
        "DXを進める人を各課に置き、職員のITスキルの差を埋める。",
        "全職員",
        "各課からDX推進リーダーを選び、通年の研修と業務改善の実践を行う。情報セキュリティ研修は全職員が受ける。",
        "各課に1人以上のDX推進リーダーがいる。",
        {
            2025: "研修計画を立て、リーダー候補を選ぶ",
            2026: "第1期リーダー研修（5人）",
            2027: "第2期リーダー研修（5人）",
            2028: "リーダーが各課の業務改善を進める",
        },
        3000,
        [GENERAL],
        ["職員のITスキルにばらつきがある", "職員が減っても住民サービスの質を落とさない"],
        [
            ("DX推進リーダーの人数", "人", "0", dt.date(2025, 4, 1), "up", {2026: "5", 2027: "10"}),
            ("情報セキュリティ研修の受講率", "%", "62", dt.date(2025, 4, 1), "up", {2026: "100"}),
        ],
    ),
]


# One transaction: the town's progress summary is computed once, after it (tracking.summaries).
@transaction.atomic
def create_sample_plan(town) -> Plan | None:
    """Idempotent: a town that already has the plan keeps it as staff changed it."""
    if Plan.objects.filter(municipality=town, title=PLAN["title"]).exists():
        return None
    services.funding_schemes_ensure()
    services.alignment_items_ensure()
    departments = {d.name: d for d in town.departments.all()}
    schemes = {s.name: s for s in FundingScheme.objects.all()}
    challenges = {c.title: c for c in town.challenges.all()}
    plan = services.plan_save(municipality=town, **PLAN)
    for order, name, start, end, goal in PHASES:
        services.phase_save(plan=plan, order=order, name=name, start_year=start, end_year=end, goal=goal)
    policies = {n: services.policy_save(plan=plan, number=n, title=t) for n, t in POLICIES}
    for spec in MEASURES:
        _measure(plan, spec, departments, schemes, challenges, policies)
    for order, (title, description, numbers) in enumerate(VIEWPOINTS, start=1):
        viewpoint = services.viewpoint_save(plan=plan, title=title, description=description, order=order)
        viewpoint.measures.set(plan.measures.filter(number__in=numbers))
    services.version_issue(plan=plan, issued_on=ISSUED_ON, note="策定")
    _revise(plan)
    _written_before_it_was_issued(plan)
    return plan


def _written_before_it_was_issued(plan):
    """The plan and its measures were written before 第1.0版, not on the day the demo is loaded: progress
    tracking only asks a measure for the reports of periods it existed in."""
    written = timezone.make_aware(dt.datetime.combine(ISSUED_ON - dt.timedelta(days=60), dt.time(9, 0)))
    Plan.objects.filter(pk=plan.pk).update(created_at=written)
    plan.measures.update(created_at=written)


def _measure(plan, spec, departments, schemes, challenges, policies):
    (
        number,
        policy,
        title,
        owner,
        related,
        purpose,
        audience,
        content,
        goal,
        steps,
        budget,
        funding,
        heard,
        kpis,
    ) = spec
    linked = [challenges[t] for t in heard if t in challenges]
    measure = services.measure_save(
        plan=plan,
        number=number,
        title=title,
        # A town with other department names (the tests' 手本町) gets the plan under its first department.
        owner=departments.get(owner) or next(iter(departments.values())),
        related_departments=[departments[d] for d in related if d in departments],
        policy=policies[policy],
        purpose=purpose,
        audience=audience,
        content=content,
        goal=goal,
        steps=steps,
        budget_thousand_yen=budget,
        funding=[schemes[f] for f in funding],
        challenges=linked,
        survey_tasks=[t for c in linked for t in c.survey_tasks.all()],
    )
    for name, unit, baseline, baseline_date, direction, targets in kpis:
        services.kpi_save(
            measure=measure,
            name=name,
            unit=unit,
            baseline_value=Decimal(baseline),
            baseline_date=baseline_date,
            direction=direction,
            data_source="業務量調査・所管課の集計",
            targets={y: Decimal(v) for y, v in targets.items()},
        )
    # The DX office went through the suggestions: the clear ones are confirmed, the rest wait for a decision.
    for tag in services.tags_suggest(measure=measure):
        if tag.confidence >= 0.6:
            services.tag_decide(tag=tag, confirm=True, user=None)
    return measure


def _revise(plan):
    """A year on, the town raised a target and issued 第1.1版; one more change is still a draft."""
    kpi = plan.measures.get(number="1-2").kpis.get()
    services.kpi_save(
        measure=kpi.measure,
        kpi=kpi,
        name=kpi.name,
        unit=kpi.unit,
        baseline_value=kpi.baseline_value,
        baseline_date=kpi.baseline_date,
        direction=kpi.direction,
        data_source=kpi.data_source,
        targets={2027: Decimal("50"), 2029: Decimal("100")},
    )
    services.version_issue(
        plan=plan, issued_on=dt.date(2026, 4, 1), note="1-2 のオンライン手続の中間目標を40件から50件に引き上げ"
    )
    measure = plan.measures.get(number="3-2")
    measure.budget_thousand_yen = 2500
    measure.save()
